import type { KumaFact, RefFact } from './facts';
import { matchesAll, type Located, type WorkspaceIndex } from './workspaceIndex';
import { computedLabels, DISPLAY_NAME, K8S_NAMESPACE, selectsBeyondWorkspace, ZONE } from '../kuma/computedLabels';
import { policyRefFacts, type KumaVersion } from '../kuma/versions';
import { isPolicyKind, type Form, type OffsetRange } from '../types';

/**
 * Policy references resolved against the workspace (SPEC-policies.md e): what a `targetRef`,
 * `backendRef` or `requestMirror.backendRef` names, the way Kuma resolves it at a version, by
 * name and namespace (2.x) or by labels (3.0), and which port its `sectionName` / `port` picks.
 * The tables live in the workspace index (`WorkspaceIndex.memo`), so they are built once per index.
 */

/** The kinds a reference can resolve to in the workspace. */
export type DestinationKind = 'MeshService' | 'MeshExternalService' | 'MeshMultiZoneService' | 'Dataplane' | 'MeshHTTPRoute';
const DESTINATION_KINDS: ReadonlySet<string> = new Set([
  'MeshService',
  'MeshExternalService',
  'MeshMultiZoneService',
  'Dataplane',
  'MeshHTTPRoute',
]);

/** A port of a destination, as a section. */
export interface DestPort {
  /** The section name Kuma gives the port: its name, else its number (SPEC-policies.md e.2). */
  section: string;
  /** The port has a name of its own. */
  named: boolean;
  port?: number;
  appProtocol?: string;
  index: number;
  /** Where it is declared: the name, else the number, else the item. */
  range?: OffsetRange;
  /** The declaring `name:` value, when the port has a name. */
  nameRange?: OffsetRange;
}

/** A resource a reference can name: written in the workspace, or one Kuma generates from a Kubernetes Service. */
export interface Destination {
  kind: DestinationKind;
  uri: string;
  form: Form;
  mesh: string;
  /** The Kubernetes namespace ('' in Universal, unless labelled). */
  namespace: string;
  displayName: string;
  /** The labels Kuma matches: computed over the written ones (kuma/computedLabels.ts). */
  labels: Record<string, string>;
  /** A `kuma.io/zone` label written in the file. */
  zone?: string;
  ports: DestPort[];
  nameRange: OffsetRange;
  /** The declaring resource, when it is written in the workspace. */
  fact?: KumaFact;
  /** "MeshService backend", "MeshService backend (generated from Service backend)". */
  title: string;
}

interface Tables {
  all: Destination[];
  /** `kind|mesh` → destinations. */
  byMesh: Map<string, Destination[]>;
  /** `kind|mesh|form` → destinations. */
  byMeshForm: Map<string, Destination[]>;
  /** `kind|mesh|form|namespace|displayName` → destinations. */
  byIdentity: Map<string, Destination[]>;
  /** The declaring fact → its destination. */
  byFact: Map<KumaFact, Destination>;
  /** `kuma.io/service` values and generated MeshService names Kuma may know beyond the written resources (2.x legacy names). */
  serviceNames: Set<string>;
}

const SEP = '\u0000';
const identity = (kind: string, mesh: string, form: Form, namespace: string, name: string) => [kind, mesh, form, namespace, name].join(SEP);

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** The display name and namespace Kuma sees for a written resource (SPEC.md 1.3). */
export function identityOf(k: KumaFact): { displayName: string; namespace: string } {
  if (k.form === 'kubernetes') return { displayName: k.name, namespace: k.namespace ?? 'default' };
  return { displayName: k.labels[DISPLAY_NAME] || k.name, namespace: k.labels[K8S_NAMESPACE] ?? '' };
}

/** The namespace a policy's name references default to: its own (SPEC-policies.md e.1). */
function policyNamespace(p: KumaFact): string {
  return identityOf(p).namespace;
}

/**
 * Destinations per declaring fact: a file's facts objects outlive the index (only edited files get
 * new ones), so rebuilding the tables after a keystroke does not rebuild every destination.
 */
const destinations = new WeakMap<KumaFact, Destination>();

function destinationOf(uri: string, k: KumaFact): Destination | undefined {
  if (!DESTINATION_KINDS.has(k.kind)) return undefined;
  const hit = destinations.get(k);
  if (hit && hit.uri === uri) return hit;
  const d = makeDestination(uri, k);
  destinations.set(k, d);
  return d;
}

function makeDestination(uri: string, k: KumaFact): Destination {
  const { displayName, namespace } = identityOf(k);
  const kind = k.kind as DestinationKind;
  let ports: DestPort[] = [];
  if (kind === 'Dataplane')
    ports = (k.inbounds ?? []).map((ib) => ({
      section: ib.name ?? (ib.port !== undefined ? String(ib.port) : ''),
      named: ib.name !== undefined,
      port: ib.port,
      index: ib.index,
      range: ib.nameRange ?? ib.portRange,
      nameRange: ib.nameRange,
    }));
  else if (kind !== 'MeshHTTPRoute')
    ports = (k.ports ?? []).map((p) => ({
      // MeshExternalService: one port, named by its number.
      section: kind !== 'MeshExternalService' && p.name !== undefined ? p.name : p.port !== undefined ? String(p.port) : '',
      named: kind !== 'MeshExternalService' && p.name !== undefined,
      port: p.port,
      appProtocol: p.appProtocol,
      index: p.index,
      range: p.nameRange ?? p.portRange ?? p.itemRange,
      nameRange: p.nameRange,
    }));
  return {
    kind,
    uri,
    form: k.form,
    mesh: k.mesh,
    namespace,
    displayName,
    labels: computedLabels({ kind, form: k.form, displayName, namespace, mesh: k.mesh, labels: k.labels }),
    ...(k.labels[ZONE] ? { zone: k.labels[ZONE] } : {}),
    ports,
    nameRange: k.nameRange,
    fact: k,
    title: `${kind} ${displayName}`,
  };
}

function tables(index: WorkspaceIndex): Tables {
  return index.memo('policyRefs.tables', () => {
    const t: Tables = {
      all: [],
      byMesh: new Map(),
      byMeshForm: new Map(),
      byIdentity: new Map(),
      byFact: new Map(),
      serviceNames: new Set(),
    };
    const add = (d: Destination) => {
      t.all.push(d);
      push(t.byMesh, d.kind + SEP + d.mesh, d);
      push(t.byMeshForm, d.kind + SEP + d.mesh + SEP + d.form, d);
      push(t.byIdentity, identity(d.kind, d.mesh, d.form, d.namespace, d.displayName), d);
      if (d.fact) t.byFact.set(d.fact, d);
    };
    for (const { uri, fact } of index.kuma) {
      const d = destinationOf(uri, fact);
      if (d) add(d);
      for (const ib of fact.kind === 'Dataplane' ? (fact.inbounds ?? []) : []) {
        const svc = ib.tags['kuma.io/service'];
        if (svc) t.serviceNames.add(svc);
      }
      const workload = fact.kind === 'Dataplane' ? fact.labels['kuma.io/workload'] : undefined;
      if (workload) t.serviceNames.add(workload);
    }
    // The MeshServices Kuma's controller makes from Kubernetes Services (SPEC.md 8.2), unless written.
    for (const { uri, fact: s } of index.services) {
      const mesh = s.labels['kuma.io/mesh'] || index.namespaceMesh(s.namespace);
      for (const p of s.ports) if (p.port !== undefined) t.serviceNames.add(`${s.name}_${s.namespace}_svc_${p.port}`);
      if (t.byIdentity.has(identity('MeshService', mesh, 'kubernetes', s.namespace, s.name))) continue;
      const ports: DestPort[] = s.ports
        .filter((p) => p.protocol === 'TCP' && p.port !== undefined)
        .map((p) => ({
          section: p.name ?? String(p.port),
          named: p.name !== undefined,
          port: p.port,
          appProtocol: p.appProtocol ?? 'tcp',
          index: p.index,
          range: s.nameRange,
        }));
      const labels = {
        ...s.labels,
        'kuma.io/mesh': mesh,
        'k8s.kuma.io/service-name': s.name,
        'kuma.io/managed-by': 'k8s-controller',
        'kuma.io/env': 'kubernetes',
        'k8s.kuma.io/is-headless-service': 'false',
      };
      add({
        kind: 'MeshService',
        uri,
        form: 'kubernetes',
        mesh,
        namespace: s.namespace,
        displayName: s.name,
        labels: computedLabels({ kind: 'MeshService', form: 'kubernetes', displayName: s.name, namespace: s.namespace, mesh, labels }),
        ports,
        nameRange: s.nameRange,
        title: `MeshService ${s.name} (generated from Service ${s.name})`,
      });
    }
    return t;
  });
}

/** Every destination of a kind in a mesh (any form). */
export function destinationsOf(index: WorkspaceIndex, kind: string, mesh: string): Destination[] {
  return tables(index).byMesh.get(kind + SEP + mesh) ?? [];
}

/** Every destination of a kind, in every mesh. */
export function destinationsOfKind(index: WorkspaceIndex, kind: DestinationKind): Destination[] {
  return index.memo(`policyRefs.kind.${kind}`, () => tables(index).all.filter((d) => d.kind === kind));
}

/** The destination a written resource stands for (MeshService, MeshExternalService, ...). */
export function destinationOfFact(index: WorkspaceIndex, k: KumaFact): Destination | undefined {
  return tables(index).byFact.get(k);
}

/** A legacy `kuma.io/service` name, `<name>_<namespace>_svc_<port>` (SPEC-policies.md e.2, e.5). */
export interface LegacyName {
  name: string;
  namespace: string;
  port?: number;
}

/**
 * Reads a legacy name as Kuma's `parseService` does (3 or 4 `_`-separated parts, a 4th part that is
 * an integer); `strict` asks for the Kubernetes shape `<name>_<namespace>_svc_<port>`.
 */
export function parseLegacyName(name: string, strict = false): LegacyName | undefined {
  const parts = name.split('_');
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  if (parts.some((p) => p === '')) return undefined;
  if (strict && (parts.length !== 4 || parts[2] !== 'svc')) return undefined;
  if (parts.length === 4 && !/^\d+$/.test(parts[3])) return undefined;
  return { name: parts[0], namespace: parts[1], ...(parts.length === 4 ? { port: Number(parts[3]) } : {}) };
}

export interface Resolution {
  /** The reference names something the workspace may hold (MeshService, Dataplane, ...), by a form this tool resolves. */
  resolvable: boolean;
  via: 'name' | 'labels' | 'legacy' | 'all';
  /** The destinations it resolves to. */
  matches: Destination[];
  /** The destinations of its kind (and mesh, and form for names) it could have named. */
  candidates: Destination[];
  /** Nothing matches, but what the workspace cannot hold might (other zones, generated resources, legacy names). */
  beyondWorkspace: boolean;
  /** What the section (`sectionName`, `port`, or a legacy name's port) picks in each match; absent: every port. */
  section?: { text: string; by: 'sectionName' | 'port' | 'legacy'; ports: { dest: Destination; port: DestPort }[] };
  legacy?: LegacyName;
}

const NOTHING: Resolution = Object.freeze({
  resolvable: false,
  via: 'all',
  matches: [],
  candidates: [],
  beyondWorkspace: true,
}) as Resolution;

/**
 * What a reference of a policy resolves to at a version (SPEC-policies.md e.1 to e.4). A top-level
 * `MeshService` (2.x) selects inbounds by their `kuma.io/service` tag, not a MeshService: it is not
 * resolved here, nor are `Mesh`, `MeshSubset`, `MeshServiceSubset` and `MeshGateway`.
 */
export function resolveRef(index: WorkspaceIndex, policy: KumaFact, ref: RefFact, version: KumaVersion): Resolution {
  const kind = ref.kind;
  if (kind === undefined || !DESTINATION_KINDS.has(kind)) return NOTHING;
  if (ref.place === 'top' && kind === 'MeshService') return NOTHING;
  const facts = policyRefFacts(version);
  const all = destinationsOf(index, kind, policy.mesh);
  const labels = ref.labels && Object.keys(ref.labels).length > 0 ? ref.labels : undefined;
  const byName = facts.byName && ref.name !== undefined && ref.name !== '' && !labels;
  const backend = ref.place === 'backendRef' || ref.place === 'requestMirror';
  let r: Resolution;
  const legacy =
    byName && facts.legacyServiceNames && kind === 'MeshService'
      ? backend
        ? ref.port === undefined && ref.sectionName === undefined
          ? parseLegacyName(ref.name!, true)
          : undefined
        : ref.sectionName === undefined
          ? parseLegacyName(ref.name!)
          : undefined
      : undefined;
  if (legacy) {
    // Rewritten to display name + namespace labels and a port (e.2); matched in any namespace form.
    const sel = { [DISPLAY_NAME]: legacy.name, [K8S_NAMESPACE]: legacy.namespace };
    const matches = all.filter((d) => matchesAll(d.labels, sel));
    r = { resolvable: true, via: 'legacy', matches, candidates: all, beyondWorkspace: true, legacy };
  } else if (byName) {
    const form = policy.form;
    const namespace = ref.namespace || policyNamespace(policy);
    const zone = policy.labels[ZONE];
    const matches = (tables(index).byIdentity.get(identity(kind, policy.mesh, form, namespace, ref.name!)) ?? []).filter(
      (d) => !zone || !d.zone || d.zone === zone,
    );
    const candidates = tables(index).byMeshForm.get(kind + SEP + policy.mesh + SEP + form) ?? [];
    // 2.x also reads the name as a `kuma.io/service` value (e.5): one the workspace's proxies carry is no dangling name.
    const legacyKnown = kind === 'MeshService' && tables(index).serviceNames.has(ref.name!);
    // Kubernetes proxies are named after Pods, which the workspace does not hold.
    const pods = kind === 'Dataplane' && form === 'kubernetes';
    r = { resolvable: true, via: 'name', matches, candidates, beyondWorkspace: legacyKnown || !!zone || pods };
  } else if (labels) {
    let sel = labels;
    // 3.0 backendRefs: a display name without namespace takes the route's (e.4).
    if (!facts.byName && backend && sel[DISPLAY_NAME] !== undefined && sel[K8S_NAMESPACE] === undefined && policy.form === 'kubernetes')
      sel = { ...sel, [K8S_NAMESPACE]: policyNamespace(policy) };
    // Proxies belong to the zone of the policy: on Kubernetes they are made from Pods, which the workspace
    // holds as workload templates only, so a Dataplane selector there is never said to select nothing.
    const pool = kind === 'Dataplane' ? (tables(index).byMeshForm.get(kind + SEP + policy.mesh + SEP + policy.form) ?? []) : all;
    const matches = pool.filter((d) => matchesAll(d.labels, sel));
    r = {
      resolvable: true,
      via: 'labels',
      matches,
      candidates: pool,
      beyondWorkspace:
        selectsBeyondWorkspace(sel, kind) ||
        (kind === 'Dataplane' && policy.form === 'kubernetes') ||
        // A MeshService Kuma generates from the proxies (`kuma.io/service` tags at 2.x, `kuma.io/workload` at 3.0).
        (kind === 'MeshService' && sel[DISPLAY_NAME] !== undefined && tables(index).serviceNames.has(sel[DISPLAY_NAME])),
    };
  } else if (kind === 'Dataplane' && ref.name === undefined) {
    // No name, no labels: every proxy of the mesh (e.3), in the policy's zone.
    const pool = tables(index).byMeshForm.get(kind + SEP + policy.mesh + SEP + policy.form) ?? [];
    r = { resolvable: true, via: 'all', matches: pool, candidates: pool, beyondWorkspace: policy.form === 'kubernetes' };
  } else return NOTHING;

  const text =
    ref.sectionName ?? (ref.port !== undefined ? String(ref.port) : legacy?.port !== undefined ? String(legacy.port) : undefined);
  if (text !== undefined) {
    const by = ref.sectionName !== undefined ? 'sectionName' : ref.port !== undefined ? 'port' : 'legacy';
    const ports: { dest: Destination; port: DestPort }[] = [];
    for (const dest of r.matches) for (const port of dest.ports) if (portMatches(port, text, by, backend)) ports.push({ dest, port });
    r.section = { text, by, ports };
  }
  return r;
}

/**
 * Whether a port answers to a section: a policy `sectionName` is the port's name, or its number
 * only when it has no name (e.2); a backendRef's `sectionName` or `port` finds the port by name or
 * number (`FindPortByName`, e.4), and a legacy name's port by number.
 */
export function portMatches(p: DestPort, text: string, by: 'sectionName' | 'port' | 'legacy', backend: boolean): boolean {
  if (by === 'sectionName' && !backend) return p.section === text;
  if (by === 'sectionName') return p.section === text || String(p.port) === text;
  return p.port !== undefined && String(p.port) === text;
}

/** A policy reference that resolves to a destination. */
export interface Targeting {
  uri: string;
  policy: KumaFact;
  ref: RefFact;
  /** The ports it picks; undefined: every port. */
  ports?: DestPort[];
}

/** Per destination, the policy references that resolve to it at a version (built once per index and version). */
export function targetingIndex(index: WorkspaceIndex, version: KumaVersion): Map<Destination, Targeting[]> {
  return index.memo(`policyRefs.targeting.${version}`, () => {
    const out = new Map<Destination, Targeting[]>();
    for (const { uri, fact } of index.kuma) {
      if (!isPolicyKind(fact.kind) || !fact.refs) continue;
      for (const ref of fact.refs) {
        const r = resolveRef(index, fact, ref, version);
        for (const dest of r.matches) {
          const ports = r.section ? r.section.ports.filter((p) => p.dest === dest).map((p) => p.port) : undefined;
          push(out, dest, { uri, policy: fact, ref, ...(ports ? { ports } : {}) });
        }
      }
    }
    return out;
  });
}

/**
 * The references that resolve to a destination, or that pick one of its ports by `sectionName` /
 * `port` (references to the whole destination apply to every port and are not repeated per port).
 */
export function targetedBy(index: WorkspaceIndex, dest: Destination, version: KumaVersion, port?: DestPort): Targeting[] {
  const list = targetingIndex(index, version).get(dest) ?? [];
  return port === undefined ? list : list.filter((t) => t.ports !== undefined && t.ports.includes(port));
}

/** Distinct policies of a targeting list: "MeshTimeout timeout-backend". */
export function policiesOf(list: Targeting[]): Located<KumaFact>[] {
  const seen = new Set<KumaFact>();
  const out: Located<KumaFact>[] = [];
  for (const t of list)
    if (!seen.has(t.policy)) {
      seen.add(t.policy);
      out.push({ uri: t.uri, fact: t.policy });
    }
  return out;
}

/** The meshes in which the workspace holds policies with references (for "targeted by 0 policies"). */
export function meshesWithPolicies(index: WorkspaceIndex): Set<string> {
  return index.memo('policyRefs.meshes', () => {
    const out = new Set<string>();
    for (const { fact } of index.kuma) if (isPolicyKind(fact.kind) && fact.refs?.length) out.add(fact.mesh);
    return out;
  });
}
