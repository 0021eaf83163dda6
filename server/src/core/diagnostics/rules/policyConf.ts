import { isObj } from '../../kuma/resource';
import { policyFacts, type KumaVersion, type PolicySection } from '../../kuma/versions';
import { topLevelKind } from '../../kuma/targetRefs';
import { isPolicyKind, type PolicyKind } from '../../types';
import { formatPath, type PathSeg } from '../../yaml/nodes';
import type { Rule, RuleContext } from './context';

/**
 * The configuration checks of each policy's `validateDefault` (Kuma's `validator.go` of every policy,
 * the same at every version): what a `default` must define. A section Kuma refuses as a whole
 * (`spec.to: must not be defined`) is not looked into, as Kuma returns before its items.
 */

type Obj = Record<string, unknown>;

/** Whether the top-level scope includes gateways (`IncludesGateways`, SPEC-policies.md d). */
export function includesGateways(version: KumaVersion, spec: Obj): boolean {
  const top = topLevelKind(spec);
  if (top === 'MeshGateway' || top === 'MeshHTTPRoute') return true;
  if (top === 'Mesh' && policyFacts(version).targetRef.gatewayScope === 'mesh-always') return true;
  if (top !== 'Mesh' && top !== 'MeshSubset') return false;
  const pt = isObj(spec.targetRef) ? spec.targetRef.proxyTypes : undefined;
  return !Array.isArray(pt) || pt.length === 0 || pt.includes('Gateway');
}

/** Reports at `path` (or its nearest written parent), with Kuma's path when it differs from `path`. */
type Say = (path: PathSeg[], message: string, kumaPath?: string) => void;
type Check = (path: PathSeg[], conf: Obj, say: Say) => void;

const none = (conf: Obj, ...fields: string[]): boolean => fields.every((f) => conf[f] === undefined || conf[f] === null);

const healthCheck: Check = (path, conf, say) => {
  if (none(conf, 'http', 'tcp', 'grpc')) say(path, 'must have at least one defined: http, tcp, grpc');
};

const rateLimit: Check = (path, conf, say) => {
  const local = conf.local;
  if (local === undefined || local === null) say([...path, 'local'], 'must be defined');
  else if (isObj(local) && none(local, 'tcp', 'http')) say([...path, 'local'], 'must have at least one defined: tcp, http');
};

const DETECTORS = ['totalFailures', 'gatewayFailures', 'localOriginFailures', 'successRate', 'failurePercentage'];
const circuitBreaker: Check = (path, conf, say) => {
  if (none(conf, 'connectionLimits', 'outlierDetection')) {
    say(path, "at least one of: 'connectionLimits' or 'outlierDetection' should be configured");
    return;
  }
  const od = conf.outlierDetection;
  if (!isObj(od)) return;
  const at: PathSeg[] = [...path, 'outlierDetection', 'detectors'];
  const d = od.detectors;
  if (d === undefined || d === null) say(at, 'must be defined');
  else if (isObj(d) && none(d, ...DETECTORS))
    say(at, 'must have at least one defined: totalFailures, gatewayFailures, localOriginFailures, successRate, failurePercentage');
  else if (isObj(d))
    for (const f of ['totalFailures', 'gatewayFailures', 'localOriginFailures']) {
      const x = d[f];
      if (isObj(x) && x.consecutive === 0) say([...at, f, 'consecutive'], 'must be greater than 0');
    }
};

const retry: Check = (path, conf, say) => {
  if (none(conf, 'tcp', 'http', 'grpc')) say([...path, 'conf'], "at least one of the 'tcp', 'http', 'grpc' must be specified");
};

/** A backend or filter of a `type` needs the section of that type (`must be defined`). */
function typedSection(item: unknown, sections: Record<string, string>, path: PathSeg[], say: Say): string | undefined {
  if (!isObj(item)) return undefined;
  const field = sections[String(item.type)];
  if (field && none(item, field)) say([...path, field], 'must be defined');
  return field;
}

const ACCESS_LOG_BACKENDS: Record<string, string> = { File: 'file', Tcp: 'tcp', OpenTelemetry: 'openTelemetry' };
const accessLog: Check = (path, conf, say) => {
  if (none(conf, 'backends')) say([...path, 'backends'], 'must be defined');
  else if (Array.isArray(conf.backends))
    conf.backends.forEach((b, i) => typedSection(b, ACCESS_LOG_BACKENDS, [...path, 'backends', i], say));
};

const ROUTE_FILTERS: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  RequestMirror: 'requestMirror',
};
/** MeshHTTPRoute `validateFilters`: a filter's section, and a header modifier that sets, adds or removes something. */
const httpRouteFilters = (ctx: RuleContext, say: Say): void => {
  const to = ctx.res.spec.to;
  if (!Array.isArray(to)) return;
  to.forEach((item, i) => {
    if (!isObj(item) || !Array.isArray(item.rules)) return;
    item.rules.forEach((r, j) => {
      if (!isObj(r) || !isObj(r.default) || !Array.isArray(r.default.filters)) return;
      r.default.filters.forEach((f, k) => {
        const path: PathSeg[] = ['spec', 'to', i, 'rules', j, 'default', 'filters', k];
        const field = typedSection(f, ROUTE_FILTERS, path, say);
        if (!field || !isObj(f) || !field.endsWith('HeaderModifier')) return;
        const m = f[field];
        if (isObj(m) && none(m, 'set', 'add', 'remove')) say([...path, field], 'must have at least one defined: set, add, remove');
      });
    });
  });
};

const trafficPermission: Check = (path, conf, say) => {
  if (typeof conf.action !== 'string' || conf.action === '') say([...path, 'action'], 'must be defined');
};

const TIMEOUTS_HTTP = ['requestTimeout', 'streamIdleTimeout', 'maxStreamDuration', 'maxConnectionDuration'];
const timeout: Check = (path, conf, say) => {
  if (isObj(conf.http) && none(conf.http, ...TIMEOUTS_HTTP))
    say([...path, 'http'], 'at least one timeout in this section should be configured');
};

const trace: Check = (path, conf, say) => {
  const backends = conf.backends;
  if (backends === undefined || backends === null) {
    say([...path, 'backends'], 'must be defined');
    return;
  }
  if (!Array.isArray(backends) || backends.length !== 1 || !isObj(backends[0])) return;
  const b = backends[0];
  const field = ({ Datadog: 'datadog', Zipkin: 'zipkin', OpenTelemetry: 'openTelemetry' } as Record<string, string>)[String(b.type)];
  if (field && none(b, field)) say([...path, 'backends', 0, field], 'must be defined');
};

const MODIFICATIONS = ['cluster', 'listener', 'virtualHost', 'networkFilter', 'httpFilter'];
const proxyPatch: Check = (path, conf, say) => {
  const mods = conf.appendModifications;
  if (!Array.isArray(mods) || mods.length === 0) {
    if (mods === undefined || mods === null || Array.isArray(mods)) say([...path, 'appendModifications'], 'must not be empty');
    return;
  }
  mods.forEach((m, i) => {
    if (!isObj(m)) return;
    const n = MODIFICATIONS.filter((f) => m[f] !== undefined && m[f] !== null).length;
    if (n !== 1)
      say(
        [...path, 'appendModifications', i],
        `exactly one modification can be defined at a time. Currently, ${n} modifications are defined`,
      );
  });
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
function isCidr(v: string): boolean {
  const [ip, bits, ...rest] = v.split('/');
  if (rest.length || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  if (IPV4.test(ip)) return Number(bits) <= 32;
  return ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip) && Number(bits) <= 128;
}

/** MeshPassthrough `validateDefault` (part): a port in range, a CIDR that parses, no tcp / mysql for a domain. */
const passthrough =
  (defaultProtocol: string | undefined): Check =>
  (path, conf, say) => {
    if (!Array.isArray(conf.appendMatch)) return;
    conf.appendMatch.forEach((m, i) => {
      if (!isObj(m)) return;
      const at: PathSeg[] = [...path, 'appendMatch', i];
      if (typeof m.port === 'number' && (m.port === 0 || m.port > 65535)) say([...at, 'port'], 'port must be a valid (1-65535)');
      const value = m.value === undefined || m.value === null ? '' : m.value;
      if (m.type === 'CIDR' && typeof value === 'string' && !isCidr(value)) say([...at, 'value'], 'provided CIDR has incorrect value');
      const protocol = m.protocol === undefined || m.protocol === null ? defaultProtocol : m.protocol;
      if (m.type === 'Domain' && (protocol === 'tcp' || protocol === 'mysql'))
        say([...at, 'protocol'], `protocol ${protocol} is not supported for a domain`);
    });
  };

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** `ValidatePercentage`: a number or a decimal string from 0 to 100 (a missing one is the schema's). */
function percentage(path: PathSeg[], v: unknown, say: Say): void {
  if (typeof v === 'string' && !DECIMAL.test(v)) say(path, 'string must be a valid number');
  else if ((typeof v === 'number' || typeof v === 'string') && (Number(v) < 0 || Number(v) > 100))
    say(path, 'must be in inclusive range [0.0, 100.0]');
}

/** MeshFaultInjection `validateDefault`: Kuma's path puts the index after the fault's name (`http.abort[0]`). */
const faultInjection: Check = (path, conf, say) => {
  if (!Array.isArray(conf.http)) return;
  conf.http.forEach((fault, i) => {
    if (!isObj(fault)) return;
    for (const f of ['abort', 'delay', 'responseBandwidth']) {
      const x = fault[f];
      if (!isObj(x)) continue;
      const at: PathSeg[] = [...path, 'http', i, f];
      const kumaAt = (field: string) => `${formatPath([...path, 'http'])}.${f}[${i}].${field}`;
      const sayAt = (field: string, message: string) => say([...at, field], message, kumaAt(field));
      if (f === 'abort' && typeof x.httpStatus === 'number' && (x.httpStatus < 100 || x.httpStatus >= 600))
        sayAt('httpStatus', 'must be in inclusive range [100, 599]');
      percentage([...at, 'percentage'], x.percentage, (_p, m) => sayAt('percentage', m));
    }
  });
};

/** The checks per policy and section. */
const CHECKS: Partial<Record<PolicyKind, Partial<Record<PolicySection, Check>>>> = {
  MeshHealthCheck: { to: healthCheck },
  MeshRateLimit: { to: rateLimit, from: rateLimit, rules: rateLimit },
  MeshCircuitBreaker: { to: circuitBreaker, from: circuitBreaker, rules: circuitBreaker },
  MeshRetry: { to: retry },
  MeshAccessLog: { to: accessLog, from: accessLog, rules: accessLog },
  MeshTrafficPermission: { from: trafficPermission },
  MeshTimeout: { to: timeout, from: timeout, rules: timeout },
  MeshTrace: { default: trace },
  MeshProxyPatch: { default: proxyPatch },
  MeshFaultInjection: { to: faultInjection, from: faultInjection, rules: faultInjection },
};

/** Whether Kuma refuses a section as a whole (and so never checks its items): MeshRateLimit's scope rules. */
function refused(ctx: RuleContext, kind: PolicyKind, section: PolicySection): boolean {
  const rules = policyFacts(ctx.version).kinds[kind];
  const spec = ctx.res.spec;
  const gw = includesGateways(ctx.version, spec);
  const top = topLevelKind(spec);
  if (section === 'to') return !!rules.to?.gatewayScopeOnly && !gw;
  if (section === 'from') {
    const f = rules.from?.forbidden;
    return !!f && (f.when === 'gateway-scope' ? gw : top === 'MeshGateway' || top === 'MeshHTTPRoute');
  }
  if (section === 'rules') return !!rules.rulesOutsideGatewayScope && (gw || top === 'MeshHTTPRoute');
  return false;
}

export const policyConfRule: Rule = (ctx) => {
  const kind = isPolicyKind(ctx.res.kind) ? ctx.res.kind : undefined;
  if (!kind || !ctx.res.has(['spec'])) return;
  const say: Say = (path, message, kumaPath) => {
    let at = path;
    while (at.length > 1 && !ctx.res.has(at)) at = at.slice(0, -1);
    ctx.report('policy-invalid', at, message, { target: 'key', data: { path: kumaPath ?? formatPath(path) } });
  };
  if (kind === 'MeshHTTPRoute') httpRouteFilters(ctx, say);
  // The schema's default protocol (tcp) is there on Kubernetes, and on Universal where the schema stage defaults.
  const defaulted = ctx.res.form === 'kubernetes' || policyFacts(ctx.version).universalSchemaDefaults;
  const checks = kind === 'MeshPassthrough' ? { default: passthrough(defaulted ? 'tcp' : undefined) } : CHECKS[kind];
  if (!checks) return;
  const spec = ctx.res.spec;
  const sections = policyFacts(ctx.version).sections[kind];
  /** A missing `default` is Go's zero value; one of the wrong type is the schema's error. */
  const confOf = (v: unknown): Obj | undefined => (isObj(v) ? v : v === undefined || v === null ? {} : undefined);
  for (const s of sections) {
    const check = checks[s];
    if (!check || refused(ctx, kind, s)) continue;
    if (s === 'default') {
      const conf = confOf(spec.default);
      if (conf) check(['spec', 'default'], conf, say);
      continue;
    }
    if (!Array.isArray(spec[s])) continue;
    (spec[s] as unknown[]).forEach((item, i) => {
      const conf = isObj(item) ? confOf(item.default) : undefined;
      if (conf) check(['spec', s, i, 'default'], conf, say);
    });
  }
};
