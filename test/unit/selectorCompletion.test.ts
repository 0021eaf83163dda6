import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectorCompletions } from '../../server/src/core/features/completion/selectors';
import { dedent, loadWorkspace } from '../helpers';

const DATAPLANES = dedent(`
  #- dp.yaml
  type: Dataplane
  mesh: default
  name: backend-1
  labels:
    app: backend
    version: v1
  networking:
    address: 10.0.0.1
    inbound:
      - port: 18080
        name: http
        tags:
          kuma.io/service: backend
          team: payments
  ---
  type: Dataplane
  mesh: other
  name: stranger
  labels:
    app: stranger
  networking:
    address: 10.0.0.9
    inbound:
      - port: 1
        tags:
          kuma.io/service: stranger
`);

function complete(src: string, version: '2.9' | '2.14' | '3.0' = '2.14') {
  const { service, cursor } = loadWorkspace(src);
  const c = cursor!;
  return (selectorCompletions(service, c.text, c.cursor!, { kumaVersion: version, validate: true }) ?? []).map((e) => e.label).sort();
}

const ms = (selector: string) =>
  `#- ms.yaml\ntype: MeshService\nname: backend\nmesh: default\nspec:\n  selector:\n${selector}\n  ports:\n    - port: 80\n      targetPort: http\n`;

test('dataplaneLabels keys and values come from Dataplane labels of the same mesh', () => {
  assert.deepEqual(complete(DATAPLANES + ms('    dataplaneLabels:\n      matchLabels:\n        $0')), ['app', 'version']);
  assert.deepEqual(complete(DATAPLANES + ms('    dataplaneLabels:\n      matchLabels:\n        app: $0')), ['backend']);
  assert.deepEqual(complete(DATAPLANES + ms('    dataplaneLabels:\n      matchLabels:\n        app: backend\n        $0')), ['version']);
});

test('dataplaneTags keys come from inbound tags; dataplaneRef names from Dataplanes', () => {
  assert.deepEqual(complete(DATAPLANES + ms('    dataplaneTags:\n      $0')), ['kuma.io/service', 'team']);
  assert.deepEqual(complete(DATAPLANES + ms('    dataplaneTags:\n      kuma.io/service: $0')), ['backend']);
  assert.deepEqual(complete(DATAPLANES + ms('    dataplaneRef:\n      name: $0')), ['backend-1']);
});

test('MeshMultiZoneService selectors complete MeshService labels', () => {
  const src = dedent(`
    #- ms.yaml
    type: MeshService
    name: backend
    mesh: default
    labels:
      team: payments
    spec:
      selector:
        dataplaneRef: {name: x}
    #- mzs.yaml
    type: MeshMultiZoneService
    name: backend
    mesh: default
    spec:
      selector:
        meshService:
          matchLabels:
            team: $0
  `);
  assert.deepEqual(complete(src), ['payments']);
});
