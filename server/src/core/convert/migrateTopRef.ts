import { isMap, isScalar, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../yaml/documents';
import { locate } from '../yaml/nodes';
import { isPolicyKind } from '../types';
import { documentFacts, type KumaFact, type RefFact } from '../host/facts';
import { matchesAll, resourceKey, type Located, type WorkspaceIndex } from '../host/workspaceIndex';
import { entriesOf, lineEndAt, type Entry } from './format';
import { scalar } from './yamlOut';
import { labelsByDataplane, labelsNeeded, ownWorkload, planFor, WORKLOAD } from './selectorPlan';
import type { TextEdit } from './types';

/**
 * The 3.0 migration of a policy's top-level targetRef (SPEC-policies.md f.1, f.3, f.10).
 *
 * Kuma 3.0 accepts `Mesh` and `Dataplane` only at the top, and drops `proxyTypes`. At 2.x a top-level
 * `MeshService` / `MeshSubset` / `MeshServiceSubset` selects the inbounds whose tags hold
 * `kuma.io/service: <name>` and/or `tags` (e.3, `DppSelectedByPolicy`); its 3.0 form selects Dataplanes
 * by labels. The rewrite to `{kind: Dataplane, labels}` is made only when, in the workspace, the labels
 * select exactly the proxies the tags selected (with the labels the Dataplanes carry after their own
 * 3.0 migration: `kuma.io/workload` from their `kuma.io/service`, and the labels the MeshService
 * selector migrations give them); otherwise the targetRef is left as it is, with what is missing.
 *
 * `{kind: Mesh, proxyTypes: [Sidecar, Gateway]}` loses `proxyTypes` (the same proxies); a MeshRateLimit
 * or MeshFaultInjection scoped to sidecars with `rules` becomes `{kind: Dataplane}` (f.10). Any other
 * `proxyTypes` has no 3.0 form and is left with a note (3.0 would silently widen it to gateways).
 */

const SERVICE = 'kuma.io/service';
const NAMESPACE = 'k8s.kuma.io/namespace';
const LEGACY = ['MeshService', 'MeshSubset', 'MeshServiceSubset'];
const K8S_SERVICE_TAG = /^(.+)_([^_]+)_svc_(\d+)$/;

/** A proxy as the comparison sees it: its inbounds' tags at 2.x and its labels at 3.0. */
interface Proxy {
  what: string;
  /** A Universal Dataplane of the workspace (labels can be added to it). */
  dp?: Located<KumaFact>;
  inbounds: Record<string, string>[];
  /** Its labels at 3.0 (Universal: once migrated). */
  labels: Record<string, string>;
  /** The labels it carries now. */
  own: Record<string, string>;
  gateway?: Record<string, string>;
}

/** What a legacy top-level targetRef becomes: its labels, and the labels some Dataplanes must be given for them. */
export interface TopRefPlan {
  labels: Record<string, string>;
  selected: Proxy[];
  how: string;
  additions: { proxy: Proxy; labels: Record<string, string> }[];
}
type Plan = TopRefPlan | { refused: string };

/** The fields of a top-level targetRef the plan reads. */
type Ref = Pick<RefFact, 'kind' | 'name' | 'tags' | 'proxyTypes' | 'sectionName'>;

function pairs(m: Record<string, string>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

function names(ps: Proxy[]): string {
  const shown = ps.slice(0, 5).map((p) => p.what);
  return shown.join(', ') + (ps.length > 5 ? ` and ${ps.length - 5} more` : '');
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v))
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== null && typeof x !== 'object') out[k] = String(x);
  return out;
}

/** The Universal Dataplanes of a mesh, with the labels they carry once migrated to 3.0. */
function universalProxies(index: WorkspaceIndex, mesh: string): Proxy[] {
  return index.dataplanes
    .filter((d) => d.fact.form === 'universal' && d.fact.mesh === mesh)
    .map((d) => {
      const own = ownWorkload(d.fact);
      return {
        what: `Dataplane ${d.fact.name}`,
        dp: d,
        inbounds: (d.fact.inbounds ?? []).map((ib) => ib.tags),
        labels: { ...labelsNeeded(index, d.fact), ...(own !== undefined ? { [WORKLOAD]: own } : {}), ...d.fact.labels },
        own: d.fact.labels,
        ...(d.fact.gateway ? { gateway: d.fact.gateway.tags } : {}),
      };
    });
}

/**
 * The Kubernetes proxies of a mesh: the workloads (their Pods' Dataplanes: inbound tags from the
 * Services that select them, labels = Pod labels and the namespace) and any Dataplane written out.
 */
function kubernetesProxies(index: WorkspaceIndex, mesh: string): Proxy[] {
  const out: Proxy[] = index.workloads
    .filter((w) => index.workloadMesh(w.fact) === mesh)
    .map((w) => ({
      what: `${w.fact.kind} ${w.fact.name} (namespace ${w.fact.namespace})`,
      inbounds: index.workloadInboundTags(w.fact),
      labels: { ...w.fact.podLabels, [NAMESPACE]: w.fact.namespace },
      own: { ...w.fact.podLabels, [NAMESPACE]: w.fact.namespace },
    }));
  for (const d of index.dataplanes)
    if (d.fact.form === 'kubernetes' && d.fact.mesh === mesh)
      out.push({
        what: `Dataplane ${d.fact.name}`,
        inbounds: (d.fact.inbounds ?? []).map((ib) => ib.tags),
        labels: { ...d.fact.labels, [NAMESPACE]: d.fact.namespace ?? 'default' },
        own: { ...d.fact.labels, [NAMESPACE]: d.fact.namespace ?? 'default' },
        ...(d.fact.gateway ? { gateway: d.fact.gateway.tags } : {}),
      });
  return out;
}

/** The labels that may stand for the tags, most likely first, or why none can. */
function candidates(
  index: WorkspaceIndex,
  policy: KumaFact,
  name: string | undefined,
  tags: Record<string, string>,
): Record<string, string>[] | string {
  const k8s = policy.form === 'kubernetes';
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (k === SERVICE) continue;
    if (v === '*') return `the tag ${k}: "*" matches any value, which a label cannot.`;
    if (k.includes('kuma.io/') && !(k8s && k === NAMESPACE)) return `${k} is an inbound tag Kuma sets, with no Dataplane label equivalent.`;
    rest[k] = v;
  }
  const svc = name ?? tags[SERVICE];
  if (svc === undefined) return [rest];
  if (k8s) {
    // kuma.io/service is <service>_<namespace>_svc_<port> on Kubernetes: the Pods of that Service.
    const m = K8S_SERVICE_TAG.exec(svc);
    const service = m ? index.services.find((s) => s.fact.name === m[1] && s.fact.namespace === m[2]) : undefined;
    if (!m || !service || Object.keys(service.fact.selector).length === 0)
      return m
        ? `kuma.io/service ${svc} stands for the Pods of Service ${m[1]} (namespace ${m[2]}), which the workspace does not hold with a selector.`
        : `on Kubernetes kuma.io/service values read <service>_<namespace>_svc_<port>, and ${svc} does not, so which Pods it selects is not known.`;
    return [{ ...service.fact.selector, [NAMESPACE]: m[2], ...rest }];
  }
  const out: Record<string, string>[] = [];
  // The MeshService of that name: its selector's labels (as its own migration writes them).
  const ms = index.meshServices.find((m) => m.fact.form === 'universal' && m.fact.mesh === policy.mesh && m.fact.name === svc);
  const plan = ms && planFor(index, ms.fact);
  const own = ms?.fact.selector?.dataplaneLabels ?? (plan && !plan.refused ? plan.labels : undefined);
  if (own && Object.keys(own).length > 0 && ms?.fact.selector?.dataplaneRef === undefined) out.push({ ...own, ...rest });
  out.push({ [WORKLOAD]: svc, ...rest });
  return out;
}

/**
 * Whether the labels select exactly the proxies the tags selected (once the Dataplanes lacking some
 * are given them, when `add`), or what is in the way.
 */
function check(
  labels: Record<string, string>,
  selected: Proxy[],
  others: Proxy[],
  k8s: boolean,
  add: boolean,
): { proxy: Proxy; labels: Record<string, string> }[] | string {
  const missing: { proxy: Proxy; labels: Record<string, string> }[] = [];
  for (const p of selected) {
    const lack: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) {
      if (p.labels[k] === v) continue;
      if (p.labels[k] !== undefined)
        return `${p.what} has the label ${k}: ${p.labels[k]}, where {kind: Dataplane, labels: {${pairs(labels)}}} needs ${k}: ${v}.`;
      lack[k] = v;
    }
    if (Object.keys(lack).length) missing.push({ proxy: p, labels: lack });
  }
  const widened = others.filter((p) => matchesAll(p.labels, labels));
  if (widened.length) return `the labels {${pairs(labels)}} would also select ${names(widened)}, which the tags did not select.`;
  // Labels Kuma sets (kuma.io/workload names the MeshService Kuma 3.0 generates) are not given here.
  const addable = add && !k8s && missing.every((m) => m.proxy.dp && Object.keys(m.labels).every((k) => !k.includes('kuma.io/')));
  if (missing.length && !addable)
    return `the proxies it selects do not carry the labels {${pairs(labels)}} (${missing.map((m) => `${m.proxy.what} needs ${pairs(m.labels)}`).join('; ')}); add them to ${k8s ? "the Pods' labels" : 'the Dataplanes'} and write {kind: Dataplane, labels: {${pairs(labels)}}}.`;
  return missing;
}

/**
 * The 3.0 labels of a legacy top-level targetRef that select the same proxies, or why there are none.
 * `all`: the proxies of the policy's mesh and form with their labels, when labels may be added to them.
 */
function plan(index: WorkspaceIndex, policy: KumaFact, ref: Ref, all?: Proxy[]): Plan {
  const kind = ref.kind ?? '';
  const inboundRules = policy.inboundRules === true;
  const name = typeof ref.name === 'string' && ref.name !== '' ? ref.name : undefined;
  const extra = ref.tags ?? {};
  if (kind !== 'MeshSubset' && name === undefined) return { refused: `it has no name, so it selects no inbound at 2.x.` };
  if (ref.sectionName !== undefined) return { refused: `sectionName on a top-level ${kind} has no 3.0 counterpart that says the same.` };
  const tags: Record<string, string> = kind === 'MeshSubset' ? extra : { [SERVICE]: name!, ...extra };
  const proxyTypes = ref.proxyTypes;
  if (proxyTypes && !proxyTypes.includes('Sidecar'))
    return { refused: `proxyTypes ${proxyTypes.join(', ')} selects gateways, which Dataplane labels here cannot be shown to.` };
  if (Object.keys(tags).length === 0)
    return { refused: 'a MeshSubset without tags selects every inbound; write {kind: Mesh} or {kind: Dataplane} yourself.' };
  const cands = candidates(index, policy, kind === 'MeshSubset' ? undefined : name, tags);
  if (typeof cands === 'string') return { refused: cands };
  const k8s = policy.form === 'kubernetes';
  const add = all !== undefined;
  all ??= k8s ? kubernetesProxies(index, policy.mesh) : universalProxies(index, policy.mesh);
  const gateways = all.filter((p) => p.gateway && matchesAll(p.gateway, tags));
  if (gateways.length && !(proxyTypes && !proxyTypes.includes('Gateway')))
    return { refused: `it selects the gateway ${names(gateways)}, by its gateway tags, which Dataplane labels are not.` };
  const selected = all.filter((p) => p.inbounds.some((t) => matchesAll(t, tags)));
  if (selected.length === 0)
    return {
      refused: `no ${k8s ? 'workload' : 'Dataplane'} of mesh ${policy.mesh} in the workspace has an inbound with the tags ${pairs(tags)}, so which labels select the same proxies is not known. Write {kind: Dataplane, labels: {…}} with labels only those proxies carry.`,
    };
  if (inboundRules) {
    // Rules apply to the inbounds the tags select at 2.x; {kind: Dataplane} takes every inbound of a proxy.
    const partial = selected.filter((p) => !p.inbounds.every((t) => matchesAll(t, tags)));
    if (partial.length)
      return {
        refused: `${names(partial)} also ${partial.length > 1 ? 'have' : 'has'} inbounds the tags do not select, and {kind: Dataplane, labels} applies the rules to every inbound of a proxy; add sectionName (the inbound's name) by hand.`,
      };
  }
  const others = all.filter((p) => !selected.includes(p));
  let reason: string | undefined;
  let adding: TopRefPlan | undefined;
  for (const labels of cands) {
    const r = check(labels, selected, others, k8s, add);
    if (typeof r === 'string') reason ??= r;
    else if (r.length === 0) return { labels, selected, how: pairs(tags), additions: [] };
    else adding ??= { labels, selected, how: pairs(tags), additions: r };
  }
  return adding ?? { refused: reason! };
}

/**
 * The plans of the workspace's Universal policies with a legacy top-level targetRef, by policy, made
 * once per index in file order. A plan that gives Dataplanes labels is kept only when those labels
 * change what no other label selector selects (MeshService dataplaneLabels, written or planned, and
 * the Dataplane targetRefs of policies, written or planned); the labels of the plans kept count for
 * the plans after them.
 */
function topRefPlans(index: WorkspaceIndex): Map<KumaFact, Plan> {
  return index.memo('migrateTopRef.plans', () => {
    const out = new Map<KumaFact, Plan>();
    const proxies = new Map<string, Proxy[]>();
    const selectors = new Map<string, { what: string; labels: Record<string, string> }[]>();
    const sel = (mesh: string) => {
      let list = selectors.get(mesh);
      if (!list) selectors.set(mesh, (list = []));
      return list;
    };
    for (const m of index.meshServices) {
      if (m.fact.form !== 'universal') continue;
      const p = planFor(index, m.fact);
      const labels = m.fact.selector?.dataplaneLabels ?? (p && !p.refused ? p.labels : undefined);
      if (labels && m.fact.selector?.dataplaneRef === undefined) sel(m.fact.mesh).push({ what: `MeshService ${m.fact.name}`, labels });
    }
    for (const k of index.kuma) {
      const top = k.fact.refs?.find((r) => r.place === 'top');
      if (k.fact.form === 'universal' && top?.kind === 'Dataplane' && top.labels && Object.keys(top.labels).length)
        sel(k.fact.mesh).push({ what: `${k.fact.kind} ${k.fact.name}`, labels: top.labels });
    }
    for (const k of index.kuma) {
      const top = k.fact.refs?.find((r) => r.place === 'top');
      if (k.fact.form !== 'universal' || !isPolicyKind(k.fact.kind) || !top?.kind || !LEGACY.includes(top.kind)) continue;
      let all = proxies.get(k.fact.mesh);
      if (!all) proxies.set(k.fact.mesh, (all = universalProxies(index, k.fact.mesh)));
      let p = plan(index, k.fact, top, all);
      if ('labels' in p && p.additions.length) {
        for (const a of p.additions) {
          const after = { ...a.proxy.labels, ...a.labels };
          const hit = sel(k.fact.mesh).find((s) => !matchesAll(a.proxy.labels, s.labels) && matchesAll(after, s.labels));
          if (hit) {
            p = {
              refused: `${a.proxy.what} lacks ${Object.keys(a.labels).length > 1 ? 'the labels' : 'the label'} ${pairs(a.labels)}, and given ${Object.keys(a.labels).length > 1 ? 'them' : 'it'} it would also be selected by ${hit.what} (labels ${pairs(hit.labels)}); add labels only those proxies carry and write {kind: Dataplane, labels: {…}}.`,
            };
            break;
          }
        }
        if ('labels' in p) for (const a of p.additions) Object.assign(a.proxy.labels, a.labels);
      }
      if ('labels' in p) sel(k.fact.mesh).push({ what: `${k.fact.kind} ${k.fact.name}`, labels: p.labels });
      out.set(k.fact, p);
    }
    return out;
  });
}

/** The labels the migrated top-level targetRefs of the workspace's policies need on a Dataplane. */
export function topRefLabelsNeeded(index: WorkspaceIndex, dp: KumaFact): Record<string, string> {
  const byDp = index.memo('migrateTopRef.labelsByDataplane', () =>
    labelsByDataplane(
      [...topRefPlans(index).values()].flatMap((p) =>
        'labels' in p ? p.additions.flatMap((a) => (a.proxy.dp ? [{ dp: a.proxy.dp.fact, labels: a.labels }] : [])) : [],
      ),
    ),
  );
  return { ...byDp.get(resourceKey(dp)) };
}

/** The Dataplanes the migrated top-level targetRefs of the given policies give labels, for the driver's cross-file edits. */
export function topRefAdditions(
  index: WorkspaceIndex,
  policies: KumaFact[],
): { additions: { dp: Located<KumaFact>; labels: Record<string, string> }[] }[] {
  const keys = new Set(policies.map(resourceKey));
  const out: { additions: { dp: Located<KumaFact>; labels: Record<string, string> }[] }[] = [];
  for (const [k, p] of topRefPlans(index))
    if (keys.has(resourceKey(k)) && 'labels' in p)
      out.push({ additions: p.additions.filter((a) => a.proxy.dp).map((a) => ({ dp: a.proxy.dp!, labels: a.labels })) });
  return out;
}

/** The plan of the policy being migrated: the workspace's (with its additions), or one of this document alone. */
function planOf(index: WorkspaceIndex, policy: KumaFact, top: Ref): Plan {
  // By resource key, once per index: a file of many policies looks each of them up.
  const byKey = index.memo('migrateTopRef.plansByKey', () => {
    const m = new Map<string, [KumaFact, Plan][]>();
    for (const e of topRefPlans(index)) {
      const key = resourceKey(e[0]);
      const list = m.get(key);
      if (list) list.push(e);
      else m.set(key, [e]);
    }
    return m;
  });
  const same = byKey.get(resourceKey(policy)) ?? [];
  const [k, p] = same.length === 1 ? same[0] : [];
  const t = k?.refs?.find((r) => r.place === 'top');
  const key = (r: Ref | undefined, f: KumaFact | undefined) =>
    JSON.stringify([r?.kind, r?.name, r?.tags, r?.proxyTypes, r?.sectionName, f?.inboundRules]);
  if (p && key(t, k) === key(top, policy)) return p;
  return plan(index, policy, top);
}

/** The whole targetRef, rewritten as a flow mapping, keeping the entries `keep` of the original. */
function flowRewrite(text: string, entries: Entry[], kind: string, labels: Record<string, string> | undefined, drop: string[]): string {
  const parts = [`kind: ${kind}`];
  if (labels)
    parts.push(
      `labels: {${Object.entries(labels)
        .map(([k, v]) => `${scalar(k)}: ${scalar(v)}`)
        .join(', ')}}`,
    );
  for (const e of entries) if (e.key !== 'kind' && !drop.includes(e.key)) parts.push(text.slice(e.keyStart, e.end));
  return `{${parts.join(', ')}}`;
}

/** The edit removing a block entry of a mapping (its comment lines above go with it). */
function removeBlock(e: Entry): TextEdit {
  return { range: { start: e.start, end: e.gapEnd }, newText: '' };
}

/**
 * Edits turning the targetRef mapping into `{kind: <kind>, labels}` without the keys `drop`; or
 * undefined when its text cannot be rewritten safely (a flow mapping with comments or on many lines).
 */
function rewrite(
  text: string,
  map: YAMLMap,
  kind: string,
  labels: Record<string, string> | undefined,
  drop: string[],
): TextEdit[] | undefined {
  const entries = entriesOf(text, map);
  const kindE = entries?.find((e) => e.key === 'kind');
  if (!entries || !kindE || !isScalar(kindE.value) || !kindE.value.range) return undefined;
  if (map.flow) {
    const [a, b] = map.range!;
    const body = text.slice(a, b);
    if (body.includes('#') || body.includes('\n') || !body.trimEnd().endsWith('}')) return undefined;
    return [{ range: { start: a, end: a + body.trimEnd().length }, newText: flowRewrite(text, entries, kind, labels, drop) }];
  }
  if (entries.some((e) => e.flow || !e.keyStartsLine)) return undefined;
  const edits: TextEdit[] = [{ range: { start: kindE.value.range[0], end: kindE.value.range[1] }, newText: kind }];
  const gone = entries.filter((e) => drop.includes(e.key));
  const tagsE = entries.find((e) => e.key === 'tags');
  const sameAsTags =
    labels &&
    tagsE &&
    isMap(tagsE.value) &&
    JSON.stringify(Object.entries(labels)) === JSON.stringify(Object.entries(strMap(tagsE.value.toJSON())));
  if (labels && sameAsTags && !entries.some((e) => e.key === 'name')) {
    // The tags are the labels: only the key changes, the pairs (and their comments) stay.
    edits.push({ range: { start: tagsE!.keyStart, end: tagsE!.keyEnd }, newText: 'labels' });
    for (const e of gone) if (e !== tagsE) edits.push(removeBlock(e));
    return edits;
  }
  const at = labels ? (entries.find((e) => e.key === 'name') ?? tagsE) : undefined;
  for (const e of gone) {
    if (e !== at) {
      edits.push(removeBlock(e));
      continue;
    }
    const pad = ' '.repeat(e.indent + 2);
    const nl = text.slice(e.keyStart, e.end).endsWith('\n') ? '\n' : '';
    // A comment after a name stays on the labels line.
    const comment =
      e.key === 'name' ? (/\s#.*$/.exec(text.slice(e.keyStart, lineEndAt(text, e.keyStart)).replace(/\n$/, ''))?.[0] ?? '') : '';
    const lines = [`labels:${comment}`, ...Object.entries(labels!).map(([k, v]) => `${pad}${scalar(k)}: ${scalar(v)}`)];
    edits.push({ range: { start: e.keyStart, end: e.end }, newText: lines.join('\n') + nl });
  }
  if (labels && !at) return undefined;
  return edits;
}

/** Policies whose `rules` Kuma 3.0 accepts only with a top-level Dataplane, and that 2.x allowed with sidecars only (f.10). */
const SIDECAR_RULES = ['MeshRateLimit', 'MeshFaultInjection'];

/**
 * The edits (on `text`, the document's chunk) and notes of the top-level targetRef's 3.0 migration,
 * or undefined when it has nothing 3.0 changes.
 */
export function migrateTopRef(
  text: string,
  doc: ParsedDocument,
  index: WorkspaceIndex,
): { edits: TextEdit[]; notes: string[] } | undefined {
  const c = doc.classification;
  if (c.role !== 'kuma' || !isPolicyKind(c.kind)) return undefined;
  const value = doc.value as Record<string, unknown> | undefined;
  const spec = value && typeof value.spec === 'object' && value.spec ? (value.spec as Record<string, unknown>) : undefined;
  const ref = spec && typeof spec.targetRef === 'object' && spec.targetRef ? (spec.targetRef as Record<string, unknown>) : undefined;
  const kind = typeof ref?.kind === 'string' ? ref.kind : undefined;
  const policy = documentFacts(doc).kuma;
  if (!spec || !ref || !kind || !policy) return undefined;
  const loc = locate(doc.doc.contents, ['spec', 'targetRef']);
  const map = loc.complete && isMap(loc.node) ? loc.node : undefined;
  const has = (k: string) => Array.isArray(spec[k]) && (spec[k] as unknown[]).length > 0;
  const where = 'spec.targetRef';

  if (kind === 'Mesh' && ref.proxyTypes !== undefined) {
    const types = Array.isArray(ref.proxyTypes) ? ref.proxyTypes.map(String) : [];
    // Both kinds, or none (an empty list, which 2.x reads as no restriction), are every proxy.
    const both = (types.includes('Sidecar') && types.includes('Gateway')) || (Array.isArray(ref.proxyTypes) && types.length === 0);
    const f10 =
      SIDECAR_RULES.includes(c.kind) && types.length === 1 && types[0] === 'Sidecar' && has('rules') && !has('to') && !has('from');
    if ((both || f10) && map) {
      const edits = rewrite(text, map, f10 ? 'Dataplane' : 'Mesh', undefined, ['proxyTypes']);
      if (edits)
        return {
          edits,
          notes: [
            both
              ? `Removed ${where}.proxyTypes${types.length ? ` (${types.join(', ')})` : ''}: it named every proxy type, as {kind: Mesh} does at Kuma 3.0, which drops proxyTypes.`
              : `${where} {kind: Mesh, proxyTypes: [Sidecar]} became {kind: Dataplane} (no labels: every proxy): Kuma 3.0 drops proxyTypes and accepts ${c.kind} rules only with a top-level Dataplane (SPEC-policies.md f.10).`,
          ],
        };
      return {
        edits: [],
        notes: [`Left ${where} as it is: rewrite this flow mapping by hand as ${f10 ? '{kind: Dataplane}' : '{kind: Mesh}'}.`],
      };
    }
    return {
      edits: [],
      notes: [
        `Left ${where} (kind Mesh, proxyTypes ${types.join(', ') || '[]'}) as it is: Kuma 3.0 drops proxyTypes, and {kind: Mesh} then silently applies to every proxy, gateways included; no 3.0 form selects by proxy type. Select the proxies you meant by {kind: Dataplane, labels: {…}} with labels they carry.`,
      ],
    };
  }

  if (['MeshGateway', 'MeshHTTPRoute'].includes(kind))
    return {
      edits: [],
      notes: [
        `Left ${where} (kind ${kind}) as it is: Kuma 3.0 accepts Mesh and Dataplane only, and which Dataplane labels select the same proxies is not known mechanically; use {kind: Dataplane, labels: {…}}.`,
      ],
    };
  if (!LEGACY.includes(kind)) return undefined;

  const top = policy.refs?.find((r) => r.place === 'top');
  if (!top) return undefined;
  const p = planOf(index, policy, top);
  const what = `${where} (kind ${kind}${typeof ref.name === 'string' ? `, name ${ref.name}` : ''})`;
  if ('refused' in p)
    return {
      edits: [],
      notes: [`Left ${where} (kind ${kind}) as it is: Kuma 3.0 accepts Mesh and Dataplane only, and ${p.refused}`],
    };
  const edits = map && rewrite(text, map, 'Dataplane', p.labels, ['name', 'namespace', 'tags', 'proxyTypes', 'mesh']);
  if (!edits)
    return {
      edits: [],
      notes: [`Left ${where} (kind ${kind}) as it is: rewrite this mapping by hand as {kind: Dataplane, labels: {${pairs(p.labels)}}}.`],
    };
  const k8s = policy.form === 'kubernetes';
  const n = p.selected.length;
  // The labels some Dataplanes get from their own migration (kuma.io/workload, a MeshService selector's).
  // Labels the Dataplanes get in this edit (wherever they are), and those their own migration gives them.
  const given = p.additions.map((a) => `${a.proxy.what} gets ${pairs(a.labels)}`);
  const own = (x: Proxy) =>
    Object.fromEntries(
      Object.entries(p.labels).filter(([k, v]) => x.own[k] !== v && !p.additions.some((a) => a.proxy === x && a.labels[k] === v)),
    );
  const gaining = p.selected.filter((x) => Object.keys(own(x)).length > 0);
  const later =
    (given.length ? `; ${given.join(', ')} in the same edit` : '') +
    (gaining.length
      ? `; ${names(gaining)} ${gaining.length > 1 ? 'get' : 'gets'} ${pairs(Object.assign({}, ...gaining.map(own)))} from ${gaining.length > 1 ? 'their' : 'its'} own 3.0 migration`
      : '');
  return {
    edits,
    notes: [
      `${what} became {kind: Dataplane, labels: {${pairs(p.labels)}}}: Kuma 3.0 accepts Mesh and Dataplane only, and these labels select the same ${n === 1 ? (k8s ? 'workload' : 'Dataplane') : `${n} ${k8s ? 'workloads' : 'Dataplanes'}`} of the workspace (${names(p.selected)}) as the tags ${p.how} did${later}.`,
    ],
  };
}
