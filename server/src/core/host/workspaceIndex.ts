import type {
  ContainerPortFact,
  EndpointSliceFact,
  FileFacts,
  InboundFact,
  KumaFact,
  MeshFact,
  NamespaceFact,
  ServiceFact,
  WorkloadFact,
} from './facts';
import type { OffsetRange } from '../types';
import { SELECTOR_PRECEDENCE, kumaFacts, type KumaVersion } from '../kuma/versions';

/** A fact with the file it came from. */
export interface Located<T> {
  uri: string;
  fact: T;
}

/** What a MeshService selector picks: Dataplanes (any form) and, on Kubernetes, workloads. */
export interface SelectionResult {
  /** The selector kind that decided (the first present in Kuma's order), if any. */
  selector?: 'dataplaneRef' | 'dataplaneTags' | 'dataplaneLabels';
  dataplanes: Located<KumaFact>[];
  workloads: Located<WorkloadFact>[];
  /** Dataplanes and workloads the selector could have picked (same mesh / namespace). */
  candidates: number;
}

/** A port a `targetPort` can name or number, and where it is declared. */
export interface PortTarget {
  /** The name a string targetPort matches, if the port has one. */
  name?: string;
  /** The number an integer targetPort matches. */
  port?: number;
  uri: string;
  range?: OffsetRange;
  /** The declaring `name:` value, when the port has a name. */
  nameRange?: OffsetRange;
  /** The declaring port number (`port:` / `containerPort:`). */
  portRange?: OffsetRange;
  /** Human words for where it comes from, e.g. `inbound of Dataplane backend-1`. */
  source: string;
  /** Kind of source, for completion item kinds and details. */
  from: 'dataplane' | 'workload';
  /** The form of what declares it: Kubernetes for workloads, the Dataplane's own form otherwise. */
  form: KumaFact['form'];
  owner: string;
}

/**
 * The workspace as the cross-file features see it: the facts of every file, plus the
 * queries Kuma's matching rules need (SPEC.md sections 6.1 to 6.3). Immutable: a new index
 * is built when facts change.
 */
export class WorkspaceIndex {
  readonly dataplanes: Located<KumaFact>[] = [];
  readonly meshServices: Located<KumaFact>[] = [];
  readonly kuma: Located<KumaFact>[] = [];
  readonly workloads: Located<WorkloadFact>[] = [];
  readonly services: Located<ServiceFact>[] = [];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  /** Namespaces declared in the workspace, by name. */
  readonly namespaces = new Map<string, NamespaceFact>();
  /** Meshes declared in the workspace, by name. */
  readonly meshes = new Map<string, MeshFact>();
  readonly endpointSlices: Located<EndpointSliceFact>[] = [];

  /**
   * @param keyOf the identity of a resource (`resourceKey`); a caller that keeps facts objects
   * across edits can pass a memoized one, so rebuilding the index does not rebuild every key.
   */
  constructor(
    files: Iterable<[string, FileFacts]>,
    private readonly keyOf: (k: KumaFact) => string = resourceKey,
  ) {
    for (const [uri, f] of files) {
      for (const k of f.kuma) {
        this.kuma.push({ uri, fact: k });
        if (k.kind === 'Dataplane') this.dataplanes.push({ uri, fact: k });
        if (k.kind === 'MeshService') this.meshServices.push({ uri, fact: k });
      }
      for (const w of f.workloads) this.workloads.push({ uri, fact: w });
      for (const s of f.services) this.services.push({ uri, fact: s });
      for (const n of f.namespaces) {
        this.namespaceLabels.set(n.name, n.labels);
        this.namespaces.set(n.name, n);
      }
      for (const m of f.meshes) this.meshes.set(m.name, m);
      for (const e of f.endpointSlices) this.endpointSlices.push({ uri, fact: e });
    }
  }

  private groupCache?: {
    dataplanes: Map<string, Located<KumaFact>[]>;
    workloads: Map<string, Located<WorkloadFact>[]>;
    byKey: Map<string, Located<KumaFact>[]>;
  };

  /** Lookup tables, made on first use: queries run per MeshService, so they must not scan everything. */
  private get groups() {
    if (!this.groupCache) {
      const dataplanes = new Map<string, Located<KumaFact>[]>();
      for (const d of this.dataplanes) {
        if ((d.fact.inbounds?.length ?? 0) === 0) continue;
        const k = `${d.fact.mesh}\u0000${d.fact.form}`;
        const list = dataplanes.get(k);
        if (list) list.push(d);
        else dataplanes.set(k, [d]);
      }
      const workloads = new Map<string, Located<WorkloadFact>[]>();
      for (const w of this.workloads) {
        const k = `${w.fact.namespace}\u0000${this.workloadMesh(w.fact)}`;
        const list = workloads.get(k);
        if (list) list.push(w);
        else workloads.set(k, [w]);
      }
      const byKey = new Map<string, Located<KumaFact>[]>();
      for (const k of this.kuma) {
        const key = this.keyOf(k.fact);
        const list = byKey.get(key);
        if (list) list.push(k);
        else byKey.set(key, [k]);
      }
      this.groupCache = { dataplanes, workloads, byKey };
    }
    return this.groupCache;
  }

  /** Dataplanes with inbounds of a mesh, in one form. */
  dataplanesOf(mesh: string, form: KumaFact['form']): Located<KumaFact>[] {
    return this.groups.dataplanes.get(`${mesh}\u0000${form}`) ?? [];
  }

  /** Workloads of a namespace whose pods belong to a mesh. */
  workloadsOf(namespace: string, mesh: string): Located<WorkloadFact>[] {
    return this.groups.workloads.get(`${namespace}\u0000${mesh}`) ?? [];
  }

  /** Every declaration of the resource a fact names (itself included). */
  sameResource(k: KumaFact): Located<KumaFact>[] {
    return this.groups.byKey.get(this.keyOf(k)) ?? [];
  }

  /** The mesh a Pod template belongs to: its label (or annotation), its namespace's label, or default. */
  workloadMesh(w: WorkloadFact): string {
    return (
      w.podLabels['kuma.io/mesh'] ||
      w.podAnnotations['kuma.io/mesh'] ||
      this.namespaceLabels.get(w.namespace)?.['kuma.io/mesh'] ||
      'default'
    );
  }

  /** The mesh of a Kubernetes namespace's objects that name none: the namespace's `kuma.io/mesh` label, or default. */
  namespaceMesh(namespace: string): string {
    return this.namespaceLabels.get(namespace)?.['kuma.io/mesh'] || 'default';
  }

  private readonly memos = new Map<string, unknown>();

  /**
   * A value derived from the whole index (tables other modules build, e.g. the policy references'
   * destinations in policyRefs.ts), made once per key for the life of this (immutable) index.
   */
  memo<T>(key: string, make: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const v = make();
    this.memos.set(key, v);
    return v;
  }

  /** The Dataplane core name: `<name>.<namespace>` on Kubernetes, the name in Universal. */
  static dataplaneCoreName(dp: KumaFact): string {
    return dp.form === 'kubernetes' ? `${dp.name}.${dp.namespace ?? 'default'}` : dp.name;
  }

  /**
   * Inbound tags of the Dataplanes Kuma makes from a workload's pods (2.x): the pod labels
   * (no empty values, no kuma.io/ keys), the namespace, and `kuma.io/service` for every
   * Service port that selects the pods.
   */
  workloadInboundTags(w: WorkloadFact): Record<string, string>[] {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(w.podLabels)) if (v !== '' && !k.includes('kuma.io/')) base[k] = v;
    base['k8s.kuma.io/namespace'] = w.namespace;
    const out: Record<string, string>[] = [];
    for (const { fact: s } of this.services) {
      if (s.namespace !== w.namespace || !matchesAll(w.podLabels, s.selector) || Object.keys(s.selector).length === 0) continue;
      for (const p of s.ports) {
        if (p.protocol !== 'TCP' || p.port === undefined) continue;
        out.push({
          ...base,
          'kuma.io/service': `${s.name}_${s.namespace}_svc_${p.port}`,
          'k8s.kuma.io/service-name': s.name,
          'k8s.kuma.io/service-port': String(p.port),
        });
      }
    }
    return out.length ? out : [base];
  }

  private readonly selections = new Map<string, SelectionResult>();

  /**
   * Dataplanes and workloads a MeshService selects, as Kuma's `match.go` does for the version.
   * Many MeshServices share a selector (one per app), so results are kept per selector for the
   * life of the (immutable) index: treat them as read-only.
   */
  select(ms: KumaFact, version: KumaVersion): SelectionResult {
    const sel = ms.selector ?? {};
    const key = JSON.stringify([version, ms.mesh, ms.form, ms.namespace, sel.dataplaneRef, sel.dataplaneTags, sel.dataplaneLabels]);
    let result = this.selections.get(key);
    if (!result) {
      result = this.selectUncached(ms, version);
      this.selections.set(key, result);
    }
    return result;
  }

  private selectUncached(ms: KumaFact, version: KumaVersion): SelectionResult {
    const sel = ms.selector ?? {};
    const known = kumaFacts(version).selector.keys;
    const selector = SELECTOR_PRECEDENCE.find((k) => known.includes(k) && sel[k] !== undefined);
    // A Kubernetes MeshService lives in a Kubernetes zone, with the Dataplanes Kuma makes from
    // pods there; a Universal one with Universal Dataplanes. Manifests of both kinds can share a
    // repository, so each form only looks at its own.
    const dps = this.dataplanesOf(ms.mesh, ms.form);
    const k8sWorkloads = ms.form === 'kubernetes' ? this.workloadsOf(ms.namespace ?? 'default', ms.mesh) : [];
    const candidates =
      selector === 'dataplaneRef'
        ? dps.length + k8sWorkloads.filter((w) => w.fact.kind === 'Pod').length
        : dps.length + k8sWorkloads.length;
    const result: SelectionResult = { selector, dataplanes: [], workloads: [], candidates };
    if (!selector) return result;
    if (selector === 'dataplaneRef') {
      const name = sel.dataplaneRef!;
      result.dataplanes = dps.filter((d) => WorkspaceIndex.dataplaneCoreName(d.fact) === name);
      result.workloads = k8sWorkloads.filter((w) => w.fact.kind === 'Pod' && `${w.fact.name}.${w.fact.namespace}` === name);
    } else if (selector === 'dataplaneTags') {
      const tags = sel.dataplaneTags!;
      result.dataplanes = this.candidatesOf(dps, 'tags', tags).filter((d) => d.fact.inbounds!.some((ib) => matchesAll(ib.tags, tags)));
      result.workloads = k8sWorkloads.filter((w) => this.workloadInboundTags(w.fact).some((t) => matchesAll(t, tags)));
    } else {
      const labels = sel.dataplaneLabels!;
      result.dataplanes = this.candidatesOf(dps, 'labels', labels).filter((d) => matchesAll(d.fact.labels, labels));
      result.workloads = k8sWorkloads.filter((w) => matchesAll({ ...w.fact.podLabels, 'k8s.kuma.io/namespace': w.fact.namespace }, labels));
    }
    return result;
  }

  /** Per group of Dataplanes: `key=value` → the Dataplanes with that label, or with an inbound with that tag. */
  private readonly postings = new WeakMap<
    Located<KumaFact>[],
    { labels?: Map<string, Located<KumaFact>[]>; tags?: Map<string, Located<KumaFact>[]> }
  >();

  /**
   * The Dataplanes of `dps` that can match a (non-empty) tag or label selector: those holding its
   * rarest key=value pair, in `dps` order (an inverted index, built once per group and kind), so a
   * selector is checked against a few Dataplanes instead of every one of its mesh.
   */
  private candidatesOf(dps: Located<KumaFact>[], by: 'labels' | 'tags', selector: Record<string, string>): Located<KumaFact>[] {
    let groups = this.postings.get(dps);
    if (!groups) this.postings.set(dps, (groups = {}));
    let map = groups[by];
    if (!map) {
      map = new Map();
      const add = (key: string, d: Located<KumaFact>) => {
        const list = map!.get(key);
        if (!list) map!.set(key, [d]);
        else if (list[list.length - 1] !== d) list.push(d);
      };
      for (const d of dps) {
        if (by === 'labels') for (const k of Object.keys(d.fact.labels ?? {})) add(`${k}\u0000${d.fact.labels![k]}`, d);
        else for (const ib of d.fact.inbounds ?? []) for (const k of Object.keys(ib.tags)) add(`${k}\u0000${ib.tags[k]}`, d);
      }
      groups[by] = map;
    }
    let best: Located<KumaFact>[] | undefined;
    for (const k in selector) {
      if (!Object.prototype.hasOwnProperty.call(selector, k)) continue;
      const list = map.get(`${k}\u0000${selector[k]}`) ?? [];
      if (!best || list.length < best.length) best = list;
    }
    // An empty selector matches everything.
    return best ?? dps;
  }

  /**
   * The ports a `targetPort` can resolve to for a selection: Dataplane inbounds (name and
   * port), and for workloads the inbounds Kuma would make: named by the container port
   * (2.10 and later) or by the Service port (2.9), numbered by the container port.
   */
  portTargets(sel: { dataplanes: Located<KumaFact>[]; workloads: Located<WorkloadFact>[] }, version: KumaVersion): PortTarget[] {
    // A selection from `select` is shared by the MeshServices with its selector: so are its targets.
    const cached = this.targetsOf.get(sel)?.get(version);
    if (cached) return cached;
    const out = this.portTargetsUncached(sel, version);
    if (this.targetsOf.has(sel)) this.targetsOf.get(sel)!.set(version, out);
    else this.targetsOf.set(sel, new Map([[version, out]]));
    return out;
  }

  private readonly targetsOf = new WeakMap<object, Map<KumaVersion, PortTarget[]>>();

  private portTargetsUncached(
    sel: { dataplanes: Located<KumaFact>[]; workloads: Located<WorkloadFact>[] },
    version: KumaVersion,
  ): PortTarget[] {
    const out: PortTarget[] = [];
    for (const { uri, fact: dp } of sel.dataplanes) {
      for (const ib of dp.inbounds ?? []) out.push(...inboundTargets(uri, dp, ib));
    }
    for (const { uri, fact: w } of sel.workloads) {
      for (const cp of w.ports) {
        if (cp.protocol !== 'TCP') continue;
        const owner = `${w.kind} ${w.name}`;
        const source = `container port of ${owner} (container ${cp.container})`;
        if (kumaFacts(version).workloadInboundNames === 'service-port') {
          for (const name of this.servicePortNamesFor(w, cp))
            out.push({
              name,
              port: cp.containerPort,
              uri,
              range: cp.nameRange ?? cp.portRange,
              nameRange: cp.nameRange,
              portRange: cp.portRange,
              source: `Service port ${name} → ${source}`,
              from: 'workload',
              form: 'kubernetes',
              owner,
            });
          if (cp.containerPort !== undefined)
            out.push({ port: cp.containerPort, uri, range: cp.portRange, source, from: 'workload', form: 'kubernetes', owner });
        } else {
          out.push({
            ...(cp.name ? { name: cp.name } : {}),
            port: cp.containerPort,
            uri,
            range: cp.nameRange ?? cp.portRange,
            nameRange: cp.nameRange,
            portRange: cp.portRange,
            source,
            from: 'workload',
            form: 'kubernetes',
            owner,
          });
        }
      }
    }
    return out;
  }

  /** 2.9 names an inbound after the Service port whose targetPort finds this container port. */
  private servicePortNamesFor(w: WorkloadFact, cp: ContainerPortFact): string[] {
    const names: string[] = [];
    for (const { fact: s } of this.services) {
      if (s.namespace !== w.namespace || Object.keys(s.selector).length === 0 || !matchesAll(w.podLabels, s.selector)) continue;
      for (const p of s.ports) {
        const tp = p.targetPort ?? p.port;
        const hit = typeof tp === 'string' ? tp === cp.name : tp === cp.containerPort;
        if (hit && p.name) names.push(p.name);
      }
    }
    return names;
  }

  /** Every port target in the workspace, for a selector that matches nothing. */
  allPortTargets(version: KumaVersion): PortTarget[] {
    return this.portTargets({ dataplanes: this.dataplanes, workloads: this.workloads }, version);
  }

  private readonly formTargets = new Map<string, PortTarget[]>();

  /** Every port target declared in one form (Kubernetes: workloads and k8s Dataplanes), memoized. */
  portTargetsOfForm(form: KumaFact['form'], version: KumaVersion): PortTarget[] {
    const key = `${form}\u0000${version}`;
    let out = this.formTargets.get(key);
    if (!out) {
      out = this.portTargets(
        { dataplanes: this.dataplanes.filter((d) => d.fact.form === form), workloads: form === 'kubernetes' ? this.workloads : [] },
        version,
      );
      this.formTargets.set(key, out);
    }
    return out;
  }

  /** Workloads in a namespace whose pod labels a Kubernetes Service selector matches. */
  serviceWorkloads(s: ServiceFact): Located<WorkloadFact>[] {
    if (Object.keys(s.selector).length === 0) return [];
    return this.workloads.filter((w) => w.fact.namespace === s.namespace && matchesAll(w.fact.podLabels, s.selector));
  }
}

function inboundTargets(uri: string, dp: KumaFact, ib: InboundFact): PortTarget[] {
  const owner = `Dataplane ${dp.name}`;
  const source = `inbound ${ib.name ?? ib.port ?? ib.index} of ${owner}`;
  return [
    {
      ...(ib.name ? { name: ib.name } : {}),
      port: ib.port,
      uri,
      range: ib.nameRange ?? ib.portRange,
      nameRange: ib.nameRange,
      portRange: ib.portRange,
      source,
      from: 'dataplane',
      form: dp.form,
      owner,
    },
  ];
}

/** True when `labels` contains every pair of `selector` (an empty selector matches all). */
export function matchesAll(labels: Record<string, string>, selector: Record<string, string>): boolean {
  // Runs for every (selector, Dataplane inbound) pair: no allocation.
  for (const k in selector) if (Object.prototype.hasOwnProperty.call(selector, k) && labels[k] !== selector[k]) return false;
  return true;
}

/** The identity Kuma uses for a resource: two with the same key are the same object. */
export function resourceKey(k: KumaFact): string {
  return [k.form, k.kind, k.kind === 'HostnameGenerator' ? '' : k.mesh, k.namespace ?? '', k.name].join('\u0000');
}
