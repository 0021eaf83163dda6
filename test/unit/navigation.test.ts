import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLanguageService, type LanguageService, type Settings } from '../../server/src/core/host/languageService';
import { crossFileHover, definitions, targetPortCompletions } from '../../server/src/core/features/navigation';
import type { CompletionEntry } from '../../server/src/core/features/completion/types';
import type { KumaVersion } from '../../server/src/core/kuma/versions';
import { dedent, parseFixture, type FixtureFile } from '../helpers';

// ---------------------------------------------------------------------------------------------
// Harness: every file of a fixture goes into one language service (the file with `$0` as an
// open buffer, the others as disk files), then the feature runs at the cursor.
// ---------------------------------------------------------------------------------------------

const uriOf = (path: string) => `file:///ws/${path}`;

interface Workspace {
  service: LanguageService;
  files: FixtureFile[];
  cursor: FixtureFile;
  uri: string;
  offset: number;
  settings: Settings;
}

function load(src: string, version: KumaVersion): Workspace {
  const files = parseFixture(dedent(src));
  const service = createLanguageService();
  const withCursor = files.filter((f) => f.cursor !== undefined);
  assert.equal(withCursor.length, 1, 'fixture has exactly one $0');
  for (const f of files) service.setFile(uriOf(f.path), f.text, f.cursor !== undefined ? 'open' : 'disk');
  const cursor = withCursor[0];
  return {
    service,
    files,
    cursor,
    uri: uriOf(cursor.path),
    offset: cursor.cursor!,
    settings: { kumaVersion: version, validate: true },
  };
}

function textOf(ws: Workspace, uri: string): string {
  const f = ws.files.find((x) => uriOf(x.path) === uri);
  assert.ok(f, `location in a fixture file: ${uri}`);
  return f.text;
}

interface Completion {
  entries: CompletionEntry[];
  labels: string[];
  byLabel: Map<string, CompletionEntry>;
  /** The file text each entry's replace range covers (chunk offsets made file offsets). */
  replaced: (e: CompletionEntry) => string;
}

function complete(src: string, version: KumaVersion): Completion {
  const ws = load(src, version);
  const entries = targetPortCompletions(ws.service, ws.uri, ws.cursor.text, ws.offset, ws.settings);
  assert.ok(entries, 'targetPort completion applies at the cursor');
  const doc = ws.service
    .analyze(ws.cursor.text, ws.settings)
    .documents.find((d) => ws.offset >= d.offset && ws.offset <= d.offset + d.chunkLength)!;
  return {
    entries,
    labels: entries.map((e) => e.label).sort(),
    byLabel: new Map(entries.map((e) => [e.label, e])),
    replaced: (e) => {
      assert.ok(e.replace, `entry ${e.label} has a replace range`);
      return ws.cursor.text.slice(doc.offset + e.replace.start, doc.offset + e.replace.end);
    },
  };
}

/** The Dataplane / workload (its `name:` value) a file offset lies in: the last name before it. */
function ownerAt(text: string, offset: number): string {
  const eol = text.indexOf('\n', offset);
  const before = text.slice(0, eol < 0 ? text.length : eol);
  const m = [...before.matchAll(/^(?: {0,2}name): (\S+)$/gm)];
  return m.length ? m[m.length - 1][1] : '?';
}

interface Seen {
  file: string;
  text: string;
  owner: string;
}

function defs(src: string, version: KumaVersion): Seen[] {
  const ws = load(src, version);
  return definitions(ws.service, ws.cursor.text, ws.offset, ws.settings)
    .map((l) => {
      const text = textOf(ws, l.uri);
      return { file: l.uri.slice('file:///ws/'.length), text: text.slice(l.range.start, l.range.end), owner: ownerAt(text, l.range.start) };
    })
    .sort((a, b) => {
      const ka = [a.file, a.owner, a.text].join('\n');
      const kb = [b.file, b.owner, b.text].join('\n');
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

function hover(src: string, version: KumaVersion): { markdown: string; covered: string } | undefined {
  const ws = load(src, version);
  const h = crossFileHover(ws.service, ws.cursor.text, ws.offset, ws.settings);
  return h && { markdown: h.markdown, covered: ws.cursor.text.slice(h.range.start, h.range.end) };
}

const sorted = (xs: string[]) => [...xs].sort();

// ---------------------------------------------------------------------------------------------
// Universal fixtures
// ---------------------------------------------------------------------------------------------

/** backend-1 and backend-2 (mesh default, app: backend), web-1 (other labels), backend-3 (mesh other). */
const DATAPLANES = dedent(`
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
  mesh: default
  name: backend-2
  labels:
    app: backend
  networking:
    address: 10.0.0.2
    inbound:
      - port: 18081
        name: http
        tags:
          kuma.io/service: backend
      - port: 9901
        name: admin
        tags:
          kuma.io/service: backend
  #- more/dataplanes.yml
  type: Dataplane
  mesh: default
  name: web-1
  labels:
    app: web
  networking:
    address: 10.0.0.3
    inbound:
      - port: 8080
        name: web
        tags:
          kuma.io/service: web
  ---
  type: Dataplane
  mesh: other
  name: backend-3
  labels:
    app: backend
  networking:
    address: 10.0.0.4
    inbound:
      - port: 7070
        name: grpc
        tags:
          kuma.io/service: backend
`);

const SELECTED = ['18080', '18081', '19090', '9901', 'admin', 'http', 'metrics'];
const EVERY_PORT = ['18080', '18081', '19090', '7070', '8080', '9901', 'admin', 'grpc', 'http', 'metrics', 'web'];

function universalMeshService(selector: string, targetPort = '$0'): string {
  const sel = selector
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `${DATAPLANES}#- services.yaml
type: MeshService
name: backend
mesh: default
spec:
  selector:
${sel}
  ports:
    - port: 80
      targetPort: ${targetPort}
`;
}

const BY_LABELS = universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend');
const BY_TAGS = universalMeshService('dataplaneTags:\n  kuma.io/service: backend');
const BY_REF = universalMeshService('dataplaneRef:\n  name: backend-2');
const BY_NOTHING = universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: frontend');

function assertSelected(c: Completion) {
  assert.deepEqual(c.labels, SELECTED);
  assert.equal(c.entries.length, new Set(c.labels).size, 'no duplicate labels');
  for (const e of c.entries) {
    assert.ok(e.sortText?.startsWith('0'), `${e.label} sorts with the selected ports: ${e.sortText}`);
    assert.doesNotMatch(e.detail ?? '', /not selected/);
  }
  // A name shows the port numbers behind it and its owners; `http` is declared twice and merged.
  assert.match(c.byLabel.get('metrics')!.detail!, /19090/);
  assert.match(c.byLabel.get('metrics')!.detail!, /Dataplane backend-1/);
  assert.match(c.byLabel.get('admin')!.detail!, /9901.*Dataplane backend-2/);
  const http = c.byLabel.get('http')!;
  assert.match(http.detail!, /18080/);
  assert.match(http.detail!, /18081/);
  assert.match(http.detail!, /2 Dataplanes/);
  assert.match(http.documentation!, /backend-1/);
  assert.match(http.documentation!, /backend-2/);
  assert.match(http.documentation!, /dataplanes\.yaml/);
  // Names sort before numbers.
  assert.ok(http.sortText! < c.byLabel.get('18080')!.sortText!);
}

function assertEveryPortUnselected(c: Completion) {
  assert.deepEqual(c.labels, sorted(EVERY_PORT));
  for (const e of c.entries) {
    assert.ok(e.sortText?.startsWith('1'), `${e.label} sorts after selected ports: ${e.sortText}`);
    assert.match(e.detail ?? '', /not selected/);
  }
}

test('Universal dataplaneLabels: targetPort offers the selected Dataplanes’ inbound names and ports (2.14, 3.0)', () => {
  for (const v of ['2.14', '3.0'] as const) assertSelected(complete(BY_LABELS, v));
});

test('targetPort completion marks the ports another port of the MeshService already targets, and sorts them last', () => {
  const src = BY_LABELS.replace(
    '    - port: 80\n      targetPort: $0\n',
    '    - port: 80\n      targetPort: http\n    - port: 81\n      targetPort: $0\n',
  );
  assert.notEqual(src, BY_LABELS);
  const c = complete(src, '2.14');
  assert.deepEqual(c.labels, SELECTED);
  const http = c.byLabel.get('http')!;
  assert.match(http.detail!, / · in use by port 80$/);
  // The numbers http stands for are the same inbounds: in use too.
  assert.match(c.byLabel.get('18080')!.detail!, / · in use by port 80$/);
  for (const free of ['metrics', 'admin', '19090', '9901']) assert.doesNotMatch(c.byLabel.get(free)!.detail!, /in use/);
  // Unused names, then unused numbers, then what is in use.
  const order = [...c.entries].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1)).map((e) => e.label);
  assert.deepEqual(order, ['admin', 'metrics', '19090', '9901', 'http', '18080', '18081']);
});

test('Universal dataplaneLabels is no selector at 2.9: every known port, marked as not selected', () => {
  assertEveryPortUnselected(complete(BY_LABELS, '2.9'));
});

test('Universal dataplaneTags: the selected Dataplanes’ ports at 2.9 and 2.14', () => {
  for (const v of ['2.9', '2.14'] as const) assertSelected(complete(BY_TAGS, v));
});

test('Universal dataplaneTags is dropped at 3.0: every known port, marked as not selected', () => {
  assertEveryPortUnselected(complete(BY_TAGS, '3.0'));
});

test('Universal dataplaneTags match a single inbound’s tags, not tags spread over inbounds', () => {
  const src = universalMeshService('dataplaneTags:\n  kuma.io/service: backend\n  team: a').replace(
    '      - port: 19090\n        name: metrics\n        tags:\n          kuma.io/service: backend',
    '      - port: 19090\n        name: metrics\n        tags:\n          team: a',
  );
  assert.match(src, /team: a\n/);
  // backend-1 has kuma.io/service=backend on one inbound and team=a on another: no match.
  assertEveryPortUnselected(complete(src, '2.14'));
});

test('Universal dataplaneRef: exactly one Dataplane’s ports, at every version', () => {
  for (const v of ['2.9', '2.14', '3.0'] as const) {
    const c = complete(BY_REF, v);
    assert.deepEqual(c.labels, ['18081', '9901', 'admin', 'http'], v);
    assert.match(c.byLabel.get('http')!.detail!, /18081 · Dataplane backend-2/);
    assert.doesNotMatch(c.byLabel.get('http')!.detail!, /18080/);
  }
});

test('a selector matching nothing offers every known port, marked as not selected', () => {
  for (const v of ['2.14', '3.0'] as const) assertEveryPortUnselected(complete(BY_NOTHING, v));
});

test('completion replaces the partially typed word', () => {
  const c = complete(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend', 'ht$0'), '2.14');
  assert.deepEqual(c.labels, SELECTED);
  for (const e of c.entries) assert.equal(c.replaced(e), 'ht');
  // Cursor inside a word: the whole word is replaced.
  const mid = complete(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend', 'met$0rics'), '2.14');
  for (const e of mid.entries) assert.equal(mid.replaced(e), 'metrics');
  // Nothing typed yet: an empty range at the cursor.
  const empty = complete(BY_LABELS, '2.14');
  for (const e of empty.entries) assert.equal(empty.replaced(e), '');
});

test('completion replace range is right for a MeshService that is not the first document of its file', () => {
  const src = BY_LABELS.replace(
    '#- services.yaml\n',
    '#- services.yaml\ntype: MeshService\nname: first\nmesh: default\nspec:\n  selector:\n    dataplaneRef:\n      name: web-1\n  ports:\n    - port: 1\n      targetPort: web\n---\n',
  ).replace('targetPort: $0', 'targetPort: metr$0');
  const c = complete(src, '2.14');
  assert.deepEqual(c.labels, SELECTED, 'the second document’s selector decides');
  for (const e of c.entries) assert.equal(c.replaced(e), 'metr');
});

test('no targetPort completion outside a targetPort value', () => {
  const ws = load(BY_LABELS.replace('targetPort: $0', 'targetPort: http').replace('  - port: 80', '  - port: 8$00'), '2.14');
  assert.equal(targetPortCompletions(ws.service, ws.uri, ws.cursor.text, ws.offset, ws.settings), undefined);
});

// ---------------------------------------------------------------------------------------------
// Kubernetes fixtures
// ---------------------------------------------------------------------------------------------

/** api and api-canary (demo, app: api), worker (demo, other labels), api in namespace other. */
const K8S_APPS = dedent(`
  #- k8s/app.yaml
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api
    namespace: demo
  spec:
    template:
      metadata:
        labels:
          app: api
      spec:
        containers:
          - name: api
            ports:
              - name: http
                containerPort: 8080
              - name: grpc
                containerPort: 9090
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api-canary
    namespace: demo
  spec:
    template:
      metadata:
        labels:
          app: api
          track: canary
      spec:
        containers:
          - name: api
            ports:
              - name: http
                containerPort: 8080
              - name: admin
                containerPort: 8081
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: worker
    namespace: demo
  spec:
    template:
      metadata:
        labels:
          app: worker
      spec:
        containers:
          - name: worker
            ports:
              - name: jobs
                containerPort: 7000
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: api
    namespace: demo
  spec:
    selector:
      app: api
    ports:
      - name: web
        port: 80
        targetPort: http
      - name: rpc
        port: 9090
        targetPort: grpc
      - name: adm
        port: 81
        targetPort: admin
  #- k8s/other.yaml
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api
    namespace: other
  spec:
    template:
      metadata:
        labels:
          app: api
      spec:
        containers:
          - name: api
            ports:
              - name: foreign
                containerPort: 6000
`);

function k8sMeshService(selector: string, targetPort = '$0'): string {
  const sel = selector
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `${K8S_APPS}#- k8s/meshservice.yaml
apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: api
  namespace: demo
spec:
  selector:
${sel}
  ports:
    - port: 80
      targetPort: ${targetPort}
`;
}

const K8S_TAGS = k8sMeshService('dataplaneTags:\n  app: api');
const K8S_LABELS = k8sMeshService('dataplaneLabels:\n  matchLabels:\n    app: api');
const K8S_CONTAINER_PORTS = ['8080', '8081', '9090', 'admin', 'grpc', 'http'];

test('Kubernetes MeshService, 2.14 and 3.0: container port names and numbers of the matching workloads in its namespace', () => {
  for (const [src, v] of [
    [K8S_TAGS, '2.14'],
    [K8S_LABELS, '2.14'],
    [K8S_LABELS, '3.0'],
  ] as const) {
    const c = complete(src, v);
    assert.deepEqual(c.labels, K8S_CONTAINER_PORTS, `${v}`);
    for (const e of c.entries) assert.ok(e.sortText?.startsWith('0'), `${e.label} is selected`);
    assert.match(c.byLabel.get('grpc')!.detail!, /9090/);
    assert.match(c.byLabel.get('grpc')!.detail!, /Deployment api\b/);
    assert.match(c.byLabel.get('admin')!.detail!, /8081 · Deployment api-canary/);
    assert.match(c.byLabel.get('http')!.detail!, /8080/);
  }
});

test('Kubernetes MeshService at 2.9: inbound names are the Service port names, numbers the container ports', () => {
  const c = complete(K8S_TAGS, '2.9');
  assert.deepEqual(c.labels, ['8080', '8081', '9090', 'adm', 'rpc', 'web']);
  assert.match(c.byLabel.get('web')!.detail!, /8080/);
  assert.match(c.byLabel.get('rpc')!.detail!, /9090 · Deployment api$/);
  assert.match(c.byLabel.get('adm')!.detail!, /8081 · Deployment api-canary/);
});

test('Kubernetes MeshService with dataplaneTags at 3.0 selects nothing: every port, marked as not selected', () => {
  const c = complete(K8S_TAGS, '3.0');
  for (const name of ['http', 'grpc', 'admin', 'jobs']) assert.ok(c.labels.includes(name), name);
  for (const e of c.entries) assert.match(e.detail ?? '', /not selected/);
});

test('a Kubernetes MeshService in another namespace does not see workloads of demo', () => {
  const src = K8S_LABELS.replace(
    '  name: api\n  namespace: demo\nspec:\n  selector:\n    dataplaneLabels',
    '  name: api\n  namespace: other\nspec:\n  selector:\n    dataplaneLabels',
  );
  assert.notEqual(src, K8S_LABELS);
  const c = complete(src, '2.14');
  assert.deepEqual(c.labels, ['6000', 'foreign']);
});

test('Kubernetes Service targetPort offers the container ports of the pods it selects', () => {
  const src = K8S_APPS.replace('targetPort: grpc', 'targetPort: g$0');
  for (const v of ['2.9', '2.14', '3.0'] as const) {
    const c = complete(src, v);
    assert.deepEqual(c.labels, K8S_CONTAINER_PORTS, v);
    for (const e of c.entries) assert.equal(c.replaced(e), 'g');
    assert.match(c.byLabel.get('grpc')!.detail!, /9090 · Deployment api$/);
  }
});

test('Kubernetes dataplaneTags: the generated kuma.io/service tag selects the pods behind that Service port (2.14)', () => {
  const c = complete(k8sMeshService('dataplaneTags:\n  kuma.io/service: api_demo_svc_9090'), '2.14');
  assert.deepEqual(c.labels, K8S_CONTAINER_PORTS);
  for (const e of c.entries) assert.doesNotMatch(e.detail ?? '', /not selected/);
});

test('a Kubernetes Service selecting no pods offers the container ports of its namespace, marked as not selected', () => {
  const src = K8S_APPS.replace('  selector:\n    app: api\n', '  selector:\n    app: nothing\n').replace(
    'targetPort: grpc',
    'targetPort: $0',
  );
  assert.match(src, /app: nothing/);
  const c = complete(src, '2.14');
  assert.deepEqual(c.labels, ['7000', '8080', '8081', '9090', 'admin', 'grpc', 'http', 'jobs']);
  for (const e of c.entries) assert.match(e.detail ?? '', /not selected/);
});

// ---------------------------------------------------------------------------------------------
// Go to definition
// ---------------------------------------------------------------------------------------------

test('definition of a named targetPort: the inbound names of the selected Dataplanes', () => {
  for (const v of ['2.14', '3.0'] as const) {
    assert.deepEqual(defs(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend', 'ht$0tp'), v), [
      { file: 'dataplanes.yaml', text: 'http', owner: 'backend-1' },
      { file: 'dataplanes.yaml', text: 'http', owner: 'backend-2' },
    ]);
  }
  assert.deepEqual(defs(universalMeshService('dataplaneTags:\n  kuma.io/service: backend', '$0metrics'), '2.9'), [
    { file: 'dataplanes.yaml', text: 'metrics', owner: 'backend-1' },
  ]);
  // A name no selected Dataplane declares (web belongs to web-1): nowhere to go.
  assert.deepEqual(defs(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend', 'we$0b'), '2.14'), []);
});

test('definition of a numeric targetPort: the inbound port value', () => {
  assert.deepEqual(defs(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend', '1808$00'), '2.14'), [
    { file: 'dataplanes.yaml', text: '18080', owner: 'backend-1' },
  ]);
});

test('definition of a numeric targetPort on an unnamed inbound: the inbound port value', () => {
  const src = universalMeshService('dataplaneRef:\n  name: backend-2', '99$001').replace(/(- port: 9901\n)\s+name: admin\n/, '$1');
  assert.doesNotMatch(src, /name: admin/);
  assert.deepEqual(defs(src, '2.14'), [{ file: 'dataplanes.yaml', text: '9901', owner: 'backend-2' }]);
});

test('definition of a numeric targetPort on Kubernetes: the containerPort value', () => {
  assert.deepEqual(defs(k8sMeshService('dataplaneLabels:\n  matchLabels:\n    app: api', '90$090'), '2.14'), [
    { file: 'k8s/app.yaml', text: '9090', owner: 'api' },
  ]);
  assert.deepEqual(defs(K8S_APPS.replace('targetPort: admin', 'targetPort: 80$081'), '2.14'), [
    { file: 'k8s/app.yaml', text: '8081', owner: 'api-canary' },
  ]);
});

test('definition on the selector: the matched Dataplanes’ names', () => {
  const onKey = (key: string) =>
    BY_LABELS.replace('targetPort: $0', 'targetPort: http').replace(`  ${key}:`, `  ${key.slice(0, 3)}$0${key.slice(3)}:`);
  const expected = [
    { file: 'dataplanes.yaml', text: 'backend-1', owner: 'backend-1' },
    { file: 'dataplanes.yaml', text: 'backend-2', owner: 'backend-2' },
  ];
  assert.deepEqual(defs(onKey('dataplaneLabels'), '2.14'), expected);
  assert.deepEqual(defs(onKey('matchLabels'), '3.0'), expected);
  const ref = BY_REF.replace('targetPort: $0', 'targetPort: http').replace('  dataplaneRef:', '  dataplane$0Ref:');
  assert.deepEqual(defs(ref, '2.9'), [{ file: 'dataplanes.yaml', text: 'backend-2', owner: 'backend-2' }]);
});

test('definition on the `selector:` key itself: the matched Dataplanes’ names', () => {
  const src = BY_LABELS.replace('targetPort: $0', 'targetPort: http').replace('  selector:', '  sel$0ector:');
  assert.deepEqual(defs(src, '2.14'), [
    { file: 'dataplanes.yaml', text: 'backend-1', owner: 'backend-1' },
    { file: 'dataplanes.yaml', text: 'backend-2', owner: 'backend-2' },
  ]);
});

test('definition of a Kubernetes MeshService targetPort: the container port names (2.14) of matching workloads', () => {
  assert.deepEqual(defs(k8sMeshService('dataplaneLabels:\n  matchLabels:\n    app: api', 'ht$0tp'), '2.14'), [
    { file: 'k8s/app.yaml', text: 'http', owner: 'api' },
    { file: 'k8s/app.yaml', text: 'http', owner: 'api-canary' },
  ]);
  // At 2.9 the inbound is named after the Service port: `web` leads to the container port it targets.
  assert.deepEqual(defs(k8sMeshService('dataplaneTags:\n  app: api', 'w$0eb'), '2.9'), [
    { file: 'k8s/app.yaml', text: 'http', owner: 'api' },
    { file: 'k8s/app.yaml', text: 'http', owner: 'api-canary' },
  ]);
  // The Deployment in namespace other is never a target.
  assert.deepEqual(defs(k8sMeshService('dataplaneLabels:\n  matchLabels:\n    app: api', 'foreig$0n'), '2.14'), []);
});

test('definition of a Kubernetes Service targetPort: the container port name in the selected pods', () => {
  const src = K8S_APPS.replace('targetPort: admin', 'targetPort: ad$0min');
  assert.deepEqual(defs(src, '2.14'), [{ file: 'k8s/app.yaml', text: 'admin', owner: 'api-canary' }]);
  // Named in both selected Deployments: both container ports.
  assert.deepEqual(defs(K8S_APPS.replace('targetPort: http', 'targetPort: $0http'), '3.0'), [
    { file: 'k8s/app.yaml', text: 'http', owner: 'api' },
    { file: 'k8s/app.yaml', text: 'http', owner: 'api-canary' },
  ]);
});

// ---------------------------------------------------------------------------------------------
// Hover
// ---------------------------------------------------------------------------------------------

test('hover on a targetPort: the inbound it resolves to, its Dataplane and port', () => {
  const h = hover(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend', 'met$0rics'), '2.14');
  assert.ok(h);
  assert.equal(h.covered, 'metrics');
  assert.match(h.markdown, /inbound metrics of Dataplane backend-1/);
  assert.match(h.markdown, /port 19090/);
  assert.match(h.markdown, /dataplanes\.yaml/);
  assert.match(h.markdown, /resolves to 1 port\b/);
  assert.doesNotMatch(h.markdown, /backend-2/);
});

test('hover on a targetPort that resolves to nothing says so', () => {
  const h = hover(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend', 'we$0b'), '3.0');
  assert.ok(h);
  assert.equal(h.markdown, '**targetPort "web"** resolves to nothing among the 2 Dataplanes selected; they declare: http, metrics, admin.');
  const n = hover(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: backend', '12$034'), '3.0')!;
  assert.equal(
    n.markdown,
    '**targetPort 1234** resolves to nothing among the 2 Dataplanes selected; they listen on 18080, 19090, 18081, 9901.',
  );
  const one = hover(universalMeshService('dataplaneRef:\n  name: backend-2', 'we$0b'), '3.0')!;
  assert.equal(one.markdown, '**targetPort "web"** resolves to nothing among the 1 Dataplane selected; it declares: http, admin.');
  const none = hover(universalMeshService('dataplaneLabels:\n  matchLabels:\n    app: frontend', 'we$0b'), '3.0')!;
  assert.equal(none.markdown, '**targetPort "web"** resolves to nothing: the selector selects no Dataplane or workload.');
});

test('hover on the selector: the list of matched Dataplanes', () => {
  const src = BY_LABELS.replace('targetPort: $0', 'targetPort: http').replace('  dataplaneLabels:', '  dataplane$0Labels:');
  const h = hover(src, '2.14');
  assert.ok(h);
  assert.equal(h.covered, 'dataplaneLabels');
  assert.match(h.markdown, /selects 2 Dataplanes/);
  assert.match(h.markdown, /- Dataplane backend-1 \(dataplanes\.yaml\)/);
  assert.match(h.markdown, /- Dataplane backend-2 \(dataplanes\.yaml\)/);
  assert.doesNotMatch(h.markdown, /web-1|backend-3/);
  // At 2.9 dataplaneLabels is no selector.
  assert.match(hover(src, '2.9')!.markdown, /No selector\*\* selects 0 Dataplanes/);
});

test('hover on the `selector:` key itself: the list of matched Dataplanes', () => {
  const h = hover(BY_LABELS.replace('targetPort: $0', 'targetPort: http').replace('  selector:', '  sel$0ector:'), '2.14');
  assert.ok(h, 'a cross-file hover on `selector`');
  assert.match(h.markdown, /- Dataplane backend-1 \(dataplanes\.yaml\)\n- Dataplane backend-2 \(dataplanes\.yaml\)/);
});

test('hover on a Kubernetes MeshService selector lists the matched workloads', () => {
  const src = K8S_TAGS.replace('targetPort: $0', 'targetPort: http').replace('  dataplaneTags:', '  dataplane$0Tags:');
  const h = hover(src, '2.14');
  assert.ok(h);
  assert.match(h.markdown, /selects 0 Dataplanes and 2 workloads|selects 2 workloads/);
  assert.match(h.markdown, /Deployment api in demo/);
  assert.match(h.markdown, /Deployment api-canary in demo/);
  assert.doesNotMatch(h.markdown, /worker|in other/);
});
