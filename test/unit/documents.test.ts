import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChunk, splitDocuments } from '../../server/src/core/yaml/documents';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { LineIndex } from '../../server/src/core/yaml/positions';
import { schemaHover } from '../../server/src/core/features/hover';
import { dedent } from '../helpers';

test('splits at --- lines only, keeping every byte', () => {
  const text = 'a: 1\n---\nb: 2\n--- # c\nc: "---"\nd: |\n  ---x\n---\n';
  const chunks = splitDocuments(text);
  assert.deepEqual(
    chunks.map((c) => c.text),
    ['a: 1\n', '---\nb: 2\n', '--- # c\nc: "---"\nd: |\n  ---x\n', '---\n'],
  );
  assert.equal(chunks.map((c) => c.text).join(''), text);
  assert.deepEqual(
    chunks.map((c) => c.start),
    [0, 5, 14, 43],
  );
});

test('classifies both Kuma forms, Kubernetes objects for cross-reference, and leaves the rest alone', () => {
  const kinds = (src: string) => parseChunk(dedent(src)).map((d) => d.classification);
  assert.deepEqual(kinds('apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata: {name: a}\n'), [
    { role: 'kuma', kind: 'MeshService', form: 'kubernetes' },
  ]);
  assert.deepEqual(kinds('type: Dataplane\nname: a\nmesh: default\n'), [{ role: 'kuma', kind: 'Dataplane', form: 'universal' }]);
  assert.deepEqual(kinds('apiVersion: apps/v1\nkind: Deployment\n'), [{ role: 'kubernetes', kind: 'Deployment' }]);
  assert.deepEqual(kinds('apiVersion: v1\nkind: Service\n'), [{ role: 'kubernetes', kind: 'Service' }]);
  assert.deepEqual(kinds('apiVersion: kuma.io/v1alpha1\nkind: MeshTrafficPermission\n'), [
    { role: 'kuma', kind: 'MeshTrafficPermission', form: 'kubernetes' },
  ]);
  assert.deepEqual(kinds('type: MeshTimeout\nname: t\nmesh: default\nspec: {}\n'), [
    { role: 'kuma', kind: 'MeshTimeout', form: 'universal' },
  ]);
  // Kuma kinds this tool does not cover are still left alone.
  assert.deepEqual(kinds('apiVersion: kuma.io/v1alpha1\nkind: MeshGateway\n'), [{ role: 'other' }]);
  assert.deepEqual(kinds('type: MeshIdentity\nname: x\n'), [{ role: 'other' }]);
  assert.deepEqual(kinds('on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n'), [{ role: 'other' }]);
  assert.deepEqual(kinds('services:\n  web:\n    image: nginx\n    type: MeshService\n'), [{ role: 'other' }]);
});

test('an edit re-parses only the document it touches', () => {
  const doc = (i: number) =>
    `---\ntype: MeshService\nname: svc-${i}\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: a${i}\n  ports:\n    - port: ${8000 + i}\n      targetPort: ${8000 + i}\n`;
  const text = Array.from({ length: 200 }, (_, i) => doc(i)).join('');
  const service = createLanguageService();
  const first = service.analyze(text);
  assert.equal(first.documents.length, 200);
  assert.equal(service.stats.parses, 200);
  const edited = text.replace('port: 8100', 'port: 8101');
  const second = service.analyze(edited);
  assert.equal(service.stats.parses, 201, 'one document re-parsed');
  assert.equal(service.stats.validations, 201, 'one document re-validated');
  assert.equal(second.documents.length, 200);
});

test('checked files drop their parse trees past the budget; requests and re-checks parse them again', () => {
  const svc = (i: number) =>
    `---\ntype: MeshService\nname: svc-${i}\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: a${i}\n  ports:\n    - port: ${8000 + i}\n      appProtocol: http\n      bogus${i}: 1\n`;
  const a = svc(1) + svc(2);
  const b = svc(3);
  const seen = (service: ReturnType<typeof createLanguageService>, uri: string, text: string, v: '2.14' | '2.9') =>
    service
      .diagnose(uri, text, { kumaVersion: v, validate: true })
      .diagnostics.map((d) => `${d.code} ${text.slice(d.range.start, d.range.end)}`);
  const hoverAt = (service: ReturnType<typeof createLanguageService>, text: string, word: string) => {
    const at = text.lastIndexOf(word) + 2;
    const d = service
      .analyze(text)
      .documents.filter((x) => x.offset <= at)
      .at(-1)!;
    return schemaHover(d.parsed, text.slice(d.offset, d.offset + d.chunkLength), at - d.offset, '2.14')?.markdown;
  };
  const fresh = createLanguageService();
  const small = createLanguageService({ treeBudget: 1 });
  for (const s of [fresh, small]) {
    s.setFile('file:///a.yaml', a, 'open');
    s.setFile('file:///b.yaml', b, 'open');
  }
  assert.deepEqual(seen(small, 'file:///a.yaml', a, '2.14'), seen(fresh, 'file:///a.yaml', a, '2.14'));
  assert.deepEqual(seen(small, 'file:///b.yaml', b, '2.14'), seen(fresh, 'file:///b.yaml', b, '2.14'));
  assert.ok(seen(small, 'file:///b.yaml', b, '2.14').includes('schema-unknown-key bogus3'));
  const parsed = small.stats.parses;
  assert.equal(parsed, 3, 'each document parsed once while it was checked');
  // a.yaml's trees are gone now: a hover there parses its document again, once.
  const expected = hoverAt(fresh, a, 'appProtocol');
  assert.ok(expected?.includes('spec.ports[].appProtocol'));
  assert.equal(hoverAt(small, a, 'appProtocol'), expected);
  assert.equal(small.stats.parses, parsed + 1);
  assert.equal(hoverAt(small, a, 'appProtocol'), expected);
  assert.equal(small.stats.parses, parsed + 1, 'the tree stays while it is in use');
  // Checking against another version reads the trees again and finds the same problems as a fresh service.
  assert.deepEqual(seen(small, 'file:///a.yaml', a, '2.9'), seen(fresh, 'file:///a.yaml', a, '2.9'));
  assert.ok(seen(small, 'file:///a.yaml', a, '2.9').includes('schema-unknown-key bogus2'));
});

test('opening a file of many documents parses each once, however small the tree budget', () => {
  const doc = (i: number) =>
    `---\ntype: MeshService\nname: svc-${i}\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: a${i}\n  ports:\n    - port: ${8000 + i}\n      appProtocol: ${i === 40 ? 'websocket' : 'http'}\n`;
  const text = Array.from({ length: 50 }, (_, i) => doc(i)).join('');
  const service = createLanguageService({ treeBudget: 1 });
  // What the language server does on didOpen: record the file's facts, then check it.
  service.setFile('file:///many.yaml', text, 'open');
  const a = service.diagnose('file:///many.yaml', text, { kumaVersion: '2.14', validate: true });
  assert.deepEqual(
    a.diagnostics.filter((d) => d.code === 'app-protocol-unsupported').map((d) => text.slice(d.range.start, d.range.end)),
    ['websocket'],
  );
  assert.equal(service.stats.parses, 50);
});

test('ranges of later documents shift when an earlier document grows', () => {
  const service = createLanguageService();
  const a =
    'type: MeshService\nname: a\nmesh: default\nspec:\n  selector: {dataplaneTags: {app: a}}\n  ports: [{port: 1, targetPort: 1}]\n';
  const b =
    '---\ntype: MeshService\nname: b\nmesh: default\nspec:\n  selector: {dataplaneTags: {app: b}}\n  ports: [{port: 2, targetPort: 2}]\n  bogus: 1\n';
  for (const prefix of ['', '# a comment\n# and another\n']) {
    const text = prefix + a + b;
    const d = service.analyze(text).diagnostics.filter((x) => x.code === 'schema-unknown-key');
    assert.equal(d.length, 1);
    assert.equal(text.slice(d[0].range.start, d[0].range.end), 'bogus');
    assert.equal(d[0].document, 1);
  }
});

test('after any edit, the re-used split and line index equal a fresh one', () => {
  // A deterministic stream of edits that add, remove and break document markers, line breaks
  // and values at random places of a file large enough to be split incrementally.
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const doc = (i: number) =>
    `apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: svc-${i}\n  namespace: default\nspec:\n  ports:\n  - port: ${8000 + i}\n    appProtocol: ${i % 3 ? 'http' : 'websocket'}\n`;
  let text = Array.from({ length: 60 }, (_, i) => doc(i)).join('---\n');
  const pieces = ['---\n', '\n---', '-', '\n', 'x', '9', ' ', 'ports: [', '--- # c\n', ''];
  const service = createLanguageService();
  let index = new LineIndex(text);
  service.analyze(text);
  for (let step = 0; step < 300; step++) {
    const at = rand(text.length + 1);
    const del = rand(4) === 0 ? rand(40) : rand(2);
    text = text.slice(0, at) + pieces[rand(pieces.length)] + text.slice(at + del);
    const incremental = service.analyze(text);
    const fresh = createLanguageService().analyze(text);
    const view = (a: typeof fresh) => ({
      documents: a.documents.map((d) => [d.index, d.offset, d.chunkLength, d.range.start, d.range.end, d.classification.role]),
      diagnostics: a.diagnostics.map((d) => [d.code, d.range.start, d.range.end, d.document]),
    });
    assert.deepEqual(view(incremental), view(fresh), `after edit ${step} at ${at}`);
    index = LineIndex.update(index, text);
    const lines = new LineIndex(text);
    assert.equal(index.lineCount, lines.lineCount, `line count after edit ${step}`);
    for (const o of [0, at, at + 1, text.length - 1, text.length, rand(text.length + 1)])
      assert.deepEqual(index.positionAt(o), lines.positionAt(o), `position of ${o} after edit ${step}`);
  }
});
