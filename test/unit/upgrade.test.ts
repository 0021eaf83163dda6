import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createLanguageService, type LanguageService } from '../../server/src/core/host/languageService';
import { convertFile, dependentEdits } from '../../server/src/core/convert/driver';
import { applyEdits } from '../../server/src/core/convert/format';
import { documentFacts } from '../../server/src/core/host/facts';
import { resolveRef } from '../../server/src/core/host/policyRefs';
import { isKumaVersion, type KumaVersion } from '../../server/src/core/kuma/versions';
import { assertGolden, dedent, diagnose } from '../helpers';
import { arbWorkspace, backendPath, type GenBackend, workspaceFiles } from '../conformance/workspaces';

/**
 * Issue 16: the upgrade lint (what Kuma 3.0 drops silently or rejects, as hints at 2.x) and the
 * migration that keeps the mesh working: golden files of SPEC-policies.md f.8, f.9 and the
 * MeshService / Dataplane parts (workspace.yaml: the other file of the workspace, with its
 * expected labels in workspace.expected.yaml), and a round trip over generated 2.x workspaces.
 */

// ---------------------------------------------------------------------------------------------
// The upgrade lint

const DP = dedent(`
  type: Dataplane
  mesh: default
  name: web-1
  networking:
    address: 10.0.0.2
    inbound:
      - port: 8080
        tags:
          kuma.io/service: web
    outbound:
      - port: 10001
        tags:
          kuma.io/service: backend
    transparentProxying:
      redirectPortInbound: 15006
      redirectPortOutbound: 15001
      reachableServices: [backend]
`);

const MESH = dedent(`
  type: Mesh
  name: Default_Mesh
  meshServices:
    mode: Exclusive
`);

const seen = (text: string, v: KumaVersion) =>
  diagnose(text, v)
    .filter((d) => d.code.startsWith('upgrade-3.0-') || d.code === 'dataplane-invalid' || d.code === 'schema-unknown-key')
    .map((d) => [d.code, d.severity, d.text]);

test('upgrade lint at 2.x: a hint on each construct Kuma 3.0 drops or rejects, saying "silently" where it is silent', () => {
  for (const v of ['2.9', '2.13', '2.14'] as KumaVersion[]) {
    assert.deepEqual(
      seen(DP, v),
      [
        ['upgrade-3.0-inbound-tags', 'hint', 'tags'],
        ['upgrade-3.0-outbound-tags', 'hint', 'tags'],
        ['upgrade-3.0-reachable-services', 'hint', 'reachableServices'],
      ],
      v,
    );
    assert.deepEqual(
      seen(MESH, v),
      [
        ['upgrade-3.0-name-rfc1035', 'hint', 'Default_Mesh'],
        ['upgrade-3.0-mesh-services', 'hint', 'meshServices'],
      ],
      v,
    );
  }
  const messages = diagnose(DP, '2.14').map((d) => d.message);
  assert.ok(messages.every((m) => /silently/.test(m)));
  assert.match(messages[0], /kuma\.io\/service: web no longer names this Dataplane's service/);
  assert.match(messages[1], /rejects an outbound without backendRef/);
});

test('upgrade lint at 3.0: the same constructs as errors or warnings, as Kuma 3.0 treats them, and nothing else on a Mesh', () => {
  assert.deepEqual(seen(DP, '3.0'), [
    ['upgrade-3.0-inbound-tags', 'error', 'tags'],
    // Kuma's own rejection of the outbound, on its first key (dataplane-invalid: must be defined).
    ['dataplane-invalid', 'error', 'port'],
    ['upgrade-3.0-outbound-tags', 'error', 'tags'],
    ['upgrade-3.0-reachable-services', 'error', 'reachableServices'],
  ]);
  assert.deepEqual(
    diagnose(MESH, '3.0').map((d) => [d.code, d.severity, d.text]),
    [
      ['upgrade-3.0-name-rfc1035', 'error', 'Default_Mesh'],
      ['upgrade-3.0-mesh-services', 'warning', 'meshServices'],
    ],
  );
  // A Mesh gets nothing else: no schema, no other rule.
  assert.deepEqual(diagnose('type: Mesh\nname: default\nwhatever: 1\n', '3.0'), []);
});

test('upgrade lint: dataplaneTags at 2.x, RFC 1035 names where 2.x says nothing yet (2.9); off by the severity setting', () => {
  const ms = dedent(`
    type: MeshService
    name: redis_v1
    mesh: default
    spec:
      selector:
        dataplaneTags:
          kuma.io/service: redis
      ports:
        - port: 6379
          targetPort: 6379
  `);
  assert.deepEqual(
    diagnose(ms, '2.9')
      .filter((d) => d.code.startsWith('upgrade-'))
      .map((d) => [d.code, d.text]),
    [
      ['upgrade-3.0-name-rfc1035', 'redis_v1'],
      ['upgrade-3.0-dataplane-tags', 'dataplaneTags'],
    ],
  );
  // 2.14 warns with name-rfc1035-deprecated already: no second word on the name.
  assert.deepEqual(
    diagnose(ms, '2.14')
      .filter((d) => d.code.startsWith('upgrade-'))
      .map((d) => d.code),
    ['upgrade-3.0-dataplane-tags'],
  );
  const service = createLanguageService();
  const off = service.diagnose('file:///ws/a.yaml', ms, {
    kumaVersion: '2.14',
    validate: true,
    severity: { 'upgrade-3.0-dataplane-tags': 'off' },
  });
  assert.ok(!off.diagnostics.some((d) => d.code === 'upgrade-3.0-dataplane-tags'));
});

// ---------------------------------------------------------------------------------------------
// Golden migrations (test/fixtures/convert/upgrade-*)

const DIR = join('test', 'fixtures', 'convert');
/** The details of each golden migration, for the test of its notes. */
const results: Record<string, string[]> = {};

/** Errors of a text at 3.0, by code and path. */
function errors30(service: LanguageService, uri: string, text: string): Set<string> {
  return new Set(
    service
      .diagnose(uri, text, { kumaVersion: '3.0', validate: true })
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.data.path}`),
  );
}

/** Which Dataplanes / workloads each MeshService of the workspace selects (2.x rules before, 3.0 after). */
function selections(service: LanguageService, version: KumaVersion): Map<string, string> {
  const index = service.index();
  const out = new Map<string, string>();
  for (const ms of index.meshServices) {
    const sel = index.select(ms.fact, version);
    out.set(
      `${ms.fact.namespace ?? ''}/${ms.fact.name}`,
      [...sel.dataplanes.map((d) => d.fact.name), ...sel.workloads.map((w) => w.fact.name)].sort().join(','),
    );
  }
  return out;
}

for (const name of readdirSync(DIR).filter((d) => d.startsWith('upgrade-'))) {
  test(`golden ${name}: the 3.0 migration of input.yaml (and the labels it gives workspace.yaml), no error added, selection kept`, () => {
    const dir = join(DIR, name);
    const input = readFileSync(join(dir, 'input.yaml'), 'utf8');
    const wsPath = join(dir, 'workspace.yaml');
    const workspace = existsSync(wsPath) ? readFileSync(wsPath, 'utf8') : undefined;
    const v = existsSync(join(dir, 'version')) ? readFileSync(join(dir, 'version'), 'utf8').trim() : '2.14';
    assert.ok(isKumaVersion(v));
    const settings = { kumaVersion: v, validate: false };
    const service = createLanguageService();
    const inUri = 'file:///ws/input.yaml';
    const wsUri = 'file:///ws/workspace.yaml';
    service.setFile(inUri, input, 'open');
    if (workspace !== undefined) service.setFile(wsUri, workspace, 'disk');
    const before = selections(service, '2.14');
    const r = convertFile(service, input, settings, 'migrate-3.0');
    const out = applyEdits(input, r.edits);
    assertGolden(join(dir, 'expected.yaml'), out);
    const dep = dependentEdits(service, inUri, input, settings, 'migrate-3.0');
    const wsOut = workspace === undefined ? undefined : applyEdits(workspace, dep.edits.get(wsUri) ?? []);
    if (workspace !== undefined) assertGolden(join(dir, 'workspace.expected.yaml'), wsOut!);
    else assert.equal(dep.edits.size, 0);
    // Kuma 3.0 reports no error the input did not have.
    const added = [...errors30(service, 'file:///check/out.yaml', out)].filter(
      (e) => !errors30(service, 'file:///check/in.yaml', input).has(e),
    );
    assert.deepEqual(added, [], `errors the migration added in ${name}`);
    // Every MeshService the migration rewrote selects what it selected (the others keep their tags).
    const after = createLanguageService();
    after.setFile(inUri, out, 'open');
    if (wsOut !== undefined) after.setFile(wsUri, wsOut, 'disk');
    const now = selections(after, '3.0');
    const migrated = after
      .analyze(out, settings)
      .documents.map((d) => documentFacts(d.parsed).kuma)
      .filter((k) => k?.kind === 'MeshService' && k.selector?.dataplaneLabels && !k.selector.dataplaneTags);
    for (const k of migrated)
      assert.equal(now.get(`${k!.namespace ?? ''}/${k!.name}`), before.get(`${k!.namespace ?? ''}/${k!.name}`), k!.name);
    results[name] = r.details;
  });
}

test('golden notes: what was left, and why', () => {
  const refused = results['upgrade-meshservice-refused'];
  assert.ok(
    refused.some((n) => /cache-metrics.*left as it is: Dataplane cache-1 would need kuma\.io\/workload: cache-metrics/.test(n)),
    refused.join('\n'),
  );
  const outbounds = results['upgrade-dataplane-outbounds'];
  assert.ok(outbounds.some((n) => /Left networking\.outbound\[0\] as it is/.test(n)));
  assert.ok(outbounds.some((n) => /reachableServices as it is: Kuma 3\.0 drops it silently/.test(n)));
  const mesh = results['upgrade-mesh-services'];
  assert.ok(mesh.some((n) => /Removed meshServices \(mode Everywhere\)/.test(n)));
  const policies = results['upgrade-policy-from'];
  assert.ok(
    policies.some((n) => /MeshTimeout inbound-timeouts .*spec\.from became spec\.rules/.test(n)),
    policies.join('\n'),
  );
  assert.ok(policies.some((n) => /MeshTrafficPermission allow-all .*Left spec\.from as it is/.test(n)));
  assert.ok(
    policies.some((n) =>
      /MeshTimeout legacy .*Left spec\.targetRef \(kind MeshService\) as it is: .*no Dataplane of mesh default in the workspace has an inbound with the tags kuma\.io\/service: backend/.test(
        n,
      ),
    ),
  );
  // f.1: top-level legacy kinds become a Dataplane by labels only where the workspace shows the same proxies selected.
  const top = results['upgrade-toplevel-meshservice'];
  assert.ok(
    top.some((n) => /became \{kind: Dataplane, labels: \{app: backend\}\}.*the same 2 Dataplanes .*backend-1, Dataplane backend-2/.test(n)),
    top.join('\n'),
  );
  assert.ok(top.some((n) => /Dataplane web-1 gets kuma\.io\/workload: web from its own 3\.0 migration/.test(n)));
  assert.ok(
    results['upgrade-toplevel-labels-added'].some((n) =>
      /became \{kind: Dataplane, labels: \{region: east\}\}.*Dataplane api-1 gets region: east in the same edit/.test(n),
    ),
  );
  const left = results['upgrade-toplevel-refused'];
  for (const why of [
    /unknown-service .*Left spec\.targetRef \(kind MeshService\) as it is: .*no Dataplane .* kuma\.io\/service: payments/,
    /gold-tier .*Left .*Dataplane api-1 lacks the label tier: gold, and given it it would also be selected by MeshTimeout gold-proxies/,
    /team-data .*Left .*would also select Dataplane db-1, which the tags did not select/,
    /cache-inbound .*Left .*Dataplane db-1 also has inbounds the tags do not select/,
    /http-only .*Left .*kuma\.io\/protocol is an inbound tag Kuma sets/,
  ])
    assert.ok(
      left.some((n) => why.test(n)),
      `${why}\n${left.join('\n')}`,
    );
  assert.ok(results['upgrade-toplevel-kubernetes'].some((n) => /by-name .*Left .*backend does not/.test(n)));
  const types = results['upgrade-proxytypes'];
  assert.ok(types.some((n) => /sidecar-rate-limit .*became \{kind: Dataplane\}.*f\.10/.test(n)));
  assert.ok(types.some((n) => /sidecars-only .*Left spec\.targetRef .*silently applies to every proxy, gateways included/.test(n)));
  const names = results['upgrade-policy-names'];
  assert.ok(
    names.some((n) =>
      /name became labels \{kuma\.io\/display-name: payments, k8s\.kuma\.io\/namespace: kuma-demo\} \(the policy's namespace/.test(n),
    ),
    names.join('\n'),
  );
  const legacy = results['upgrade-policy-legacy-names'];
  assert.ok(
    legacy.some((n) =>
      /spec\.to\[1\]\.targetRef: the legacy kuma\.io\/service name payments_kuma-demo_svc_9090 became labels .* and sectionName "9090"/.test(
        n,
      ),
    ),
    legacy.join('\n'),
  );
  assert.ok(
    legacy.some((n) => /orders-timeouts .*Left spec\.to\[0\]\.targetRef as it is: .*the workspace holds no such MeshService/.test(n)),
  );
  assert.ok(legacy.some((n) => /orders-timeouts .*Left spec\.to\[1\]\.targetRef as it is: .*would not keep its role/.test(n)));
  const routes = results['upgrade-route-backendrefs-refused'];
  for (const re of [
    /backendRefs\[0\] as it is: MeshServiceSubset payments is not known to be the whole MeshService payments: Dataplane payments-2/,
    /backendRefs\[1\] as it is: orders_kuma-demo_svc_8080 is a legacy kuma\.io\/service name/,
    /backendRefs\[2\] as it is: MeshService cache has 2 ports/,
    /rules\[1\]\.default\.backendRefs\[0\] as it is: it is a flow mapping over several lines/,
  ])
    assert.ok(
      routes.some((n) => re.test(n)),
      `${String(re)}\n${routes.join('\n')}`,
    );
  const moved = results['upgrade-policy-moved-fields'];
  for (const re of [
    /ringHash\.hashPolicies became spec\.to\[0\]\.default\.hashPolicies/,
    /Left spec\.to\[1\]\.default\.loadBalancer\.maglev\.hashPolicies as it is: it has a SourceIP hash policy/,
    /type SourceIP is rejected by Kuma 3\.0 .*connection: \{sourceIP: true\}/,
    /healthyPanicThreshold as it is: Kuma 3\.0 drops it silently; set outlierDetection\.healthyPanicThreshold in a MeshCircuitBreaker/,
    /openTelemetry\.endpoint as it is: .*MeshOpenTelemetryBackend with endpoint otel-collector:4317/,
  ])
    assert.ok(
      moved.some((n) => re.test(n)),
      `${String(re)}\n${moved.join('\n')}`,
    );
  const k8s = results['upgrade-kubernetes-service'];
  assert.ok(
    k8s.some((n) => /Removed kuma\.io\/service: it is an inbound tag Kuma sets/.test(n)),
    k8s.join('\n'),
  );
});

test('golden upgrade-route-backendrefs: the backendRefs are SPEC-policies.md f.6\'s "after" form, byte for byte', () => {
  const after = [
    'backendRefs:',
    '  - kind: MeshService',
    '    labels:',
    '      kuma.io/display-name: payments',
    '    port: 8080',
    '  - kind: MeshService',
    '    labels:',
    '      kuma.io/display-name: backend',
    '      k8s.kuma.io/namespace: kuma-demo',
    '    port: 8080',
    '',
  ].join('\n');
  const out = readFileSync(join(DIR, 'upgrade-route-backendrefs', 'expected.yaml'), 'utf8');
  const at = out.indexOf('backendRefs:');
  const col = at - out.lastIndexOf('\n', at) - 1;
  const block = out
    .slice(at - col)
    .split('\n')
    .map((l) => l.slice(col))
    .join('\n');
  assert.equal(block, after);
});

// ---------------------------------------------------------------------------------------------
// Round trip over generated 2.x workspaces

/** Whether the reference `policy path` of the generated files is written with a legacy `<name>_<namespace>_svc_<port>` name. */
function isLegacyRef(files: Record<string, string>, key: string): boolean {
  const service = createLanguageService();
  for (const [u, t] of Object.entries(files)) service.setFile(u, t, 'disk');
  return service
    .index()
    .kuma.some((k) => (k.fact.refs ?? []).some((r) => `${k.fact.name} ${r.path}` === key && /_svc_\d+$/.test(r.name ?? '')));
}

/**
 * The proxies each policy's top-level targetRef selects: at 2.x the inbounds whose tags match (e.3),
 * at 3.0 every inbound of the Dataplanes whose labels match; by Dataplane for `to`, by inbound for `rules`.
 */
function topSelections(service: LanguageService, texts: string[], settings: { kumaVersion: KumaVersion; validate: boolean }) {
  const index = service.index();
  const out = new Map<string, { kind: string; selected: string }>();
  for (const t of texts)
    for (const d of service.analyze(t, settings).documents) {
      const v = d.parsed.value as { name?: string; spec?: { targetRef?: Record<string, unknown>; rules?: unknown } } | undefined;
      const ref = v?.spec?.targetRef;
      if (!v?.name || !ref || typeof ref.kind !== 'string' || ref.kind === 'Mesh') continue;
      const tags = { ...(ref.kind === 'MeshSubset' ? {} : { 'kuma.io/service': String(ref.name) }), ...((ref.tags as object) ?? {}) };
      const labels = (ref.labels as Record<string, string> | undefined) ?? {};
      const picked: string[] = [];
      for (const dp of index.dataplanes) {
        const ibs = dp.fact.inbounds ?? [];
        ibs.forEach((ib, i) => {
          // A Dataplane by name (2.x) or by labels, with the kuma.io/display-name Kuma gives a Universal Dataplane.
          const own: Record<string, string> = { 'kuma.io/display-name': dp.fact.name, ...dp.fact.labels };
          const hit =
            ref.kind === 'Dataplane'
              ? (ref.name === undefined || ref.name === dp.fact.name) && Object.entries(labels).every(([k, x]) => own[k] === x)
              : Object.entries(tags).every(([k, x]) => ib.tags[k] === x);
          if (hit) picked.push(v.spec!.rules ? `${dp.fact.name}#${i}` : dp.fact.name);
        });
      }
      out.set(v.name, { kind: ref.kind, selected: [...new Set(picked)].sort().join(',') });
    }
  return out;
}

/** What each policy reference of a workspace resolves to: `policy path → MeshService:port, …`. */
function references(service: LanguageService, version: KumaVersion): Map<string, string> {
  const index = service.index();
  const out = new Map<string, string>();
  for (const k of index.kuma) {
    for (const ref of k.fact.refs ?? []) {
      // At 3.0 a reference still written by name was left as it is, with the reason.
      if (version === '3.0' && ref.name !== undefined && ref.labels === undefined) continue;
      const r = resolveRef(index, k.fact, ref, version);
      // A reference without section picks every port of what it matches.
      const targets = r.section
        ? r.section.ports.map((p) => `${p.dest.displayName}:${p.port.section}`)
        : r.matches.flatMap((d) => d.ports.map((p) => `${d.displayName}:${p.section}`));
      out.set(`${k.fact.name} ${ref.path}`, targets.sort().join(','));
    }
  }
  return out;
}

test('round trip: migrating generated 2.x workspaces to 3.0 keeps what every migrated MeshService and top-level policy targetRef selects and every policy reference resolves to, and adds no 3.0 error', () => {
  fc.assert(
    fc.property(arbWorkspace, (ws) => {
      const { dps, mss, routes } = ws;
      const files = workspaceFiles(ws);
      const service = createLanguageService();
      for (const [u, t] of Object.entries(files)) service.setFile(u, t, 'disk');
      const before = selections(service, '2.14');
      const refsBefore = references(service, '2.14');
      const settings = { kumaVersion: '2.14' as KumaVersion, validate: false };
      const topBefore = topSelections(service, Object.values(files), settings);
      // The workspace migration: every file converted against the same workspace.
      const out = Object.fromEntries(
        Object.entries(files).map(([u, t]) => [u, applyEdits(t, convertFile(service, t, settings, 'migrate-3.0').edits)]),
      );
      const after = createLanguageService();
      for (const [u, t] of Object.entries(out)) after.setFile(u, t, 'disk');
      const now = selections(after, '3.0');
      // Every reference that resolved before resolves to the same MeshService and port after.
      const refsAfter = references(after, '3.0');
      for (const [ref, targets] of refsBefore) {
        if (targets === '') continue;
        // Left as it is only when the workspace does not show what it stood for: a kuma.io/service without
        // port whose proxies the MeshService does not all hold; never a legacy name that resolved.
        if (!refsAfter.has(ref)) assert.ok(!/_svc_/.test(Object.values(files).join('\n')) || !isLegacyRef(files, ref), ref);
        else assert.equal(refsAfter.get(ref), targets, ref);
      }
      // A MeshServiceSubset (which 2.x resolves by tags, not to a MeshService) became the MeshService only
      // when every proxy of the service carries the tags and the MeshService selects each of them.
      routes.forEach((backends, i) => {
        const at = (b: GenBackend) => `route-${i} ${backendPath(backends, b)}`;
        for (const b of backends) {
          if (b.by !== 'subset' || backendPath(backends, b) === undefined) continue;
          const now = refsAfter.get(at(b));
          if (now === undefined || now === '') continue;
          const serving = dps.filter((d) => d.inbounds.some((ib) => ib.service === b.service));
          const ms = mss.find((m) => m.service === b.service);
          assert.ok(ms && serving.length > 0, `${at(b)} became ${now} with no proxies to show it`);
          assert.ok(
            serving.every((d) => d.inbounds.every((ib) => ib.service !== b.service || ib.version === b.version)),
            `${at(b)}: a proxy of ${b.service} lacks version ${b.version}`,
          );
          assert.ok(!ms.version || ms.version === b.version, `${at(b)}: MeshService ${b.service} does not select every proxy`);
          assert.equal(now, `${b.service}:${ms.named === false ? '80' : 'http'}`);
        }
      });
      // A top-level MeshService / MeshSubset / MeshServiceSubset became a Dataplane selecting the same proxies, or stayed.
      for (const [name, now] of topSelections(after, Object.values(out), settings)) {
        const was = topBefore.get(name)!;
        if (now.kind === 'Dataplane') assert.equal(now.selected, was.selected, `${name}:\n${Object.values(out).join('\n---\n')}`);
        else assert.equal(now.kind, was.kind, name);
      }
      for (const [u, t] of Object.entries(out)) {
        for (const d of after.analyze(t, settings).documents) {
          const k = documentFacts(d.parsed).kuma;
          if (k?.kind !== 'MeshService') continue;
          const key = `/${k.name}`;
          if (k.selector?.dataplaneLabels) assert.equal(now.get(key), before.get(key), `${k.name} in ${u}:\n${t}`);
          else assert.ok(k.selector?.dataplaneTags, `${k.name} is either migrated or left with its tags`);
        }
        const added = [...errors30(after, u, t)].filter((e) => !errors30(service, u, files[u]).has(e));
        assert.deepEqual(added, [], `${u}:\n${t}`);
      }
    }),
    { numRuns: 150 },
  );
});

// ---------------------------------------------------------------------------------------------
// Policies: SPEC-policies.md f's "before" forms get the upgrade hints at 2.x

const policy = (kind: string, spec: string) => `type: ${kind}\nname: p\nmesh: default\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
const POLICY_BEFORE: [string, string, [string, string][]][] = [
  [
    'f.1 top-level MeshService',
    policy(
      'MeshTimeout',
      'targetRef:\n  kind: MeshService\n  name: backend\nto:\n  - targetRef:\n      kind: Mesh\n    default:\n      idleTimeout: 20s',
    ),
    [['upgrade-3.0-policy-rejected', 'MeshService']],
  ],
  [
    'f.2 name and namespace',
    policy(
      'MeshTimeout',
      'targetRef:\n  kind: Mesh\nto:\n  - targetRef:\n      kind: MeshService\n      name: backend\n      namespace: kuma-demo\n      sectionName: http\n    default:\n      idleTimeout: 20s',
    ),
    [['upgrade-3.0-policy-rejected', 'name']],
  ],
  [
    'f.2 a Dataplane by name widens',
    policy(
      'MeshTimeout',
      'targetRef:\n  kind: Dataplane\n  name: web-1\nto:\n  - targetRef:\n      kind: Mesh\n    default:\n      idleTimeout: 20s',
    ),
    [['upgrade-3.0-policy-dropped', 'name']],
  ],
  [
    'f.4 from',
    policy('MeshTimeout', 'targetRef:\n  kind: Mesh\nfrom:\n  - targetRef:\n      kind: Mesh\n    default:\n      idleTimeout: 1h'),
    [['upgrade-3.0-policy-rejected', 'from']],
  ],
  [
    'f.10 proxyTypes and rules',
    policy(
      'MeshRateLimit',
      'targetRef:\n  kind: Mesh\n  proxyTypes: [Sidecar]\nrules:\n  - default:\n      local:\n        http:\n          requestRate: {num: 100, interval: 10s}',
    ),
    [
      ['upgrade-3.0-policy-dropped', 'proxyTypes'],
      ['upgrade-3.0-policy-rejected', 'rules'],
    ],
  ],
];

for (const [name, doc, expected] of POLICY_BEFORE) {
  test(`policy upgrade hints at 2.14, none of them at 3.0 (the policy checks speak there): ${name}`, () => {
    const hints = (v: KumaVersion) =>
      diagnose(doc, v)
        .filter((d) => d.code.startsWith('upgrade-3.0-policy'))
        .map((d) => [d.code, d.text]);
    assert.deepEqual(hints('2.14'), expected);
    assert.ok(
      diagnose(doc, '2.14')
        .filter((d) => d.code.startsWith('upgrade-3.0-policy'))
        .every((d) => d.severity === 'hint'),
    );
    assert.deepEqual(hints('3.0'), []);
    assert.ok(
      diagnose(doc, '3.0').some((d) => d.severity === 'error'),
      'Kuma 3.0 rejects the 2.x form',
    );
  });
}

test('top-level targetRef migration: a one-line flow mapping is rewritten (its comment kept), one on several lines gets a note; block entries keep their comments', () => {
  const dp = dedent(`
    type: Dataplane
    mesh: default
    name: web-1
    networking:
      address: 10.0.0.1
      inbound:
        - port: 80
          tags:
            kuma.io/service: web
  `);
  const migrate = (targetRef: string) => {
    const text = `type: MeshTimeout\nname: a\nmesh: default\nspec:\n  targetRef:${targetRef}\n  to:\n    - targetRef: {kind: Mesh}\n      default: {idleTimeout: 1s}\n`;
    const service = createLanguageService();
    service.setFile('file:///ws/dp.yaml', dp, 'disk');
    service.setFile('file:///ws/p.yaml', text, 'open');
    const r = convertFile(service, text, { kumaVersion: '2.14', validate: false }, 'migrate-3.0');
    return {
      text: applyEdits(text, r.edits)
        .split('\n  to:')[0]
        .replace(/^[\s\S]*spec:\n/, ''),
      details: r.details,
    };
  };
  assert.equal(
    migrate(' {kind: MeshService, name: web} # the web proxies').text,
    '  targetRef: {kind: Dataplane, labels: {kuma.io/workload: web}} # the web proxies',
  );
  const multi = migrate(' {kind: MeshService,\n    name: web}');
  assert.equal(multi.text, '  targetRef: {kind: MeshService,\n    name: web}');
  assert.ok(
    multi.details.some((d) =>
      /Left spec\.targetRef \(kind MeshService\) as it is: rewrite this mapping by hand as \{kind: Dataplane, labels: \{kuma\.io\/workload: web\}\}/.test(
        d,
      ),
    ),
  );
  assert.equal(
    migrate('\n    name: web # web\n    # the kind\n    kind: MeshService').text,
    '  targetRef:\n    labels: # web\n      kuma.io/workload: web\n    # the kind\n    kind: Dataplane',
  );
});

test('policy migration: a targetRef with both name and labels (which 2.x rejects already) is left with a note saying what to remove', () => {
  const text = dedent(`
    type: MeshTimeout
    name: both
    mesh: default
    spec:
      targetRef:
        kind: Mesh
      to:
        - targetRef:
            kind: MeshService
            name: backend
            labels:
              kuma.io/display-name: backend
          default:
            idleTimeout: 20s
  `);
  const service = createLanguageService();
  service.setFile('file:///ws/p.yaml', text, 'open');
  const r = convertFile(service, text, { kumaVersion: '2.14', validate: false }, 'migrate-3.0');
  assert.equal(applyEdits(text, r.edits), text);
  assert.ok(
    r.left.some((n) =>
      /MeshTimeout both .*Left spec\.to\[0\]\.targetRef as it is: it has both name and labels, which Kuma 2\.x rejects already; remove name \(Kuma 3\.0 selects by labels only\)/.test(
        n,
      ),
    ),
    r.details.join('\n'),
  );
});
