import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChunk, splitDocuments, type ParsedDocument } from '../../server/src/core/yaml/documents';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { applyEdits, convertForm, diffEdits } from '../../server/src/core/convert/format';
import type { ConvertInput } from '../../server/src/core/convert/types';
import { WorkspaceIndex } from '../../server/src/core/host/workspaceIndex';
import { isKumaVersion, type KumaVersion } from '../../server/src/core/kuma/versions';
import { assertGolden } from '../helpers';

const DIR = join('test', 'fixtures', 'convert');
const service = createLanguageService();

interface Target {
  chunkStart: number;
  chunk: string;
  input: ConvertInput;
}

/** The first Kuma document of a file that `pick` accepts, as a conversion input. */
function target(text: string, version: KumaVersion, pick: (d: ParsedDocument) => boolean): Target {
  for (const c of splitDocuments(text)) {
    for (const doc of parseChunk(c.text)) {
      if (doc.classification.role === 'kuma' && pick(doc)) {
        return { chunkStart: c.start, chunk: c.text, input: { doc, chunk: c.text, version, index: new WorkspaceIndex([]) } };
      }
    }
  }
  throw new Error('no target document');
}

function convertFile(text: string, version: KumaVersion, to: 'universal' | 'kubernetes', namespace?: string) {
  const t = target(text, version, (d) => d.classification.role === 'kuma' && d.classification.form !== to);
  const r = convertForm(t.input, to, { namespace });
  if ('error' in r) throw new Error(r.error);
  const out = text.slice(0, t.chunkStart) + applyEdits(t.chunk, r.edits) + text.slice(t.chunkStart + t.chunk.length);
  return { text: out, notes: r.notes, edits: r.edits };
}

function errorsOf(text: string, version: KumaVersion) {
  return service
    .analyze(text, { kumaVersion: version, validate: true })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.data.path}: ${d.message}`);
}

const fixtures = readdirSync(DIR).filter((d) => d.startsWith('format-'));

for (const name of fixtures) {
  test(`golden ${name}`, () => {
    const dir = join(DIR, name);
    const input = readFileSync(join(dir, 'input.yaml'), 'utf8');
    const v = existsSync(join(dir, 'version')) ? readFileSync(join(dir, 'version'), 'utf8').trim() : '2.14';
    assert.ok(isKumaVersion(v));
    const ns = existsSync(join(dir, 'namespace')) ? readFileSync(join(dir, 'namespace'), 'utf8').trim() : undefined;
    const to = name.startsWith('format-k8s-') ? 'universal' : 'kubernetes';
    const r = convertFile(input, v, to, ns);
    assertGolden(join(dir, 'expected.yaml'), r.text);
    assert.deepEqual(errorsOf(r.text, v), [], `errors after converting ${name}`);
    assert.ok(r.notes.every((n) => typeof n === 'string' && n.length > 0));
  });
}

/** The source text of the top-level `spec` subtree (Dataplane: of its body), for identity checks. */
function specText(text: string, form: 'kubernetes' | 'universal'): string {
  const doc = parseChunk(text).find((d) => d.classification.role === 'kuma')!;
  const root = doc.doc.contents as import('yaml').YAMLMap;
  if (form === 'kubernetes' || doc.classification.role !== 'kuma' || doc.classification.kind !== 'Dataplane') {
    const spec = root.items.find((p) => String((p.key as { value: unknown }).value) === 'spec')!;
    return text.slice((spec.key as import('yaml').Node).range![0], text.length);
  }
  return text;
}

for (const name of ['format-k8s-meshservice', 'format-k8s-meshexternalservice', 'format-k8s-hostnamegenerator', 'format-k8s-dataplane']) {
  test(`round trip Kubernetes → Universal → Kubernetes keeps spec byte for byte: ${name}`, () => {
    const input = readFileSync(join(DIR, name, 'input.yaml'), 'utf8');
    const ns = /namespace: (\S+)/.exec(input)![1];
    const uni = convertFile(input, '2.14', 'universal').text;
    const back = convertFile(uni, '2.14', 'kubernetes', ns).text;
    assert.equal(specText(back, 'kubernetes'), specText(input, 'kubernetes'));
    assert.deepEqual(errorsOf(back, '2.14'), []);
  });
}

test('Universal → Kubernetes without a namespace notes it; MeshExternalService goes to kuma-system', () => {
  const ms = convertFile('type: MeshService\nname: a\nspec:\n  ports: []\n', '2.14', 'kubernetes');
  assert.ok(ms.notes.some((n) => n.includes('add metadata.namespace')));
  assert.ok(!ms.text.includes('namespace:'));
  assert.match(ms.text, /labels:\n {4}kuma\.io\/mesh: default\n/);
  const mes = convertFile(
    'type: MeshExternalService\nname: ext\nmesh: default\nspec:\n  match:\n    type: HostnameGenerator\n    port: 80\n    protocol: tcp\n  endpoints:\n  - address: 1.1.1.1\n    port: 80\n',
    '2.14',
    'kubernetes',
  );
  assert.match(mes.text, /\n {2}namespace: kuma-system\n/);
});

test('Kubernetes → Universal notes the namespace, annotations and status, and drops kuma.io/mesh from labels', () => {
  const r = convertFile(readFileSync(join(DIR, 'format-k8s-meshservice', 'input.yaml'), 'utf8'), '2.14', 'universal');
  assert.ok(r.notes.some((n) => n.includes('Universal has no namespaces')));
  assert.ok(r.notes.some((n) => n.includes('annotations')));
  assert.ok(!/kuma\.io\/mesh/.test(r.text));
  const hg = convertFile(readFileSync(join(DIR, 'format-k8s-hostnamegenerator', 'input.yaml'), 'utf8'), '2.14', 'universal');
  assert.ok(!/^mesh:/m.test(hg.text), 'HostnameGenerator is mesh-less');
});

test('refuses a document already in the target form, and non-Kuma documents', () => {
  const doc = parseChunk('type: MeshService\nname: a\nspec: {}\n')[0];
  const r = convertForm(
    { doc, chunk: 'type: MeshService\nname: a\nspec: {}\n', version: '2.14', index: new WorkspaceIndex([]) },
    'universal',
  );
  assert.ok('error' in r);
  const other = parseChunk('a: 1\n')[0];
  assert.ok('error' in convertForm({ doc: other, chunk: 'a: 1\n', version: '2.14', index: new WorkspaceIndex([]) }, 'kubernetes'));
});

test('diffEdits gives minimal, non-overlapping edits that reproduce the target', () => {
  const a = 'a: 1\nb: 2\nc: 3\nd: 4\n';
  const b = 'a: 1\nb: 20\nc: 3\nx: 0\nd: 4\n';
  const edits = diffEdits(a, b);
  assert.equal(applyEdits(a, edits), b);
  assert.deepEqual(edits, [
    { range: { start: 9, end: 9 }, newText: '0' },
    { range: { start: 15, end: 15 }, newText: 'x: 0\n' },
  ]);
});
