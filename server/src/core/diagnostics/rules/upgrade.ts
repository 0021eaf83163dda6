import { isMap, type Node } from 'yaml';
import { isObj } from '../../kuma/resource';
import { kumaFacts, MIGRATION_TARGET, type KumaVersion } from '../../kuma/versions';
import type { ParsedDocument } from '../../yaml/documents';
import { formatPath, locate, rangeFor, type PathSeg } from '../../yaml/nodes';
import type { Severity } from '../codes';
import type { Rule, RuleContext } from './context';
import { isPolicyKind, type PolicyKind } from '../../types';
import { targetRefSites } from '../../kuma/targetRefs';
import { dns1035LabelErrors } from './names';
import type { KumaDiagnostic } from '../../types';

type DocumentDiagnostic = Omit<KumaDiagnostic, 'document'>;

/**
 * The upgrade lint (issue 16): what Kuma 3.0 removes, drops silently or rejects, said ahead of the
 * upgrade. At a 2.x version (`upgradeLint: 'hint'`) each construct is a hint of an
 * `upgrade-3.0-*` code; at 3.0 (`'enforced'`) the constructs no other rule explains are reported
 * with the severity Kuma 3.0 gives them (SPEC-policies.md f.8, f.9, f.11; SPEC.md 2.2, 6).
 */

const TARGET = MIGRATION_TARGET;
const MIGRATE = `"Migrate to Kuma ${TARGET}" rewrites it`;

/** The severity of an upgrade code at this version: a hint before 3.0, `atTarget` at 3.0. */
function severityAt(version: KumaVersion, atTarget: Severity): Severity {
  return kumaFacts(version).upgradeLint === 'hint' ? 'hint' : atTarget;
}

const ahead = (version: KumaVersion) => kumaFacts(version).upgradeLint === 'hint';

function pairs(v: unknown): string {
  if (!isObj(v)) return '';
  return Object.entries(v)
    .filter(([, x]) => x !== null && typeof x !== 'object')
    .map(([k, x]) => `${k}: ${String(x)}`)
    .join(', ');
}

/** MeshService `spec.selector.dataplaneTags` (3.0 reports selector-dataplane-tags-removed). */
export const meshServiceUpgradeRule: Rule = ({ res, version, report }) => {
  if (!ahead(version)) return;
  const sel = res.spec.selector;
  if (!isObj(sel) || sel.dataplaneTags === undefined || sel.dataplaneTags === null) return;
  const others = ['dataplaneRef', 'dataplaneLabels'].filter((k) => sel[k] !== undefined && sel[k] !== null);
  report(
    'upgrade-3.0-dataplane-tags',
    ['spec', 'selector', 'dataplaneTags'],
    others.length
      ? `Kuma ${TARGET} removes spec.selector.dataplaneTags and drops it silently; this MeshService keeps its ${others.join(' and ')}. Remove dataplaneTags before upgrading.`
      : `Kuma ${TARGET} removes spec.selector.dataplaneTags and drops it silently: this MeshService would select no Dataplanes. Select Dataplane labels with dataplaneLabels instead; ${MIGRATE} and gives the selected Dataplanes the labels.`,
    { target: 'key', severity: 'hint' },
  );
};

/**
 * Names Kuma 3.0 rejects (RFC 1035 labels) where this version says nothing yet: 2.9 has neither
 * the deprecation nor the error (2.13 and 2.14 warn with name-rfc1035-deprecated).
 */
export function nameUpgradeRule(ctx: RuleContext): void {
  const { res, version, report } = ctx;
  if (!ahead(version) || kumaFacts(version).nameRule !== 'length-limit') return;
  const dn = res.displayName();
  if (!dn || dn.value === '' || typeof res.get(dn.path) !== 'string') return;
  const errs = dns1035LabelErrors(dn.value);
  if (errs.length === 0) return;
  report(
    'upgrade-3.0-name-rfc1035',
    dn.path,
    `Kuma ${TARGET} rejects this ${res.kind}: its name "${dn.value}" is not an RFC 1035 label (${errs.join(', ')}). Renaming changes the resource's identity and every reference to it.`,
    { severity: 'hint', data: { path: 'name' } },
  );
}

/** Dataplane inbound `tags`, outbounds without `backendRef`, `reachableServices` (f.9, SPEC.md 6). */
export const dataplaneUpgradeRule: Rule = ({ res, version, report }) => {
  const net = res.spec.networking;
  if (!isObj(net)) return;
  const facts = kumaFacts(version);
  const inbounds = Array.isArray(net.inbound) ? net.inbound : [];
  inbounds.forEach((ib, i) => {
    if (!isObj(ib) || ib.tags === undefined) return;
    const tags = isObj(ib.tags) ? ib.tags : {};
    const svc = tags['kuma.io/service'];
    const identity =
      svc !== undefined && svc !== null
        ? ` kuma.io/service: ${String(svc)} no longer names this Dataplane's service, so MeshServices (dataplaneTags) and policies that select it by its tags select nothing; Kuma ${TARGET} selects Dataplanes by their labels (e.g. kuma.io/workload: ${String(svc)}).`
        : ` Selectors that match these tags select nothing; Kuma ${TARGET} selects Dataplanes by their labels.`;
    const proto = tags['kuma.io/protocol'] !== undefined ? ' The kuma.io/protocol tag becomes the inbound protocol field.' : '';
    report(
      'upgrade-3.0-inbound-tags',
      ['networking', 'inbound', i, 'tags'],
      `Kuma ${TARGET} removes inbound tags and drops them silently.${identity}${proto} ${MIGRATE}.`,
      { target: 'key', severity: severityAt(version, 'error') },
    );
  });
  const outbounds = Array.isArray(net.outbound) ? net.outbound : [];
  outbounds.forEach((ob, i) => {
    if (!isObj(ob)) return;
    const at: PathSeg[] = ['networking', 'outbound', i];
    const named = pairs(ob.tags) || (typeof ob.service === 'string' ? `kuma.io/service: ${ob.service}` : '');
    if (ob.backendRef === undefined) {
      // 3.0: dataplane-invalid "must be defined" says the rejection at the outbound; the tags key is said below.
      if (ahead(version))
        report(
          'upgrade-3.0-outbound-tags',
          ob.tags !== undefined ? [...at, 'tags'] : at,
          `Kuma ${TARGET} rejects an outbound without backendRef (backendRef: must be defined) and drops its tags silently${named ? ` (${named})` : ''}. Name the target with backendRef: {kind: MeshService, labels: {kuma.io/display-name: <name>}, port: <port>}.`,
          { target: 'key', severity: 'hint', data: { path: formatPath([...at, 'backendRef']) } },
        );
      else if (ob.tags !== undefined)
        report(
          'upgrade-3.0-outbound-tags',
          [...at, 'tags'],
          `Kuma ${TARGET} drops outbound tags silently${named ? ` (${named})` : ''}: the outbound names nothing, and Kuma rejects it without a backendRef. Name the target with backendRef.`,
          { target: 'key', severity: 'error' },
        );
    } else if (ob.tags !== undefined) {
      report(
        'upgrade-3.0-outbound-tags',
        [...at, 'tags'],
        `Kuma ${TARGET} drops outbound tags silently${named ? ` (${named})` : ''}; the backendRef names the target. Remove the tags.`,
        { target: 'key', severity: severityAt(version, 'error') },
      );
    }
  });
  const tp = net.transparentProxying;
  if (isObj(tp) && tp.reachableServices !== undefined && (ahead(version) || !facts.reachableServicesField)) {
    report(
      'upgrade-3.0-reachable-services',
      ['networking', 'transparentProxying', 'reachableServices'],
      `Kuma ${TARGET} removes transparentProxying.reachableServices and drops it silently: the proxy would no longer be limited to these services. List MeshServices, MeshExternalServices and MeshMultiZoneServices in reachableBackends.refs instead.`,
      { target: 'key', severity: severityAt(version, 'error') },
    );
  }
};

/**
 * A Kuma `Mesh` document (role `mesh`, which nothing else checks): `meshServices` (f.8) and a
 * name that is not an RFC 1035 label (f.11). Nothing else is reported on a Mesh.
 */
export function meshDocumentDiagnostics(pd: ParsedDocument, version: KumaVersion): DocumentDiagnostic[] {
  const c = pd.classification;
  if (c.role !== 'mesh' || pd.errors.length > 0 || pd.limit || !isMap(pd.contents)) return [];
  const root = pd.contents as Node;
  const out: DocumentDiagnostic[] = [];
  const fallback = { start: pd.range.start, end: pd.range.start };
  const kubernetes = c.form === 'kubernetes';
  const at = (path: PathSeg[], target: 'key' | 'value') => rangeFor(root, path, target, fallback);
  const facts = kumaFacts(version);
  const msPath = kubernetes ? ['spec', 'meshServices'] : ['meshServices'];
  const ms = locate(root, msPath);
  if (ms.complete && (ahead(version) || !facts.meshServicesField)) {
    const value = pd.value as Record<string, unknown> | undefined;
    const holder = kubernetes ? (isObj(value?.spec) ? value.spec : {}) : (value ?? {});
    const mode = isObj(holder.meshServices) ? holder.meshServices.mode : undefined;
    const modeWords =
      mode === undefined || mode === null
        ? ''
        : String(mode) === 'Exclusive' || String(mode) === '3'
          ? ` Mode ${String(mode)} is what ${TARGET} always does.`
          : ` Mode ${String(mode)} becomes the former Exclusive: MeshServices are always generated and the legacy kuma.io/service outbounds are gone, so references by kuma.io/service select nothing.`;
    out.push({
      code: 'upgrade-3.0-mesh-services',
      severity: severityAt(version, 'warning'),
      message: `Kuma ${TARGET} removes ${kubernetes ? 'spec.' : ''}meshServices from the Mesh: it accepts the Mesh and ignores the field silently.${modeWords} Remove it; ${MIGRATE}.`,
      range: at(msPath, 'key'),
      data: { path: 'meshServices' },
    });
  }
  const namePath = kubernetes ? ['metadata', 'name'] : ['name'];
  const name = locate(root, namePath);
  const n = name.complete && name.node && 'value' in name.node ? (name.node as { value: unknown }).value : undefined;
  if (typeof n === 'string' && n !== '') {
    const errs = dns1035LabelErrors(n);
    if (errs.length)
      out.push({
        code: 'upgrade-3.0-name-rfc1035',
        severity: severityAt(version, 'error'),
        message: `Kuma ${TARGET} rejects this Mesh: its name "${n}" is not an RFC 1035 label (${errs.join(', ')}). Renaming a Mesh moves every resource of it.`,
        range: at(namePath, 'value'),
        data: { path: 'name' },
      });
  }
  return out.sort((a, b) => a.range.start - b.range.start);
}

// ---------------------------------------------------------------------------------------------
// Policies (SPEC-policies.md f.1 to f.7, f.10, f.11): hints at 2.x; at 3.0 the policy rules and
// schemas report these constructs as that version treats them.

const LEGACY_TOP = ['MeshSubset', 'MeshService', 'MeshServiceSubset', 'MeshGateway', 'MeshHTTPRoute'];
const LABELS_REQUIRED = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'MeshHTTPRoute'];
/** Policies whose `from` is removed at 3.0, and what 3.0 says when nothing else is left (f.4). */
const FROM_ALONE: Partial<Record<PolicyKind, string | undefined>> = {
  MeshTimeout: "spec: at least one of 'to' or 'rules' has to be defined",
  MeshAccessLog: "spec: at least one of 'to' or 'rules' has to be defined",
  MeshCircuitBreaker: "spec: at least one of 'to' or 'rules' has to be defined",
  MeshRateLimit: "spec: at least one of 'to' or 'rules' has to be defined",
  MeshTrafficPermission: 'spec: policy must define rules',
  MeshTLS: undefined,
  MeshFaultInjection: undefined,
};

type Obj = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const policyUpgradeRule: Rule = (ctx) => {
  const { res, version, report } = ctx;
  if (!ahead(version) || !isPolicyKind(res.kind)) return;
  const kind = res.kind;
  const spec = res.spec;
  const rejected = (path: PathSeg[], message: string, target: 'key' | 'value' = 'key') =>
    report('upgrade-3.0-policy-rejected', path, `Kuma ${TARGET} rejects this: ${message}`, { target, severity: 'hint' });
  const dropped = (path: PathSeg[], message: string) =>
    report('upgrade-3.0-policy-dropped', path, `Kuma ${TARGET} drops this silently: ${message}`, { target: 'key', severity: 'hint' });
  const top = isObj(spec.targetRef) ? spec.targetRef : undefined;
  const topKind = top && typeof top.kind === 'string' ? top.kind : 'Mesh';

  for (const site of targetRefSites(kind, spec)) {
    const ref = site.ref;
    const refKind = typeof ref.kind === 'string' ? ref.kind : undefined;
    // f.1: top-level legacy kinds.
    if (site.place === 'top' && refKind && LEGACY_TOP.includes(refKind))
      rejected(
        [...site.path, 'kind'],
        `a top-level targetRef of kind ${refKind} (3.0 allows Mesh and Dataplane). Select the proxies with {kind: Dataplane, labels: {…}}: the labels the Dataplanes carry (Pod labels on Kubernetes), not inbound tags.`,
        'value',
      );
    // f.6: route backendRefs.
    if ((site.place === 'backendRef' || site.place === 'requestMirror') && refKind === 'MeshServiceSubset')
      rejected(
        [...site.path, 'kind'],
        `a ${site.place === 'backendRef' ? 'backendRef' : 'requestMirror backendRef'} of kind MeshServiceSubset (value 'MeshServiceSubset' is not supported).`,
        'value',
      );
    else if (
      site.place === 'backendRef' &&
      refKind === 'MeshService' &&
      ref.port === undefined &&
      ref.sectionName === undefined &&
      ref.name !== undefined
    )
      rejected(
        [...site.path, 'name'],
        `a MeshService backendRef without port or sectionName is a legacy kuma.io/service name (${String(ref.name)}) at 2.x; 3.0 has no name (labels must be set) and reads a MeshService backendRef as the real MeshService, every port. Use labels {kuma.io/display-name: …, k8s.kuma.io/namespace: …} and the port.`,
      );
    // f.2: name / namespace (a legacy top-level kind is rejected as a whole above).
    if (site.place === 'top' && refKind && LEGACY_TOP.includes(refKind)) continue;
    if (
      refKind &&
      (ref.name !== undefined || ref.namespace !== undefined) &&
      !(site.place === 'backendRef' && refKind === 'MeshService' && ref.port === undefined && ref.sectionName === undefined)
    ) {
      const at = [...site.path, ref.name !== undefined ? 'name' : 'namespace'];
      const labels = `labels: {kuma.io/display-name: ${ref.name !== undefined ? String(ref.name) : '…'}${ref.namespace !== undefined ? `, k8s.kuma.io/namespace: ${String(ref.namespace)}` : ''}}`;
      if (LABELS_REQUIRED.includes(refKind))
        rejected(at, `name and namespace are dropped, then labels must be set when kind is ${refKind}. Use ${labels}.`);
      else if (refKind === 'Dataplane')
        dropped(at, `without its name and namespace this targetRef selects every proxy in the policy's scope. Use ${labels}.`);
      else if (refKind !== 'Mesh') dropped(at, `name and namespace are no longer part of a targetRef; use labels.`);
    }
    // f.3: tags, mesh, proxyTypes.
    for (const key of ['tags', 'mesh', 'proxyTypes'] as const) {
      if (ref[key] === undefined || refKind === 'MeshSubset' || refKind === 'MeshServiceSubset') continue;
      dropped(
        [...site.path, key],
        key === 'proxyTypes' && refKind === 'Mesh'
          ? `without proxyTypes, kind Mesh includes gateways: the policy then also applies to them. ${kind === 'MeshRateLimit' || kind === 'MeshFaultInjection' ? 'For sidecars only use {kind: Dataplane} (no labels: all proxies).' : 'Use kind Dataplane with labels to leave gateways out.'}`
          : `${key} is no longer part of a targetRef.`,
      );
    }
  }

  // f.4: from → rules.
  if (list(spec.from).length > 0 && kind in FROM_ALONE) {
    const others = ['to', 'rules'].filter((s) => list(spec[s]).length > 0);
    const alone = FROM_ALONE[kind];
    const advice = `Move its items to rules: a from item with targetRef kind Mesh becomes a rules item with the same default${kind === 'MeshTrafficPermission' ? ' (action Allow → allow: [{spiffeID: …}] matches, the clients are named by SPIFFE ID)' : ''}; clients are selected by matches (spiffeID, sni), not targetRefs.`;
    if (others.length) dropped(['spec', 'from'], `from is removed and dropped next to ${others.join(' and ')}. ${advice}`);
    else if (alone) rejected(['spec', 'from'], `from is removed, and with nothing else left: ${alone}. ${advice}`);
    else dropped(['spec', 'from'], `from is removed; the ${kind} is accepted and does nothing. ${advice}`);
  }

  // f.7: gateway-only route fields.
  if (kind === 'MeshHTTPRoute' || kind === 'MeshTCPRoute')
    list(spec.to).forEach((it, i) => {
      if (!isObj(it)) return;
      if (it.hostnames !== undefined)
        rejected(['spec', 'to', i, 'hostnames'], 'hostnames must not be defined (no MeshGateway targetRef exists at 3.0).');
      list(it.rules).forEach((rule, j) => {
        const filters = isObj(rule) && isObj(rule.default) ? list(rule.default.filters) : [];
        filters.forEach((f, k) => {
          if (isObj(f) && isObj(f.urlRewrite) && f.urlRewrite.hostToBackendHostname !== undefined)
            rejected(
              ['spec', 'to', i, 'rules', j, 'default', 'filters', k, 'urlRewrite', 'hostToBackendHostname'],
              'hostToBackendHostname must not be set (a gateway-only field).',
            );
        });
      });
    });

  // f.10: MeshRateLimit / MeshFaultInjection scope.
  if (kind === 'MeshRateLimit' && list(spec.rules).length > 0 && topKind === 'Mesh')
    rejected(
      ['spec', 'rules'],
      'spec.rules must not be defined with a top-level Mesh (rules need kind Dataplane at 3.0, and Mesh includes gateways). Use targetRef {kind: Dataplane} (no labels: all proxies).',
    );
  if ((kind === 'MeshRateLimit' || kind === 'MeshFaultInjection') && list(spec.to).length > 0 && topKind !== 'Mesh')
    rejected(['spec', 'to'], `to is allowed only with a top-level Mesh (or none) at 3.0; this one has ${topKind}.`);

  // f.11: removed fields.
  if (kind === 'MeshHealthCheck')
    list(spec.to).forEach((it, i) => {
      if (isObj(it) && isObj(it.default) && it.default.healthyPanicThreshold !== undefined)
        dropped(
          ['spec', 'to', i, 'default', 'healthyPanicThreshold'],
          'healthyPanicThreshold moved to MeshCircuitBreaker outlierDetection.healthyPanicThreshold.',
        );
    });
  if (kind === 'MeshLoadBalancingStrategy')
    list(spec.to).forEach((it, i) => {
      const lb = isObj(it) && isObj(it.default) && isObj(it.default.loadBalancer) ? (it.default.loadBalancer as Obj) : undefined;
      for (const algo of ['ringHash', 'maglev'])
        if (lb && isObj(lb[algo]) && (lb[algo] as Obj).hashPolicies !== undefined)
          dropped(
            ['spec', 'to', i, 'default', 'loadBalancer', algo, 'hashPolicies'],
            `loadBalancer.${algo}.hashPolicies is removed: use default.hashPolicies.`,
          );
    });
  if (kind === 'MeshAccessLog' || kind === 'MeshMetric' || kind === 'MeshTrace') {
    const backends: { path: PathSeg[]; value: unknown }[] = [];
    if (kind === 'MeshAccessLog')
      for (const section of ['to', 'from', 'rules'])
        list(spec[section]).forEach((it, i) => {
          if (isObj(it) && isObj(it.default))
            list(it.default.backends).forEach((b, k) => backends.push({ path: ['spec', section, i, 'default', 'backends', k], value: b }));
        });
    else if (isObj(spec.default))
      list(spec.default.backends).forEach((b, k) => backends.push({ path: ['spec', 'default', 'backends', k], value: b }));
    for (const b of backends) {
      const otel = isObj(b.value) && isObj(b.value.openTelemetry) ? b.value.openTelemetry : undefined;
      if (otel && otel.endpoint !== undefined && otel.backendRef === undefined)
        rejected(
          [...b.path, 'openTelemetry', 'endpoint'],
          'the inline OpenTelemetry endpoint is dropped, then openTelemetry.backendRef must be defined (a MeshExternalService or MeshService by labels).',
        );
    }
  }
};
