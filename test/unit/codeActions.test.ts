import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quickFixes } from '../../server/src/core/features/codeActions';
import type { KumaVersion } from '../../server/src/core/kuma/versions';
import { dedent, loadWorkspace } from '../helpers';

/** Diagnoses the fixture, applies the first (preferred) fix for `code`, returns the new text. */
function fix(src: string, code: string, version: KumaVersion = '2.14', pick = 0): { text: string; titles: string[] } {
  const { service, files } = loadWorkspace(src);
  const target = files[files.length - 1];
  const d = service
    .diagnose(`file:///ws/${target.path}`, target.text, { kumaVersion: version, validate: true })
    .diagnostics.find((x) => x.code === code);
  assert.ok(d, `no ${code} diagnostic`);
  const fixes = quickFixes({ code: d.code, range: d.range, data: d.data }, target.text);
  const chosen = fixes[pick];
  let text = target.text;
  for (const e of [...chosen.edits].sort((a, b) => b.range.start - a.range.start))
    text = text.slice(0, e.range.start) + e.newText + text.slice(e.range.end);
  return { text, titles: fixes.map((f) => f.title) };
}

test('an unresolved targetPort is fixed to the nearest inbound name', () => {
  const src = dedent(`
    #- dp.yaml
    type: Dataplane
    mesh: default
    name: dp-1
    labels: {app: web}
    networking:
      address: 10.0.0.1
      inbound:
        - {port: 8080, name: http}
        - {port: 9090, name: metrics}
    #- ms.yaml
    type: MeshService
    name: web
    mesh: default
    spec:
      selector:
        dataplaneLabels:
          matchLabels: {app: web}
      ports:
        - port: 80
          targetPort: htpp # typo
  `);
  const r = fix(src, 'target-port-unresolved');
  assert.deepEqual(r.titles, ['Change targetPort to "http"', 'Change targetPort to "metrics"']);
  assert.match(r.text, /^ {6}targetPort: http # typo$/m);
});

test('the targetPort fix prefers a name no other port of the MeshService uses, and says which are in use', () => {
  const src = dedent(`
    #- dp.yaml
    type: Dataplane
    mesh: default
    name: dp-1
    labels: {app: web}
    networking:
      address: 10.0.0.1
      inbound:
        - {port: 8080, name: web1}
        - {port: 8081, name: web2}
    #- ms.yaml
    type: MeshService
    name: web
    mesh: default
    spec:
      selector:
        dataplaneLabels:
          matchLabels: {app: web}
      ports:
        - port: 80
          targetPort: web1
        - port: 81
          targetPort: web
  `);
  const { service, files } = loadWorkspace(src);
  const d = service
    .diagnose('file:///ws/ms.yaml', files[1].text, { kumaVersion: '2.14', validate: true })
    .diagnostics.find((x) => x.code === 'target-port-unresolved')!;
  assert.match(d.message, /Did you mean "web2"\?$/);
  const r = fix(src, 'target-port-unresolved');
  assert.deepEqual(r.titles, ['Change targetPort to "web2"', 'Change targetPort to "web1" (in use by port 80)']);
  assert.match(r.text, /^ {6}targetPort: web2$/m);
});

test('an unknown key close to a known one is renamed; enum and protocol values are replaced', () => {
  const ms = (body: string) =>
    `type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneRef: {name: x}\n  ports:\n    - port: 80\n${body}`;
  assert.match(fix(ms('      targetPrt: 80\n'), 'schema-unknown-key').text, /^ {6}targetPort: 80$/m);
  const mzs =
    'type: MeshMultiZoneService\nname: web\nmesh: default\nspec:\n  selector:\n    meshService:\n      matchLabels: {app: web}\n  ports:\n    - port: 80\n      appProtocol: HTTP2\n';
  const proto = fix(mzs, 'app-protocol-invalid', '2.14');
  assert.equal(proto.titles[0], 'Change to http2');
  assert.match(proto.text, /appProtocol: http2$/m);
  const state = fix(
    `type: MeshService\nname: web\nmesh: default\nspec:\n  state: Ready\n  selector:\n    dataplaneRef: {name: x}\n`,
    'schema-enum',
  );
  assert.deepEqual(state.titles, ['Change to Available', 'Change to Unavailable']);
  assert.match(state.text, /state: Available/);
});

test('a hand-written status is removed with its whole block, comments around kept', () => {
  const src =
    'type: MeshService\nname: web\nmesh: default\nstatus:\n  vips:\n    - ip: 241.0.0.1\n  # trailing\nspec:\n  selector:\n    dataplaneRef: {name: x}\n';
  const r = fix(src, 'status-read-only');
  assert.equal(r.text, 'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneRef: {name: x}\n');
});

test('the ignored mesh of a HostnameGenerator is removed', () => {
  const src =
    'type: HostnameGenerator\nname: gen\nmesh: default\nspec:\n  selector:\n    meshService:\n      matchLabels: {a: b}\n  template: x\n';
  const r = fix(src, 'mesh-ignored');
  assert.deepEqual(r.titles.slice(0, 1), ['Remove the ignored mesh']);
  assert.equal(r.text, src.replace('mesh: default\n', ''));
});

test('version pin comment is fixed with bare text; YAML values that would read as another type are quoted', () => {
  const r = fix(
    '# kuma-version: 2.99\ntype: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneRef: {name: x}\n',
    'kuma-version-unknown',
  );
  assert.equal(r.titles[0], 'Change to 2.9');
  assert.match(r.text, /^# kuma-version: 2.9$/m);
  const ns = fix(
    'apiVersion: kuma.io/v1alpha1\nkind: HostnameGenerator\nmetadata:\n  name: g\n  namespace: "true"\nspec:\n  selector:\n    meshService:\n      matchLabels: {a: b}\n  template: "{{ .Name }}.mesh"\n',
    'system-namespace-only',
  );
  assert.match(ns.text, /namespace: kuma-system/);
});
