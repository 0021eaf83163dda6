import { isMap, type Node } from 'yaml';
import { digest } from '../util/digest';
import { parseChunk, splitDocuments, type ParsedDocument } from '../yaml/documents';
import { isObj } from '../kuma/resource';
import { isPolicyKind, type Form, type KubernetesKind, type KumaKind, type OffsetRange } from '../types';
import type { PolicyRefPlace } from '../kuma/versions';
import { type PathSeg, formatPath, locate, nodeRange } from '../yaml/nodes';

/**
 * Small facts about one YAML document, the input of the workspace index. Offsets are
 * relative to the document's chunk until `shiftFacts` places them in a file.
 */
export interface DocumentFacts {
  mesh?: MeshFact;
  endpointSlice?: EndpointSliceFact;
  kuma?: KumaFact;
  workload?: WorkloadFact;
  service?: ServiceFact;
  namespace?: NamespaceFact;
}

export interface KumaFact {
  kind: KumaKind;
  form: Form;
  name: string;
  mesh: string;
  /** Kubernetes namespace (Kubernetes form only). */
  namespace?: string;
  labels: Record<string, string>;
  /** The name's value in the file, or the document's first key when there is no name. */
  nameRange: OffsetRange;
  docRange: OffsetRange;
  /** Dataplanes: their inbounds. */
  inbounds?: InboundFact[];
  /** Dataplanes that are gateways (`networking.gateway`): the gateway's tags. */
  gateway?: { tags: Record<string, string> };
  /** MeshService: its selector and ports. */
  selector?: SelectorFact;
  ports?: PortFact[];
  /** MeshMultiZoneService / HostnameGenerator: `matchLabels` of their MeshService selector. */
  meshServiceSelector?: Record<string, string>;
  template?: string;
  /** Policies: the references they make (targetRefs, backendRefs), in document order. */
  refs?: RefFact[];
  /** Policies: whether `spec.rules` or `spec.from` has items (they apply to the inbounds selected). */
  inboundRules?: boolean;
}

/**
 * One reference a policy makes (SPEC-policies.md b.1): a `targetRef`, a route `backendRef` or a
 * `requestMirror.backendRef`, with where each of its fields is written.
 */
export interface RefFact {
  /** Kuma's path of the reference, e.g. `spec.to[0].targetRef`. */
  path: string;
  place: PolicyRefPlace;
  kind?: string;
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  sectionName?: string;
  port?: number;
  /** `tags` and `proxyTypes` (2.x MeshSubset, MeshServiceSubset, Mesh). */
  tags?: Record<string, string>;
  proxyTypes?: string[];
  /** The reference's mapping. */
  range: OffsetRange;
  kindRange?: OffsetRange;
  nameRange?: OffsetRange;
  namespaceRange?: OffsetRange;
  /** The `labels` key. */
  labelsRange?: OffsetRange;
  /** The value of each label. */
  labelRanges?: Record<string, OffsetRange>;
  sectionNameRange?: OffsetRange;
  portRange?: OffsetRange;
}

export interface InboundFact {
  index: number;
  name?: string;
  port?: number;
  servicePort?: number;
  tags: Record<string, string>;
  nameRange?: OffsetRange;
  portRange?: OffsetRange;
}

export interface SelectorFact {
  dataplaneTags?: Record<string, string>;
  dataplaneRef?: string;
  dataplaneLabels?: Record<string, string>;
  range?: OffsetRange;
}

export interface PortFact {
  index: number;
  name?: string;
  port?: number;
  targetPort?: number | string;
  appProtocol?: string;
  targetPortRange?: OffsetRange;
  /** Where a new targetPort would go: the item's first key. */
  itemRange: OffsetRange;
  /** The `name:` value, when the port has a name. */
  nameRange?: OffsetRange;
  /** The `port:` value. */
  portRange?: OffsetRange;
}

export interface ContainerPortFact {
  container: string;
  name?: string;
  containerPort?: number;
  protocol: string;
  nameRange?: OffsetRange;
  portRange?: OffsetRange;
}

export interface WorkloadFact {
  kind: Exclude<KubernetesKind, 'Service' | 'Namespace'>;
  name: string;
  namespace: string;
  /** Labels of the pods it makes (the Pod's own labels for a Pod). */
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  ports: ContainerPortFact[];
  nameRange: OffsetRange;
}

export interface ServiceFact {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
  ports: {
    name?: string;
    port?: number;
    targetPort?: number | string;
    protocol: string;
    appProtocol?: string;
    targetPortRange?: OffsetRange;
    index: number;
  }[];
  nameRange: OffsetRange;
}

export interface NamespaceFact {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A Kuma Mesh: its name and, in 2.x, `spec.meshServices.mode` (absent means Disabled). */
export interface MeshFact {
  name: string;
  meshServicesMode?: string;
}

/** An EndpointSlice: which Service it belongs to and the Pods behind its endpoints. */
export interface EndpointSliceFact {
  name: string;
  namespace: string;
  serviceName?: string;
  endpoints: { addresses: string[]; targetRef?: { kind?: string; name?: string; namespace?: string; apiVersion?: string } }[];
}

/** The string-valued entries of a map (labels, tags, selectors); nested values are left out. */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined && typeof x !== 'object') out[k] = String(x);
  return out;
}

/** A scalar as text (numbers too), or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function intOrString(v: unknown): number | string | undefined {
  return typeof v === 'number' ? v : typeof v === 'string' ? v : undefined;
}

function rangeAt(root: Node | null, path: PathSeg[]): OffsetRange | undefined {
  const loc = locate(root, path);
  return loc.complete ? nodeRange(loc.node) : undefined;
}

function firstKeyOf(root: Node | null, path: PathSeg[]): OffsetRange | undefined {
  const loc = locate(root, path);
  const n = loc.complete ? loc.node : undefined;
  if (isMap(n) && n.items.length) return nodeRange(n.items[0].key as Node);
  return nodeRange(n);
}

const WORKLOAD_TEMPLATE: Record<string, PathSeg[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

function get(v: unknown, path: PathSeg[]): unknown {
  let cur = v;
  for (const p of path) {
    if (typeof p === 'number' ? Array.isArray(cur) : isObj(cur)) cur = (cur as Record<string, unknown>)[p as never];
    else return undefined;
  }
  return cur;
}

/**
 * The facts of the many documents that give none (CI files, Helm values, empty documents):
 * one shared object, so they cost no allocation when shifted or fingerprinted.
 */
const NO_FACTS: DocumentFacts = Object.freeze({});
/** The fingerprint of `NO_FACTS`, computed once (see `providerFingerprint`). */
let noFactsPrint: string | undefined;

/** Extracts the facts of one parsed document (empty for documents we do not index). */
export function documentFacts(pd: ParsedDocument): DocumentFacts {
  const c = pd.classification;
  const v = pd.value;
  if (c.role === 'other' || !isObj(v)) return NO_FACTS;
  const root = pd.contents;
  const fallback = firstKeyOf(root, []) ?? pd.range;
  if (c.role === 'kubernetes') {
    const meta = isObj(v.metadata) ? v.metadata : {};
    const name = str(meta.name) ?? '';
    const namespace = str(meta.namespace) ?? 'default';
    const nameRange = rangeAt(root, ['metadata', 'name']) ?? fallback;
    if (c.kind === 'Namespace') return { namespace: { name, labels: strMap(meta.labels), annotations: strMap(meta.annotations) } };
    if (c.kind === 'EndpointSlice') {
      const eps = Array.isArray(v.endpoints) ? v.endpoints : [];
      return {
        endpointSlice: {
          name,
          namespace,
          serviceName: strMap(meta.labels)['kubernetes.io/service-name'],
          endpoints: eps.filter(isObj).map((e) => ({
            addresses: Array.isArray(e.addresses) ? e.addresses.map(String) : [],
            ...(isObj(e.targetRef) ? { targetRef: strMap(e.targetRef) } : {}),
          })),
        },
      };
    }
    if (c.kind === 'Service') {
      const spec = isObj(v.spec) ? v.spec : {};
      const ports = Array.isArray(spec.ports) ? spec.ports : [];
      return {
        service: {
          name,
          namespace,
          labels: strMap(meta.labels),
          selector: strMap(spec.selector),
          nameRange,
          ports: ports.map((p, index) => ({
            index,
            name: isObj(p) ? str(p.name) : undefined,
            port: isObj(p) ? num(p.port) : undefined,
            targetPort: isObj(p) ? intOrString(p.targetPort) : undefined,
            protocol: isObj(p) ? (str(p.protocol) ?? 'TCP') : 'TCP',
            ...(isObj(p) && typeof p.appProtocol === 'string' ? { appProtocol: p.appProtocol } : {}),
            targetPortRange: rangeAt(root, ['spec', 'ports', index, 'targetPort']),
          })),
        },
      };
    }
    const tpl = WORKLOAD_TEMPLATE[c.kind];
    const podMeta = get(v, [...tpl, 'metadata']);
    const containersPath = [...tpl, 'spec', 'containers'];
    const containers = get(v, containersPath);
    const ports: ContainerPortFact[] = [];
    if (Array.isArray(containers)) {
      containers.forEach((ct, ci) => {
        if (!isObj(ct) || !Array.isArray(ct.ports)) return;
        ct.ports.forEach((p, pi) => {
          if (!isObj(p)) return;
          const base = [...containersPath, ci, 'ports', pi];
          ports.push({
            container: str(ct.name) ?? `container ${ci}`,
            name: str(p.name),
            containerPort: num(p.containerPort),
            protocol: str(p.protocol) ?? 'TCP',
            nameRange: rangeAt(root, [...base, 'name']),
            portRange: rangeAt(root, [...base, 'containerPort']),
          });
        });
      });
    }
    return {
      workload: {
        kind: c.kind as WorkloadFact['kind'],
        name,
        namespace,
        podLabels: strMap(isObj(podMeta) ? podMeta.labels : undefined),
        podAnnotations: strMap(isObj(podMeta) ? podMeta.annotations : undefined),
        ports,
        nameRange,
      },
    };
  }

  if (c.role === 'mesh') {
    const name = str(c.form === 'kubernetes' ? (isObj(v.metadata) ? v.metadata.name : undefined) : v.name) ?? '';
    const spec = c.form === 'kubernetes' ? v.spec : v;
    const mode = get(spec, ['meshServices', 'mode']);
    return { mesh: { name, ...(typeof mode === 'string' ? { meshServicesMode: mode } : {}) } };
  }

  // A Kuma resource.
  const k8s = c.form === 'kubernetes';
  const meta = isObj(v.metadata) ? v.metadata : {};
  const labels = strMap(k8s ? meta.labels : v.labels);
  const name = str(k8s ? meta.name : v.name) ?? '';
  const mesh = k8s ? (c.kind === 'Dataplane' ? str(v.mesh) : labels['kuma.io/mesh']) || 'default' : str(v.mesh) || 'default';
  const fact: KumaFact = {
    kind: c.kind,
    form: c.form,
    name,
    mesh,
    ...(k8s ? { namespace: str(meta.namespace) ?? 'default' } : {}),
    labels,
    nameRange: rangeAt(root, k8s ? ['metadata', 'name'] : ['name']) ?? fallback,
    docRange: pd.range,
  };
  const specPath: PathSeg[] = c.kind === 'Dataplane' ? (k8s ? ['spec'] : []) : ['spec'];
  const spec = get(v, specPath);
  if (!isObj(spec)) return { kuma: fact };
  if (c.kind === 'Dataplane') {
    const inbound = get(spec, ['networking', 'inbound']);
    fact.inbounds = Array.isArray(inbound)
      ? inbound.map((ib, index) => {
          const base = [...specPath, 'networking', 'inbound', index];
          return {
            index,
            name: isObj(ib) ? str(ib.name) : undefined,
            port: isObj(ib) ? num(ib.port) : undefined,
            servicePort: isObj(ib) ? num(ib.servicePort) : undefined,
            tags: strMap(isObj(ib) ? ib.tags : undefined),
            nameRange: rangeAt(root, [...base, 'name']),
            portRange: rangeAt(root, [...base, 'port']),
          };
        })
      : [];
    const gw = get(spec, ['networking', 'gateway']);
    if (isObj(gw)) fact.gateway = { tags: strMap(gw.tags) };
  } else if (c.kind === 'MeshService') {
    const sel = isObj(spec.selector) ? spec.selector : {};
    const ref = isObj(sel.dataplaneRef) ? str(sel.dataplaneRef.name) : undefined;
    fact.selector = {
      ...(sel.dataplaneTags !== undefined ? { dataplaneTags: strMap(sel.dataplaneTags) } : {}),
      ...(ref !== undefined ? { dataplaneRef: ref } : {}),
      ...(sel.dataplaneLabels !== undefined
        ? { dataplaneLabels: strMap(isObj(sel.dataplaneLabels) ? sel.dataplaneLabels.matchLabels : undefined) }
        : {}),
      range: nodeRange(locate(root, ['spec', 'selector']).key),
    };
    fact.ports = portFacts(spec, root, fallback);
  } else if (c.kind === 'MeshMultiZoneService' || c.kind === 'HostnameGenerator') {
    const ml = get(spec, ['selector', 'meshService', 'matchLabels']);
    if (isObj(ml)) fact.meshServiceSelector = strMap(ml);
    if (c.kind === 'HostnameGenerator' && typeof spec.template === 'string') fact.template = spec.template;
    if (c.kind === 'MeshMultiZoneService') fact.ports = portFacts(spec, root, fallback);
  } else if (c.kind === 'MeshExternalService') {
    // One port, named by its number (SPEC-policies.md e.2).
    const port = num(get(spec, ['match', 'port']));
    if (port !== undefined)
      fact.ports = [
        {
          index: 0,
          port,
          appProtocol: str(get(spec, ['match', 'protocol'])),
          itemRange: firstKeyOf(root, ['spec', 'match']) ?? fallback,
          portRange: rangeAt(root, ['spec', 'match', 'port']),
        },
      ];
  } else if (isPolicyKind(c.kind)) {
    fact.refs = policyRefFacts(spec, root);
    if ((Array.isArray(spec.rules) && spec.rules.length > 0) || (Array.isArray(spec.from) && spec.from.length > 0))
      fact.inboundRules = true;
  }
  return { kuma: fact };
}

/** The `spec.ports` of a MeshService or MeshMultiZoneService. */
function portFacts(spec: Record<string, unknown>, root: Node | null, fallback: OffsetRange): PortFact[] {
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  return ports.map((p, index) => ({
    index,
    name: isObj(p) ? str(p.name) : undefined,
    port: isObj(p) ? num(p.port) : undefined,
    targetPort: isObj(p) ? intOrString(p.targetPort) : undefined,
    appProtocol: isObj(p) ? str(p.appProtocol) : undefined,
    targetPortRange: rangeAt(root, ['spec', 'ports', index, 'targetPort']),
    itemRange: firstKeyOf(root, ['spec', 'ports', index]) ?? fallback,
    nameRange: rangeAt(root, ['spec', 'ports', index, 'name']),
    portRange: rangeAt(root, ['spec', 'ports', index, 'port']),
  }));
}

/** One reference object at `path` (YAML path from the document root), if it is a mapping. */
function refFact(v: unknown, root: Node | null, path: PathSeg[], place: PolicyRefPlace): RefFact | undefined {
  if (!isObj(v)) return undefined;
  const range = nodeRange(locate(root, path).node);
  if (!range) return undefined;
  const at = (k: string) => rangeAt(root, [...path, k]);
  const ref: RefFact = { path: formatPath(path), place, range };
  const kind = str(v.kind);
  if (kind !== undefined) {
    ref.kind = kind;
    ref.kindRange = at('kind');
  }
  const name = str(v.name);
  if (name !== undefined) {
    ref.name = name;
    ref.nameRange = at('name');
  }
  const namespace = str(v.namespace);
  if (namespace !== undefined) {
    ref.namespace = namespace;
    ref.namespaceRange = at('namespace');
  }
  if (v.labels !== undefined) {
    ref.labels = strMap(v.labels);
    ref.labelsRange = nodeRange(locate(root, [...path, 'labels']).key);
    const ranges: Record<string, OffsetRange> = {};
    for (const k of Object.keys(ref.labels)) {
      const r = rangeAt(root, [...path, 'labels', k]);
      if (r) ranges[k] = r;
    }
    ref.labelRanges = ranges;
  }
  const section = str(v.sectionName);
  if (section !== undefined) {
    ref.sectionName = section;
    ref.sectionNameRange = at('sectionName');
  }
  const port = num(v.port);
  if (port !== undefined) {
    ref.port = port;
    ref.portRange = at('port');
  }
  if (isObj(v.tags)) ref.tags = strMap(v.tags);
  if (Array.isArray(v.proxyTypes)) ref.proxyTypes = v.proxyTypes.map(String);
  return ref;
}

/**
 * The references of a policy (SPEC-policies.md b.1): the top-level targetRef, `to[]` and `from[]`
 * targetRefs, and the routes' `backendRefs` and `requestMirror.backendRef`.
 */
function policyRefFacts(spec: Record<string, unknown>, root: Node | null): RefFact[] {
  const out: RefFact[] = [];
  const push = (r: RefFact | undefined) => r && out.push(r);
  push(refFact(spec.targetRef, root, ['spec', 'targetRef'], 'top'));
  for (const section of ['to', 'from'] as const) {
    const items = spec[section];
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      if (!isObj(item)) return;
      push(refFact(item.targetRef, root, ['spec', section, i, 'targetRef'], section));
      if (section !== 'to' || !Array.isArray(item.rules)) return;
      item.rules.forEach((rule, j) => {
        const d = isObj(rule) && isObj(rule.default) ? rule.default : undefined;
        if (!d) return;
        const base: PathSeg[] = ['spec', 'to', i, 'rules', j, 'default'];
        if (Array.isArray(d.backendRefs))
          d.backendRefs.forEach((b, k) => push(refFact(b, root, [...base, 'backendRefs', k], 'backendRef')));
        if (Array.isArray(d.filters))
          d.filters.forEach((f, k) => {
            if (isObj(f) && isObj(f.requestMirror))
              push(refFact(f.requestMirror.backendRef, root, [...base, 'filters', k, 'requestMirror', 'backendRef'], 'requestMirror'));
          });
      });
    });
  }
  return out;
}

function shiftRef(r: RefFact, by: number): RefFact {
  const m = (x: OffsetRange | undefined) => (x ? { start: x.start + by, end: x.end + by } : undefined);
  const out: RefFact = { ...r, range: m(r.range)! };
  if (r.kindRange) out.kindRange = m(r.kindRange);
  if (r.nameRange) out.nameRange = m(r.nameRange);
  if (r.namespaceRange) out.namespaceRange = m(r.namespaceRange);
  if (r.labelsRange) out.labelsRange = m(r.labelsRange);
  if (r.labelRanges) out.labelRanges = Object.fromEntries(Object.entries(r.labelRanges).map(([k, x]) => [k, m(x)!]));
  if (r.sectionNameRange) out.sectionNameRange = m(r.sectionNameRange);
  if (r.portRange) out.portRange = m(r.portRange);
  return out;
}

/** Facts of a whole file: every document's facts with offsets into the file. */
export interface FileFacts {
  meshes: MeshFact[];
  endpointSlices: EndpointSliceFact[];
  kuma: KumaFact[];
  workloads: WorkloadFact[];
  services: ServiceFact[];
  namespaces: NamespaceFact[];
}

export const EMPTY_FACTS: FileFacts = { meshes: [], endpointSlices: [], kuma: [], workloads: [], services: [], namespaces: [] };

/** Moves every range in a document's facts by `by` (the chunk's offset in its file). */
export function shiftFacts(f: DocumentFacts, by: number): DocumentFacts {
  if (by === 0 || f === NO_FACTS) return f;
  const r = (x: OffsetRange | undefined) => (x ? { start: x.start + by, end: x.end + by } : undefined);
  const out: DocumentFacts = {};
  if (f.kuma) {
    const k = f.kuma;
    out.kuma = {
      ...k,
      nameRange: r(k.nameRange)!,
      docRange: r(k.docRange)!,
      ...(k.inbounds ? { inbounds: k.inbounds.map((i) => ({ ...i, nameRange: r(i.nameRange), portRange: r(i.portRange) })) } : {}),
      ...(k.selector ? { selector: { ...k.selector, range: r(k.selector.range) } } : {}),
      ...(k.ports
        ? {
            ports: k.ports.map((p) => ({
              ...p,
              targetPortRange: r(p.targetPortRange),
              itemRange: r(p.itemRange)!,
              nameRange: r(p.nameRange),
              portRange: r(p.portRange),
            })),
          }
        : {}),
      ...(k.refs ? { refs: k.refs.map((x) => shiftRef(x, by)) } : {}),
    };
  }
  if (f.workload) {
    out.workload = {
      ...f.workload,
      nameRange: r(f.workload.nameRange)!,
      ports: f.workload.ports.map((p) => ({ ...p, nameRange: r(p.nameRange), portRange: r(p.portRange) })),
    };
  }
  if (f.service) {
    out.service = {
      ...f.service,
      nameRange: r(f.service.nameRange)!,
      ports: f.service.ports.map((p) => ({ ...p, targetPortRange: r(p.targetPortRange) })),
    };
  }
  if (f.namespace) out.namespace = f.namespace;
  if (f.mesh) out.mesh = f.mesh;
  if (f.endpointSlice) out.endpointSlice = f.endpointSlice;
  return out;
}

/** Collects document facts into file facts. */
export function collectFacts(docs: DocumentFacts[]): FileFacts {
  const out: FileFacts = { meshes: [], endpointSlices: [], kuma: [], workloads: [], services: [], namespaces: [] };
  for (const d of docs) {
    if (d.mesh) out.meshes.push(d.mesh);
    if (d.endpointSlice) out.endpointSlices.push(d.endpointSlice);
    if (d.kuma) out.kuma.push(d.kuma);
    if (d.workload) out.workloads.push(d.workload);
    if (d.service) out.services.push(d.service);
    if (d.namespace) out.namespaces.push(d.namespace);
  }
  return out;
}

/**
 * A stable text of what other files' checks depend on in a document (no ranges): what selectors
 * can pick (Dataplanes, workloads, Services, Namespaces) and which resources it declares. It
 * leaves out a MeshService's selector and targetPorts, which only its own checks read. The text
 * is the document's scope and a 64-bit digest (plus the length) of those facts as JSON: a
 * workspace keeps one per document (and sends them from the indexing threads), and the
 * JSON itself is hundreds of characters per Dataplane.
 */
export function providerFingerprint(f: DocumentFacts): string {
  if (f === NO_FACTS) return (noFactsPrint ??= fingerprintOf(f));
  return fingerprintOf(f);
}

function fingerprintOf(f: DocumentFacts): string {
  const noRanges = (k: string, v: unknown) => (k.endsWith('Range') || k === 'range' || k === 'labelRanges' ? undefined : v);
  const k = f.kuma;
  // Policies resolve references against the ports of MeshServices, MeshExternalServices and
  // MeshMultiZoneServices (names, numbers, protocols; not targetPort), and MeshServices show the
  // policies that target them: both are facts other documents read.
  const kuma =
    k &&
    (k.kind === 'Dataplane'
      ? k
      : {
          kind: k.kind,
          form: k.form,
          name: k.name,
          mesh: k.mesh,
          namespace: k.namespace,
          labels: k.labels,
          ...(k.ports ? { ports: k.ports.map((p) => [p.name, p.port, p.appProtocol]) } : {}),
          ...(k.refs ? { refs: k.refs } : {}),
        });
  return `${factsScope(f)}\u0001${digest(JSON.stringify([kuma, f.workload, f.service, f.namespace, f.mesh, f.endpointSlice], noRanges))}`;
}

/**
 * Which checks of other documents a document's facts can change: the Dataplanes of one mesh
 * and form (`dp|<mesh>|<form>`), the Kubernetes objects behind workloads (`k8s`), resource
 * identities and ports (`res`), or a policy's references (`pol`, which no check reads). A MeshService's cached checks depend on its own scopes only.
 */
export function factsScope(f: DocumentFacts): string {
  if (f.kuma?.kind === 'Dataplane') return `dp|${f.kuma.mesh}|${f.kuma.form}`;
  if (f.workload || f.service || f.namespace || f.endpointSlice) return 'k8s';
  if (f.mesh) return 'mesh';
  if (f.kuma && isPolicyKind(f.kuma.kind)) return 'pol';
  return f.kuma ? 'res' : '';
}

/** The scopes whose documents differ between two file fingerprints (see `providerFingerprint`). */
export function changedScopes(before: string, after: string): Set<string> {
  const group = (fp: string) => {
    const m = new Map<string, string[]>();
    for (const line of fp === '' ? [] : fp.split('\n')) {
      const scope = line.slice(0, line.indexOf('\u0001'));
      const list = m.get(scope);
      if (list) list.push(line);
      else m.set(scope, [line]);
    }
    return m;
  };
  const a = group(before);
  const b = group(after);
  const out = new Set<string>();
  for (const scope of new Set([...a.keys(), ...b.keys()]))
    if ((a.get(scope) ?? []).join('\n') !== (b.get(scope) ?? []).join('\n')) out.add(scope);
  return out;
}

/**
 * Facts of a whole file's text and the fingerprint of what other files depend on, computed
 * without any cache: for a worker that indexes files off the editor's thread.
 */
export function fileFactsOfText(text: string): { facts: FileFacts; fingerprint: string } {
  const docs: DocumentFacts[] = [];
  const prints: string[] = [];
  for (const chunk of splitDocuments(text)) {
    for (const pd of parseChunk(chunk.text)) {
      const f = documentFacts(pd);
      docs.push(shiftFacts(f, chunk.start));
      prints.push(providerFingerprint(f));
    }
  }
  return { facts: collectFacts(docs), fingerprint: prints.join('\n') };
}
