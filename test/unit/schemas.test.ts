// Guards the generated schemas/<version>.json files (scripts/gen-schemas.mjs).
// The sample documents mirror the self-check at the end of that script.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { POLICY_KINDS } from '../../server/src/core/types';

type Schema = Record<string, unknown>;
interface SchemaFile {
  $comment: string;
  kumaVersion: string;
  kumaTag: string;
  kumaCommit: string;
  resources: Record<string, { kubernetes: Schema; universal: Schema }>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const VERSIONS = ['2.9', '2.13', '2.14', '3.0'] as const;
type Version = (typeof VERSIONS)[number];
const KINDS = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'HostnameGenerator', ...POLICY_KINDS, 'Dataplane'];
const TAGS: Record<Version, string> = { '2.9': '2.9.19', '2.13': 'v2.13.10', '2.14': 'v2.14.3', '3.0': 'HEAD' };

const texts = {} as Record<Version, string>;
const files = {} as Record<Version, SchemaFile>;
for (const v of VERSIONS) {
  texts[v] = readFileSync(path.join(ROOT, 'schemas', `${v}.json`), 'utf8');
  files[v] = JSON.parse(texts[v]) as SchemaFile;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const cache = new Map<string, ValidateFunction>();
function validator(version: Version, kind: string, form: 'kubernetes' | 'universal'): ValidateFunction {
  const key = `${version}/${kind}/${form}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = ajv.compile(files[version].resources[kind][form]);
    cache.set(key, fn);
  }
  return fn;
}
function isValid(version: Version, kind: string, form: 'kubernetes' | 'universal', doc: unknown): boolean {
  return validator(version, kind, form)(doc) === true;
}
function errorsOf(version: Version, kind: string, form: 'kubernetes' | 'universal', doc: unknown): string {
  const fn = validator(version, kind, form);
  fn(doc);
  return JSON.stringify(fn.errors);
}

const meshServiceK8s = (spec: unknown) => ({
  apiVersion: 'kuma.io/v1alpha1',
  kind: 'MeshService',
  metadata: { name: 'web', namespace: 'kuma-demo', labels: { 'kuma.io/mesh': 'default' } },
  spec,
});
const ports = (override: Record<string, unknown> = {}) => [{ port: 80, targetPort: 'http', appProtocol: 'http', ...override }];
const withLabels = meshServiceK8s({ selector: { dataplaneLabels: { matchLabels: { app: 'web' } } }, ports: ports() });
const withTags = meshServiceK8s({ selector: { dataplaneTags: { app: 'web' } }, ports: ports() });
const dataplaneUniversal = (inbound: Record<string, unknown> = {}) => ({
  type: 'Dataplane',
  name: 'dp-1',
  mesh: 'default',
  networking: {
    address: '10.0.0.1',
    inbound: [{ port: 8080, servicePort: 80, tags: { 'kuma.io/service': 'web' }, ...inbound }],
  },
});
const hostnameGenerator = {
  type: 'HostnameGenerator',
  name: 'x',
  spec: { template: '{{ .Name }}.mesh', selector: { meshService: { matchLabels: { a: 'b' } } } },
};

describe('generated schema files', () => {
  for (const v of VERSIONS) {
    test(`${v}.json has the expected shape and formatting`, () => {
      const f = files[v];
      assert.deepEqual(Object.keys(f), ['$comment', 'kumaVersion', 'kumaTag', 'kumaCommit', 'resources']);
      assert.equal(f.kumaVersion, v);
      assert.equal(f.kumaTag, TAGS[v]);
      assert.match(f.kumaCommit, /^[0-9a-f]{40}$/);
      assert.ok(f.$comment.includes(f.kumaCommit) && f.$comment.includes('Apache License 2.0'));
      assert.deepEqual(Object.keys(f.resources), KINDS);
      assert.equal(texts[v], `${JSON.stringify(f, null, 2)}\n`, 'file is not in canonical 2-space JSON form');
    });

    test(`${v}.json: every schema compiles with ajv and has no $schema/$id`, () => {
      for (const kind of KINDS) {
        for (const form of ['kubernetes', 'universal'] as const) {
          const s = files[v].resources[kind][form];
          assert.equal('$schema' in s, false, `${kind} ${form} has $schema`);
          assert.equal('$id' in s, false, `${kind} ${form} has $id`);
          assert.equal(s.additionalProperties, false, `${kind} ${form} top level must reject unknown keys`);
          assert.doesNotThrow(() => validator(v, kind, form), `${kind} ${form}`);
        }
      }
    });
  }
});

describe('MeshService selectors and ports', () => {
  test('dataplaneLabels: valid at 2.14 and 3.0, unknown at 2.13 and 2.9', () => {
    assert.ok(isValid('2.14', 'MeshService', 'kubernetes', withLabels), errorsOf('2.14', 'MeshService', 'kubernetes', withLabels));
    assert.ok(isValid('3.0', 'MeshService', 'kubernetes', withLabels));
    assert.equal(isValid('2.13', 'MeshService', 'kubernetes', withLabels), false);
    assert.equal(isValid('2.9', 'MeshService', 'kubernetes', withLabels), false);
  });

  test('dataplaneTags: valid at 2.14, removed at 3.0', () => {
    assert.ok(isValid('2.14', 'MeshService', 'kubernetes', withTags));
    assert.equal(isValid('3.0', 'MeshService', 'kubernetes', withTags), false);
  });

  test('targetPort is int-or-string; port must be an integer', () => {
    assert.ok(isValid('2.14', 'MeshService', 'kubernetes', meshServiceK8s({ ports: ports({ targetPort: 8080 }) })));
    assert.ok(isValid('2.14', 'MeshService', 'kubernetes', meshServiceK8s({ ports: ports({ targetPort: 'http' }) })));
    assert.equal(isValid('2.14', 'MeshService', 'kubernetes', meshServiceK8s({ ports: ports({ port: '80' }) })), false);
    assert.equal(isValid('2.14', 'MeshService', 'kubernetes', meshServiceK8s({ ports: ports({ port: 2 ** 31 }) })), false);
  });

  test('identities type ServiceTag: valid at 2.14, invalid at 3.0', () => {
    const doc = meshServiceK8s({ identities: [{ type: 'ServiceTag', value: 'web' }] });
    assert.ok(isValid('2.14', 'MeshService', 'kubernetes', doc));
    assert.equal(isValid('3.0', 'MeshService', 'kubernetes', doc), false);
  });

  test('Kubernetes form: apiVersion/kind are fixed, spec is optional, unknown top-level keys rejected', () => {
    const base = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshService', metadata: { name: 'web' } };
    assert.ok(isValid('2.14', 'MeshService', 'kubernetes', base));
    assert.equal(isValid('2.14', 'MeshService', 'kubernetes', { ...base, kind: 'MeshExternalService' }), false);
    assert.equal(isValid('2.14', 'MeshService', 'kubernetes', { ...base, apiVersion: 'kuma.io/v1' }), false);
    assert.equal(isValid('2.14', 'MeshService', 'kubernetes', { ...base, bogus: 1 }), false);
    assert.equal(isValid('2.14', 'MeshService', 'kubernetes', { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshService' }), false);
  });

  test('Universal form requires type, name and spec', () => {
    const doc = { type: 'MeshService', name: 'web', mesh: 'default', spec: { ports: ports() } };
    assert.ok(isValid('2.14', 'MeshService', 'universal', doc));
    assert.equal(isValid('2.14', 'MeshService', 'universal', { type: 'MeshService', name: 'web' }), false);
    assert.equal(isValid('2.14', 'MeshService', 'universal', { ...doc, type: 'Dataplane' }), false);
  });
});

describe('Dataplane', () => {
  test('Universal Dataplane with inbound tags: valid at 2.14, invalid at 3.0', () => {
    const doc = dataplaneUniversal();
    assert.ok(isValid('2.14', 'Dataplane', 'universal', doc), errorsOf('2.14', 'Dataplane', 'universal', doc));
    assert.equal(isValid('3.0', 'Dataplane', 'universal', doc), false);
  });

  test('unknown inbound field is rejected', () => {
    assert.equal(isValid('2.14', 'Dataplane', 'universal', dataplaneUniversal({ bogus: 1 })), false);
  });

  test('Universal Dataplane requires type, name, mesh; body fields are flat (no spec)', () => {
    const noMesh: Record<string, unknown> = dataplaneUniversal();
    delete noMesh.mesh;
    assert.equal(isValid('2.14', 'Dataplane', 'universal', noMesh), false);
    const nested = { type: 'Dataplane', name: 'dp-1', mesh: 'default', spec: { networking: { address: '10.0.0.1' } } };
    assert.equal(isValid('2.14', 'Dataplane', 'universal', nested), false);
  });

  test('Kubernetes Dataplane: spec is the proto body', () => {
    const doc = {
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'Dataplane',
      mesh: 'default',
      metadata: { name: 'web-1', namespace: 'kuma-demo' },
      spec: { networking: { address: '10.0.0.1', inbound: [{ port: 8080, name: 'http' }] } },
    };
    assert.ok(isValid('3.0', 'Dataplane', 'kubernetes', doc), errorsOf('3.0', 'Dataplane', 'kubernetes', doc));
    assert.equal(isValid('3.0', 'Dataplane', 'kubernetes', { ...doc, spec: { bogus: true } }), false);
  });

  test('Duration and enum fields follow protojson', () => {
    const probe = { serviceProbe: { interval: '5s', timeout: '1.5s', healthyThreshold: 2, tcp: {} }, state: 'NotReady' };
    assert.ok(isValid('2.14', 'Dataplane', 'universal', dataplaneUniversal(probe)));
    assert.equal(isValid('2.14', 'Dataplane', 'universal', dataplaneUniversal({ serviceProbe: { interval: 5 } })), false);
    assert.equal(isValid('2.14', 'Dataplane', 'universal', dataplaneUniversal({ state: 'Broken' })), false);
  });
});

describe('HostnameGenerator', () => {
  for (const v of VERSIONS) {
    test(`Universal HostnameGenerator is valid at ${v}`, () => {
      assert.ok(
        isValid(v, 'HostnameGenerator', 'universal', hostnameGenerator),
        errorsOf(v, 'HostnameGenerator', 'universal', hostnameGenerator),
      );
    });
  }

  test('Universal HostnameGenerator has no mesh key', () => {
    for (const v of VERSIONS) {
      assert.equal(isValid(v, 'HostnameGenerator', 'universal', { ...hostnameGenerator, mesh: 'default' }), false);
    }
  });
});

describe('targetRef policies', () => {
  // SPEC-policies.md a.1: the spec sections of each policy kind per version (`rules` from 2.10, no `from` at HEAD).
  const sections = (kind: string, v: Version): string[] => {
    const single = ['MeshMetric', 'MeshPassthrough', 'MeshProxyPatch', 'MeshTrace'];
    if (single.includes(kind)) return ['default', 'targetRef'];
    if (['MeshHealthCheck', 'MeshHTTPRoute', 'MeshLoadBalancingStrategy', 'MeshRetry', 'MeshTCPRoute'].includes(kind))
      return ['targetRef', 'to'];
    const to = ['MeshTLS', 'MeshTrafficPermission'].includes(kind) ? [] : ['to'];
    if (v === '2.9') return ['from', 'targetRef', ...to];
    if (v === '3.0') return ['rules', 'targetRef', ...to];
    return ['from', 'rules', 'targetRef', ...to];
  };
  test('every policy kind has the spec sections of SPEC-policies.md a.1, in both forms, at every version', () => {
    for (const v of VERSIONS)
      for (const kind of POLICY_KINDS)
        for (const form of ['kubernetes', 'universal'] as const) {
          const spec = (files[v].resources[kind][form].properties as Record<string, Schema>).spec;
          assert.deepEqual(Object.keys(spec.properties as Schema).sort(), sections(kind, v), `${v} ${kind} ${form}`);
        }
  });
  test('top-level targetRef kinds: the 2.x enum for every place, Mesh and Dataplane only at 3.0', () => {
    const doc = (kind: string) => ({ type: 'MeshTimeout', name: 't', spec: { targetRef: { kind } } });
    for (const v of ['2.13', '2.14'] as const) assert.ok(isValid(v, 'MeshTimeout', 'universal', doc('MeshGateway')), v);
    assert.equal(isValid('3.0', 'MeshTimeout', 'universal', doc('MeshGateway')), false);
    assert.ok(isValid('3.0', 'MeshTimeout', 'universal', doc('Dataplane')));
    assert.equal(isValid('2.9', 'MeshTimeout', 'universal', doc('Dataplane')), false);
  });
});
