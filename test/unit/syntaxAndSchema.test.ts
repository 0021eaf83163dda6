import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent, diagnose, withCode } from '../helpers';

const ms = (body: string) =>
  `apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: web\n  namespace: shop\nspec:\n${body.replace(/^/gm, '  ')}\n`;

test('unknown keys are flagged on the key with a suggestion', () => {
  const d = withCode(
    diagnose(ms('selector:\n  dataplaneTags: {app: web}\nports:\n  - port: 80\n    targetPrt: 80\nweight: 10'), '2.14'),
    'schema-unknown-key',
  );
  assert.deepEqual(
    d.map((x) => x.text),
    ['targetPrt', 'weight'],
  );
  assert.match(d[0].message, /Did you mean "targetPort"\?/);
  assert.equal(d[0].path, 'spec.ports[0].targetPrt');
  assert.match(d[1].message, /Allowed keys: .*ports.*selector/);
});

test('a key from another Kuma version says which versions have it', () => {
  const d = withCode(
    diagnose(ms('selector:\n  dataplaneLabels:\n    matchLabels: {app: web}\nports:\n  - port: 80\n    targetPort: 80'), '2.13'),
    'schema-unknown-key',
  );
  assert.equal(d.length, 1);
  assert.equal(d[0].text, 'dataplaneLabels');
  assert.match(d[0].message, /It exists in Kuma 2\.14, 3\.0/);
});

test('wrong types and missing required keys', () => {
  const d = diagnose(
    ms('selector:\n  dataplaneTags: {app: web}\nports:\n  - port: "80"\n    targetPort: 80\n  - name: x\n    targetPort: true'),
    '2.14',
  );
  assert.deepEqual(
    withCode(d, 'schema-type').map((x) => [x.text, x.message]),
    [
      ['"80"', 'Expected an integer but got the string "80".'],
      ['true', 'Expected an integer or a string but got boolean true.'],
    ],
  );
  const req = withCode(d, 'schema-missing-required');
  assert.equal(req.length, 1);
  assert.equal(req[0].message, 'Missing required key "port" in spec.ports[1].');
  assert.equal(req[0].text, 'name');
});

test('enum values list what is allowed', () => {
  const d = withCode(
    diagnose(ms('state: Up\nselector:\n  dataplaneTags: {app: web}\nports:\n  - port: 80\n    targetPort: 80'), '2.14'),
    'schema-enum',
  );
  assert.equal(d.length, 1);
  assert.equal(d[0].text, 'Up');
  assert.match(d[0].message, /Allowed values: Available, Unavailable/);
});

test('YAML syntax errors and duplicate keys in a Kuma document, in plain words', () => {
  const dup = diagnose(ms('selector:\n  dataplaneTags: {app: web}\nports:\n  - port: 80\n    port: 81\n    targetPort: 80'), '2.14');
  const d = withCode(dup, 'yaml-duplicate-key');
  assert.equal(d.length, 1);
  assert.equal(d[0].text, 'port');
  assert.equal(d[0].message, 'Duplicate key "port": a key may appear only once in a mapping. Remove or rename one of them.');

  const tab = diagnose('type: MeshService\nname: a\nmesh: default\nspec:\n  ports:\n\t- port: 80\n', '2.14');
  assert.equal(tab.length >= 1, true);
  assert.equal(tab[0].code, 'yaml-syntax');
  assert.match(tab[0].message, /^YAML syntax error: .*Tabs.*Indent with spaces/);
});

test('non-Kuma YAML gets nothing, even when broken', () => {
  const files = [
    'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
    'replicaCount: 2\nimage:\n  repository: nginx\n  tag: ""\nservice:\n  type: ClusterIP\n  port: 80\n',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: "not a number"\n',
    'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n  web:\n    image: dup\n',
    'key: [unclosed\n',
    // Kuma resources this tool does not cover (the targetRef policies are covered since issue 15)
    'apiVersion: kuma.io/v1alpha1\nkind: MeshGateway\nmetadata:\n  name: x\nspec:\n  bogus: 1\n',
    'type: TrafficRoute\nname: x\nmesh: default\nbogus: 1\n',
  ];
  for (const f of files) assert.deepEqual(diagnose(f, '2.14'), [], f);
});

test('a first-line comment pins the Kuma version of a file', () => {
  const body =
    'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneTags: {app: web}\n  ports: [{port: 80, targetPort: 80}]\n';
  assert.equal(withCode(diagnose(body, '2.14'), 'selector-dataplane-tags-removed').length, 0);
  assert.equal(withCode(diagnose('# kuma-version: 3.0\n' + body, '2.14'), 'selector-dataplane-tags-removed').length, 1);
  const bad = diagnose('# kuma-version: 4.2\n' + body, '2.14');
  assert.deepEqual(
    withCode(bad, 'kuma-version-unknown').map((x) => x.text),
    ['4.2'],
  );
});

test('multi-document files report the document index', () => {
  const text = dedent(`
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    ---
    type: MeshService
    name: web
    mesh: default
    spec:
      selector:
        dataplaneTags: {app: web}
      ports:
        - port: 80
          targetPort: 80
          appProtocol: websocket
  `);
  const d = withCode(diagnose(text, '2.14'), 'app-protocol-unsupported');
  assert.equal(d[0].document, 1);
  assert.equal(d[0].text, 'websocket');
});

test('an empty value reads as unset: nothing for an optional key, missing for a required one', () => {
  const text =
    'type: MeshService\nname: a\nmesh: default\nspec:\n  state:\n  selector:\n    dataplaneRef: {name: x}\n  ports:\n    - port:\n      targetPort:\n';
  const d = diagnose(text, '2.14');
  assert.deepEqual(withCode(d, 'schema-type'), []);
  assert.deepEqual(withCode(d, 'schema-enum'), []);
  assert.deepEqual(
    withCode(d, 'schema-missing-required').map((x) => [x.text, x.message]),
    [['port', 'Missing value for the required key "port" in spec.ports[0].']],
  );
  assert.equal(withCode(d, 'target-port-missing').length, 1);
});
