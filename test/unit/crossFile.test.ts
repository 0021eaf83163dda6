import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent, loadWorkspace, withCode, workspaceDiagnostics } from '../helpers';
import { createLanguageService } from '../../server/src/core/host/languageService';

const UNIVERSAL = dedent(`
  #- dataplanes.yaml
  type: Dataplane
  mesh: default
  name: backend-1
  labels:
    app: backend
  networking:
    address: 10.0.0.1
    inbound:
      - port: 18080
        name: http
        tags:
          kuma.io/service: backend
      - port: 19090
        name: metrics
        tags:
          kuma.io/service: backend
  ---
  type: Dataplane
  mesh: other
  name: web-1
  labels:
    app: web
  networking:
    address: 10.0.0.2
    inbound:
      - port: 8080
        name: web
        tags:
          kuma.io/service: web
  #- services.yaml
  type: MeshService
  name: backend
  mesh: default
  spec:
    selector:
      dataplaneLabels:
        matchLabels:
          app: backend
    ports:
      - port: 80
        targetPort: htp
      - port: 81
        targetPort: metrics
      - port: 82
        targetPort: 18081
      - port: 83
        targetPort: 18080
  ---
  type: MeshService
  name: nothing
  mesh: default
  spec:
    selector:
      dataplaneLabels:
        matchLabels:
          app: frontend
    ports:
      - port: 80
        targetPort: web
`);

test('named targetPort must be an inbound name of the selected Dataplanes, with a suggestion', () => {
  const d = workspaceDiagnostics(UNIVERSAL).get('services.yaml')!;
  const unresolved = withCode(d, 'target-port-unresolved');
  assert.deepEqual(
    unresolved.map((x) => [x.text, x.path]),
    [['htp', 'spec.ports[0].targetPort']],
  );
  assert.equal(
    unresolved[0].message,
    'targetPort "htp" matches no inbound name of the 1 Dataplane this MeshService selects; it declares: http, metrics. Did you mean "http"?',
  );
  const unserved = withCode(d, 'target-port-unserved');
  assert.deepEqual(
    unserved.map((x) => [x.text, x.severity, x.message]),
    [
      [
        '18081',
        'information',
        'targetPort 18081 is not an inbound port of the 1 Dataplane this MeshService selects (it listens on 18080, 19090), so this port gets no endpoints from it.',
      ],
    ],
  );
});

const WORKLOAD = dedent(`
  #- app.yaml
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: demo
  spec:
    template:
      metadata:
        labels:
          app: web
      spec:
        containers:
          - name: web
            ports:
              - name: web
                containerPort: 8080
`);
const K8S_DATAPLANE = dedent(`
  #- dp.yaml
  apiVersion: kuma.io/v1alpha1
  kind: Dataplane
  metadata:
    name: legacy-1
    namespace: demo
    labels:
      app: web
  spec:
    networking:
      address: 10.0.0.9
      inbound:
        - port: 9090
          name: admin
          tags:
            kuma.io/service: web_demo_svc_9090
`);
const K8S_MESH_SERVICE = dedent(`
  #- ms.yaml
  apiVersion: kuma.io/v1alpha1
  kind: MeshService
  metadata:
    name: web
    namespace: demo
  spec:
    selector:
      dataplaneLabels:
        matchLabels:
          app: web
    ports:
      - port: 80
        targetPort: wb
      - port: 81
        targetPort: 7000
`);

test('targetPort messages name what is selected: container ports of a workload, inbounds of Dataplanes, it or they', () => {
  const messages = (src: string) =>
    workspaceDiagnostics(src, '2.14')
      .get('ms.yaml')!
      .filter((x) => x.code.startsWith('target-port'))
      .map((x) => x.message);
  assert.deepEqual(messages(WORKLOAD + K8S_MESH_SERVICE), [
    'targetPort "wb" matches no container port name of the 1 workload this MeshService selects; it declares: web. Did you mean "web"?',
    'targetPort 7000 is not a container port of the 1 workload this MeshService selects (it listens on 8080), so this port gets no endpoints from it.',
  ]);
  assert.deepEqual(messages(WORKLOAD + K8S_DATAPLANE + K8S_MESH_SERVICE), [
    'targetPort "wb" matches no inbound or container port name of the 1 Dataplane and 1 workload this MeshService selects; they declare: admin, web. Did you mean "web"?',
    'targetPort 7000 is not an inbound or container port of the 1 Dataplane and 1 workload this MeshService selects (they listen on 9090, 8080), so this port gets no endpoints from them.',
  ]);
  assert.deepEqual(messages(K8S_DATAPLANE + K8S_MESH_SERVICE), [
    'targetPort "wb" matches no inbound name of the 1 Dataplane this MeshService selects; it declares: admin.',
    'targetPort 7000 is not an inbound port of the 1 Dataplane this MeshService selects (it listens on 9090), so this port gets no endpoints from it.',
  ]);
  const unnamed = WORKLOAD.replace('- name: web\n              containerPort', '- containerPort');
  assert.notEqual(unnamed, WORKLOAD);
  assert.deepEqual(
    messages(unnamed + K8S_MESH_SERVICE)[0],
    'targetPort "wb" matches no container port name of the 1 workload this MeshService selects, and it declares no container port names.',
  );
});

test('a selector matching nothing warns when the mesh has Dataplanes; web in mesh other does not count', () => {
  const d = workspaceDiagnostics(UNIVERSAL).get('services.yaml')!;
  const none = withCode(d, 'selector-matches-nothing');
  assert.equal(none.length, 1);
  assert.equal(none[0].text, 'selector');
  assert.equal(none[0].document, 1);
  assert.match(none[0].message, /matches none of the 1 Dataplane or workload the workspace holds for mesh "default"/);
  // No targetPort complaints for a MeshService that selects nothing.
  assert.deepEqual(
    withCode(d, 'target-port-unresolved').filter((x) => x.document === 1),
    [],
  );
});

test('dataplaneTags match one inbound; at 3.0 the tags selector does not count', () => {
  const src = UNIVERSAL.replace(
    '    dataplaneLabels:\n      matchLabels:\n        app: backend',
    '    dataplaneTags:\n      kuma.io/service: backend',
  );
  assert.notEqual(src, UNIVERSAL);
  const d214 = workspaceDiagnostics(src, '2.14').get('services.yaml')!;
  assert.deepEqual(
    withCode(d214, 'target-port-unresolved').map((x) => x.text),
    ['htp'],
  );
  const d30 = workspaceDiagnostics(src, '3.0').get('services.yaml')!;
  assert.deepEqual(withCode(d30, 'target-port-unresolved'), []);
});

test('Kubernetes workloads: container port names from 2.10, Service port names at 2.9', () => {
  const src = dedent(`
    #- app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: redis
      namespace: demo
    spec:
      template:
        metadata:
          labels:
            app: redis
        spec:
          containers:
            - name: redis
              ports:
                - name: tcp-redis
                  containerPort: 6379
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: redis
      namespace: demo
    spec:
      selector:
        app: redis
      ports:
        - name: main
          port: 6379
          targetPort: tcp-redis
    #- ms.yaml
    apiVersion: kuma.io/v1alpha1
    kind: MeshService
    metadata:
      name: redis
      namespace: demo
    spec:
      selector:
        dataplaneTags:
          app: redis
          k8s.kuma.io/namespace: demo
      ports:
        - port: 6379
          targetPort: tcp-redis
        - port: 6380
          targetPort: main
  `);
  const d214 = withCode(workspaceDiagnostics(src, '2.14').get('ms.yaml')!, 'target-port-unresolved');
  assert.deepEqual(
    d214.map((x) => x.text),
    ['main'],
  );
  const d29 = withCode(workspaceDiagnostics(src, '2.9').get('ms.yaml')!, 'target-port-unresolved');
  assert.deepEqual(
    d29.map((x) => x.text),
    ['tcp-redis'],
  );
  // Another namespace's MeshService does not see the workload.
  const moved = src.replace(
    'namespace: demo\nspec:\n  selector:\n    dataplaneTags',
    'namespace: other\nspec:\n  selector:\n    dataplaneTags',
  );
  assert.notEqual(moved, src);
  const other = workspaceDiagnostics(moved, '2.14').get('ms.yaml')!;
  assert.deepEqual(withCode(other, 'target-port-unresolved'), []);
});

test('the same resource declared twice is an error pointing at both', () => {
  const src = dedent(`
    #- a.yaml
    type: MeshService
    name: backend
    mesh: default
    spec:
      selector: {dataplaneRef: {name: x}}
      ports: [{port: 1, targetPort: 1}]
    #- b.yaml
    type: MeshService
    name: backend
    mesh: default
    spec:
      selector: {dataplaneRef: {name: y}}
      ports: [{port: 1, targetPort: 1}]
    ---
    type: MeshService
    name: backend
    mesh: other
    spec:
      selector: {dataplaneRef: {name: y}}
      ports: [{port: 1, targetPort: 1}]
  `);
  const all = workspaceDiagnostics(src);
  const a = withCode(all.get('a.yaml')!, 'resource-duplicate');
  const b = withCode(all.get('b.yaml')!, 'resource-duplicate');
  assert.deepEqual(
    a.map((x) => [x.text, x.document]),
    [['backend', 0]],
  );
  assert.deepEqual(
    b.map((x) => [x.text, x.document]),
    [['backend', 0]],
  );
  assert.match(a[0].message, /^MeshService "backend" of mesh "default" is declared 2 times in the workspace/);
});

test('cached cross-file checks follow Dataplane edits in their mesh', () => {
  const service = createLanguageService();
  const settings = { kumaVersion: '2.14' as const, validate: true };
  const dp = (name: string) =>
    `type: Dataplane\nmesh: default\nname: dp-1\nlabels: {app: web}\nnetworking:\n  address: 10.0.0.1\n  inbound:\n    - {port: 8080, name: ${name}}\n`;
  const ms =
    'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneLabels:\n      matchLabels: {app: web}\n  ports:\n    - port: 80\n      targetPort: http\n';
  service.setFile('file:///dp.yaml', dp('http'), 'disk');
  service.setFile('file:///ms.yaml', ms, 'open');
  const codes = () => service.diagnose('file:///ms.yaml', ms, settings).diagnostics.map((d) => d.code);
  assert.deepEqual(codes(), []);
  service.setFile('file:///dp.yaml', dp('web'), 'disk');
  assert.deepEqual(codes(), ['target-port-unresolved']);
  // A Dataplane of another mesh does not change the answer.
  service.setFile('file:///other.yaml', dp('http').replace('mesh: default', 'mesh: other'), 'disk');
  assert.deepEqual(codes(), ['target-port-unresolved']);
  service.setFile('file:///dp.yaml', undefined, 'disk');
  assert.deepEqual(
    codes(),
    ['selector-matches-nothing'].filter(() => false),
  );
});

test('MeshServices with the same selector in different meshes and versions each get their own selection', () => {
  // Selections are shared between MeshServices with the same selector: mesh and Kuma version
  // must still tell them apart, within one index.
  const { service, files } = loadWorkspace(
    dedent(`
    #- dataplanes.yaml
    type: Dataplane
    mesh: default
    name: api-1
    networking:
      address: 10.0.0.1
      inbound:
        - port: 8080
          name: http
          tags:
            kuma.io/service: api
            app: api
    #- services.yaml
    type: MeshService
    name: api
    mesh: default
    spec:
      selector:
        dataplaneTags:
          app: api
      ports:
        - port: 80
          targetPort: htp
    ---
    type: MeshService
    name: api
    mesh: other
    spec:
      selector:
        dataplaneTags:
          app: api
      ports:
        - port: 80
          targetPort: htq
  `),
  );
  const f = files.find((x) => x.path === 'services.yaml')!;
  const unresolved = (kumaVersion: '2.14' | '3.0') =>
    service
      .diagnose(`file:///ws/${f.path}`, f.text, { kumaVersion, validate: true })
      .diagnostics.filter((d) => d.code === 'target-port-unresolved')
      .map((d) => f.text.slice(d.range.start, d.range.end));
  // Mesh other has no Dataplanes: its MeshService selects nothing, so its targetPort is not checked.
  assert.deepEqual(unresolved('2.14'), ['htp']);
  // At 3.0 Kuma does not read dataplaneTags: no selection, no targetPort check.
  assert.deepEqual(unresolved('3.0'), []);
});

test('a resource declared twice, through keystrokes in a large open file: the duplicates follow every edit as a fresh check of the same text finds them', () => {
  const settings = { kumaVersion: '2.14' as const, validate: true };
  const ms = (name: string, port: number) =>
    `type: MeshService\nname: ${name}\nmesh: default\nspec:\n  selector: {dataplaneRef: {name: x}}\n  ports: [{port: ${port}, targetPort: 1}]\n`;
  const docs = Array.from({ length: 80 }, (_, i) => ms(`svc-${i}`, 1000 + i));
  docs[10] = ms('twice', 1);
  docs[60] = ms('twice', 2);
  const other = ms('elsewhere', 7);
  const service = createLanguageService();
  service.setFile('file:///other.yaml', other, 'disk');
  const shown = (s: typeof service, text: string) =>
    s
      .diagnose('file:///big.yaml', text, settings)
      .diagnostics.filter((d) => d.code === 'resource-duplicate')
      .map((d) => `${text.slice(d.range.start, d.range.end)}@${d.range.start}`);
  const fresh = (text: string) => {
    const s = createLanguageService();
    s.setFile('file:///other.yaml', other, 'disk');
    s.setFile('file:///big.yaml', text, 'open');
    return shown(s, text);
  };
  const edits: [string, (d: string[]) => void][] = [
    ['a port of a duplicate (its key stays)', (d) => (d[60] = ms('twice', 3))],
    [
      'a document without a name before them (the places of the resources move)',
      (d) => (d[5] = 'type: MeshService\nmesh: default\nspec: {}\n'),
    ],
    ['a port typed longer (the documents after it move)', (d) => (d[20] = ms('svc-20', 123456))],
    ['the name that made a duplicate', (d) => (d[60] = ms('once', 3))],
    ['a name that makes one with another file', (d) => (d[30] = ms('elsewhere', 1030))],
    ['the nameless document gets a name', (d) => (d[5] = ms('twice', 9))],
    ['a document that is not a resource', (d) => (d[40] = 'just: yaml\n')],
  ];
  let text = docs.join('---\n');
  service.setFile('file:///big.yaml', text, 'open');
  assert.deepEqual(shown(service, text), fresh(text));
  assert.equal(shown(service, text).length, 2);
  for (const [what, edit] of edits) {
    edit(docs);
    text = docs.join('---\n');
    service.setFile('file:///big.yaml', text, 'open');
    assert.deepEqual(shown(service, text), fresh(text), what);
  }
  assert.deepEqual(
    shown(service, text).map((s) => s.split('@')[0]),
    ['twice', 'twice', 'elsewhere'],
  );
});
