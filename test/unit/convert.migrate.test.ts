import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChunk, splitDocuments } from '../../server/src/core/yaml/documents';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { applyEdits } from '../../server/src/core/convert/format';
import { migrateSelectors, migrateToKuma30 } from '../../server/src/core/convert/migrate';
import type { ConvertInput, TextEdit } from '../../server/src/core/convert/types';
import { WorkspaceIndex } from '../../server/src/core/host/workspaceIndex';
import { isKumaVersion, type KumaVersion } from '../../server/src/core/kuma/versions';
import { assertGolden } from '../helpers';

const DIR = join('test', 'fixtures', 'convert');
const service = createLanguageService();

type Migration = (input: ConvertInput) => { edits: TextEdit[]; notes: string[] } | { error: string };

/** Runs a migration on the first Kuma document of a file and applies the edits at that document's offset. */
function migrateFile(text: string, version: KumaVersion, fn: Migration) {
  for (const c of splitDocuments(text)) {
    for (const doc of parseChunk(c.text)) {
      if (doc.classification.role !== 'kuma') continue;
      const r = fn({ doc, chunk: c.text, version, index: new WorkspaceIndex([]) });
      // A refused migration leaves the document as it is, with the reason.
      if ('error' in r) return { text, notes: [r.error], edits: [] };
      for (const e of r.edits) assert.ok(e.range.start >= 0 && e.range.end <= c.text.length);
      const out = text.slice(0, c.start) + applyEdits(c.text, r.edits) + text.slice(c.start + c.text.length);
      return { text: out, notes: r.notes, edits: r.edits };
    }
  }
  throw new Error('no Kuma document');
}

function errorsOf(text: string, version: KumaVersion) {
  return service
    .analyze(text, { kumaVersion: version, validate: true })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.data.path}: ${d.message}`);
}

const fixtures = readdirSync(DIR).filter((d) => d.startsWith('migrate-'));
const results = new Map<string, { text: string; notes: string[] }>();

for (const name of fixtures) {
  test(`golden ${name}`, () => {
    const dir = join(DIR, name);
    const input = readFileSync(join(dir, 'input.yaml'), 'utf8');
    const v = existsSync(join(dir, 'version')) ? readFileSync(join(dir, 'version'), 'utf8').trim() : '2.14';
    assert.ok(isKumaVersion(v));
    const r = migrateFile(input, v, name.startsWith('migrate-30-') ? migrateToKuma30 : migrateSelectors);
    results.set(name, r);
    assertGolden(join(dir, 'expected.yaml'), r.text);
    assert.deepEqual(errorsOf(r.text, v), [], `errors after migrating ${name}`);
  });
}

test('selector migration notes: kuma.io/service rewritten in Universal, explained on Kubernetes', () => {
  const uni = results.get('migrate-selectors-universal')!;
  assert.ok(uni.notes.some((n) => n.includes('became kuma.io/workload: redis')));
  // On Kubernetes kuma.io/service is no Pod label: without the Service's workloads in the workspace to
  // show that the other labels select the same Pods, the selector is left as it is, with what to select.
  const k8s = results.get('migrate-selectors-kubernetes')!;
  assert.match(k8s.text, /dataplaneTags:[\s\S]*kuma\.io\/service: redis_kuma-demo_svc_6379/);
  assert.ok(
    k8s.notes.some(
      (n) => n.includes('left as it is') && n.includes("Service redis's Pods") && n.includes('k8s.kuma.io/namespace: kuma-demo'),
    ),
  );
});

test('3.0 migration notes what it removed and why', () => {
  const ms = results.get('migrate-30-meshservice')!;
  assert.ok(ms.notes.some((n) => n.includes('ServiceTag')));
  assert.ok(ms.notes.some((n) => n.includes('also has dataplaneRef')));
  const dp = results.get('migrate-30-dataplane')!;
  assert.ok(dp.notes.some((n) => n.includes('version: v1')));
  assert.ok(dp.notes.some((n) => n.includes('kuma.io/workload: redis')));
});

test('selector migration needs 2.14 and a dataplaneTags selector', () => {
  const text = 'type: MeshService\nname: a\nspec:\n  selector:\n    dataplaneTags:\n      app: a\n';
  const doc = parseChunk(text)[0];
  const input = { doc, chunk: text, version: '2.9' as KumaVersion, index: new WorkspaceIndex([]) };
  assert.ok('error' in migrateSelectors(input));
  const none = 'type: MeshService\nname: a\nspec:\n  selector:\n    dataplaneRef:\n      name: a\n';
  assert.ok('error' in migrateSelectors({ ...input, doc: parseChunk(none)[0], chunk: none, version: '3.0' }));
  assert.deepEqual(migrateToKuma30({ ...input, doc: parseChunk(none)[0], chunk: none, version: '3.0' }).edits, []);
});

test('selector migration inside a flow selector and with the key last in the file', () => {
  const flow = 'type: MeshService\nname: a\nspec:\n  ports: []\n  selector: {dataplaneTags: {app: a}}';
  const r = migrateFile(flow, '2.14', migrateSelectors);
  assert.equal(r.text, 'type: MeshService\nname: a\nspec:\n  ports: []\n  selector: {dataplaneLabels: {matchLabels: {app: a}}}');
  const last = 'type: MeshService\nname: a\nspec:\n  ports: []\n  selector:\n    dataplaneTags:\n      app: a';
  assert.equal(
    migrateFile(last, '2.14', migrateSelectors).text,
    'type: MeshService\nname: a\nspec:\n  ports: []\n  selector:\n    dataplaneLabels:\n      matchLabels:\n        app: a',
  );
});

test('3.0 migration leaves kafka and non-RFC 1035 names to the user, with notes', () => {
  const text =
    'type: MeshService\nname: Redis_Main\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: redis\n  ports:\n  - port: 9092\n    targetPort: 9092\n    appProtocol: kafka # broker\n';
  const r = migrateFile(text, '3.0', migrateToKuma30);
  assert.ok(r.notes.some((n) => n.includes('kafka') && n.includes('no automatic fix')));
  assert.ok(r.notes.some((n) => n.includes('Redis_Main') && n.includes('RFC 1035')));
  assert.match(r.text, /appProtocol: kafka # broker\n/);
  assert.match(r.text, /name: Redis_Main\n/);
  assert.match(r.text, /dataplaneLabels:\n {6}matchLabels:\n {8}app: redis\n/);
  const codes = service
    .analyze(r.text, { kumaVersion: '3.0', validate: true })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.code);
  assert.deepEqual([...new Set(codes)].sort(), ['app-protocol-invalid', 'name-invalid', 'name-rfc1035']);
});

test('3.0 migration of a Mesh targetRef with proxyTypes: both kinds go (3.0 Mesh selects every proxy), one kind is left with the reason', () => {
  const policy = (types: string) =>
    `type: MeshTimeout\nname: t\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n    proxyTypes: ${types}\n  to:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 20s\n`;
  const both = migrateFile(policy('[Sidecar, Gateway]'), '2.14', migrateToKuma30);
  assert.equal(both.text, policy('').replace('    proxyTypes: \n', ''));
  assert.ok(both.notes.some((n) => /^Removed spec\.targetRef\.proxyTypes \(Sidecar, Gateway\)/.test(n)));
  const flow = 'type: MeshTimeout\nname: t\nmesh: default\nspec:\n  targetRef: {kind: Mesh, proxyTypes: [Gateway, Sidecar]}\n  to: []\n';
  assert.equal(migrateFile(flow, '2.14', migrateToKuma30).text, flow.replace(', proxyTypes: [Gateway, Sidecar]', ''));
  const sidecars = migrateFile(policy('[Sidecar]'), '2.14', migrateToKuma30);
  assert.equal(sidecars.text, policy('[Sidecar]'));
  assert.ok(sidecars.notes.some((n) => /^Left spec\.targetRef \(kind Mesh, proxyTypes Sidecar\) as it is: /.test(n)));
  const none = migrateFile(policy('[]'), '2.14', migrateToKuma30);
  assert.equal(none.text, policy('').replace('    proxyTypes: \n', ''));
});
