import type { KumaFact } from '../host/facts';
import { matchesAll, resourceKey, type Located, type WorkspaceIndex } from '../host/workspaceIndex';
import { MIGRATION_SOURCE, MIGRATION_TARGET } from '../kuma/versions';

/**
 * What the migration of MeshService selectors from `dataplaneTags` to `dataplaneLabels` must do
 * beyond the MeshService so that it selects the same Dataplanes (issue 16): the labels each
 * selected Dataplane of the workspace needs, or why the MeshService cannot be migrated without
 * changing what it selects. One plan per MeshService of the workspace, computed once per index.
 *
 * Tags are read on inbounds and labels on the Dataplane (SPEC.md 6.2): the selector's pairs become
 * labels (`kuma.io/service` → `kuma.io/workload`, the Dataplane identity of Kuma 3.0), and every
 * Dataplane the tags selected gets the ones it lacks. A plan is refused when that would select
 * another set of Dataplanes: a Dataplane with another value for one of the labels (two services on
 * one Dataplane), a Dataplane the labels would select although the tags did not, an inbound tag
 * with no label equivalent, a Kubernetes MeshService whose tags are not Pod labels.
 */

export interface SelectorPlan {
  /** The MeshService, as the index holds it. */
  ms: Located<KumaFact>;
  /** The `matchLabels` the selector gets. */
  labels: Record<string, string>;
  /** The Dataplanes the tags selected (Universal), with the labels each must be given. */
  additions: { dp: Located<KumaFact>; labels: Record<string, string> }[];
  /** How many Dataplanes / workloads of the workspace the selector selects, before and after. */
  selected: number;
  /** Tags Kuma sets that the labels leave out, because the rest selects the same workloads (Kubernetes). */
  dropped?: string[];
  /** Why the selector is left as it is (the migration would change what it selects). */
  refused?: string;
}

/** Inbound tags Kuma sets that are not Dataplane labels, so no selector on labels can use them. */
export const TAG_ONLY = ['kuma.io/service', 'kuma.io/protocol', 'k8s.kuma.io/service-name', 'k8s.kuma.io/service-port', 'kuma.io/instance'];
const SERVICE = 'kuma.io/service';
export const WORKLOAD = 'kuma.io/workload';
const K8S_SERVICE_TAG = /^(.+)_([^_]+)_svc_(\d+)$/;

const plansOf = new WeakMap<WorkspaceIndex, Map<string, SelectorPlan>>();

/** The plans of every MeshService with a lone `dataplaneTags` selector, by resource key. */
export function selectorPlans(index: WorkspaceIndex): Map<string, SelectorPlan> {
  let plans = plansOf.get(index);
  if (!plans) plansOf.set(index, (plans = computePlans(index)));
  return plans;
}

/** The plan of one MeshService (its facts, in any offsets), if its selector needs one. */
export function planFor(index: WorkspaceIndex, ms: KumaFact): SelectorPlan | undefined {
  return selectorPlans(index).get(resourceKey(ms));
}

/** The labels a Dataplane must be given so that the migrated MeshServices still select it. */
export function labelsNeeded(index: WorkspaceIndex, dp: KumaFact): Record<string, string> {
  const byDp = index.memo('selectorPlan.labelsByDataplane', () =>
    labelsByDataplane(
      [...selectorPlans(index).values()].flatMap((p) => (p.refused ? [] : p.additions.map((a) => ({ dp: a.dp.fact, labels: a.labels })))),
    ),
  );
  return { ...byDp.get(resourceKey(dp)) };
}

/**
 * The labels each Dataplane gets from plans' additions, by its resource key, later additions
 * adding to earlier ones: made once per index, since a file of thousands of Dataplanes asks for
 * each of them (a walk of every plan per Dataplane was quadratic: 1.1 s of the 2,000-document
 * benchmark file's migration).
 */
export function labelsByDataplane(
  additions: Iterable<{ dp: KumaFact; labels: Record<string, string> }>,
): Map<string, Record<string, string>> {
  const byDp = new Map<string, Record<string, string>>();
  for (const a of additions) {
    const key = resourceKey(a.dp);
    const labels = byDp.get(key);
    if (labels) Object.assign(labels, a.labels);
    else byDp.set(key, { ...a.labels });
  }
  return byDp;
}

/** The `kuma.io/workload` label the 3.0 migration of a Dataplane gives it from its inbounds' kuma.io/service tags. */
export function ownWorkload(dp: KumaFact): string | undefined {
  if (dp.form !== 'universal' || dp.labels[WORKLOAD] !== undefined) return undefined;
  const services = new Set((dp.inbounds ?? []).map((ib) => ib.tags[SERVICE]).filter((s): s is string => s !== undefined));
  return services.size === 1 ? [...services][0] : undefined;
}

function describe(dp: KumaFact): string {
  return `Dataplane ${dp.name}`;
}

function pairs(m: Record<string, string>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

function computePlans(index: WorkspaceIndex): Map<string, SelectorPlan> {
  const plans = new Map<string, SelectorPlan>();
  const counts = new Map<string, number>();
  for (const m of index.meshServices) counts.set(resourceKey(m.fact), (counts.get(resourceKey(m.fact)) ?? 0) + 1);
  for (const ms of index.meshServices) {
    const sel = ms.fact.selector;
    if (!sel?.dataplaneTags || sel.dataplaneRef !== undefined || sel.dataplaneLabels !== undefined) continue;
    const key = resourceKey(ms.fact);
    const plan = initialPlan(index, ms, sel.dataplaneTags);
    if ((counts.get(key) ?? 0) > 1)
      plan.refused ??= `MeshService ${ms.fact.name} is declared ${counts.get(key)} times in the workspace, so which one selects what is not known.`;
    plans.set(key, plan);
  }
  // The labels each Dataplane ends with, its own kuma.io/workload included, for the plans still
  // standing: a plan whose labels conflict there, or select other Dataplanes, is refused, until none changes.
  for (let changed = true; changed;) {
    changed = false;
    const finals = finalLabels(index, plans);
    const labelled = withLabel(index, finals);
    for (const p of plans.values()) {
      if (p.refused || p.ms.fact.form !== 'universal') continue;
      const reason = conflictOf(p, plans, finals, labelled);
      if (reason) {
        p.refused = reason;
        changed = true;
      }
    }
  }
  return plans;
}

function initialPlan(index: WorkspaceIndex, ms: Located<KumaFact>, tags: Record<string, string>): SelectorPlan {
  const before = index.select(ms.fact, MIGRATION_SOURCE);
  const plan: SelectorPlan = { ms, labels: {}, additions: [], selected: before.dataplanes.length + before.workloads.length };
  if (ms.fact.form === 'kubernetes') {
    // Pod labels (and k8s.kuma.io/namespace) are Dataplane labels on Kubernetes; Kuma's own tags are not.
    const kumaOnly = Object.keys(tags).filter((k) => TAG_ONLY.includes(k) || k === 'kuma.io/zone');
    if (kumaOnly.length) {
      // Kuma's tags can go when the Pod labels left select the same workloads in the workspace.
      const rest = Object.fromEntries(Object.entries(tags).filter(([k]) => !kumaOnly.includes(k)));
      if (Object.keys(rest).length > 0 && plan.selected > 0) {
        const after = index.select({ ...ms.fact, selector: { dataplaneLabels: rest } }, MIGRATION_TARGET);
        if (sameSelection(before, after)) {
          plan.labels = rest;
          plan.dropped = kumaOnly;
          return plan;
        }
      }
      const svc = tags[SERVICE];
      const m = svc === undefined ? null : K8S_SERVICE_TAG.exec(svc);
      const service = m ? index.services.find((s) => s.fact.name === m[1] && s.fact.namespace === m[2]) : undefined;
      const instead = service
        ? ` Select the labels of Service ${m![1]}'s Pods instead: ${pairs({ ...service.fact.selector, 'k8s.kuma.io/namespace': m![2] })}.`
        : m
          ? ` Select the labels of Service ${m[1]}'s Pods instead (e.g. app: ${m[1]}) and k8s.kuma.io/namespace: ${m[2]}.`
          : '';
      plan.refused = `${kumaOnly.join(', ')} ${kumaOnly.length > 1 ? 'are inbound tags' : 'is an inbound tag'} Kuma sets, not ${kumaOnly.length > 1 ? 'Pod labels' : 'a Pod label'}: as a label selector it would select nothing.${instead}`;
      return plan;
    }
    plan.labels = { ...tags };
    const after = index.select({ ...ms.fact, selector: { dataplaneLabels: plan.labels } }, MIGRATION_TARGET);
    if (after.dataplanes.length + after.workloads.length !== plan.selected)
      plan.refused = `The labels ${pairs(plan.labels)} select ${after.dataplanes.length + after.workloads.length} Dataplanes and workloads where the tags selected ${plan.selected}.`;
    return plan;
  }
  const tagOnly = Object.keys(tags).filter((k) => TAG_ONLY.includes(k) && k !== SERVICE);
  if (tagOnly.length) {
    plan.refused = `${tagOnly.join(', ')} ${tagOnly.length > 1 ? 'are inbound tags' : 'is an inbound tag'} with no Dataplane label equivalent, so the selector cannot be kept as labels.`;
    return plan;
  }
  if (tags[SERVICE] !== undefined && tags[WORKLOAD] !== undefined && tags[WORKLOAD] !== tags[SERVICE]) {
    plan.refused = `The selector has both kuma.io/service: ${tags[SERVICE]} and kuma.io/workload: ${tags[WORKLOAD]}; a Dataplane has one kuma.io/workload label.`;
    return plan;
  }
  for (const [k, v] of Object.entries(tags)) plan.labels[k === SERVICE ? WORKLOAD : k] = v;
  for (const dp of before.dataplanes) {
    const add: Record<string, string> = {};
    for (const [k, v] of Object.entries(plan.labels)) {
      const has = dp.fact.labels[k];
      if (has === v) continue;
      if (has !== undefined) {
        plan.refused = `${describe(dp.fact)} has the label ${k}: ${has}, and the selector would need ${k}: ${v} on it.`;
        return plan;
      }
      add[k] = v;
    }
    plan.additions.push({ dp, labels: add });
  }
  return plan;
}

/** Every Universal Dataplane's labels after the migration: its own, its own kuma.io/workload, and the plans' additions. */
function finalLabels(index: WorkspaceIndex, plans: Map<string, SelectorPlan>): Map<Located<KumaFact>, Record<string, string>> {
  const out = new Map<Located<KumaFact>, Record<string, string>>();
  for (const dp of index.dataplanes) {
    if (dp.fact.form !== 'universal') continue;
    const own = ownWorkload(dp.fact);
    out.set(dp, { ...dp.fact.labels, ...(own !== undefined ? { [WORKLOAD]: own } : {}) });
  }
  for (const p of plans.values()) {
    if (p.refused) continue;
    for (const a of p.additions) {
      const l = out.get(a.dp);
      if (l) for (const [k, v] of Object.entries(a.labels)) if (l[k] === undefined) l[k] = v;
    }
  }
  return out;
}

/**
 * The Dataplanes of a mesh and form that could match a selector: those with its first label (its
 * label and value) once migrated, looked up in a table made once per mesh and form, so that
 * checking every plan is not a walk of every Dataplane per plan (quadratic: most of the first code
 * action on a MeshService of a file of thousands of documents).
 */
function withLabel(
  index: WorkspaceIndex,
  finals: Map<Located<KumaFact>, Record<string, string>>,
): (mesh: string, form: KumaFact['form'], selector: Record<string, string>) => readonly Located<KumaFact>[] {
  const tables = new Map<string, Map<string, Located<KumaFact>[]>>();
  return (mesh, form, selector) => {
    const first = Object.keys(selector)[0];
    if (first === undefined) return index.dataplanesOf(mesh, form);
    let table = tables.get(`${mesh}\u0000${form}`);
    if (!table) {
      table = new Map();
      for (const dp of index.dataplanesOf(mesh, form))
        for (const [k, v] of Object.entries(finals.get(dp) ?? dp.fact.labels ?? {})) {
          const key = `${k}\u0000${v}`;
          const list = table.get(key);
          if (list) list.push(dp);
          else table.set(key, [dp]);
        }
      tables.set(`${mesh}\u0000${form}`, table);
    }
    return table.get(`${first}\u0000${selector[first]}`) ?? [];
  };
}

function conflictOf(
  p: SelectorPlan,
  plans: Map<string, SelectorPlan>,
  finals: Map<Located<KumaFact>, Record<string, string>>,
  labelled: ReturnType<typeof withLabel>,
): string | undefined {
  // Another plan (or the Dataplane's own kuma.io/workload) gives a selected Dataplane another value.
  for (const a of p.additions) {
    const l = finals.get(a.dp);
    for (const [k, v] of Object.entries(a.labels)) {
      if (l && l[k] !== v) {
        const other = [...plans.values()].find(
          (q) => q !== p && !q.refused && q.additions.some((b) => b.dp === a.dp && b.labels[k] === l[k]),
        );
        return `${describe(a.dp.fact)} would need ${k}: ${v} for this MeshService and ${k}: ${l[k]} ${other ? `for MeshService ${other.ms.fact.name}` : 'from its own inbounds'}; a label has one value.`;
      }
    }
  }
  // The labels select exactly the Dataplanes the tags selected.
  const selected = new Set(p.additions.map((a) => a.dp));
  const widened = labelled(p.ms.fact.mesh, p.ms.fact.form, p.labels).filter(
    (dp) => !selected.has(dp) && matchesAll(finals.get(dp) ?? dp.fact.labels ?? {}, p.labels),
  );
  if (widened.length)
    return `The labels ${pairs(p.labels)} would also select ${widened.map((d) => describe(d.fact)).join(', ')}, which the tags did not select.`;
  return undefined;
}

type Selection = ReturnType<WorkspaceIndex['select']>;

/** Whether two selections hold the same Dataplanes and workloads (where they are declared). */
function sameSelection(a: Selection, b: Selection): boolean {
  const ids = (x: Selection) =>
    [
      ...x.dataplanes.map((d) => `${d.uri}\u0000${d.fact.nameRange.start}`),
      ...x.workloads.map((w) => `${w.uri}\u0000${w.fact.nameRange.start}`),
    ]
      .sort()
      .join('\n');
  return ids(a) === ids(b);
}
