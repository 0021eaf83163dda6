import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChunk, splitDocuments } from '../../server/src/core/documents';
import { createLanguageService } from '../../server/src/core/languageService';
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
  assert.deepEqual(kinds('apiVersion: kuma.io/v1alpha1\nkind: MeshTrafficPermission\n'), [{ role: 'other' }]);
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
