import fc from 'fast-check';
import { applyMutation, mutation } from '../fuzz/arbitraries';
import { edit, text, type Form } from './generators';
import { POLICY_KINDS, type PolicyKind } from '../../server/src/core/types';

/**
 * Generated targetRef policies for the conformance run (SPEC-policies.md): for each of the 16 kinds,
 * each Kuma version and both forms, valid documents in the shape of that version (top-level
 * targetRef kinds, `to` / `from` / `rules` items with a small valid configuration of the kind),
 * the same with a structured edit aimed at one of Kuma's policy rules (a kind a place or role does
 * not allow, a missing kind, `sectionName` where it is not allowed, name and labels together, name
 * characters, empty `proxyTypes`, tags on MeshGateway, `to` mixed with `from`, producer and consumer
 * items in an app namespace, a field of another version, route backendRefs and requestMirror...),
 * with a generic edit (a wrong value, a missing or unknown key) and with a random text edit. A
 * quarter of the documents have the shape of another version (a 2.x policy checked at 3.0...).
 */

// The 16 kinds, as the server knows them: one list (server/src/core/types.ts).
export { POLICY_KINDS, type PolicyKind };

export interface GeneratedPolicy {
  kind: PolicyKind;
  form: Form;
  /** `valid`, `mutation:<what>` (a structured edit aimed at a rule), `edited` or `broken` (a text edit). */
  origin: string;
  text: string;
}

type Obj = Record<string, unknown>;
/** The shape a document is written in: Kuma 2.9, 2.13 / 2.14, or 3.0. */
type Style = '2.9' | '2.1x' | '3.0';
type Section = 'to' | 'from' | 'rules';

/** A small seeded random source (the generators stay deterministic for a seed). */
class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

const styleOf = (version: string): Style => (version === '2.9' ? '2.9' : version === '3.0' ? '3.0' : '2.1x');

/** The sections of each kind's spec per shape (SPEC-policies.md a.1). */
function sectionsOf(kind: PolicyKind, style: Style): Section[] {
  switch (kind) {
    case 'MeshAccessLog':
    case 'MeshCircuitBreaker':
    case 'MeshFaultInjection':
    case 'MeshRateLimit':
    case 'MeshTimeout':
      return style === '2.9' ? ['to', 'from'] : style === '2.1x' ? ['to', 'from', 'rules'] : ['to', 'rules'];
    case 'MeshTLS':
    case 'MeshTrafficPermission':
      return style === '2.9' ? ['from'] : style === '2.1x' ? ['from', 'rules'] : ['rules'];
    case 'MeshMetric':
    case 'MeshPassthrough':
    case 'MeshProxyPatch':
    case 'MeshTrace':
      return [];
    default:
      return ['to'];
  }
}

/** Policies whose top-level targetRef may be MeshGateway in any role (2.x), only in the system role, or never. */
const GATEWAY_ANY_ROLE: PolicyKind[] = ['MeshAccessLog', 'MeshCircuitBreaker', 'MeshHealthCheck', 'MeshLoadBalancingStrategy'];
const GATEWAY_NEVER: PolicyKind[] = ['MeshPassthrough', 'MeshTLS', 'MeshTrafficPermission'];
const TOP_HTTPROUTE: PolicyKind[] = ['MeshRateLimit', 'MeshRetry', 'MeshTimeout'];
/** Policies that pass IsInboundPolicy for their top-level targetRef (SPEC-policies.md c.3). */
const INBOUND: PolicyKind[] = [
  'MeshAccessLog',
  'MeshCircuitBreaker',
  'MeshFaultInjection',
  'MeshRateLimit',
  'MeshTimeout',
  'MeshTLS',
  'MeshTrafficPermission',
];

/** Top-level kinds a policy allows (SPEC-policies.md d), for the valid documents. */
function topKinds(kind: PolicyKind, style: Style, system: boolean): string[] {
  if (style === '3.0') return ['Mesh', 'Dataplane'];
  if (kind === 'MeshPassthrough' || kind === 'MeshTLS')
    return style === '2.9' ? ['Mesh', 'MeshSubset'] : ['Mesh', 'MeshSubset', 'Dataplane'];
  const out = ['Mesh', 'MeshSubset', 'MeshService', 'MeshServiceSubset'];
  if (GATEWAY_ANY_ROLE.includes(kind) || (system && !GATEWAY_NEVER.includes(kind))) out.push('MeshGateway');
  if (system && TOP_HTTPROUTE.includes(kind)) out.push('MeshHTTPRoute');
  if (style === '2.1x') out.push('Dataplane');
  return out;
}

/** Kinds of `to[].targetRef` a policy allows with a top-level kind (SPEC-policies.md d). */
function toKinds(kind: PolicyKind, style: Style, top: string): string[] {
  const gw = top === 'MeshGateway';
  const mhr = style === '3.0' ? false : true;
  switch (kind) {
    case 'MeshAccessLog':
      return gw
        ? ['Mesh']
        : ['Mesh', 'MeshService', 'MeshExternalService', 'MeshMultiZoneService', ...(style !== '2.9' ? ['MeshHTTPRoute'] : [])];
    case 'MeshCircuitBreaker':
    case 'MeshHealthCheck':
      // MeshExternalService from 2.14 on
      return style === '3.0'
        ? ['Mesh', 'MeshService', 'MeshMultiZoneService', 'MeshExternalService']
        : ['Mesh', 'MeshService', 'MeshMultiZoneService'];
    case 'MeshFaultInjection':
    case 'MeshRateLimit':
      return ['Mesh'];
    case 'MeshHTTPRoute':
    case 'MeshTCPRoute':
      return gw ? ['Mesh'] : ['MeshService', 'MeshExternalService', 'MeshMultiZoneService'];
    case 'MeshLoadBalancingStrategy':
      return ['Mesh', 'MeshService', 'MeshMultiZoneService', ...(style === '3.0' ? ['MeshExternalService'] : [])];
    case 'MeshRetry':
    case 'MeshTimeout':
      if (gw || top === 'MeshHTTPRoute') return ['Mesh', 'MeshExternalService'];
      return ['Mesh', 'MeshService', 'MeshExternalService', 'MeshMultiZoneService', ...(mhr && style !== '2.9' ? ['MeshHTTPRoute'] : [])];
    default:
      return ['Mesh'];
  }
}

const ALL_REF_KINDS = [
  'Mesh',
  'MeshSubset',
  'MeshGateway',
  'MeshService',
  'MeshServiceSubset',
  'MeshExternalService',
  'MeshMultiZoneService',
  'MeshHTTPRoute',
  'Dataplane',
  'MeshGatewayRoute',
  'NoSuchKind',
  '',
];

const serviceNames = ['backend', 'web', 'redis', 'payments', 'api-v2'];

/** A targetRef of a kind, with the fields that kind takes in a shape (the valid form). */
function refOf(r: Rng, kind: string, style: Style, opts: { top?: boolean; inboundSection?: boolean } = {}): Obj {
  const ref: Obj = { kind };
  const name = r.pick(serviceNames);
  const byLabels = style === '3.0' || r.chance(0.25);
  switch (kind) {
    case 'Mesh':
      if (opts.top && style !== '3.0' && r.chance(0.2)) ref.proxyTypes = [r.pick(['Sidecar', 'Gateway'])];
      break;
    case 'MeshSubset':
      ref.tags = r.pick([{ app: 'web' }, { 'kuma.io/zone': 'zone-1' }, { version: 'v1', app: 'web' }]);
      if (r.chance(0.15)) ref.proxyTypes = ['Sidecar'];
      break;
    case 'MeshServiceSubset':
      ref.name = name;
      ref.tags = { version: r.pick(['v1', 'v2']) };
      break;
    case 'MeshGateway':
      ref.name = r.pick(['edge-gateway', 'gw']);
      break;
    case 'Dataplane':
      if (style === '3.0' || r.chance(0.6)) {
        if (r.chance(0.7)) ref.labels = r.pick([{ app: 'web' }, { 'kuma.io/display-name': 'web-0' }, { app: 'backend', version: 'v1' }]);
      } else {
        ref.name = r.pick(['web-0', 'backend-1']);
        if (r.chance(0.4)) ref.namespace = 'kuma-demo';
      }
      if (opts.inboundSection && r.chance(0.4)) ref.sectionName = r.pick(['http', '8080']);
      break;
    case 'MeshHTTPRoute':
      if (byLabels) ref.labels = { 'kuma.io/display-name': r.pick(['route-1', 'web-route']) };
      else ref.name = r.pick(['route-1', 'web-route']);
      break;
    default: // MeshService, MeshExternalService, MeshMultiZoneService
      if (byLabels) {
        const l: Obj = { 'kuma.io/display-name': name };
        if (r.chance(0.4)) l['k8s.kuma.io/namespace'] = 'kuma-demo';
        if (r.chance(0.1)) l['kuma.io/zone'] = 'zone-1';
        ref.labels = l;
      } else {
        ref.name = name;
        if (kind !== 'MeshExternalService' && r.chance(0.3)) ref.namespace = r.pick(['kuma-demo', 'other']);
      }
      if (kind !== 'MeshExternalService' && r.chance(0.3) && !(style === '2.9' && byLabels))
        ref.sectionName = r.pick(['http', '8080', 'grpc']);
  }
  return ref;
}

/** A targetRef of any kind, with any of the fields (for the mutations). */
function anyRef(r: Rng, style: Style): Obj {
  const kind = r.pick(ALL_REF_KINDS);
  const ref = kind === '' ? {} : refOf(r, kind, style);
  if (r.chance(0.3)) ref.name = r.pick(['backend', 'Backend', 'backend_kuma-demo_svc_8080', 'web.v1', 'bad name!']);
  if (r.chance(0.2)) ref.labels = { 'kuma.io/display-name': 'backend' };
  if (r.chance(0.15)) ref.sectionName = r.pick(['http', '8080']);
  if (r.chance(0.1)) ref.tags = { app: r.pick(['web', 'bad value!', '*']) };
  if (r.chance(0.1)) ref.namespace = 'kuma-demo';
  if (r.chance(0.05)) ref.mesh = 'default';
  if (r.chance(0.08)) ref.proxyTypes = r.pick([[], ['Sidecar'], ['Gateway'], ['Bogus']]);
  return ref;
}

/** A small valid configuration (`default`) of a kind, for a section, in a shape. */
function confOf(r: Rng, kind: PolicyKind, style: Style, section: Section | 'default'): Obj {
  switch (kind) {
    case 'MeshAccessLog':
      return {
        backends: [
          r.pick<Obj>([
            { type: 'File', file: { path: '/dev/stdout' } },
            { type: 'Tcp', tcp: { address: '127.0.0.1:5000' } },
            { type: 'File', file: { path: '/tmp/access.log', format: { type: 'Plain', plain: '[%START_TIME%]' } } },
          ]),
        ],
      };
    case 'MeshCircuitBreaker':
      return r.pick<Obj>([
        { connectionLimits: { maxConnections: 1024, maxPendingRequests: 128 } },
        { outlierDetection: { disabled: false, detectors: { totalFailures: { consecutive: 10 } } } },
        {
          outlierDetection: {
            interval: '5s',
            baseEjectionTime: '30s',
            maxEjectionPercent: 20,
            detectors: { gatewayFailures: { consecutive: 5 } },
          },
        },
      ]);
    case 'MeshFaultInjection':
      return {
        http: [
          r.pick<Obj>([
            { abort: { httpStatus: 500, percentage: 50 } },
            { delay: { value: '5s', percentage: '50.5' } },
            { responseBandwidth: { limit: '50kbps', percentage: 20 } },
          ]),
        ],
      };
    case 'MeshHealthCheck':
      return r.pick<Obj>([
        { interval: '10s', timeout: '2s', unhealthyThreshold: 3, healthyThreshold: 1, http: { path: '/health' } },
        { interval: '5s', timeout: '1s', unhealthyThreshold: 2, healthyThreshold: 2, tcp: { disabled: false } },
      ]);
    case 'MeshLoadBalancingStrategy':
      return r.pick<Obj>([
        { loadBalancer: { type: 'RoundRobin' } },
        { loadBalancer: { type: 'LeastRequest', leastRequest: { choiceCount: 3 } } },
        { localityAwareness: { disabled: true } },
        ...(style === '2.9' ? [] : [{ hashPolicies: [{ type: 'Header', header: { name: 'x-user-id' } }] }]),
      ]);
    case 'MeshRateLimit':
      return r.pick<Obj>([
        { local: { http: { requestRate: { num: 100, interval: '10s' } } } },
        { local: { tcp: { connectionRate: { num: 5, interval: '10s' } } } },
      ]);
    case 'MeshRetry':
      return r.pick<Obj>([
        { http: { numRetries: 3, perTryTimeout: '1s' } },
        { tcp: { maxConnectAttempt: 3 } },
        { grpc: { numRetries: 2, retryOn: ['Unavailable'] } },
      ]);
    case 'MeshTimeout':
      return r.pick<Obj>([
        { idleTimeout: '20s', connectionTimeout: '5s', http: { requestTimeout: '10s' } },
        { http: { requestTimeout: '15s' } },
      ]);
    case 'MeshTLS':
      return r.pick<Obj>([{ mode: 'Strict' }, { mode: 'Permissive' }, { tlsVersion: { min: 'TLS12', max: 'TLS13' } }]);
    case 'MeshTrafficPermission':
      if (section === 'from') return { action: r.pick(['Allow', 'Deny', 'AllowWithShadowDeny']) };
      return r.pick<Obj>([
        { allow: [{ spiffeID: { type: 'Prefix', value: 'spiffe://default/ns/kuma-demo' } }] },
        { deny: [{ spiffeID: { type: 'Exact', value: 'spiffe://default/ns/kuma-demo/sa/web' } }] },
      ]);
    case 'MeshMetric':
      return r.pick<Obj>([
        {
          sidecar: { profiles: { appendProfiles: [{ name: 'Basic' }] } },
          backends: [{ type: 'Prometheus', prometheus: { port: 5670, path: '/metrics' } }],
        },
        { applications: [{ name: 'app', path: '/metrics', port: 8888 }] },
      ]);
    case 'MeshPassthrough':
      return r.pick<Obj>([
        { passthroughMode: 'Matched', appendMatch: [{ type: 'Domain', value: 'api.example.com', protocol: 'tls', port: 443 }] },
        { passthroughMode: 'All' },
        { appendMatch: [{ type: 'CIDR', value: '10.0.0.0/8', protocol: 'tcp', port: 5432 }] },
      ]);
    case 'MeshProxyPatch':
      return {
        appendModifications: [
          r.pick<Obj>([
            { cluster: { operation: 'Patch', match: { name: 'demo-app_kuma-demo_svc_5000' }, value: 'connectTimeout: 5s' } },
            { cluster: { operation: 'Patch', jsonPatches: [{ op: 'replace', path: '/connectTimeout', value: '5s' }] } },
            { listener: { operation: 'Remove', match: { name: 'inbound:10.0.0.1:8080' } } },
          ]),
        ],
      };
    case 'MeshTrace':
      return r.pick<Obj>([
        { backends: [{ type: 'Zipkin', zipkin: { url: 'http://jaeger-collector:9411/api/v2/spans' } }] },
        { backends: [{ type: 'Datadog', datadog: { url: 'http://127.0.0.1:8126' } }], sampling: { overall: 80 } },
      ]);
    default:
      return {};
  }
}

/** A route backendRef (MeshHTTPRoute, MeshTCPRoute), valid in a shape. */
function backendRef(r: Rng, style: Style): Obj {
  const kind = r.pick(
    style === '3.0'
      ? ['MeshService', 'MeshService', 'MeshExternalService', 'MeshMultiZoneService']
      : ['MeshService', 'MeshService', 'MeshServiceSubset', 'MeshExternalService', 'MeshMultiZoneService'],
  );
  const ref: Obj = { kind };
  const name = r.pick(serviceNames);
  if (style === '3.0' || (kind !== 'MeshServiceSubset' && r.chance(0.3))) ref.labels = { 'kuma.io/display-name': name };
  else ref.name = kind === 'MeshService' && r.chance(0.3) ? `${name}_kuma-demo_svc_8080` : name;
  if (kind === 'MeshServiceSubset') ref.tags = { version: 'v1' };
  if (kind === 'MeshMultiZoneService' || (kind === 'MeshService' && r.chance(0.6))) ref.port = r.pick([8080, 80, 5000]);
  if (r.chance(0.5)) ref.weight = r.pick([1, 50, 90]);
  return ref;
}

function routeRules(r: Rng, kind: PolicyKind, style: Style, top: string): Obj[] {
  const gw = top === 'MeshGateway';
  const rule: Obj = {};
  if (kind === 'MeshHTTPRoute') {
    rule.matches = [
      r.pick<Obj>([
        { path: { type: 'PathPrefix', value: '/' } },
        { path: { type: 'Exact', value: '/api' }, method: 'GET' },
        { headers: [{ name: 'x-version', value: 'v2' }] },
      ]),
    ];
    const def: Obj = { backendRefs: [backendRef(r, style)] };
    if (r.chance(0.3)) (def.backendRefs as Obj[]).push(backendRef(r, style));
    if (r.chance(0.3))
      def.filters = [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-custom', value: 'abc' }] } }];
    rule.default = def;
  } else {
    rule.default = { backendRefs: [backendRef(r, style)] };
  }
  if (gw && kind === 'MeshHTTPRoute' && r.chance(0.3)) return [rule];
  return [rule];
}

/** A `to` / `from` / `rules` item of a kind, valid in a shape. */
function itemOf(r: Rng, kind: PolicyKind, style: Style, section: Section, top: string): Obj {
  if (section === 'rules') {
    const item: Obj = { default: confOf(r, kind, style, 'rules') };
    // matches: MeshFaultInjection from 2.13 on, MeshTimeout, MeshRateLimit and MeshAccessLog from 2.14 on
    const withMatches =
      style === '3.0'
        ? ['MeshTimeout', 'MeshRateLimit', 'MeshAccessLog', 'MeshFaultInjection']
        : style === '2.1x'
          ? ['MeshFaultInjection']
          : [];
    if (withMatches.includes(kind) && r.chance(0.25))
      item.matches = [{ spiffeID: { type: r.pick(['Exact', 'Prefix']), value: 'spiffe://default/ns/kuma-demo/sa/web' } }];
    if (kind === 'MeshTimeout' && item.matches) item.default = { http: { requestTimeout: '15s' } };
    if (kind === 'MeshRateLimit' && item.matches) item.default = { local: { http: { requestRate: { num: 100, interval: '10s' } } } };
    return item;
  }
  if (section === 'from') {
    const kinds =
      kind === 'MeshTrafficPermission' || kind === 'MeshFaultInjection' ? ['Mesh', 'Mesh', 'MeshSubset', 'MeshService'] : ['Mesh'];
    return { targetRef: refOf(r, r.pick(kinds), style), default: confOf(r, kind, style, 'from') };
  }
  const target = refOf(r, r.pick(toKinds(kind, style, top)), style);
  if (kind === 'MeshHTTPRoute' || kind === 'MeshTCPRoute') {
    const item: Obj = { targetRef: target, rules: routeRules(r, kind, style, top) };
    if (kind === 'MeshHTTPRoute' && top === 'MeshGateway' && r.chance(0.4)) item.hostnames = ['example.com'];
    return item;
  }
  let conf = confOf(r, kind, style, 'to');
  if (kind === 'MeshTimeout' && top === 'MeshHTTPRoute') conf = { http: { requestTimeout: '15s' } };
  if (kind === 'MeshLoadBalancingStrategy' && target.kind === 'MeshHTTPRoute')
    conf = { hashPolicies: [{ type: 'Header', header: { name: 'x-user-id' } }] };
  return { targetRef: target, default: conf };
}

/** Whether the scope of a top-level targetRef includes gateways (IncludesGateways). */
function includesGateways(top: Obj | undefined, style: Style): boolean {
  if (!top) return true;
  const k = top.kind;
  if (style === '3.0') return k === 'Mesh' || k === 'MeshHTTPRoute';
  if (k === 'MeshGateway' || k === 'MeshHTTPRoute') return true;
  if (k === 'Mesh' || k === 'MeshSubset') {
    const p = top.proxyTypes as string[] | undefined;
    return !p || p.length === 0 || p.includes('Gateway');
  }
  return false;
}

interface Draft {
  spec: Obj;
  /** Kubernetes: the namespace (undefined: none given), and the labels of metadata. */
  namespace?: string;
  labels: Obj;
  name: string;
  mesh?: string;
}

/** A valid policy of a kind in a shape. */
function validPolicy(r: Rng, kind: PolicyKind, form: Form, style: Style): Draft {
  const namespace =
    form === 'kubernetes' ? r.pick(['kuma-system', 'kuma-system', 'kuma-demo', 'kuma-demo', 'kuma-demo', undefined]) : undefined;
  const system = form === 'universal' || namespace === 'kuma-system';
  const spec: Obj = {};
  const sections = sectionsOf(kind, style);
  // which sections to fill
  let chosen: Section[];
  if (sections.length === 0) chosen = [];
  else if (kind === 'MeshRateLimit' || kind === 'MeshFaultInjection') chosen = [];
  else chosen = [r.pick(sections)];
  let topKind = r.chance(0.45) ? 'Mesh' : r.pick(topKinds(kind, style, system));
  if (chosen.includes('rules') || chosen.includes('from')) {
    // inbound: no gateways at the top
    if (topKind === 'MeshGateway' || topKind === 'MeshHTTPRoute') topKind = 'Mesh';
  }
  const hasTop = r.chance(0.9);
  const top = hasTop ? refOf(r, topKind, style, { top: true, inboundSection: INBOUND.includes(kind) }) : undefined;
  if (top) spec.targetRef = top;
  if (kind === 'MeshRateLimit' || kind === 'MeshFaultInjection') {
    // `to` only with a scope that includes gateways, `from` / `rules` only with one that does not
    const gw = includesGateways(top, style);
    if (style === '3.0')
      chosen = top?.kind === 'Dataplane' || kind === 'MeshFaultInjection' ? [r.pick(gw ? ['to', 'rules'] : ['rules'])] : ['to'];
    else
      chosen = gw
        ? kind === 'MeshFaultInjection' && style !== '2.9'
          ? [r.pick<Section>(['to', 'rules'])]
          : ['to']
        : [r.pick(sections.filter((s) => s !== 'to'))];
    if (kind === 'MeshRateLimit' && style === '3.0' && chosen[0] === 'rules' && top?.kind !== 'Dataplane') chosen = ['to'];
  }
  if (chosen.includes('to') && top?.kind === 'Dataplane' && top.sectionName) delete top.sectionName;
  for (const s of chosen) {
    const n = 1 + (r.chance(0.3) ? 1 : 0);
    spec[s] = Array.from({ length: n }, () => itemOf(r, kind, style, s, (top?.kind as string) ?? 'Mesh'));
  }
  // a consumer policy must not also hold producer items (and the other way round): one kind of item
  if (form === 'kubernetes' && namespace !== 'kuma-system' && Array.isArray(spec.to) && spec.to.length > 1) spec.to = [spec.to[0]];
  if (sections.length === 0) spec.default = confOf(r, kind, style, 'default');
  if (kind === 'MeshTLS' && top && top.kind !== 'Mesh')
    for (const i of (spec.rules ?? spec.from ?? []) as Obj[]) i.default = { mode: 'Strict' };
  const labels: Obj = {};
  if (r.chance(0.15)) labels.team = 'payments';
  if (form === 'kubernetes' && namespace === 'kuma-system' && r.chance(0.2)) labels['kuma.io/origin'] = 'zone';
  return {
    spec,
    namespace,
    labels,
    name: r.pick(['timeout-backend', 'policy-1', 'web', 'a', 'route-to-backend', 'p.v2']),
    mesh: r.chance(0.85) ? 'default' : r.pick(['other', undefined]),
  };
}

const items = (spec: Obj, s: Section): Obj[] =>
  Array.isArray(spec[s]) ? (spec[s] as Obj[]).filter((x) => x && typeof x === 'object') : [];

/** Every targetRef of a spec (top level, items, backendRefs, mirrors), with a way to replace it. */
function refsOf(spec: Obj): { get: () => Obj; set: (o: Obj) => void }[] {
  const out: { get: () => Obj; set: (o: Obj) => void }[] = [];
  const at = (parent: Obj, key: string) => {
    if (parent[key] && typeof parent[key] === 'object') out.push({ get: () => parent[key] as Obj, set: (o) => (parent[key] = o) });
  };
  at(spec, 'targetRef');
  for (const s of ['to', 'from'] as Section[])
    for (const i of items(spec, s)) {
      at(i, 'targetRef');
      for (const rule of Array.isArray(i.rules) ? (i.rules as Obj[]) : []) {
        const d = rule?.default as Obj | undefined;
        if (!d) continue;
        const refs = Array.isArray(d.backendRefs) ? (d.backendRefs as Obj[]) : [];
        refs.forEach((_, k) => out.push({ get: () => refs[k], set: (o) => (refs[k] = o) }));
        for (const f of Array.isArray(d.filters) ? (d.filters as Obj[]) : [])
          if (f?.requestMirror) at(f.requestMirror as Obj, 'backendRef');
      }
    }
  return out;
}

/** A structured edit aimed at one of Kuma's policy rules (SPEC-policies.md a–d, f); returns its name. */
function mutatePolicy(r: Rng, kind: PolicyKind, form: Form, style: Style, d: Draft): string {
  const spec = d.spec;
  const refs = refsOf(spec);
  const someRef = () => (refs.length ? r.pick(refs) : undefined);
  const sections = sectionsOf(kind, style);
  const firstItem = (s: Section): Obj | undefined => items(spec, s)[0];
  const ops: [string, () => boolean][] = [
    [
      'top-kind',
      () => {
        spec.targetRef = refOf(r, r.pick(ALL_REF_KINDS.filter((k) => k !== '')), style, { top: true, inboundSection: r.chance(0.5) });
        return true;
      },
    ],
    [
      'item-kind',
      () => {
        const s = r.pick<Section>(['to', 'from']);
        const i = firstItem(s);
        if (!i) return false;
        i.targetRef = refOf(r, r.pick(ALL_REF_KINDS.filter((k) => k !== '')), style);
        return true;
      },
    ],
    [
      'any-ref',
      () => {
        const x = someRef();
        if (!x) return false;
        x.set(anyRef(r, style));
        return true;
      },
    ],
    [
      'missing-kind',
      () => {
        const x = someRef();
        if (!x) return false;
        delete x.get().kind;
        return true;
      },
    ],
    [
      'section-name',
      () => {
        const x = someRef();
        if (!x) return false;
        x.get().sectionName = r.pick(['http', '8080', 'main']);
        return true;
      },
    ],
    [
      'name-and-labels',
      () => {
        const x = someRef();
        if (!x) return false;
        const ref = x.get();
        ref.name = r.pick(serviceNames);
        ref.labels = { 'kuma.io/display-name': r.pick(serviceNames) };
        if (r.chance(0.3)) ref.namespace = 'kuma-demo';
        return true;
      },
    ],
    [
      'name-characters',
      () => {
        const x = someRef();
        if (!x) return false;
        x.get().name = r.pick(['Backend', 'back end', 'backend_kuma-demo_svc_8080', 'web.v1', 'web!', 'x'.repeat(254), '']);
        return true;
      },
    ],
    [
      'proxy-types',
      () => {
        const t = (spec.targetRef as Obj | undefined) ?? (spec.targetRef = { kind: 'Mesh' });
        if (r.chance(0.5)) t.kind = r.pick(['Mesh', 'MeshSubset']);
        t.proxyTypes = r.pick([[], [], ['Sidecar'], ['Gateway'], ['Sidecar', 'Gateway'], ['Bogus']]);
        return true;
      },
    ],
    [
      'gateway-tags',
      () => {
        spec.targetRef = {
          kind: 'MeshGateway',
          name: 'edge-gateway',
          tags: r.pick([{ port: 'http-8080' }, { 'kuma.io/service': 'x' }, { '': 'a' }, { bad: '' }]),
        };
        return true;
      },
    ],
    [
      'to-and-from',
      () => {
        spec.to = [itemOf(r, kind, style, 'to', 'Mesh')];
        spec.from = [itemOf(r, kind, style, 'from', 'Mesh')];
        return true;
      },
    ],
    [
      'rules-and-others',
      () => {
        spec.rules = [itemOf(r, kind, style, 'rules', 'Mesh')];
        const s = r.pick<Section>(['to', 'from']);
        spec[s] = [itemOf(r, kind, style, s, 'Mesh')];
        return true;
      },
    ],
    [
      'producer-consumer',
      () => {
        d.namespace = form === 'kubernetes' ? r.pick(['kuma-demo', 'kuma-demo', undefined]) : d.namespace;
        const producer =
          style === '3.0'
            ? { kind: 'MeshService', labels: { 'kuma.io/display-name': 'backend' } }
            : { kind: 'MeshService', name: 'backend' };
        const consumer = r.pick<Obj>([
          { kind: 'Mesh' },
          style === '3.0'
            ? { kind: 'MeshService', labels: { 'kuma.io/display-name': 'web', 'k8s.kuma.io/namespace': 'other' } }
            : { kind: 'MeshService', name: 'web', namespace: 'other' },
          style === '3.0'
            ? { kind: 'MeshService', labels: { 'kuma.io/display-name': 'web', 'kuma.io/zone': 'east' } }
            : { kind: 'MeshExternalService', name: 'httpbin' },
        ]);
        const conf = () => (kind === 'MeshHTTPRoute' || kind === 'MeshTCPRoute' ? {} : { default: confOf(r, kind, style, 'to') });
        spec.to = [
          { targetRef: producer, ...conf() },
          { targetRef: consumer, ...conf() },
        ];
        if (kind === 'MeshHTTPRoute' || kind === 'MeshTCPRoute')
          for (const i of spec.to as Obj[]) i.rules = routeRules(r, kind, style, 'Mesh');
        delete spec.from;
        delete spec.rules;
        return true;
      },
    ],
    [
      'other-version',
      () => {
        // a field of another version: from at 3.0, rules at 2.9, name / namespace / tags / mesh in a 3.0 targetRef, Dataplane at 2.9
        const what = r.pick(['from', 'rules', 'ref-name', 'ref-extra', 'dataplane']);
        if (what === 'from') spec.from = [{ targetRef: { kind: 'Mesh' }, default: confOf(r, kind, '2.1x', 'from') }];
        else if (what === 'rules') spec.rules = [{ default: confOf(r, kind, '2.1x', 'rules') }];
        else if (what === 'dataplane') spec.targetRef = { kind: 'Dataplane', ...(r.chance(0.5) ? { labels: { app: 'web' } } : {}) };
        else {
          const x = someRef();
          if (!x) return false;
          const ref = x.get();
          if (what === 'ref-name') {
            ref.name = 'backend';
            if (r.chance(0.5)) delete ref.labels;
            if (r.chance(0.3)) ref.namespace = 'kuma-demo';
          } else
            Object.assign(
              ref,
              r.pick<Obj>([{ tags: { app: 'web' } }, { mesh: 'default' }, { proxyTypes: ['Sidecar'] }, { namespace: 'kuma-demo' }]),
            );
        }
        return true;
      },
    ],
    [
      'backend-refs',
      () => {
        const list = refs.filter((x) => x.get() !== spec.targetRef && !items(spec, 'to').some((i) => i.targetRef === x.get()));
        if (kind !== 'MeshHTTPRoute' && kind !== 'MeshTCPRoute') return false;
        const rule = (firstItem('to')?.rules as Obj[] | undefined)?.[0];
        if (!rule) return false;
        const def = (rule.default ?? (rule.default = {})) as Obj;
        const what = r.pick(['kind', 'port', 'weight', 'empty', 'missing', 'labels']);
        const br = (list.length ? r.pick(list).get() : backendRef(r, style)) as Obj;
        if (what === 'kind') br.kind = r.pick(ALL_REF_KINDS);
        else if (what === 'port') {
          if (r.chance(0.3)) delete br.port;
          else br.port = r.pick([0, -1, 8080, 65536, 70000, 2147483648]);
          br.kind = r.pick(['MeshMultiZoneService', 'MeshService', 'MeshExternalService']);
        } else if (what === 'weight') br.weight = r.pick([-1, 0, 1, 4294967295, 4294967296]);
        else if (what === 'labels') {
          delete br.name;
          if (r.chance(0.5)) delete br.labels;
          else br.labels = { 'kuma.io/display-name': 'backend' };
        }
        if (what === 'empty') def.backendRefs = [];
        else if (what === 'missing') delete def.backendRefs;
        else if (!list.length) def.backendRefs = [br];
        return true;
      },
    ],
    [
      'request-mirror',
      () => {
        if (kind !== 'MeshHTTPRoute') return false;
        const rule = (firstItem('to')?.rules as Obj[] | undefined)?.[0];
        if (!rule) return false;
        const def = (rule.default ?? (rule.default = {})) as Obj;
        const ref = r.chance(0.5) ? backendRef(r, style) : anyRef(r, style);
        if (r.chance(0.3)) ref.kind = r.pick(['MeshService', 'MeshServiceSubset', 'MeshExternalService', 'MeshMultiZoneService', 'Mesh']);
        const mirror: Obj = { backendRef: ref };
        if (r.chance(0.6)) mirror.percentage = r.pick([50, '50.5', 150, 'abc']);
        def.filters = [...(Array.isArray(def.filters) ? def.filters : []), { type: 'RequestMirror', requestMirror: mirror }];
        return true;
      },
    ],
    [
      'empty-sections',
      () => {
        const what = r.pick(['none', 'empty', 'no-spec']);
        for (const s of ['to', 'from', 'rules']) delete spec[s];
        if (what === 'empty') spec[r.pick(['to', 'from', 'rules'])] = [];
        if (what === 'no-spec') for (const k of Object.keys(spec)) delete spec[k];
        return true;
      },
    ],
    [
      'hostnames',
      () => {
        const i = firstItem('to');
        if (!i || kind !== 'MeshHTTPRoute') return false;
        i.hostnames = ['example.com'];
        if (r.chance(0.5)) spec.targetRef = { kind: 'MeshGateway', name: 'edge-gateway' };
        return true;
      },
    ],
    [
      'matches',
      () => {
        const rule = items(spec, 'rules')[0] ?? (spec.rules = [{ default: confOf(r, kind, style, 'rules') }])[0];
        rule.matches = [
          r.pick<Obj>([
            {
              spiffeID: {
                type: r.pick(['Exact', 'Prefix', 'Bogus', '']),
                value: r.pick(['spiffe://default/ns/a/sa/b', 'not-a-spiffe', '']),
              },
            },
            { sni: { type: r.pick(['Exact', 'Prefix']), value: r.pick(['api.example.com', 'Bad_SNI', '']) } },
            {},
          ]),
        ];
        if (r.chance(0.5) && kind === 'MeshTimeout') (rule.default as Obj).connectionTimeout = '5s';
        if (r.chance(0.5) && kind === 'MeshRateLimit') rule.default = { local: { tcp: { connectionRate: { num: 1, interval: '1s' } } } };
        return true;
      },
    ],
    [
      'scope',
      () => {
        // MeshRateLimit / MeshFaultInjection / MeshTimeout / MeshTLS: sections against the scope of the top-level targetRef
        spec.targetRef = r.pick<Obj>([
          { kind: 'Mesh' },
          { kind: 'Mesh', proxyTypes: ['Sidecar'] },
          { kind: 'MeshGateway', name: 'gw' },
          { kind: 'MeshHTTPRoute', name: 'route-1' },
          { kind: 'Dataplane', labels: { app: 'web' } },
          { kind: 'MeshService', name: 'web' },
        ]);
        const s = r.pick(sections.length ? sections : (['to'] as Section[]));
        spec[s] = [itemOf(r, kind, style, s, spec.targetRef && (spec.targetRef as Obj).kind === 'MeshGateway' ? 'MeshGateway' : 'Mesh')];
        if (kind === 'MeshTLS')
          for (const i of items(spec, s))
            i.default = r.pick([{ tlsCiphers: ['ECDHE-RSA-AES128-GCM-SHA256'] }, { tlsVersion: { min: 'TLS12' } }]);
        if (kind === 'MeshTimeout')
          for (const i of items(spec, s)) i.default = { connectionTimeout: '5s', http: { maxStreamDuration: '10s' } };
        if (kind === 'MeshLoadBalancingStrategy')
          for (const i of items(spec, s))
            i.targetRef = r.pick([
              { kind: 'MeshHTTPRoute', name: 'route-1' },
              { kind: 'MeshExternalService', name: 'httpbin' },
            ]);
        return true;
      },
    ],
    [
      'namespace',
      () => {
        if (form !== 'kubernetes') {
          // a role label written by hand is what Validate() reads (the API server computes none without a namespace)
          if (r.chance(0.5)) d.labels = { 'kuma.io/policy-role': r.pick(['consumer', 'producer', 'workload-owner', 'system']) };
          else d.mesh = r.pick(['', 'Bad_Mesh', undefined, 'default']);
          return true;
        }
        d.namespace = r.pick(['kuma-system', 'kuma-demo', undefined]);
        d.labels = r.pick<Obj>([
          { 'kuma.io/origin': 'zone' },
          { 'kuma.io/origin': 'global' },
          { 'kuma.io/origin': 'bogus' },
          { 'kuma.io/zone': 'zone-2', 'kuma.io/origin': 'zone' },
          { 'kuma.io/policy-role': 'producer' },
          {},
        ]);
        return true;
      },
    ],
    [
      'mesh-with-name',
      () => {
        spec.targetRef = {
          kind: 'Mesh',
          ...r.pick<Obj>([
            { name: 'default' },
            { labels: { app: 'web' } },
            { namespace: 'kuma-demo' },
            { tags: { app: 'web' } },
            { mesh: 'default' },
          ]),
        };
        return true;
      },
    ],
  ];
  // the rules proper to a kind get more of the edits
  const favoured: Partial<Record<PolicyKind, string[]>> = {
    MeshHTTPRoute: ['backend-refs', 'request-mirror', 'hostnames', 'backend-refs', 'request-mirror'],
    MeshTCPRoute: ['backend-refs', 'backend-refs', 'backend-refs'],
    MeshRateLimit: ['scope', 'matches'],
    MeshFaultInjection: ['scope', 'matches'],
    MeshTimeout: ['scope', 'matches'],
    MeshTLS: ['scope'],
    MeshLoadBalancingStrategy: ['scope'],
    MeshTrafficPermission: ['matches', 'item-kind'],
  };
  const pool = [...ops, ...(favoured[kind] ?? []).map((n) => ops.find(([name]) => name === n)!)];
  for (let tries = 0; tries < 8; tries++) {
    const [name, op] = r.pick(pool);
    if (op()) return name;
  }
  return 'none';
}

function envelope(kind: PolicyKind, form: Form, d: Draft): Obj {
  if (form === 'universal') {
    const doc: Obj = { type: kind, name: d.name };
    if (d.mesh !== undefined) doc.mesh = d.mesh;
    if (Object.keys(d.labels).length) doc.labels = d.labels;
    doc.spec = d.spec;
    return doc;
  }
  const metadata: Obj = { name: d.name };
  if (d.namespace) metadata.namespace = d.namespace;
  const labels: Obj = { ...d.labels };
  if (d.mesh) labels['kuma.io/mesh'] = d.mesh;
  if (Object.keys(labels).length) metadata.labels = labels;
  return { apiVersion: 'kuma.io/v1alpha1', kind, metadata, spec: d.spec };
}

const STYLES: Style[] = ['2.9', '2.1x', '3.0'];
const badValue = ['', 'text', -1, 0, 99999, 1.5, true, null, [], {}, ['x'], { x: 1 }, 'UPPER'];

/** `count` policies of a kind and form for a Kuma version, the same for a given seed. */
export function generatePolicies(kind: PolicyKind, form: Form, version: string, count: number, seed: number): GeneratedPolicy[] {
  const r = new Rng(seed);
  const own = styleOf(version);
  const out: GeneratedPolicy[] = [];
  for (let n = 0; n < count; n++) {
    const style = r.chance(0.75) ? own : r.pick(STYLES.filter((s) => s !== own));
    const d = validPolicy(r, kind, form, style);
    const roll = r.next();
    let origin = 'valid';
    let obj: Obj;
    if (roll < 0.35) obj = envelope(kind, form, d);
    else if (roll < 0.8) {
      origin = `mutation:${mutatePolicy(r, kind, form, style, d)}`;
      if (r.chance(0.15)) origin += `+${mutatePolicy(r, kind, form, style, d)}`;
      obj = envelope(kind, form, d);
    } else if (roll < 0.92) {
      origin = 'edited';
      obj = edit(envelope(kind, form, d), {
        op: r.int(3),
        at: r.next() * 0.999,
        value: r.pick(badValue),
        key: r.pick(['kidn', 'nmae', 'defualt', 'extra']),
      });
    } else {
      origin = 'broken';
      const m = fc.sample(mutation, { numRuns: 1, seed: r.int(2 ** 31) })[0];
      out.push({ kind, form, origin: `${origin} (${style})`, text: applyMutation(text(envelope(kind, form, d), r.chance(0.3)), m).text });
      continue;
    }
    out.push({ kind, form, origin: `${origin} (${style})`, text: text(obj, false) });
  }
  return out;
}
