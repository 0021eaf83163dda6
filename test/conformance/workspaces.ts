import fc from 'fast-check';

/**
 * Generated 2.x workspaces (Universal): Dataplanes with kuma.io/service inbound tags, MeshServices
 * selecting them by dataplaneTags, and MeshTimeouts naming MeshServices by name or with inbound
 * timeouts in `from`, in one file or three. The round-trip property test of the 3.0 migration
 * (test/unit/upgrade.test.ts) and the migration's conformance suite (migrate.ts) share them.
 */

export interface GenDp {
  name: string;
  inbounds: { service: string; version: string }[];
  labels: Record<string, string>;
}

export interface GenWorkspace {
  split: boolean;
  policies: { service: string; section?: string; from: boolean }[];
  dps: GenDp[];
  mss: { service: string; version?: string }[];
}

export const SERVICES = ['redis', 'web', 'api'];
export const arbWorkspace: fc.Arbitrary<GenWorkspace> = fc
  .record({
    dps: fc.array(
      fc.record({
        inbounds: fc.array(fc.record({ service: fc.constantFrom(...SERVICES), version: fc.constantFrom('v1', 'v2') }), {
          minLength: 1,
          maxLength: 2,
        }),
        team: fc.option(fc.constantFrom('data', 'shop'), { nil: undefined }),
        workload: fc.option(fc.constantFrom(...SERVICES), { freq: 5, nil: undefined }),
      }),
      { minLength: 0, maxLength: 6 },
    ),
    mss: fc.uniqueArray(
      fc.record({ service: fc.constantFrom(...SERVICES), version: fc.option(fc.constantFrom('v1', 'v2'), { nil: undefined }) }),
      {
        selector: (m) => m.service,
        maxLength: 3,
      },
    ),
    policies: fc.array(
      fc.record({ service: fc.constantFrom(...SERVICES), section: fc.constantFrom(undefined, 'http', 'admin'), from: fc.boolean() }),
      { maxLength: 3 },
    ),
    split: fc.boolean(),
  })
  .map(({ dps, mss, split, policies }) => ({
    split,
    policies,
    dps: dps.map<GenDp>((d, i) => ({
      name: `dp-${i}`,
      inbounds: d.inbounds,
      labels: { ...(d.team ? { team: d.team } : {}), ...(d.workload ? { 'kuma.io/workload': d.workload } : {}) },
    })),
    mss,
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

export function msYaml(m: { service: string; version?: string }): string {
  const version = m.version ? `      version: ${m.version}\n` : '';
  return `type: MeshService\nname: ${m.service}\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: ${m.service}\n${version}  ports:\n    - name: http\n      port: 80\n      targetPort: 8000\n`;
}

/** A MeshTimeout naming a MeshService by name (and a port by sectionName), or with inbound timeouts in from. */
export function policyYaml(p: { service: string; section?: string; from: boolean }, i: number): string {
  const section = p.section ? `        sectionName: ${p.section}\n` : '';
  const from = `  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 1h\n`;
  const to = `  to:\n    - targetRef:\n        kind: MeshService\n        name: ${p.service}\n${section}      default:\n        idleTimeout: 20s\n`;
  return `type: MeshTimeout\nname: timeout-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n${p.from ? from : to}`;
}

/** The files of a generated workspace, by URI: one file, or MeshServices, Dataplanes and policies apart. */
export function workspaceFiles({ dps, mss, split, policies }: GenWorkspace): Record<string, string> {
  return split
    ? {
        'file:///ws/ms.yaml': mss.map(msYaml).join('---\n'),
        'file:///ws/dp.yaml': dps.map(dpYaml).join('---\n'),
        'file:///ws/policies.yaml': policies.map(policyYaml).join('---\n'),
      }
    : { 'file:///ws/all.yaml': [...mss.map(msYaml), ...dps.map(dpYaml), ...policies.map(policyYaml)].join('---\n') };
}

// ---------------------------------------------------------------------------------------------
// More of what 2.x workspaces hold (the migration's conformance suite): a Mesh with meshServices,
// client Dataplanes with kuma.io/service outbounds, reachableServices and a kuma.io/protocol tag,
// MeshServices with ServiceTag identities or a kafka port, and policies of other kinds and shapes.

export type MeshServicesMode = 'Exclusive' | 'Everywhere' | 'ReachableBackends' | 'Disabled';

export interface GenClient {
  outbounds: string[];
  reachable: string[];
  protocol?: string;
}

export interface GenExtras {
  mesh: MeshServicesMode | 'none' | 'plain';
  clients: GenClient[];
  identities: boolean;
  kafka: boolean;
  policies: { template: number; service: string }[];
}

/** Policy shapes of 2.x, by a MeshService name `s` (of SERVICES) and an index `i` for the name. */
export const POLICY_TEMPLATES: ((s: string, i: number) => string)[] = [
  // MeshHTTPRoute: a route to a MeshService by name, its backendRef by name and port
  (s, i) =>
    `type: MeshHTTPRoute\nname: route-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        name: ${s}\n      rules:\n        - matches:\n            - path:\n                type: PathPrefix\n                value: /\n          default:\n            backendRefs:\n              - kind: MeshService\n                name: ${s}\n                port: 80\n`,
  // MeshTrafficPermission: from (no mechanical rules form)
  (_s, i) =>
    `type: MeshTrafficPermission\nname: allow-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        action: Allow\n`,
  // MeshTimeout with a top-level MeshService
  (s, i) =>
    `type: MeshTimeout\nname: top-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: MeshService\n    name: ${s}\n  to:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 20s\n`,
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

export const arbExtras: fc.Arbitrary<GenExtras> = fc.record({
  mesh: fc.constantFrom<GenExtras['mesh']>('none', 'plain', 'Exclusive', 'Everywhere', 'ReachableBackends', 'Disabled'),
  clients: fc.array(
    fc.record({
      outbounds: fc.uniqueArray(fc.constantFrom(...SERVICES, 'legacy'), { maxLength: 2 }),
      reachable: fc.uniqueArray(fc.constantFrom(...SERVICES), { maxLength: 2 }),
      protocol: fc.option(fc.constantFrom('http', 'tcp', 'grpc', 'kafka'), { nil: undefined }),
    }),
    { maxLength: 2 },
  ),
  identities: fc.boolean(),
  kafka: fc.boolean(),
  policies: fc.array(fc.record({ template: fc.nat(POLICY_TEMPLATES.length - 1), service: fc.constantFrom(...SERVICES) }), { maxLength: 4 }),
});

export function meshYaml(mode: GenExtras['mesh']): string {
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

/**
 * A generated workspace with extras: the base workspace's files, its first MeshService given
 * ServiceTag identities or a kafka port, and the Mesh, client Dataplanes and policies in a file
 * of their own (or the one file).
 */
export function richWorkspaceFiles(ws: GenWorkspace, x: GenExtras): Record<string, string> {
  const files = workspaceFiles(ws);
  const msFile = ws.split ? 'file:///ws/ms.yaml' : 'file:///ws/all.yaml';
  if (ws.mss.length && (x.identities || x.kafka)) {
    let first = msYaml(ws.mss[0]);
    if (x.kafka) first = first.replace('      targetPort: 8000\n', '      targetPort: 8000\n      appProtocol: kafka\n');
    if (x.identities) first += `  identities:\n    - type: ServiceTag\n      value: ${ws.mss[0].service}\n`;
    files[msFile] = files[msFile].replace(msYaml(ws.mss[0]), first);
  }
  const extra = [
    ...(x.mesh === 'none' ? [] : [meshYaml(x.mesh)]),
    ...x.clients.map(clientYaml),
    ...x.policies.map((p, i) => POLICY_TEMPLATES[p.template](p.service, i)),
  ];
  if (extra.length === 0) return files;
  if (ws.split) files['file:///ws/extra.yaml'] = extra.join('---\n');
  else files[msFile] = [files[msFile], ...extra].filter((t) => t !== '').join('---\n');
  return files;
}
