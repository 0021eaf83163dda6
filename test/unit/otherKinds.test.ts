import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent, diagnose, withCode } from '../helpers';

test('MeshExternalService: Kuma validator messages on the exact values', () => {
  const src = dedent(`
    type: MeshExternalService
    name: httpbin
    mesh: default
    spec:
      match:
        type: Other
        port: 0
        protocol: udp
      endpoints:
        - address: "not a host!"
          port: 443
        - address: httpbin.org
          port: 70000
      tls:
        version:
          min: TLS13
          max: TLS12
        verification:
          mode: Sometimes
          clientCert:
            inline: abc
  `);
  const d = withCode(diagnose(src, '2.14'), 'external-service-invalid');
  const seen = d.map((x) => [x.path, x.text, x.message]);
  assert.deepEqual(seen, [
    ['spec.match.type', 'Other', "unrecognized type 'Other' - only 'HostnameGenerator' is supported"],
    ['spec.match.port', '0', 'port must be a valid (1-65535)'],
    ['spec.match.protocol', 'udp', '"protocol" must be one of ["tcp", "grpc", "http", "http2"]'],
    ['spec.endpoints[0].address', '"not a host!"', 'address has to be a valid IP or hostname'],
    ['spec.endpoints[1].port', '70000', 'port must be a valid (1-65535)'],
    ['spec.tls.version.min', 'TLS13', 'min version must be lower than max'],
    ['spec.tls.verification.mode', 'Sometimes', '"mode" must be one of ["SkipSAN", "SkipCA", "SkipAll", "Secured"]'],
    ['spec.tls.verification.clientKey', 'clientCert', 'must be defined when clientCert is defined'],
  ]);
});

test('MeshExternalService on Kubernetes outside the system namespace gets a warning', () => {
  const src = dedent(`
    apiVersion: kuma.io/v1alpha1
    kind: MeshExternalService
    metadata:
      name: httpbin
      namespace: shop
    spec:
      match:
        type: HostnameGenerator
        port: 443
        protocol: http
      endpoints:
        - address: httpbin.org
          port: 443
  `);
  const d = withCode(diagnose(src, '2.14'), 'system-namespace-only');
  assert.equal(d.length, 1);
  assert.equal(d[0].text, 'shop');
});

test('MeshMultiZoneService: empty selector and ports, empty port name, case-sensitive appProtocol from 2.10', () => {
  const src = dedent(`
    type: MeshMultiZoneService
    name: backend
    mesh: default
    spec:
      selector:
        meshService:
          matchLabels: {}
      ports:
        - name: ""
          port: 80
          appProtocol: HTTP
  `);
  const d = diagnose(src, '2.14');
  assert.deepEqual(
    withCode(d, 'multizone-service-invalid').map((x) => [x.path, x.text, x.message]),
    [
      ['spec.selector.meshService.matchLabels', 'matchLabels', 'cannot be empty'],
      ['spec.ports[0].name', '""', 'must not be empty'],
    ],
  );
  const ap = withCode(d, 'app-protocol-invalid');
  assert.equal(ap[0].message, 'appProtocol must be one of: grpc, http, http2, kafka, tcp');
  assert.equal(ap[0].text, 'HTTP');
  assert.equal(withCode(diagnose(src, '3.0'), 'app-protocol-invalid')[0].message, 'appProtocol must be one of: grpc, http, http2, tcp');
  assert.deepEqual(withCode(diagnose(src, '2.9'), 'app-protocol-invalid'), []);
  const noPorts = dedent(`
    type: MeshMultiZoneService
    name: backend
    mesh: default
    spec:
      selector:
        meshService:
          matchLabels: {app: a}
      ports: []
  `);
  assert.deepEqual(
    withCode(diagnose(noPorts, '2.14'), 'multizone-service-invalid').map((x) => [x.path, x.text, x.message]),
    [['spec.ports', 'ports', 'cannot be empty']],
  );
});

test('HostnameGenerator: selector count, empty template and Go template errors', () => {
  const hg = (selector: string, template: string) =>
    `type: HostnameGenerator\nname: gen\nspec:\n  selector:\n${selector.replace(/^/gm, '    ')}\n  template: ${template}\n`;
  const one = 'meshService:\n  matchLabels:\n    a: b';
  const two = `${one}\nmeshExternalService:\n  matchLabels:\n    a: b`;
  const d = withCode(diagnose(hg(two, '"{{ .Name }}.mesh"'), '2.14'), 'hostname-generator-invalid');
  assert.deepEqual(
    d.map((x) => [x.path, x.text, x.message]),
    [['spec.selector', 'selector', 'exact one selector (meshService, meshExternalService) must be defined']],
  );

  const parse = withCode(diagnose(hg(one, '"{{ .Name[0] }}.mesh"'), '2.9'), 'hostname-generator-invalid');
  assert.deepEqual(
    parse.map((x) => x.message),
    ["couldn't parse template: template: :1: bad character U+005B '['"],
  );

  const unclosed = withCode(diagnose(hg(one, '"{{ .Name }}.{{ .Namespace"'), '2.14'), 'hostname-generator-invalid');
  assert.deepEqual(
    unclosed.map((x) => x.message),
    ["couldn't parse template: template: :1: unclosed action"],
  );

  const fn = withCode(diagnose(hg(one, '"{{ lower .Name }}.mesh"'), '2.14'), 'hostname-generator-invalid');
  assert.deepEqual(
    fn.map((x) => x.message),
    ['couldn\'t parse template: template: :1: function "lower" not defined'],
  );

  const empty = withCode(diagnose(hg(one, '""'), '2.14'), 'hostname-generator-invalid');
  assert.deepEqual(
    empty.map((x) => [x.text, x.message]),
    [['template', 'must not be empty']],
  );
});

test('HostnameGenerator: rendered host names must be DNS names from 2.14 only', () => {
  const hg = (template: string) =>
    `type: HostnameGenerator\nname: gen\nspec:\n  selector:\n    meshService:\n      matchLabels: {a: b}\n  template: ${template}\n`;
  const upper = withCode(diagnose(hg('"{{ .Name }}.MESH"'), '2.14'), 'hostname-generator-invalid');
  assert.equal(upper.length, 1);
  assert.match(
    upper[0].message,
    /^template renders to "name\.MESH" which is not a valid DNS name: a lowercase RFC 1123 subdomain must consist/,
  );
  assert.deepEqual(withCode(diagnose(hg('"{{ .Name }}.MESH"'), '2.13'), 'hostname-generator-invalid'), []);
  for (const bad of ['".{{ .Name }}.mesh"', '"{{ .Name }}..mesh"', '"{{ .Name }}_svc.mesh"']) {
    assert.equal(withCode(diagnose(hg(bad), '3.0'), 'hostname-generator-invalid').length, 1, bad);
  }
  for (const good of [
    '"{{ .DisplayName }}.svc.mesh.local"',
    '"{{ label \\"statefulset.kubernetes.io/pod-name\\" }}.{{ .Namespace }}.svc.{{ .Zone }}.mesh.local"',
    '"{{ .Name }}.{{ .Mesh }}.mesh"',
  ]) {
    assert.deepEqual(withCode(diagnose(hg(good), '2.14'), 'hostname-generator-invalid'), [], good);
  }
});

test('Dataplane: ports, addresses, protocol and tags with Kuma messages', () => {
  const src = dedent(`
    type: Dataplane
    mesh: default
    name: dp-1
    networking:
      address: 0.0.0.0
      inbound:
        - port: 80800
          servicePort: 8080
          tags:
            kuma.io/protocol: websocket
        - port: 8080
          address: not-an-ip
          tags:
            kuma.io/service: web
  `);
  const d = withCode(diagnose(src, '2.9'), 'dataplane-invalid');
  assert.deepEqual(
    d.map((x) => [x.path, x.text, x.message]),
    [
      ['networking.address', '0.0.0.0', 'must not be 0.0.0.0 or ::'],
      ['networking.inbound[0].port', '80800', 'port must be in the range [1, 65535]'],
      ['networking.inbound[0].tags["kuma.io/service"]', 'tags', 'tag has to exist'],
      [
        'networking.inbound[0].tags["kuma.io/protocol"]',
        'websocket',
        'tag "kuma.io/protocol" has an invalid value "websocket". Allowed values: grpc, http, http2, kafka, tcp',
      ],
      ['networking.inbound[1].address', 'not-an-ip', 'address has to be valid IP address'],
    ],
  );
});

test('Dataplane inbound protocol field is checked from 2.14; tls is accepted', () => {
  const src = (p: string) =>
    `type: Dataplane\nmesh: default\nname: dp\nnetworking:\n  address: 10.0.0.1\n  inbound:\n    - port: 8080\n      protocol: ${p}\n`;
  const d = withCode(diagnose(src('websocket'), '3.0'), 'dataplane-invalid');
  assert.deepEqual(
    d.map((x) => x.message),
    ['has an invalid value "websocket". Allowed values: grpc, http, http2, tcp'],
  );
  assert.deepEqual(withCode(diagnose(src('tls'), '3.0'), 'dataplane-invalid'), []);
});

test('Universal names and meshes follow the meta validator', () => {
  const d = diagnose(
    'type: MeshService\nname: Foo_Bar\nmesh: Default\nspec:\n  selector: {dataplaneRef: {name: x}}\n  ports: [{port: 1, targetPort: 1}]\n',
    '2.14',
  );
  assert.deepEqual(
    withCode(d, 'name-invalid').map((x) => [x.text, x.message]),
    [
      [
        'Foo_Bar',
        "invalid characters. A lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
  );
  assert.deepEqual(
    withCode(d, 'mesh-invalid').map((x) => [x.text, x.message]),
    [['Default', "invalid characters. Valid characters are numbers, lowercase latin letters and '-', '_', '.' symbols."]],
  );
});

test('HostnameGenerator (Universal): a mesh is ignored, not an unknown key (it is global-scoped)', () => {
  const hg = (mesh: string) =>
    `type: HostnameGenerator\nname: gen\n${mesh}spec:\n  selector:\n    meshService:\n      matchLabels: {a: b}\n  template: '{{ .DisplayName }}.mesh'\n`;
  for (const version of ['2.9', '2.14', '3.0'] as const) {
    const seen = diagnose(hg('mesh: default\n'), version);
    assert.deepEqual(
      seen.map((d) => [d.code, d.severity, d.text, d.message]),
      [
        [
          'mesh-ignored',
          'warning',
          'mesh',
          'HostnameGenerator is global-scoped, not part of a mesh: Kuma ignores its mesh. Remove the mesh key.',
        ],
      ],
      version,
    );
  }
  // Even a mesh name Kuma would reject for a mesh-scoped resource is only ignored.
  assert.deepEqual(
    diagnose(hg('mesh: Bad_Mesh\n')).map((d) => d.code),
    ['mesh-ignored'],
  );
  assert.deepEqual(diagnose(hg('')), []);
  // Mesh-scoped kinds keep their mesh checks.
  assert.deepEqual(
    withCode(diagnose('type: MeshExternalService\nname: e\nmesh: Bad\nspec:\n  match:\n    port: 80\n    protocol: tcp\n'), 'mesh-invalid')
      .length,
    1,
  );
});
