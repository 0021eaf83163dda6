import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addMeshLabelEdits,
  fnv32a,
  headlessMeshServiceName,
  safeEncodeString,
  serviceToMeshService,
} from '../../server/src/core/convert/serviceToMeshService';
import type { ConvertInput, GenerateResult, TextEdit } from '../../server/src/core/convert/types';
import { createLanguageService, type LanguageService } from '../../server/src/core/host/languageService';
import { isKumaVersion, type KumaVersion } from '../../server/src/core/kuma/versions';
import { conversionActions } from '../../server/src/core';
import { assertGolden } from '../helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'convert');

/** Loads a case's input and workspace into a language service; returns the Service inputs. */
function load(text: string, workspace: string | undefined, version: KumaVersion): { ls: LanguageService; inputs: ConvertInput[] } {
  const ls = createLanguageService();
  ls.setFile('file:///ws/input.yaml', text, 'disk');
  if (workspace !== undefined) ls.setFile('file:///ws/workspace.yaml', workspace, 'disk');
  const index = ls.index();
  const a = ls.analyze(text, { kumaVersion: version, validate: false });
  const inputs = a.documents
    .filter((d) => d.classification.role === 'kubernetes' && d.classification.kind === 'Service')
    .map((d) => ({ doc: d.parsed, chunk: text.slice(d.offset, d.offset + d.chunkLength), version, index }));
  return { ls, inputs };
}

/** A result as the golden file shows it: the sentences as comments, then the documents. */
function render(results: GenerateResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const s of r.skipped) lines.push(`# skipped: ${s}`);
    for (const s of r.unverified) lines.push(`# unverified: ${s}`);
    if (r.addMeshLabel) lines.push(`# addMeshLabel: ${r.addMeshLabel.length} edit(s), see fixed.yaml`);
  }
  const docs = results.flatMap((r) => r.generated.map((g) => `# ${g.label}\n${g.yaml}`));
  return [lines.join('\n') + (lines.length ? '\n' : ''), ...docs].filter((s) => s !== '').join('---\n');
}

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range.start - a.range.start))
    out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}

/** Every generated document must pass the checker of its version with no errors. */
function assertValid(r: GenerateResult, version: KumaVersion): void {
  const ls = createLanguageService();
  for (const g of r.generated) {
    const errors = ls.analyze(g.yaml, { kumaVersion: version, validate: true }).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(
      errors.map((d) => `${d.code}: ${d.message}`),
      [],
      `${g.label} at ${version}:\n${g.yaml}`,
    );
  }
}

const cases = readdirSync(FIXTURES).filter((c) => c.startsWith('svc-'));

for (const c of cases) {
  test(`golden ${c}`, () => {
    const dir = join(FIXTURES, c);
    const version = existsSync(join(dir, 'version')) ? readFileSync(join(dir, 'version'), 'utf8').trim() : '2.14';
    assert.ok(isKumaVersion(version), `bad version ${version}`);
    const input = readFileSync(join(dir, 'input.yaml'), 'utf8');
    const wsPath = join(dir, 'workspace.yaml');
    const workspace = existsSync(wsPath) ? readFileSync(wsPath, 'utf8') : undefined;
    const { inputs } = load(input, workspace, version);
    assert.ok(inputs.length > 0, 'the input has no Service');
    const results = inputs.map(serviceToMeshService);
    assertGolden(join(dir, 'expected.yaml'), render(results));
    for (const r of results) {
      assertValid(r, version);
      // Every assumption has its short form for the action title.
      assert.equal(r.assumed?.length ?? 0, r.unverified.length, `${c}: short forms of ${r.unverified.join(' | ')}`);
    }
    const withEdit = results.findIndex((r) => r.addMeshLabel);
    if (withEdit >= 0) {
      // Inputs hold one Service each: the edit's chunk offsets are file offsets for the first chunk.
      const fixed = applyEdits(input, results[withEdit].addMeshLabel!);
      assertGolden(join(dir, 'fixed.yaml'), fixed);
      const again = load(fixed, workspace, version).inputs.map(serviceToMeshService);
      assert.deepEqual(again[withEdit].skipped, [], 'the fixed Service still gets no MeshService');
      assert.equal(again[withEdit].generated.length, 1);
      assertValid(again[withEdit], version);
    }
  });
}

test('headless name hash: Service example in demo gives suffix 87ff74c98 (SPEC 8.3)', () => {
  assert.equal(fnv32a('exampledemo'), 439930754);
  assert.equal(safeEncodeString('439930754'), '87ff74c98');
  assert.equal(headlessMeshServiceName('example-0', 'example', 'demo'), 'example-0-87ff74c98');
  // A Pod name of 53 characters puts the Pod name into the hash and cuts the prefix to 52.
  const long = 'a'.repeat(53);
  const name = headlessMeshServiceName(long, 'example', 'demo');
  assert.equal(name.slice(0, 53), `${'a'.repeat(52)}-`);
  assert.equal(name, `${'a'.repeat(52)}-${safeEncodeString(String(fnv32a(`exampledemo${long}`)))}`);
  assert.ok(name.length <= 63);
  assert.equal(headlessMeshServiceName('a'.repeat(52), 'example', 'demo'), `${'a'.repeat(52)}-87ff74c98`);
});

test('kuma.io/ignore at 2.13 is read as at 2.14 (Kuma v2.13.10, checked by the conformance oracle)', () => {
  const dir = join(FIXTURES, 'svc-ignore-2-14');
  const { inputs } = load(readFileSync(join(dir, 'input.yaml'), 'utf8'), readFileSync(join(dir, 'workspace.yaml'), 'utf8'), '2.13');
  const r = serviceToMeshService(inputs[0]);
  assert.equal(r.generated.length, 0);
  assert.ok(r.skipped.some((s) => s.includes('kuma.io/ignore')));
});

const NS_PLAIN = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: plain\n';

function editOf(text: string): string | undefined {
  const { inputs } = load(text, NS_PLAIN, '2.14');
  const r = serviceToMeshService(inputs[0]);
  return r.addMeshLabel ? applyEdits(text, r.addMeshLabel) : undefined;
}

test('addMeshLabel: block labels, flow labels, empty labels, no labels, CRLF, after a --- marker', () => {
  const svc = (meta: string) => `apiVersion: v1\nkind: Service\nmetadata:\n${meta}spec:\n  ports:\n    - port: 80\n`;
  assert.equal(
    editOf(svc('  name: a\n  namespace: plain\n  labels:\n    app: a # the app\n')),
    svc('  name: a\n  namespace: plain\n  labels:\n    app: a # the app\n    kuma.io/mesh: default\n'),
  );
  assert.equal(
    editOf(svc('  name: a\n  namespace: plain\n  labels: {app: a}\n')),
    svc('  name: a\n  namespace: plain\n  labels: {app: a, kuma.io/mesh: default}\n'),
  );
  assert.equal(
    editOf(svc('  name: a\n  namespace: plain\n  labels: {}\n')),
    svc('  name: a\n  namespace: plain\n  labels: {kuma.io/mesh: default}\n'),
  );
  assert.equal(
    editOf(svc('  name: a\n  namespace: plain\n  labels:\n')),
    svc('  name: a\n  namespace: plain\n  labels:\n    kuma.io/mesh: default\n'),
  );
  assert.equal(
    editOf(svc('  namespace: plain\n  name: a\n  annotations:\n    x: y\n')),
    svc('  namespace: plain\n  name: a\n  annotations:\n    x: y\n  labels:\n    kuma.io/mesh: default\n'),
  );
  const crlf = svc('   name: a\n   namespace: plain\n').replace(/\n/g, '\r\n');
  assert.equal(editOf(crlf), svc('   name: a\n   namespace: plain\n   labels:\n      kuma.io/mesh: default\n').replace(/\n/g, '\r\n'));
  // A Service that is the second document: offsets are relative to its chunk.
  const two = `${NS_PLAIN}---\n${svc('  name: a\n  namespace: plain\n')}`;
  const { inputs } = load(two, undefined, '2.14');
  const r = serviceToMeshService(inputs[0]);
  const chunk = inputs[0].chunk;
  assert.equal(applyEdits(chunk, r.addMeshLabel!), `---\n${svc('  name: a\n  namespace: plain\n  labels:\n    kuma.io/mesh: default\n')}`);
  // No metadata mapping to edit: no edit.
  assert.equal(
    addMeshLabelEdits(load('apiVersion: v1\nkind: Service\nmetadata: {name: a}\n', undefined, '2.14').inputs[0].doc, 'x'),
    undefined,
  );
});

test('only the missing mesh label blocks: no edit when something else blocks too', () => {
  const text =
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: plain\nspec:\n  type: ExternalName\n  externalName: x.example.com\n';
  const { inputs } = load(text, NS_PLAIN, '2.14');
  const r = serviceToMeshService(inputs[0]);
  assert.equal(r.skipped.length, 2);
  assert.equal(r.addMeshLabel, undefined);
});

test('a document that is not a Service is refused in words', () => {
  const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n';
  const ls = createLanguageService();
  const d = ls.analyze(text).documents[0];
  const r = serviceToMeshService({ doc: d.parsed, chunk: text, version: '2.14', index: ls.index() });
  assert.equal(r.generated.length, 0);
  assert.match(r.skipped[0], /not a Kubernetes Service/);
});

test('the "Add the MeshService" action says its assumptions in its title, before it is applied', () => {
  const svc = (ns: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\n  namespace: ${ns}\nspec:\n  selector:\n    app: backend\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n`;
  const title = (text: string, version: KumaVersion, workspace?: string) => {
    const { ls } = load(text, workspace, version);
    const actions = conversionActions(ls, text, { start: 0, end: 0 }, { kumaVersion: version, validate: true });
    const add = actions.find((a) => a.title.startsWith('Add the MeshService Kuma generates'))!;
    return { title: add.title, notes: add.notes };
  };
  // Namespace and Mesh absent at 3.0: two short assumptions fit.
  const two = title(svc('shop'), '3.0');
  assert.equal(
    two.title,
    'Add the MeshService Kuma generates for this Service (assumes: namespace shop exists with sidecar injection, mesh default exists)',
  );
  // The full sentences stay one click away.
  assert.equal(two.notes?.length, 2);
  assert.match(String(two.notes?.[0]), /^Namespace shop is not in the workspace: this assumes it exists/);
  // At 2.14 there are three: the title keeps what fits and counts the rest.
  assert.equal(
    title(svc('shop'), '2.14').title,
    'Add the MeshService Kuma generates for this Service (assumes: namespace shop exists with sidecar injection, +2 more)',
  );
  // Nothing assumed: the plain title.
  const ws =
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    kuma.io/sidecar-injection: enabled\n---\napiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata:\n  name: default\n';
  const none = title(svc('shop'), '3.0', ws);
  assert.equal(none.title, 'Add the MeshService Kuma generates for this Service');
  assert.equal(none.notes, undefined);
});
