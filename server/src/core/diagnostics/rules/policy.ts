import { isObj } from '../../kuma/resource';
import {
  KUMA_VERSIONS,
  policyFacts,
  type PolicyKindRules,
  type PolicySection,
  type TargetRefFacts,
  type TargetRefKind,
} from '../../kuma/versions';
import { targetRefSites, topLevelKind, type TargetRefSite } from '../../kuma/targetRefs';
import { computePolicyRole } from '../../kuma/policyRole';
import { isPolicyKind, type PolicyKind } from '../../types';
import { formatPath, type PathSeg } from '../../yaml/nodes';
import type { ReportOptions, Rule, RuleContext } from './context';
import { policyMatchesRule } from './policyMatches';
import { policyUpgradeRule } from './upgrade';
import { includesGateways, policyConfRule } from './policyConf';

/**
 * Kuma's targetRef policies (SPEC-policies.md): the rules every policy kind runs, in Kuma's order
 * (the targetRef checks of `ValidateTargetRef`, the allowed kinds per policy, section and role, the
 * spec-level rules of each policy's `validate()`, the role computation, `Deprecations()`). Every
 * version-dependent fact is read from the version table (`policyFacts`).
 */

type Obj = Record<string, unknown>;

const SECTIONS: readonly PolicySection[] = ['to', 'from', 'rules', 'default'];

const nonEmptyList = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
const setString = (v: unknown): boolean => typeof v === 'string' && v !== '';
const setMap = (v: unknown): boolean => isObj(v) && Object.keys(v).length > 0;
const setList = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
/** A value that is there but not a map: the schema's type error answers first, and Kuma's validators never run. */
const wrongType = (v: unknown): boolean => v !== undefined && v !== null && !isObj(v);

function kindOf(ctx: RuleContext): PolicyKind | undefined {
  return isPolicyKind(ctx.res.kind) ? ctx.res.kind : undefined;
}

/** A section of this policy kind that the version does not have, with the versions that have it (SPEC-policies.md a.1). */
const sectionsRule: Rule = (ctx) => {
  const kind = kindOf(ctx);
  if (!kind) return;
  const spec = ctx.res.spec;
  const own = policyFacts(ctx.version).sections[kind];
  for (const s of SECTIONS) {
    if (!(s in spec) || own.includes(s)) continue;
    const elsewhere = KUMA_VERSIONS.filter((v) => policyFacts(v).sections[kind].includes(s));
    if (!elsewhere.length) continue; // an unknown key of every version: the schema says it
    const instead =
      s === 'from' && own.includes('rules') ? " Move its items to 'rules' (matched by 'matches' instead of a targetRef)." : '';
    const older = s === 'rules' && own.includes('from') ? ` At Kuma ${ctx.version} use 'from'.` : '';
    ctx.report(
      'policy-section-unavailable',
      ['spec', s],
      `${kind} has no '${s}' in Kuma ${ctx.version}: the control plane drops it. '${s}' exists in Kuma ${elsewhere.join(', ')}; check the kuma.version setting or the "# kuma-version:" comment.${instead}${older}`,
      { target: 'key', data: { versions: elsewhere } },
    );
  }
};

/** The unsupported-kind message of `ValidateTargetRef` (SPEC-policies.md c.2). */
function unsupported(tr: TargetRefFacts, kind: string): string {
  return tr.unsupportedKindNamed ? `value '${kind}' is not supported` : 'value is not supported';
}

interface RefOptions {
  supported: readonly TargetRefKind[];
  supportedKindsError?: string;
  inbound: boolean;
  gatewayTags: boolean;
  /** `AllowedInvalidNames`: names exempt from the character check (MeshHTTPRoute backendRefs). */
  allowedInvalidNames?: readonly string[];
}

/** `metadata.UnresolvedBackendServiceTag`, the name MeshHTTPRoute backendRefs may use for a backend that does not resolve. */
const UNRESOLVED_BACKEND = 'kuma.io/unresolved-backend';

const NAME_CHARS = /^[0-9a-z.\-_]*$/;
const TAG_NAME_CHARS = /^[a-zA-Z0-9.\-_:/]*$/;
const TAG_VALUE_CHARS = /^[a-zA-Z0-9.\-_:]*$/;
const SELECTOR_VALUE_CHARS = /^([a-zA-Z0-9.\-_:/]*|\*)$/;

/**
 * `ValidateTargetRef` of one version at one place: reports Kuma's violations with their paths relative
 * to the site (`spec.to[0].targetRef.sectionName`). Returns false when the kind stops the checks.
 */
function validateTargetRef(ctx: RuleContext, site: TargetRefSite, opts: RefOptions): boolean {
  const tr = policyFacts(ctx.version).targetRef;
  const ref = site.ref;
  const p = (...f: PathSeg[]): PathSeg[] => [...site.path, ...f];
  const say = (field: PathSeg[], message: string, o: ReportOptions = {}) =>
    ctx.report('policy-target-ref-invalid', p(...field), message, { target: 'key', ...o });
  const kind = ref.kind;
  if (kind !== undefined && kind !== null && typeof kind !== 'string') return false; // schema-type says it
  if (!setString(kind)) {
    // A schema that requires the kind refuses the document first, with its own message; so does its enum
    // an empty kind, unless Kubernetes' webhook dropped it (2.9, `omitempty`).
    const dropped = ctx.res.form === 'kubernetes' && policyFacts(ctx.version).webhook.dropsEmptyKind;
    if (kind === '' ? site.present && dropped : !tr.kindRequiredBySchema)
      ctx.report('policy-target-ref-invalid', p('kind'), 'must be defined', { target: 'key', data: { allowedValues: opts.supported } });
    return false;
  }
  const k = kind as string;
  // A kind outside the schema's enum for this place: the schema-enum error says it, before any Go validator runs.
  if (!(tr.schemaKinds[site.place === 'requestMirror' ? 'backendRef' : site.place] as readonly string[]).includes(k)) return false;
  if (!(opts.supported as readonly string[]).includes(k)) {
    ctx.report('policy-target-ref-kind', p('kind'), opts.supportedKindsError ?? unsupported(tr, k), {
      data: { allowedValues: opts.supported },
    });
    return false;
  }
  const forbidden = (field: string, isSet: (v: unknown) => boolean) => {
    if (isSet(ref[field])) say([field], `must not be set with kind ${k}`);
  };
  const required = () => `${tr.requiredPhrase === 'with' ? 'must be set with kind' : 'must be set when kind is'} ${k}`;
  const name = (): void => {
    if (typeof ref.name === 'string' && !NAME_CHARS.test(ref.name) && !opts.allowedInvalidNames?.includes(ref.name))
      say(['name'], "invalid characters: must consist of lower case alphanumeric characters, '-', '.' and '_'.", { target: 'value' });
  };
  const emptyProxyTypes = () => {
    if (tr.emptyProxyTypes && Array.isArray(ref.proxyTypes) && ref.proxyTypes.length === 0)
      say(['proxyTypes'], 'must be undefined or have at least one element');
  };
  const labelsWithName = (message: string) => {
    if (setMap(ref.labels) && (setString(ref.name) || setString(ref.namespace))) say(['labels'], message);
  };
  const nameOrLabels = () => {
    if (setMap(ref.labels) || setString(ref.name)) return;
    if (tr.nameOrLabels === 'at-target-ref') say([], `name or labels must be set when kind is ${k}`);
    else say(['name'], required());
  };

  if (tr.labelsOnly) {
    // 3.0: name, namespace, tags, mesh and proxyTypes are no longer fields (the decoder drops them).
    switch (k) {
      case 'Mesh':
        forbidden('labels', setMap);
        forbidden('sectionName', setString);
        break;
      case 'Dataplane':
        if (!opts.inbound && setString(ref.sectionName)) say(['sectionName'], 'can only be used with inbound policies');
        break;
      case 'MeshHTTPRoute':
      case 'MeshExternalService':
        forbidden('sectionName', setString);
        if (!setMap(ref.labels) && !wrongType(ref.labels)) say(['labels'], required());
        break;
      case 'MeshService':
      case 'MeshMultiZoneService':
        if (!setMap(ref.labels) && !wrongType(ref.labels)) say(['labels'], required());
        break;
    }
    return true;
  }

  switch (k) {
    case 'Mesh':
      if (setString(ref.name)) say(['name'], 'using name with kind Mesh is not yet supported');
      forbidden('mesh', setString);
      forbidden('tags', setMap);
      forbidden('labels', setMap);
      forbidden('namespace', setString);
      forbidden('sectionName', setString);
      emptyProxyTypes();
      break;
    case 'Dataplane':
      forbidden('tags', setMap);
      forbidden('mesh', setString);
      forbidden('proxyTypes', setList);
      labelsWithName('either labels or name and namespace must be specified');
      if (!opts.inbound && setString(ref.sectionName)) say(['sectionName'], 'can only be used with inbound policies');
      break;
    case 'MeshSubset':
      forbidden('name', setString);
      forbidden('mesh', setString);
      tags(ctx, site, ref.tags, false);
      forbidden('labels', setMap);
      forbidden('namespace', setString);
      forbidden('sectionName', setString);
      emptyProxyTypes();
      break;
    case 'MeshService':
    case 'MeshHTTPRoute':
      name();
      forbidden('mesh', setString);
      forbidden('tags', setMap);
      forbidden('proxyTypes', setList);
      if (k === 'MeshHTTPRoute' && !tr.sharedServiceRouteCase) forbidden('sectionName', setString);
      nameOrLabels();
      labelsWithName('either labels or name and namespace must be specified');
      if (tr.sharedServiceRouteCase && setMap(ref.labels) && setString(ref.sectionName))
        say(['sectionName'], 'sectionName should not be combined with labels');
      break;
    case 'MeshServiceSubset':
    case 'MeshGateway':
      if (!setString(ref.name)) say(['name'], required());
      name();
      forbidden('mesh', setString);
      forbidden('proxyTypes', setList);
      tags(ctx, site, ref.tags, tr.selectorTagValues);
      if (k === 'MeshGateway' && setMap(ref.tags) && !opts.gatewayTags) say(['tags'], 'must not be set with kind MeshGateway');
      forbidden('labels', setMap);
      forbidden('namespace', setString);
      forbidden('sectionName', setString);
      break;
    case 'MeshExternalService':
      name();
      forbidden('mesh', setString);
      forbidden('tags', setMap);
      forbidden('proxyTypes', setList);
      nameOrLabels();
      labelsWithName('either labels or name must be specified');
      forbidden('sectionName', setString);
      break;
    // MeshMultiZoneService: no field checks at all (no case in Kuma's switch).
  }
  return true;
}

/** Tag checks of `ValidateTags` (MeshSubset) and `ValidateSelector` (MeshServiceSubset / MeshGateway from 2.13). */
function tags(ctx: RuleContext, site: TargetRefSite, value: unknown, selector: boolean): void {
  if (!isObj(value)) return;
  // Kuma writes a tag key Go-quoted: `spec.targetRef.tags["kuma.io/service"]`.
  const at = (key: string | undefined, message: string) =>
    ctx.report('policy-target-ref-invalid', key === undefined ? [...site.path, 'tags'] : [...site.path, 'tags', key], message, {
      target: 'key',
      data: { path: `${formatPath([...site.path, 'tags'])}${key === undefined ? '' : `[${JSON.stringify(key)}]`}` },
    });
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if (key === '') at(undefined, 'tag name must be non-empty');
    if (!TAG_NAME_CHARS.test(key)) at(key, 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores');
    if (typeof v !== 'string') continue;
    if (v === '') at(key, 'tag value must be non-empty');
    if (selector) {
      if (!SELECTOR_VALUE_CHARS.test(v))
        at(key, 'tag value must consist of alphanumeric characters, dots, dashes, slashes and underscores or be "*"');
    } else if (!TAG_VALUE_CHARS.test(v)) at(key, 'tag value must consist of alphanumeric characters, dots, dashes and underscores');
  }
}

const MES_MESH_ONLY =
  'kind MeshExternalService is only allowed with targetRef.kind: Mesh as it is configured on the Zone Egress and shared by all clients in the mesh';

/** The targetRefs of a policy: allowed kinds per place and role, then `ValidateTargetRef` (SPEC-policies.md c, d). */
const targetRefRule: Rule = (ctx) => {
  const kind = kindOf(ctx);
  if (!kind) return;
  const { res, version } = ctx;
  const facts = policyFacts(version);
  const rules: PolicyKindRules = facts.kinds[kind];
  const spec = res.spec;
  const sections = facts.sections[kind];
  const role = computePolicyRole(version, kind, spec, namespaceOf(ctx), res.form);
  const top = topLevelKind(spec);
  const affectsInbounds =
    (sections.includes('rules') && nonEmptyList(spec.rules)) || (sections.includes('from') && nonEmptyList(spec.from));
  const tr = facts.targetRef;
  for (const site of targetRefSites(kind, spec)) {
    const section = site.place === 'top' ? undefined : site.place === 'backendRef' || site.place === 'requestMirror' ? 'to' : site.place;
    if (section && !sections.includes(section)) continue; // policy-section-unavailable says it
    let opts: RefOptions | undefined;
    switch (site.place) {
      case 'top':
        opts = {
          supported: role.role === 'system' ? rules.top.system : rules.top.other,
          inbound: rules.inbound && affectsInbounds,
          gatewayTags: rules.gatewayTags,
        };
        break;
      case 'to': {
        const to = rules.to;
        if (!to) break;
        let supported = to.byTop?.[top as TargetRefKind] ?? to.kinds;
        let supportedKindsError: string | undefined;
        const item = (spec.to as unknown[])[site.item ?? 0];
        if (to.loadBalancerMeshOnly && top === 'MeshGateway' && isObj(item) && isObj(item.default) && item.default.loadBalancer != null) {
          supported = ['Mesh'];
          supportedKindsError = `${unsupported(tr, top)}, only Mesh is allowed if loadBalancer is set`;
        }
        opts = { supported, inbound: false, gatewayTags: false, ...(supportedKindsError ? { supportedKindsError } : {}) };
        break;
      }
      case 'from':
        if (rules.from) opts = { supported: rules.from.kinds, inbound: false, gatewayTags: false };
        break;
      case 'backendRef':
        if (rules.backendRefs)
          opts = {
            supported: rules.backendRefs.kinds,
            inbound: false,
            gatewayTags: false,
            ...(kind === 'MeshHTTPRoute' ? { allowedInvalidNames: [UNRESOLVED_BACKEND] } : {}),
          };
        break;
      case 'requestMirror':
        if (rules.requestMirror) opts = { supported: rules.requestMirror, inbound: false, gatewayTags: false };
        break;
    }
    if (!opts) continue;
    validateTargetRef(ctx, site, opts);
    if (site.place === 'to' && rules.to?.externalServiceMeshOnly && site.ref.kind === 'MeshExternalService' && top !== 'Mesh')
      ctx.report('policy-target-ref-kind', [...site.path, 'kind'], MES_MESH_ONLY);
    const checksPort = site.place === 'backendRef' || (site.place === 'requestMirror' && tr.labelsOnly);
    if (checksPort && site.ref.kind === 'MeshMultiZoneService' && (site.ref.port === undefined || site.ref.port === null))
      ctx.report('policy-invalid', [...site.path, 'port'], 'must be defined with kind MeshMultiZoneService', { target: 'key' });
  }
};

function namespaceOf(ctx: RuleContext): string | undefined {
  if (ctx.res.form !== 'kubernetes') return undefined;
  const meta = ctx.res.value.metadata;
  const ns = isObj(meta) ? meta.namespace : undefined;
  return typeof ns === 'string' ? ns : undefined;
}

/** The spec-level rules of each policy's `validate()` (SPEC-policies.md d): sections that must or must not be there. */
const specRule: Rule = (ctx) => {
  const kind = kindOf(ctx);
  if (!kind) return;
  const { version, res } = ctx;
  const facts = policyFacts(version);
  const rules = facts.kinds[kind];
  const sections = facts.sections[kind];
  const spec = res.spec;
  if (!res.has(['spec'])) return; // the schema's missing `spec` (Universal) or nothing to check (Kubernetes)
  const has = (s: PolicySection) => sections.includes(s) && nonEmptyList(spec[s]);
  /** Reports at `path`, or at the nearest written parent (Kuma's path stays in the data). */
  const say = (path: PathSeg[], message: string) => {
    const at = res.has(path) ? path : path.slice(0, -1);
    ctx.report('policy-invalid', at, message, { target: 'key', data: { path: formatPath(path) } });
  };

  if (rules.atLeastOne && !rules.atLeastOne.of.some(has)) say(['spec'], rules.atLeastOne.message);
  if (rules.rulesExclusive && has('rules') && rules.rulesExclusive.of.some(has)) say(['spec'], rules.rulesExclusive.message);
  const gw = includesGateways(version, spec);
  const top = topLevelKind(spec);
  if (rules.to?.gatewayScopeOnly && has('to') && !gw) say(['spec', 'to'], 'must not be defined');
  if (rules.to?.required && sections.includes('to') && !has('to')) say(['spec', 'to'], 'needs at least one item');
  const forbiddenFrom = rules.from?.forbidden;
  if (forbiddenFrom && has('from')) {
    const refused = forbiddenFrom.when === 'gateway-scope' ? gw : top === 'MeshGateway' || top === 'MeshHTTPRoute';
    if (refused) say(['spec', 'from'], forbiddenFrom.message);
  }
  if (rules.from?.required && !has('from')) say(['spec', 'from'], 'needs at least one item');
  if (rules.rulesOutsideGatewayScope && has('rules') && gw) say(['spec', 'rules'], 'must not be defined');

  // Route rules: backendRefs required (MeshTCPRoute 2.13+), hostnames only with a top-level MeshGateway.
  if (rules.backendRefs?.required && has('to')) {
    (spec.to as unknown[]).forEach((item, i) => {
      if (!isObj(item) || !Array.isArray(item.rules)) return;
      item.rules.forEach((r, j) => {
        if (isObj(r) && isObj(r.default) && !nonEmptyList(r.default.backendRefs)) {
          say(['spec', 'to', i, 'rules', j, 'default', 'backendRefs'], 'must be defined');
        }
      });
    });
  }
  if (rules.gatewayRoute && has('to')) {
    const { hostToBackendHostname, backendRefsUnderGateway } = rules.gatewayRoute;
    (spec.to as unknown[]).forEach((item, i) => {
      if (!isObj(item) || !Array.isArray(item.rules)) return;
      item.rules.forEach((r, j) => {
        if (!isObj(r) || !isObj(r.default)) return;
        const base = ['spec', 'to', i, 'rules', j, 'default'];
        const filters = Array.isArray(r.default.filters) ? r.default.filters : [];
        filters.forEach((f, k) => {
          if (!isObj(f) || f.type !== 'URLRewrite' || !isObj(f.urlRewrite) || f.urlRewrite.hostToBackendHostname !== true) return;
          const at = [...base, 'filters', k, 'urlRewrite', 'hostToBackendHostname'];
          if (hostToBackendHostname === 'must not be set' || top !== 'MeshGateway') say(at, hostToBackendHostname);
          if (f.urlRewrite.hostname != null) say(at, 'cannot be set together with hostname');
        });
        const redirect = filters.some((f) => isObj(f) && f.type === 'RequestRedirect');
        if (backendRefsUnderGateway && top === 'MeshGateway' && !nonEmptyList(r.default.backendRefs) && !redirect)
          say([...base, 'backendRefs'], 'must not be empty');
      });
    });
  }
  if (rules.hostnames && has('to')) {
    (spec.to as unknown[]).forEach((item, i) => {
      if (isObj(item) && nonEmptyList(item.hostnames) && (rules.hostnames === 'never' || top !== 'MeshGateway'))
        say(['spec', 'to', i, 'hostnames'], 'must not be defined');
    });
  }
};

/** `ComputePolicyRole` errors: Kubernetes policies in an app namespace (SPEC-policies.md a.3, a.4). */
const roleRule: Rule = (ctx) => {
  const kind = kindOf(ctx);
  if (!kind) return;
  const role = computePolicyRole(ctx.version, kind, ctx.res.spec, namespaceOf(ctx), ctx.res.form);
  if (role.error) ctx.report('policy-role-invalid', ['spec'], role.error, { target: 'key', data: { path: 'spec', role: role.role } });
};

/** Kuma's `Deprecations()` warnings about targetRefs and `from` (SPEC-policies.md d.5). */
const deprecationRule: Rule = (ctx) => {
  const kind = kindOf(ctx);
  if (!kind) return;
  const { version, res } = ctx;
  const facts = policyFacts(version);
  const d = facts.deprecations;
  const spec = res.spec;
  const top = isObj(spec.targetRef) ? spec.targetRef.kind : undefined;
  if (typeof top === 'string' && !d.topLevelExempt.includes(kind)) {
    const msg = d.topLevel[top as TargetRefKind];
    if (msg) ctx.report('policy-deprecated', ['spec', 'targetRef', 'kind'], msg);
  }
  const sections = facts.sections[kind];
  if (sections.includes('from') && nonEmptyList(spec.from)) {
    const msg = d.from[kind];
    if (msg) ctx.report('policy-deprecated', ['spec', 'from'], msg, { target: 'key' });
    if (kind === 'MeshTrafficPermission' && d.trafficPermissionFromService) {
      (spec.from as unknown[]).forEach((item, i) => {
        if (isObj(item) && isObj(item.targetRef) && item.targetRef.kind === 'MeshService')
          ctx.report('policy-deprecated', ['spec', 'from', i, 'targetRef', 'kind'], d.trafficPermissionFromService as string);
      });
    }
  }
};

/** Each `default` of a policy, with its Kuma path: `spec.to[i].default`, `spec.from[i].default`, `spec.rules[i].default`. */
function defaults(spec: Obj, sections: readonly PolicySection[]): { path: PathSeg[]; conf: Obj; item: Obj }[] {
  const out: { path: PathSeg[]; conf: Obj; item: Obj }[] = [];
  for (const s of ['to', 'from', 'rules'] as const) {
    if (!sections.includes(s) || !Array.isArray(spec[s])) continue;
    (spec[s] as unknown[]).forEach((item, i) => {
      if (isObj(item) && isObj(item.default)) out.push({ path: ['spec', s, i, 'default'], conf: item.default, item });
    });
  }
  return out;
}

const ROUTE_TOP_TIMEOUT = "can't be specified when top-level TargetRef is referencing MeshHTTPRoute";
const ROUTE_ONLY_HASH = 'field is not allowed when targetRef.kind is MeshHTTPRoute, only hashPolicies is supported';

/**
 * Rules of a policy's `default` that depend on a targetRef (SPEC-policies.md d.2, d.3): MeshTLS
 * `tlsCiphers` / `tlsVersion` only with a top-level Mesh, MeshTimeout timeouts a top-level
 * MeshHTTPRoute cannot carry, MeshLoadBalancingStrategy towards a MeshHTTPRoute or a local MeshService.
 */
const targetDependentDefaultsRule: Rule = (ctx) => {
  const kind = kindOf(ctx);
  if (!kind) return;
  const { version, res } = ctx;
  const facts = policyFacts(version);
  const spec = res.spec;
  const top = topLevelKind(spec);
  const say = (path: PathSeg[], message: string) => ctx.report('policy-invalid', path, message, { target: 'key' });
  for (const { path, conf, item } of defaults(spec, facts.sections[kind])) {
    if (kind === 'MeshTLS' && top !== 'Mesh') {
      if (setList(conf.tlsCiphers)) say([...path, 'tlsCiphers'], 'tlsCiphers can only be defined with top level targetRef kind: Mesh');
      if (conf.tlsVersion != null) say([...path, 'tlsVersion'], 'tlsVersion can only be defined with top level targetRef kind: Mesh');
    }
    // At 3.0 a top-level MeshHTTPRoute is refused by the schema before this check could run.
    if (kind === 'MeshTimeout' && top === 'MeshHTTPRoute' && facts.targetRef.schemaKinds.top.includes('MeshHTTPRoute')) {
      for (const f of ['connectionTimeout', 'idleTimeout']) if (conf[f] != null) say([...path, f], ROUTE_TOP_TIMEOUT);
      if (isObj(conf.http))
        for (const f of ['maxStreamDuration', 'maxConnectionDuration'])
          if (conf.http[f] != null) say([...path, 'http', f], ROUTE_TOP_TIMEOUT);
    }
    if (kind === 'MeshLoadBalancingStrategy' && path[1] === 'to' && isObj(item.targetRef)) {
      const ref = item.targetRef;
      if (ref.kind === 'MeshHTTPRoute' && facts.kinds[kind].to?.kinds.includes('MeshHTTPRoute'))
        for (const f of ['loadBalancer', 'localityAwareness']) if (conf[f] != null) say([...path, f], ROUTE_ONLY_HASH);
      const crossZone = isObj(conf.localityAwareness) ? conf.localityAwareness.crossZone : undefined;
      if (crossZone != null && ref.kind === 'MeshService' && (setString(ref.sectionName) || setMap(ref.labels)))
        say([...path, 'localityAwareness', 'crossZone'], 'must not be set: MeshService traffic is local');
    }
  }
};

export const policyRules: Rule[] = [
  sectionsRule,
  roleRule,
  specRule,
  targetRefRule,
  targetDependentDefaultsRule,
  policyMatchesRule,
  policyConfRule,
  deprecationRule,
  policyUpgradeRule,
];
