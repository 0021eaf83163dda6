import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../helpers';
import { KUMA_VERSIONS, type KumaVersion } from '../../server/src/core/kuma/versions';

/**
 * SPEC.md section 4 and 5, rule by rule: each case fires with Kuma's path and message in the
 * versions listed, and stays silent (for that code and path) in every other version.
 */
interface Case {
  name: string;
  yaml: string;
  code: string;
  path: string;
  message: string | ((v: KumaVersion) => string);
  /** The source text the squiggle covers. */
  covers: string;
  versions: KumaVersion[];
}

const ms = (spec: string, name = 'web') => `type: MeshService\nname: ${name}\nmesh: default\nspec:\n${spec}`;
const refSel = '  selector:\n    dataplaneRef:\n      name: dp-1\n';
const port = (extra = '') => `  ports:\n    - port: 80\n      targetPort: 80\n${extra}`;
const mes = (spec: string, name = 'ext') => `type: MeshExternalService\nname: ${name}\nmesh: default\nspec:\n${spec}`;
const mesMatch = '  match:\n    type: HostnameGenerator\n    port: 443\n    protocol: tcp\n';
const mzs = (spec: string, name = 'global') => `type: MeshMultiZoneService\nname: ${name}\nmesh: default\nspec:\n${spec}`;
const mzsSel = '  selector:\n    meshService:\n      matchLabels:\n        app: a\n';
const hg = (spec: string) => `type: HostnameGenerator\nname: gen\nspec:\n${spec}`;
const hgSel = '  selector:\n    meshService:\n      matchLabels:\n        a: b\n';
const dp = (net: string) => `type: Dataplane\nname: dp-1\nmesh: default\nnetworking:\n${net}`;
const FMT1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const long = 'a'.repeat(64);

const CASES: Case[] = [
  {
    name: 'MeshService name over 63',
    yaml: ms(refSel + port(), long),
    code: 'name-too-long',
    path: 'name',
    message: 'must not be longer than 63 characters',
    covers: long,
    versions: ['2.9', '2.13', '2.14'],
  },
  {
    name: 'MeshService name over 63 (3.0 wording)',
    yaml: ms(refSel + port(), long),
    code: 'name-rfc1035',
    path: 'name',
    message: 'must be no more than 63 characters',
    covers: long,
    versions: ['3.0'],
  },
  {
    name: 'MeshService RFC 1035 name',
    yaml: ms(refSel + port(), '1web'),
    code: 'name-rfc1035',
    path: 'name',
    message: FMT1035,
    covers: '1web',
    versions: ['3.0'],
  },
  {
    name: 'MeshService RFC 1035 deprecation',
    yaml: ms(refSel + port(), '1web'),
    code: 'name-rfc1035-deprecated',
    path: 'name',
    message: `Invalid MeshService resource name: '1web'. It does not conform to the DNS format (RFC 1035). This is deprecated. Errors: ${FMT1035}`,
    covers: '1web',
    versions: ['2.13', '2.14'],
  },
  {
    name: 'MeshService three selectors',
    yaml: ms('  selector:\n    dataplaneTags: {a: b}\n    dataplaneRef: {name: x}\n    dataplaneLabels: {matchLabels: {a: b}}\n' + port()),
    code: 'selector-multiple',
    path: 'spec.selector',
    // At 3.0 dataplaneTags no longer exists, so what is left is ref plus labels.
    message: (v) =>
      v === '3.0'
        ? 'must specify only one of: dataplaneRef or dataplaneLabels'
        : 'must specify only one of: dataplaneTags, dataplaneRef, or dataplaneLabels',
    covers: 'selector',
    versions: ['2.14', '3.0'],
  },
  {
    name: 'MeshService ref and labels',
    yaml: ms('  selector:\n    dataplaneRef: {name: x}\n    dataplaneLabels: {matchLabels: {a: b}}\n' + port()),
    code: 'selector-multiple',
    path: 'spec.selector',
    message: (v) =>
      v === '3.0'
        ? 'must specify only one of: dataplaneRef or dataplaneLabels'
        : 'must specify only one of: dataplaneTags, dataplaneRef, or dataplaneLabels',
    covers: 'selector',
    versions: ['2.14', '3.0'],
  },
  {
    name: 'MeshService appProtocol',
    yaml: ms(refSel + port('      appProtocol: kafka\n')),
    code: 'app-protocol-invalid',
    path: 'spec.ports[0].appProtocol',
    message: 'appProtocol must be one of: grpc, http, http2, tcp',
    covers: 'kafka',
    versions: ['3.0'],
  },
  {
    name: 'MeshService no selector (3.0 deprecation text)',
    yaml: ms(port()),
    code: 'selector-missing',
    path: 'spec.selector',
    message: (v) =>
      v === '3.0'
        ? "MeshService resource 'web' has no selector, so it matches no data plane proxies. Set 'spec.selector.dataplaneRef' or 'spec.selector.dataplaneLabels'. The 'spec.selector.dataplaneTags' selector was removed, migrate it to 'dataplaneLabels'."
        : v === '2.14'
          ? "MeshService 'web' has no selector, so it matches no data plane proxies. Set one of 'spec.selector.dataplaneTags', 'spec.selector.dataplaneRef', 'spec.selector.dataplaneLabels'."
          : "MeshService 'web' has no selector, so it matches no data plane proxies. Set one of 'spec.selector.dataplaneTags', 'spec.selector.dataplaneRef'.",
    covers: 'spec',
    versions: ['2.9', '2.13', '2.14', '3.0'],
  },
  {
    name: 'MeshService SNI',
    yaml: ms(refSel + '  ports:\n    - name: Main\n      port: 80\n      targetPort: 80\n'),
    code: 'sni-deprecated',
    path: 'spec.ports[0].name',
    message:
      "Invalid MeshService SNI (port \"Main\"): a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'). This is deprecated.",
    covers: 'Main',
    versions: ['2.14', '3.0'],
  },

  {
    name: 'MeshExternalService name over 63',
    yaml: mes(mesMatch, long),
    code: 'name-too-long',
    path: 'name',
    message: 'must not be longer than 63 characters',
    covers: long,
    versions: ['2.9', '2.13', '2.14'],
  },
  {
    name: 'MeshExternalService RFC 1035',
    yaml: mes(mesMatch, 'ext.svc'),
    code: 'name-rfc1035',
    path: 'name',
    message: FMT1035,
    covers: 'ext.svc',
    versions: ['3.0'],
  },
  {
    name: 'MeshExternalService match.type',
    yaml: mes(mesMatch.replace('type: HostnameGenerator', 'type: Static')),
    code: 'external-service-invalid',
    path: 'spec.match.type',
    message: "unrecognized type 'Static' - only 'HostnameGenerator' is supported",
    covers: 'Static',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'MeshExternalService match.port',
    yaml: mes(mesMatch.replace('port: 443', 'port: 0')),
    code: 'external-service-invalid',
    path: 'spec.match.port',
    message: 'port must be a valid (1-65535)',
    covers: '0',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'MeshExternalService tls version min > max',
    yaml: mes(
      mesMatch + '  endpoints:\n    - address: 1.1.1.1\n      port: 443\n  tls:\n    version:\n      min: TLS13\n      max: TLS10\n',
    ),
    code: 'external-service-invalid',
    path: 'spec.tls.version.min',
    message: 'min version must be lower than max',
    covers: 'TLS13',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'MeshExternalService serverName',
    yaml: mes(
      mesMatch + '  endpoints:\n    - address: 1.1.1.1\n      port: 443\n  tls:\n    verification:\n      serverName: "bad name"\n',
    ),
    code: 'external-service-invalid',
    path: 'spec.tls.verification.serverName',
    message: 'must be a valid DNS name',
    covers: '"bad name"',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'MeshExternalService 3.0 data source type',
    yaml: mes(mesMatch + '  tls:\n    verification:\n      caCert:\n        type: File\n        file: /ca.pem\n'),
    code: 'external-service-invalid',
    path: 'spec.tls.verification.caCert.type',
    message: 'File must be one of: Secret, InsecureInline',
    covers: 'File',
    versions: ['3.0'],
  },
  {
    name: 'MeshExternalService extension type',
    yaml: mes(mesMatch + '  extension:\n    type: ""\n    config: {}\n'),
    code: 'external-service-invalid',
    path: 'spec.extension.type',
    message: 'must not be empty',
    covers: 'type',
    versions: [...KUMA_VERSIONS],
  },

  {
    name: 'MeshMultiZoneService RFC 1035',
    yaml: mzs(mzsSel + '  ports:\n    - port: 80\n', 'Global'),
    code: 'name-rfc1035',
    path: 'name',
    message: FMT1035,
    covers: 'Global',
    versions: ['3.0'],
  },
  {
    name: 'MeshMultiZoneService matchLabels',
    yaml: mzs('  selector:\n    meshService: {}\n  ports:\n    - port: 80\n'),
    code: 'multizone-service-invalid',
    path: 'spec.selector.meshService.matchLabels',
    message: 'cannot be empty',
    covers: 'meshService',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'MeshMultiZoneService port name',
    yaml: mzs(mzsSel + '  ports:\n    - port: 80\n      name: ""\n'),
    code: 'multizone-service-invalid',
    path: 'spec.ports[0].name',
    message: 'must not be empty',
    covers: '""',
    versions: ['2.13', '2.14', '3.0'],
  },
  {
    name: 'MeshMultiZoneService appProtocol',
    yaml: mzs(mzsSel + '  ports:\n    - port: 80\n      appProtocol: Http\n'),
    code: 'app-protocol-invalid',
    path: 'spec.ports[0].appProtocol',
    message: (v) =>
      v === '3.0' ? 'appProtocol must be one of: grpc, http, http2, tcp' : 'appProtocol must be one of: grpc, http, http2, kafka, tcp',
    covers: 'Http',
    versions: ['2.13', '2.14', '3.0'],
  },

  {
    name: 'HostnameGenerator no selector',
    yaml: hg('  selector: {}\n  template: "{{ .Name }}.mesh"\n'),
    code: 'hostname-generator-invalid',
    path: 'spec.selector',
    message: 'exact one selector (meshService, meshExternalService) must be defined',
    covers: 'selector',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'HostnameGenerator parse',
    yaml: hg(hgSel + '  template: "{{ .Name }"\n'),
    code: 'hostname-generator-invalid',
    path: 'spec.template',
    message: 'couldn\'t parse template: template: :1: unexpected "}" in operand',
    covers: '"{{ .Name }"',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'HostnameGenerator DNS render',
    yaml: hg(hgSel + '  template: "{{ .Name }}_svc.mesh"\n'),
    code: 'hostname-generator-invalid',
    path: 'spec.template',
    message:
      "template renders to \"name_svc.mesh\" which is not a valid DNS name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    covers: '"{{ .Name }}_svc.mesh"',
    versions: ['2.14', '3.0'],
  },

  {
    name: 'Dataplane inbound port',
    yaml: dp('  address: 10.0.0.1\n  inbound:\n    - port: 0\n      servicePort: 8080\n'),
    code: 'dataplane-invalid',
    path: 'networking.inbound[0].port',
    message: 'port must be in the range [1, 65535]',
    covers: '0',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'Dataplane address',
    yaml: dp('  address: "::"\n'),
    code: 'dataplane-invalid',
    path: 'networking.address',
    message: 'must not be 0.0.0.0 or ::',
    covers: '"::"',
    versions: [...KUMA_VERSIONS],
  },
  {
    name: 'Dataplane inbound protocol field',
    yaml: dp('  address: 10.0.0.1\n  inbound:\n    - port: 8080\n      protocol: quic\n'),
    code: 'dataplane-invalid',
    path: 'networking.inbound[0].protocol',
    message: (v) =>
      `has an invalid value "quic". Allowed values: ${v === '3.0' ? 'grpc, http, http2, tcp' : 'grpc, http, http2, kafka, tcp'}`,
    covers: 'quic',
    versions: ['2.14', '3.0'],
  },
  {
    name: 'Dataplane kuma.io/service tag required',
    yaml: dp('  address: 10.0.0.1\n  inbound:\n    - port: 8080\n      tags:\n        version: v1\n'),
    code: 'dataplane-invalid',
    path: 'networking.inbound[0].tags["kuma.io/service"]',
    message: 'tag has to exist',
    covers: 'tags',
    versions: ['2.9', '2.13', '2.14'],
  },
];

for (const c of CASES) {
  test(`${c.name}: fires in ${c.versions.join(', ')}, silent elsewhere`, () => {
    for (const v of KUMA_VERSIONS) {
      const hits = diagnose(c.yaml, v).filter((d) => d.code === c.code && d.path === c.path);
      if (c.versions.includes(v)) {
        assert.equal(hits.length, 1, `${v}: expected one ${c.code} at ${c.path}, got ${JSON.stringify(diagnose(c.yaml, v))}`);
        assert.equal(hits[0].message, typeof c.message === 'function' ? c.message(v) : c.message, v);
        assert.equal(hits[0].text, c.covers, v);
      } else {
        assert.deepEqual(hits, [], `${v}: expected no ${c.code} at ${c.path}`);
      }
    }
  });
}
