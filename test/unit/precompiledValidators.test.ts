// The bundles validate with validators precompiled by scripts/validators.mjs (ajv standalone code,
// no code generation at run time); the sources compile them with ajv at run time. Both must give
// the very same problems (messages, ranges, paths, hints) for every version, kind and form.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseChunk, splitDocuments } from '../../server/src/core/yaml/documents';
import { SchemaValidators, type SchemaProblem } from '../../server/src/core/schema/validation';
import type { ValidatorFactory } from '../../server/src/core/schema/validatorFactory';
import { KUMA_VERSIONS } from '../../server/src/core/kuma/versions';

const ROOT = path.resolve(__dirname, '..', '..');

function precompiledFactory(): ValidatorFactory {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/validators.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(ROOT, 'out/validators/index.cjs')) as { createValidatorFactory(): ValidatorFactory }).createValidatorFactory();
}

const MISTAKES = `
apiVersion: kuma.io/v1alpha1
kind: MeshTimeout
metadata:
  name: t
spec:
  targetRef: {kind: MeshGatewayRoute, nme: x}
  to:
    - targetRef: {kind: MeshService, name: 7}
      default: {idleTimeout: 5, bogus: true}
  from: "x"
---
type: MeshHTTPRoute
name: r
spec:
  to:
    - rules:
        - default:
            backendRefs: [{kind: MeshService, weight: -1, port: "80"}]
---
type: MeshTrace
name: t
spec: []
---
apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: web
  namespace: kuma-demo
spec:
  selector:
    dataplaneLabels:
      matchLabels: {app: web}
    dataplaneTags: {app: 7}
  ports:
    - port: 70000
      targetPort: [1]
      appProtocol: http
      nme: x
    - port: "eighty"
    - targetPort: 0
  state: Sleeping
  weight: 1
---
type: MeshService
name: web
mesh: default
spec:
  selector: {}
  ports: []
  identities:
    - type: Spiffe
      value: 3
---
type: MeshExternalService
name: ext
mesh: default
spec:
  match: {type: HostnameGenerator, port: -1, protocol: udp}
  endpoints:
    - address: ""
      port: 443
  tls: {enabled: "yes", version: {min: TLS99}}
---
apiVersion: kuma.io/v1alpha1
kind: MeshMultiZoneService
metadata: {name: mz}
spec:
  selector: {meshService: {matchLabels: 5}}
  ports:
    - port: 1
      appProtocol: h3
---
type: HostnameGenerator
name: hg
spec:
  template: 7
  selector: {meshService: {matchLabel: {a: b}}}
  extension: {type: x}
---
type: Dataplane
mesh: default
name: dp
networking:
  address: 10.0.0.1
  inbound:
    - port: 99999
      servicePort: x
      tags: {kuma.io/service: web}
      state: Unknown
  outbound: [{port: 1}]
  gateway: {type: FANCY}
  transparentProxying: {redirectPortInbound: "x"}
---
apiVersion: kuma.io/v1alpha1
kind: Dataplane
metadata: {name: dp}
spec:
  networking: {address: 1, inbound: [{}], admin: {port: 0}}
`;

/** Every Kuma document of the examples and the mistakes above, parsed once. */
function corpus() {
  const texts = [MISTAKES];
  for (const dir of ['kubernetes', 'mistakes', 'universal']) {
    for (const f of readdirSync(path.join(ROOT, 'examples', dir))) texts.push(readFileSync(path.join(ROOT, 'examples', dir, f), 'utf8'));
  }
  return texts.flatMap((t) => splitDocuments(t).flatMap((c) => parseChunk(c.text))).filter((pd) => pd.classification.role === 'kuma');
}

test('precompiled validators report exactly what run-time compiled ones report, for every version', () => {
  const precompiled = new SchemaValidators(precompiledFactory());
  const runtime = new SchemaValidators();
  const docs = corpus();
  assert.ok(docs.length >= 15, `only ${docs.length} documents`);
  const seen = new Set<string>();
  let problems = 0;
  for (const version of KUMA_VERSIONS) {
    for (const pd of docs) {
      const c = pd.classification;
      if (c.role !== 'kuma' || pd.value === undefined) continue;
      const run = (v: SchemaValidators): SchemaProblem[] => v.validate(version, c.kind, c.form, pd.value, pd.doc.contents, pd.range);
      const expected = run(runtime);
      assert.deepEqual(run(precompiled), expected, `Kuma ${version}, ${c.kind} (${c.form})`);
      problems += expected.length;
      for (const p of expected) seen.add(p.code);
    }
  }
  // The comparison covers every kind of problem the mapping makes, many times over.
  assert.deepEqual([...seen].sort(), [
    'schema-constraint',
    'schema-enum',
    'schema-missing-required',
    'schema-range',
    'schema-type',
    'schema-unknown-key',
  ]);
  assert.ok(problems > 100, `only ${problems} problems compared`);
});
