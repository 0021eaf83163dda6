import fc from 'fast-check';

/**
 * Generated 2.x workspaces (Universal), the one generator of the 3.0 migration's round-trip property
 * test (test/unit/upgrade.test.ts) and of its conformance suite (migrate.ts, fixed seeds):
 *   - Dataplanes with kuma.io/service + version inbound tags and some labels (team, kuma.io/workload,
 *     version); with `oneVersion` every inbound is at v1 (a MeshServiceSubset {version: v1} is then
 *     the whole service);
 *   - MeshServices selecting them by dataplaneTags (a named or unnamed port, a copy synced from a
 *     Kubernetes zone, ServiceTag identities, a kafka port);
 *   - MeshTimeouts naming MeshServices by name (sectionName) or legacy `<name>_kuma-demo_svc_<port>`
 *     names, or with inbound timeouts in `from`;
 *   - MeshHTTPRoutes whose backendRefs (and requestMirror backendRefs) are legacy names,
 *     MeshServiceSubsets or kuma.io/service names without port;
 *   - MeshTimeouts with a top-level MeshService / MeshSubset / MeshServiceSubset, with `to` or `rules`;
 *   - a Mesh with meshServices, client Dataplanes with kuma.io/service outbounds, reachableServices
 *     and a kuma.io/protocol tag, and policies of 14 other shapes (POLICY_TEMPLATES);
 * in one file or apart (MeshServices, Dataplanes, policies, the rest).
 */

export interface GenDp {
  name: string;
  inbounds: { service: string; version: string }[];
  labels: Record<string, string>;
}

export interface GenMs {
  service: string;
  version?: string;
  /** false: an unnamed port (its section is its number). */
  named: boolean;
  /** A namespace label: a copy synced from a Kubernetes zone. */
  synced: boolean;
  identities: boolean;
  kafka: boolean;
}

/** A MeshTimeout to a MeshService by name (sectionName), by a legacy name with that port, or with inbound timeouts in from. */
export interface GenPolicy {
  service: string;
  section?: string;
  from: boolean;
  legacy?: number;
}

/** A route backendRef: a legacy `<name>_<namespace>_svc_<port>`, a MeshServiceSubset, a kuma.io/service without port; in a mirror or not. */
export interface GenBackend {
  by: 'legacy' | 'subset' | 'service';
  service: string;
  port: number;
  version: string;
  mirror: boolean;
}

/** A policy with a top-level MeshService / MeshSubset / MeshServiceSubset (f.1), with `to` or inbound `rules`. */
export interface GenTop {
  kind: 'MeshService' | 'MeshSubset' | 'MeshServiceSubset';
  service: string;
  version?: string;
  rules: boolean;
}

export type MeshServicesMode = 'Exclusive' | 'Everywhere' | 'ReachableBackends' | 'Disabled';

export interface GenClient {
  outbounds: string[];
  reachable: string[];
  protocol?: string;
}

export interface GenWorkspace {
  split: boolean;
  dps: GenDp[];
  mss: GenMs[];
  policies: GenPolicy[];
  routes: GenBackend[][];
  tops: GenTop[];
  mesh: MeshServicesMode | 'none' | 'plain';
  clients: GenClient[];
  /** Policies of other shapes: a POLICY_TEMPLATES index and the MeshService it names. */
  templates: { template: number; service: string }[];
}

export const SERVICES = ['redis', 'web', 'api'];

const arbBackend: fc.Arbitrary<GenBackend> = fc.record({
  by: fc.constantFrom('legacy' as const, 'subset' as const, 'service' as const),
  service: fc.constantFrom(...SERVICES),
  port: fc.constantFrom(80, 81),
  version: fc.constantFrom('v1', 'v2'),
  mirror: fc.boolean(),
});

/** Policy shapes of 2.x, by a MeshService name `s` (of SERVICES) and an index `i` for the name. */
export const POLICY_TEMPLATES: ((s: string, i: number) => string)[] = [
  // MeshHTTPRoute: a route to a MeshService by name, its backendRef by name and port
  (s, i) =>
    `type: MeshHTTPRoute\nname: http-route-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        name: ${s}\n      rules:\n        - matches:\n            - path:\n                type: PathPrefix\n                value: /\n          default:\n            backendRefs:\n              - kind: MeshService\n                name: ${s}\n                port: 80\n`,
  // MeshTrafficPermission: from (no mechanical rules form)
  (_s, i) =>
    `type: MeshTrafficPermission\nname: allow-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        action: Allow\n`,
  // MeshTimeout with a top-level MeshService
  (s, i) =>
    `type: MeshTimeout\nname: top-to-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: MeshService\n    name: ${s}\n  to:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 20s\n`,
  // MeshAccessLog: from Mesh becomes rules
  (_s, i) =>
    `type: MeshAccessLog\nname: log-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        backends:\n          - type: File\n            file:\n              path: /tmp/access.log\n`,
  // MeshCircuitBreaker: to a MeshService port by sectionName
  (s, i) =>
    `type: MeshCircuitBreaker\nname: cb-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        name: ${s}\n        sectionName: http\n      default:\n        connectionLimits:\n          maxConnections: 100\n`,
  // MeshRetry: a Dataplane by name
  (_s, i) =>
    `type: MeshRetry\nname: retry-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Dataplane\n    name: dp-0\n  to:\n    - targetRef:\n        kind: Mesh\n      default:\n        http:\n          numRetries: 3\n`,
  // MeshTimeout to a legacy kuma.io/service name
  (s, i) =>
    `type: MeshTimeout\nname: legacy-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        name: ${s}_kuma-demo_svc_80\n      default:\n        idleTimeout: 20s\n`,
  // MeshHealthCheck to a MeshService by name
  (s, i) =>
    `type: MeshHealthCheck\nname: hc-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        name: ${s}\n      default:\n        interval: 10s\n        timeout: 2s\n        unhealthyThreshold: 3\n        healthyThreshold: 1\n        tcp: {}\n`,
  // MeshFaultInjection: from (rules of another shape)
  (_s, i) =>
    `type: MeshFaultInjection\nname: fault-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        http:\n          - abort:\n              httpStatus: 500\n              percentage: 50\n`,
  // MeshLoadBalancingStrategy to a MeshService by name
  (s, i) =>
    `type: MeshLoadBalancingStrategy\nname: lb-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        name: ${s}\n      default:\n        loadBalancer:\n          type: RoundRobin\n`,
  // MeshTLS: from Mesh becomes rules
  (_s, i) =>
    `type: MeshTLS\nname: tls-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        tlsVersion:\n          min: TLS12\n`,
  // MeshTimeout: a Mesh targetRef with proxyTypes (sidecars, or every proxy), inbound timeouts in from
  (_s, i) =>
    `type: MeshTimeout\nname: proxies-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n    proxyTypes: [${i % 2 ? 'Sidecar' : 'Sidecar, Gateway'}]\n  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 1h\n`,
  // MeshTimeout: a MeshSubset top-level targetRef
  (_s, i) =>
    `type: MeshTimeout\nname: subset-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: MeshSubset\n    tags:\n      version: v1\n  to:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 20s\n`,
  // MeshTCPRoute: a route by name, backendRef by name and port
  (s, i) =>
    `type: MeshTCPRoute\nname: tcp-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        name: ${s}\n      rules:\n        - default:\n            backendRefs:\n              - kind: MeshService\n                name: ${s}\n                port: 80\n`,
];

export const arbWorkspace: fc.Arbitrary<GenWorkspace> = fc
  .record({
    dps: fc.array(
      fc.record({
        inbounds: fc.array(fc.record({ service: fc.constantFrom(...SERVICES), version: fc.constantFrom('v1', 'v2') }), {
          minLength: 1,
          maxLength: 2,
        }),
        team: fc.option(fc.constantFrom('data', 'shop'), { nil: undefined }),
        version: fc.option(fc.constantFrom('v1', 'v2'), { nil: undefined }),
        workload: fc.option(fc.constantFrom(...SERVICES), { freq: 5, nil: undefined }),
      }),
      { minLength: 0, maxLength: 6 },
    ),
    mss: fc.uniqueArray(
      fc.record({
        service: fc.constantFrom(...SERVICES),
        version: fc.option(fc.constantFrom('v1', 'v2'), { nil: undefined }),
        named: fc.boolean(),
        synced: fc.boolean(),
        identities: fc.boolean(),
        kafka: fc.boolean(),
      }),
      { selector: (m) => m.service, maxLength: 3 },
    ),
    policies: fc.array(
      fc.record({
        service: fc.constantFrom(...SERVICES),
        section: fc.constantFrom(undefined, 'http', 'admin'),
        from: fc.boolean(),
        legacy: fc.option(fc.constantFrom(80, 81), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    routes: fc.array(fc.array(arbBackend, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
    tops: fc.array(
      fc.record({
        kind: fc.constantFrom('MeshService' as const, 'MeshSubset' as const, 'MeshServiceSubset' as const),
        service: fc.constantFrom(...SERVICES),
        version: fc.option(fc.constantFrom('v1', 'v2'), { nil: undefined }),
        rules: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    mesh: fc.constantFrom<GenWorkspace['mesh']>('none', 'plain', 'Exclusive', 'Everywhere', 'ReachableBackends', 'Disabled'),
    clients: fc.array(
      fc.record({
        outbounds: fc.uniqueArray(fc.constantFrom(...SERVICES, 'legacy'), { maxLength: 2 }),
        reachable: fc.uniqueArray(fc.constantFrom(...SERVICES), { maxLength: 2 }),
        protocol: fc.option(fc.constantFrom('http', 'tcp', 'grpc', 'kafka'), { nil: undefined }),
      }),
      { maxLength: 2 },
    ),
    templates: fc.array(fc.record({ template: fc.nat(POLICY_TEMPLATES.length - 1), service: fc.constantFrom(...SERVICES) }), {
      maxLength: 4,
    }),
    split: fc.boolean(),
    // Every proxy at v1: a MeshServiceSubset {version: v1} is then the whole service.
    oneVersion: fc.boolean(),
  })
  .map(({ dps, oneVersion, ...rest }) => ({
    ...rest,
    dps: dps.map<GenDp>((d, i) => ({
      name: `dp-${i}`,
      inbounds: oneVersion ? d.inbounds.map((ib) => ({ ...ib, version: 'v1' })) : d.inbounds,
      labels: {
        ...(d.team ? { team: d.team } : {}),
        ...(d.workload ? { 'kuma.io/workload': d.workload } : {}),
        ...(d.version ? { version: d.version } : {}),
      },
    })),
  }));

export function dpYaml(d: GenDp): string {
  const labels = Object.keys(d.labels).length
    ? `labels:\n${Object.entries(d.labels)
        .map(([k, v]) => `  ${k}: ${v}\n`)
        .join('')}`
    : '';
  const inbounds = d.inbounds
    .map((ib, i) => `    - port: ${8000 + i}\n      tags:\n        kuma.io/service: ${ib.service}\n        version: ${ib.version}\n`)
    .join('');
  return `type: Dataplane\nmesh: default\nname: ${d.name}\n${labels}networking:\n  address: 10.0.0.1\n  inbound:\n${inbounds}`;
}

export function msYaml(m: GenMs): string {
  const version = m.version ? `      version: ${m.version}\n` : '';
  const labels = m.synced ? `labels:\n  kuma.io/display-name: ${m.service}\n  k8s.kuma.io/namespace: kuma-demo\n` : '';
  const name = m.named === false ? '' : '    - name: http\n';
  const port = m.named === false ? '    - port: 80\n' : '      port: 80\n';
  const kafka = m.kafka ? '      appProtocol: kafka\n' : '';
  const identities = m.identities ? `  identities:\n    - type: ServiceTag\n      value: ${m.service}\n` : '';
  return `type: MeshService\nname: ${m.service}\nmesh: default\n${labels}spec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: ${m.service}\n${version}  ports:\n${name}${port}      targetPort: 8000\n${kafka}${identities}`;
}

export function policyYaml(p: GenPolicy, i: number): string {
  const section = p.section && p.legacy === undefined ? `        sectionName: ${p.section}\n` : '';
  const from = `  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 1h\n`;
  const to = `  to:\n    - targetRef:\n        kind: MeshService\n        name: ${p.legacy === undefined ? p.service : `${p.service}_kuma-demo_svc_${p.legacy}`}\n${section}      default:\n        idleTimeout: 20s\n`;
  return `type: MeshTimeout\nname: timeout-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n${p.from ? from : to}`;
}

/** Where a route's backend is in `route-i`: `spec.to[0].rules[0].default.backendRefs[j]` or `….filters[j].requestMirror.backendRef`. */
export function backendPath(backends: GenBackend[], b: GenBackend): string | undefined {
  const mirrors = backends.filter((x) => x.mirror && x.by !== 'service');
  const refs = backends.filter((x) => !x.mirror);
  if (b.mirror)
    return mirrors.includes(b) ? `spec.to[0].rules[0].default.filters[${mirrors.indexOf(b)}].requestMirror.backendRef` : undefined;
  return `spec.to[0].rules[0].default.backendRefs[${refs.indexOf(b)}]`;
}

/** A MeshHTTPRoute with the generated backendRefs (and requestMirror backendRefs; a kuma.io/service mirror is left out). */
export function routeYaml(backends: GenBackend[], i: number): string {
  const ref = (b: GenBackend, pad: string) =>
    b.by === 'legacy'
      ? `kind: MeshService\n${pad}name: ${b.service}_kuma-demo_svc_${b.port}\n`
      : b.by === 'subset'
        ? `kind: MeshServiceSubset\n${pad}name: ${b.service}\n${pad}tags:\n${pad}  version: ${b.version}\n`
        : `kind: MeshService\n${pad}name: ${b.service}\n`;
  const refs = backends
    .filter((b) => !b.mirror)
    .map((b) => `              - ${ref(b, '                ')}                weight: 1\n`)
    .join('');
  const mirrors = backends
    .filter((b) => b.mirror && b.by !== 'service')
    .map(
      (b) =>
        `              - type: RequestMirror\n                requestMirror:\n                  backendRef:\n                    ${ref(b, '                    ')}`,
    )
    .join('');
  const d = `${refs ? `            backendRefs:\n${refs}` : ''}${mirrors ? `            filters:\n${mirrors}` : ''}`;
  return `type: MeshHTTPRoute\nname: route-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        labels:\n          kuma.io/display-name: web\n      rules:\n        - matches:\n            - path:\n                type: PathPrefix\n                value: /\n          default:\n${d || '            backendRefs: []\n'}`;
}

export function topPolicyYaml(t: GenTop, i: number): string {
  const name = t.kind === 'MeshSubset' ? '' : `    name: ${t.service}\n`;
  const tags =
    t.kind === 'MeshSubset'
      ? `    tags:\n      ${t.version ? `version: ${t.version}` : `kuma.io/service: ${t.service}`}\n`
      : t.version
        ? `    tags:\n      version: ${t.version}\n`
        : '';
  const body = t.rules
    ? `  rules:\n    - default:\n        idleTimeout: 1h\n`
    : `  to:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 20s\n`;
  return `type: MeshTimeout\nname: top-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: ${t.kind}\n${name}${tags}${body}`;
}

export function meshYaml(mode: GenWorkspace['mesh']): string {
  return `type: Mesh\nname: default\n${mode !== 'plain' ? `meshServices:\n  mode: ${mode}\n` : ''}`;
}

/** A client Dataplane (its own service `client-i`) with outbounds by kuma.io/service and reachableServices. */
export function clientYaml(c: GenClient, i: number): string {
  const protocol = c.protocol ? `        kuma.io/protocol: ${c.protocol}\n` : '';
  const outbound = c.outbounds.length
    ? `  outbound:\n${c.outbounds.map((s, j) => `    - port: ${10001 + j}\n      tags:\n        kuma.io/service: ${s}\n`).join('')}`
    : '';
  const tp = c.reachable.length
    ? `  transparentProxying:\n    redirectPortInbound: 15006\n    redirectPortOutbound: 15001\n    reachableServices:\n${c.reachable.map((s) => `      - ${s}\n`).join('')}`
    : '';
  return `type: Dataplane\nmesh: default\nname: client-${i}\nnetworking:\n  address: 10.0.1.${i + 1}\n  inbound:\n    - port: 9000\n      tags:\n        kuma.io/service: client-${i}\n${protocol}${outbound}${tp}`;
}

/** The files of a generated workspace, by URI: one file, or MeshServices, Dataplanes, policies and the rest (Mesh, clients, other policies) apart. */
export function workspaceFiles(ws: GenWorkspace): Record<string, string> {
  const mss = ws.mss.map(msYaml);
  const dps = ws.dps.map(dpYaml);
  const policies = [...ws.policies.map(policyYaml), ...ws.routes.map(routeYaml), ...ws.tops.map(topPolicyYaml)];
  const extra = [
    ...(ws.mesh === 'none' ? [] : [meshYaml(ws.mesh)]),
    ...ws.clients.map(clientYaml),
    ...ws.templates.map((p, i) => POLICY_TEMPLATES[p.template](p.service, i)),
  ];
  const files = ws.split
    ? {
        'file:///ws/ms.yaml': mss.join('---\n'),
        'file:///ws/dp.yaml': dps.join('---\n'),
        'file:///ws/policies.yaml': policies.join('---\n'),
        'file:///ws/extra.yaml': extra.join('---\n'),
      }
    : { 'file:///ws/all.yaml': [...mss, ...dps, ...policies, ...extra].join('---\n') };
  return Object.fromEntries(Object.entries(files).filter(([, t]) => t !== ''));
}
