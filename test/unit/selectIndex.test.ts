import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent, workspaceDiagnostics } from '../helpers';

// WorkspaceIndex.select looks selectors up in an inverted index (key=value → Dataplanes) and then
// checks the candidates in full: a Dataplane with each pair somewhere, but not together, is not selected.

const DATAPLANES = dedent(`
  #- dataplanes.yaml
  type: Dataplane
  mesh: default
  name: together
  labels:
    app: web
    tier: front
  networking:
    address: 10.0.0.1
    inbound:
      - port: 8080
        name: http
        tags:
          kuma.io/service: web
          app: web
          zone: z1
  ---
  type: Dataplane
  mesh: default
  name: apart
  labels:
    app: web
    tier: back
  networking:
    address: 10.0.0.2
    inbound:
      - port: 9090
        name: metrics
        tags:
          kuma.io/service: web
          app: web
      - port: 9091
        name: admin
        tags:
          kuma.io/service: web-admin
          zone: z1
  ---
  type: Dataplane
  mesh: other
  name: elsewhere
  labels:
    app: web
    tier: front
  networking:
    address: 10.0.0.3
    inbound:
      - port: 7070
        name: grpc
        tags:
          kuma.io/service: web
          app: web
          zone: z1
`);

function service(name: string, selector: string): string {
  return dedent(`
    #- ${name}.yaml
    type: MeshService
    name: ${name}
    mesh: default
    spec:
      selector:
        ${selector}
      ports:
        - port: 80
          targetPort: nope
  `);
}

function unresolved(selector: string, name = 'ms'): string[] {
  const seen = workspaceDiagnostics(DATAPLANES + service(name, selector)).get(`${name}.yaml`) ?? [];
  return seen.filter((s) => s.code === 'target-port-unresolved' || s.code === 'selector-matches-nothing').map((s) => s.message);
}

test('a tag selector selects the Dataplanes with all its tags on one inbound, of its own mesh', () => {
  assert.deepEqual(unresolved('dataplaneTags: {app: web, zone: z1}'), [
    'targetPort "nope" matches no inbound name of the 1 Dataplane this MeshService selects; it declares: http.',
  ]);
  assert.deepEqual(unresolved('dataplaneTags: {app: web}'), [
    'targetPort "nope" matches no inbound name of the 2 Dataplanes this MeshService selects; they declare: http, metrics, admin.',
  ]);
  assert.deepEqual(unresolved('dataplaneTags: {zone: z1}'), [
    'targetPort "nope" matches no inbound name of the 2 Dataplanes this MeshService selects; they declare: http, metrics, admin.',
  ]);
});

test('a label selector selects the Dataplanes with all its labels; an unknown value selects none', () => {
  assert.deepEqual(unresolved('dataplaneLabels: {matchLabels: {app: web, tier: back}}'), [
    'targetPort "nope" matches no inbound name of the 1 Dataplane this MeshService selects; it declares: metrics, admin.',
  ]);
  assert.deepEqual(unresolved('dataplaneLabels: {matchLabels: {app: web, tier: side}}'), [
    'This dataplaneLabels selector matches none of the 2 Dataplanes or workloads the workspace holds for mesh "default", so the MeshService has no endpoints.',
  ]);
});
