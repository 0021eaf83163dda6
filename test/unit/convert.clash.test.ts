import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceToMeshService } from '../../server/src/core/convert/serviceToMeshService';
import { createLanguageService } from '../../server/src/core/host/languageService';

const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\n  namespace: demo\n  labels:\n    kuma.io/mesh: default\nspec:\n  selector:\n    app: redis\n  ports:\n    - port: 6379\n';

function convert(other: string) {
  const service = createLanguageService();
  const text = SERVICE + '---\n' + other;
  service.setFile('file:///ws/app.yaml', text, 'open');
  const a = service.analyze(text, { kumaVersion: '3.0', validate: false });
  const d = a.documents[0];
  return serviceToMeshService({
    doc: d.parsed,
    chunk: text.slice(d.offset, d.offset + d.chunkLength),
    version: '3.0',
    index: service.index(),
  });
}

test('a hand-written MeshService of the same name blocks generation, as Kuma reports it', () => {
  const r = convert(
    'apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: redis\n  namespace: demo\nspec:\n  selector:\n    dataplaneRef: {name: redis-0.demo}\n',
  );
  assert.deepEqual(r.generated, []);
  assert.equal(r.skipped.length, 1);
  assert.match(r.skipped[0], /already exists in namespace demo \(app\.yaml\).*"MeshService already exists and isn't owned by Service"/);
});

test('the MeshService Kuma generated for it is recognised; another namespace does not clash', () => {
  const generated = convert(
    'apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: redis\n  namespace: demo\n  labels:\n    k8s.kuma.io/service-name: redis\n    kuma.io/managed-by: k8s-controller\nspec: {}\n',
  );
  assert.match(generated.skipped[0], /that Kuma generates for Service redis is already in the workspace/);
  const elsewhere = convert('apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: redis\n  namespace: other\nspec: {}\n');
  assert.equal(elsewhere.generated.length, 1);
});
