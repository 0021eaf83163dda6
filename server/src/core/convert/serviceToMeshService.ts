import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../yaml/documents';
import { isObj } from '../kuma/resource';
import { kumaFacts, supportedProtocols, type KumaVersion } from '../kuma/versions';
import { findPair } from '../yaml/nodes';
import type { ConvertInput, GenerateResult, TextEdit } from './types';
import { mapOf, seq, toYaml, type YamlMap, type YamlValue } from './yamlOut';
import { str, strMap } from '../host/facts';

/**
 * Kubernetes Service → MeshService, as Kuma's MeshService controller does it
 * (SPEC.md section 8, `pkg/plugins/runtime/k8s/controllers/meshservice_controller.go`).
 *
 * Version choices: the eligibility table of SPEC 8.1 has 2.9, 2.14 and HEAD columns. Of the steps
 * 2.9 does not have, Kuma 2.13's controller (v2.13.10, checked against Kuma's own code by the
 * conformance oracle, test/conformance) reads `kuma.io/ignore` and the delegated-gateway Pod as 2.14
 * does; `k8s.kuma.io/zone-proxy-type` does not exist before 2.14.
 * The selector is `dataplaneTags` at 2.9, 2.13 (whose schema has no `dataplaneLabels`) and 2.14 (the
 * default `inboundTagsDisabled=false`), `dataplaneLabels.matchLabels` at 3.0.
 */

const MESH_LABEL = 'kuma.io/mesh';
const SIDECAR_INJECTION = 'kuma.io/sidecar-injection';

type Obj = Record<string, unknown>;

/** Kuma's `GetEnabled` for the sidecar-injection label. */
function enabled(v: string | undefined): boolean {
  return v !== undefined && ['enabled', 'true', 'yes'].includes(v);
}

/** FNV-32a over the UTF-8 bytes of `s` (Go's `hash/fnv` New32a). */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Kubernetes' `rand.SafeEncodeString`: each character mapped into a vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (const ch of s) out += alphanums[(ch.codePointAt(0) ?? 0) % alphanums.length];
  return out;
}

/**
 * The name of the per-Pod MeshService of a headless Service (SPEC 8.3): `<pod>-<hash>`, the hash
 * FNV-32a over service name + namespace (and the Pod name when `<pod>-<hash>` could pass 63
 * characters, the Pod name then cut to 52), rendered in decimal through `SafeEncodeString`.
 */
export function headlessMeshServiceName(pod: string, serviceName: string, serviceNamespace: string): string {
  const long = pod.length + 11 > 63;
  const hash = fnv32a(serviceName + serviceNamespace + (long ? pod : ''));
  return `${long ? pod.slice(0, 52) : pod}-${safeEncodeString(String(hash))}`;
}

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol: string;
  appProtocol?: string;
}

/** The TCP ports of a Service as MeshService ports, and what was dropped (SPEC 8.2). */
function meshServicePorts(
  ports: ServicePort[],
  serviceName: string,
  version: KumaVersion,
  skipped: string[],
): { ports: YamlMap[]; bad: string[] } {
  const out: YamlMap[] = [];
  const dropped: string[] = [];
  const bad: string[] = [];
  /** `port/appProtocol` and `name:<name>` of the ports listed so far: their index in the Service. */
  const taken = new Map<string, number>();
  ports.forEach((p, i) => {
    if (p.protocol !== 'TCP') {
      dropped.push(p.name || (p.port !== undefined ? String(p.port) : `#${i}`));
      return;
    }
    if (p.port === undefined) {
      skipped.push(
        `Port ${p.name ?? `#${i}`} of Service ${serviceName} has no port number, so it was left out; Kubernetes requires spec.ports[${i}].port.`,
      );
      return;
    }
    const appProtocol = p.appProtocol ?? 'tcp';
    const name = p.name || String(p.port);
    // Kubernetes rejects a Service that repeats a port or a port name; a MeshService with the
    // repeat would be rejected too (ports-duplicate), so it is listed once.
    const repeats = taken.get(`${p.port}/${appProtocol}`) ?? taken.get(`name:${name}`);
    if (repeats !== undefined) {
      skipped.push(
        `Port ${p.name || `#${i}`} of Service ${serviceName} repeats spec.ports[${repeats}] (Kubernetes rejects a Service with a repeated port or port name), so it was left out.`,
      );
      return;
    }
    taken.set(`${p.port}/${appProtocol}`, i);
    taken.set(`name:${name}`, i);
    if (kumaFacts(version).protocols.meshServiceAppProtocolValidated && !supportedProtocols(version).includes(appProtocol.toLowerCase())) {
      bad.push(`port ${p.name || p.port} has appProtocol ${appProtocol}`);
    }
    out.push(
      mapOf({
        name,
        port: p.port,
        targetPort: p.targetPort ?? p.port,
        appProtocol,
      }),
    );
  });
  if (dropped.length) {
    skipped.push(
      `Ignored unsupported ports: ${dropped.join(', ')} (Kuma copies only the TCP ports of Service ${serviceName} into its MeshService).`,
    );
  }
  return { ports: out, bad };
}

function readPorts(spec: Obj): ServicePort[] {
  const raw = Array.isArray(spec.ports) ? spec.ports : [];
  return raw.filter(isObj).map((p) => ({
    name: str(p.name),
    port: typeof p.port === 'number' ? p.port : undefined,
    targetPort: typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : undefined,
    // The API server defaults an omitted protocol to TCP (SPEC 8.2).
    protocol: str(p.protocol) ?? 'TCP',
    appProtocol: str(p.appProtocol),
  }));
}

export function serviceToMeshService(input: ConvertInput): GenerateResult {
  const { doc, version, index } = input;
  const result: GenerateResult = { generated: [], skipped: [], unverified: [] };
  const c = doc.classification;
  const v = doc.value;
  if (c.role !== 'kubernetes' || c.kind !== 'Service' || !isObj(v)) {
    result.skipped.push('This document is not a Kubernetes Service (apiVersion: v1, kind: Service), so there is nothing to convert.');
    return result;
  }
  const gen = kumaFacts(version).generator;
  const meta: Obj = isObj(v.metadata) ? v.metadata : {};
  const spec: Obj = isObj(v.spec) ? v.spec : {};
  const name = str(meta.name) ?? '';
  const ns = str(meta.namespace) ?? 'default';
  const labels = strMap(meta.labels);
  const annotations = strMap(meta.annotations);
  const who = `Service ${name}`;
  const none = `Kuma ${version} generates no MeshService for ${who}`;
  const { skipped, unverified } = result;
  /** An assumption: in a few words (for the action title) and in full. */
  const assume = (short: string, long: string) => {
    unverified.push(long);
    (result.assumed ??= []).push(short);
  };
  if (!name) {
    skipped.push('This Service has no metadata.name, so no MeshService can be named after it. Add metadata.name.');
    return result;
  }

  // 1. The Namespace.
  const nsFact = index.namespaces.get(ns);
  // 2. In the mesh?
  const hasMeshLabel = Object.prototype.hasOwnProperty.call(labels, MESH_LABEL);
  let notInMesh = false;
  if (!nsFact) {
    assume(
      hasMeshLabel ? `namespace ${ns} exists` : `namespace ${ns} exists with sidecar injection`,
      hasMeshLabel
        ? `Namespace ${ns} is not in the workspace: Kuma generates the MeshService only once the namespace exists.`
        : `Namespace ${ns} is not in the workspace: this assumes it exists and sets ${SIDECAR_INJECTION}: enabled (and no ${MESH_LABEL} label, so the mesh is default). Otherwise Kuma generates nothing for ${who}: add the label ${MESH_LABEL}: <mesh> to the Service.`,
    );
  } else if (!hasMeshLabel && !enabled(nsFact.labels[SIDECAR_INJECTION])) {
    notInMesh = true;
    skipped.push(
      `${none}: it is not in a mesh (no ${MESH_LABEL} label, and namespace ${ns} does not set ${SIDECAR_INJECTION}: enabled). Add the label ${MESH_LABEL}: <mesh> to the Service, or enable sidecar injection on the namespace.`,
    );
  }

  // 3. The mesh name: label, annotation (2.x, deprecated), namespace label, namespace annotation (2.x), default.
  const nsLabels = nsFact?.labels ?? {};
  const nsAnnotations = nsFact?.annotations ?? {};
  let mesh = labels[MESH_LABEL] || '';
  if (!mesh && gen.meshAnnotation && annotations[MESH_LABEL]) {
    mesh = annotations[MESH_LABEL];
    assume(
      `the ${MESH_LABEL} annotation is still read`,
      `${who} names its mesh with the annotation ${MESH_LABEL}, which Kuma ${version} still reads but no longer supports (3.0 ignores it). Use the label ${MESH_LABEL} instead.`,
    );
  }
  mesh ||= nsLabels[MESH_LABEL] || (gen.meshAnnotation ? nsAnnotations[MESH_LABEL] : '') || 'default';

  // 4. The Mesh object, 5. its meshServices.mode (2.x only; absent means Disabled).
  const meshFact = index.meshes.get(mesh);
  if (!meshFact) {
    assume(
      gen.meshServicesMode ? `mesh ${mesh} exists with MeshServices enabled` : `mesh ${mesh} exists`,
      !gen.meshServicesMode
        ? `Mesh ${mesh} is not in the workspace: the MeshService exists only if mesh ${mesh} exists.`
        : `Mesh ${mesh} is not in the workspace: the MeshService exists only if mesh ${mesh} exists and its spec.meshServices.mode is not Disabled (Disabled is the 2.x default).`,
    );
  } else if (gen.meshServicesMode && (meshFact.meshServicesMode ?? 'Disabled') === 'Disabled') {
    skipped.push(
      `${none}: Mesh ${mesh} has meshServices.mode ${meshFact.meshServicesMode ? 'Disabled' : 'unset, which means Disabled'}, so Kuma deletes the MeshServices of its Services. Set spec.meshServices.mode: Exclusive (or Everywhere / ReachableBackends) on Mesh ${mesh}.`,
    );
  }

  // 6. kuma.io/ignore (2.13+).
  const ignore = annotations['kuma.io/ignore'];
  if ((ignore === 'true' || ignore === 'yes') && gen.serviceExclusions.ignoreAnnotation)
    skipped.push(`${none}: it has the annotation kuma.io/ignore: "${ignore}". Remove the annotation to get a MeshService.`);
  // 7. kuma.io/gateway annotation (all versions).
  if (annotations['kuma.io/gateway'] !== undefined) {
    skipped.push(
      `${none}: it has the annotation kuma.io/gateway, so Kuma treats it as a gateway's Service and leaves it alone. Remove the annotation if it is an ordinary service.`,
    );
  }
  // 8. Zone proxy Services (2.14+; Kuma 2.13 has no such label).
  if (labels['k8s.kuma.io/zone-proxy-type'] !== undefined && gen.serviceExclusions.zoneProxyLabel)
    skipped.push(
      `${none}: it has the label k8s.kuma.io/zone-proxy-type, so it is a zone ingress/egress Service, which gets no MeshService.`,
    );
  // 9. The Service's first Pod endpoint is a delegated gateway (2.13+).
  const podEndpoints = podEndpointsOf(input, name, ns);
  const firstPod = podEndpoints[0];
  if (firstPod && gen.serviceExclusions.delegatedGateway) {
    const pod = findPod(input, firstPod.name, firstPod.namespace || ns);
    if (pod && pod.podAnnotations['kuma.io/gateway'] !== undefined)
      skipped.push(
        `${none}: its first Pod endpoint, Pod ${firstPod.name}, has the annotation kuma.io/gateway, so it is a delegated gateway's Service, which gets no MeshService.`,
      );
  }
  // 10. No cluster IP (ExternalName).
  if (spec.type === 'ExternalName') {
    skipped.push(
      `${none}: it is an ExternalName Service, which has no cluster IP. To reach an outside host through the mesh, write a MeshExternalService instead.`,
    );
  }

  if (skipped.length) {
    if (notInMesh && skipped.length === 1) {
      const edits = addMeshLabelEdits(doc, input.chunk);
      if (edits) result.addMeshLabel = edits;
    }
    return result;
  }

  const ports = meshServicePorts(readPorts(spec), name, version, skipped);
  if (ports.bad.length) {
    skipped.push(
      `${none}: creating it fails because ${ports.bad.join(' and ')}, which the Kuma 3.0 MeshService validator rejects (appProtocol must be one of: ${supportedProtocols(version).join(', ')}). Change the Service port's appProtocol.`,
    );
    return result;
  }
  const serviceLabels = Object.entries(isObj(meta.labels) ? meta.labels : {})
    .filter(([, x]) => x !== null && x !== undefined && typeof x !== 'object')
    .map(([k, x]) => [k, String(x)] as [string, string]);
  const kumaLabels = (headless: boolean): [string, string][] => [
    [MESH_LABEL, mesh],
    ['k8s.kuma.io/service-name', name],
    ['kuma.io/managed-by', 'k8s-controller'],
    ['kuma.io/env', 'kubernetes'],
    ['k8s.kuma.io/is-headless-service', headless ? 'true' : 'false'],
  ];
  const portsValue = seq(ports.ports);

  // 11. Headless: one MeshService per Pod endpoint.
  if (spec.clusterIP === 'None') {
    if (podEndpoints.length === 0) {
      skipped.push(
        `${who} is headless (clusterIP: None): Kuma generates one MeshService per Pod behind it, named <pod>-<hash> with selector dataplaneRef <pod>.${ns}, and the workspace holds no EndpointSlice (label kubernetes.io/service-name: ${name}) that names those Pods.`,
      );
      return result;
    }
    for (const ep of podEndpoints) {
      let podNs = ep.namespace;
      if (!podNs) {
        podNs = ns;
        if (!gen.endpointNamespaceFallback)
          assume(
            `Pod ${ep.name} is in namespace ${ns}`,
            `The endpoint of Pod ${ep.name} has no targetRef.namespace (Kubernetes always sets it): assumed ${ns}.`,
          );
      }
      const msName = headlessMeshServiceName(ep.name, name, ns);
      const clash = existingMeshService(input, msName, podNs, name);
      if (clash) {
        skipped.push(clash);
        continue;
      }
      const pod = findPod(input, ep.name, podNs);
      const extra: [string, string][] = [];
      if (pod) {
        for (const k of ['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index']) {
          if (pod.podLabels[k] !== undefined) extra.push([k, pod.podLabels[k]]);
        }
      } else {
        assume(
          `Pod ${ep.name} has no StatefulSet labels`,
          `Pod ${ep.name} is not in the workspace: when it has the labels statefulset.kubernetes.io/pod-name or apps.kubernetes.io/pod-index, Kuma copies them onto MeshService ${msName}.`,
        );
      }
      const out: YamlMap = [
        ['apiVersion', 'kuma.io/v1alpha1'],
        ['kind', 'MeshService'],
        ['metadata', mapOf({ name: msName, namespace: podNs, labels: mergeLabels(serviceLabels, [...kumaLabels(true), ...extra]) })],
        ['spec', mapOf({ selector: mapOf({ dataplaneRef: mapOf({ name: `${ep.name}.${podNs}` }) }), ports: portsValue })],
      ];
      result.generated.push({ label: `MeshService ${msName} (${podNs})`, yaml: toYaml(out) });
    }
    return result;
  }

  const clash = existingMeshService(input, name, ns, name);
  if (clash) {
    skipped.push(clash);
    return result;
  }
  const selector: YamlMap = [...Object.entries(strMap(spec.selector)), ['k8s.kuma.io/namespace', ns]];
  if (Object.keys(strMap(spec.selector)).length === 0) {
    assume(
      `the MeshService selects all of namespace ${ns}`,
      `${who} has no spec.selector: its MeshService selects every proxy of namespace ${ns} in mesh ${mesh}.`,
    );
  }
  if (gen.selector === 'dataplaneTags-by-default') {
    assume(
      'inbound tags are enabled (the default)',
      'Kuma 2.14 writes a dataplaneTags selector with its default inboundTagsDisabled=false; with KUMA_EXPERIMENTAL_INBOUND_TAGS_DISABLED=true it writes dataplaneLabels.matchLabels instead.',
    );
  }
  const out: YamlMap = [
    ['apiVersion', 'kuma.io/v1alpha1'],
    ['kind', 'MeshService'],
    ['metadata', mapOf({ name, namespace: ns, labels: mergeLabels(serviceLabels, kumaLabels(false)) })],
    [
      'spec',
      mapOf({
        selector:
          gen.selector === 'dataplaneLabels'
            ? mapOf({ dataplaneLabels: mapOf({ matchLabels: selector }) })
            : mapOf({ dataplaneTags: selector }),
        ports: portsValue,
      }),
    ],
  ];
  result.generated.push({ label: `MeshService ${name} (${ns})`, yaml: toYaml(out) });
  return result;
}

/** The Service's labels in their order, then Kuma's, which overwrite a Service label of the same key in place. */
function mergeLabels(service: [string, string][], kuma: [string, string][]): YamlValue {
  const out = new Map<string, string>(service);
  for (const [k, x] of kuma) out.set(k, x);
  return [...out.entries()];
}

interface PodEndpoint {
  name: string;
  namespace?: string;
}

/** The Pods behind a Service's EndpointSlices, first seen first, each once (SPEC 8.3). */
function podEndpointsOf(input: ConvertInput, service: string, ns: string): PodEndpoint[] {
  const seen = new Set<string>();
  const out: PodEndpoint[] = [];
  for (const { fact } of input.index.endpointSlices) {
    if (fact.serviceName !== service || fact.namespace !== ns) continue;
    for (const ep of fact.endpoints) {
      const ref = ep.targetRef;
      if (!ref || ref.kind !== 'Pod' || !ref.name || (ref.apiVersion !== undefined && ref.apiVersion !== '' && ref.apiVersion !== 'v1'))
        continue;
      const key = `${ref.namespace ?? ''}/${ref.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) });
    }
  }
  return out;
}

function findPod(input: ConvertInput, name: string, ns: string) {
  return input.index.workloads.find((w) => w.fact.kind === 'Pod' && w.fact.name === name && w.fact.namespace === ns)?.fact;
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

/**
 * The edit that adds `kuma.io/mesh: default` to a Service's `metadata.labels`, creating `labels:`
 * when absent, in the indentation the document already uses. Undefined when there is no block
 * `metadata` mapping to put it in.
 */
export function addMeshLabelEdits(doc: ParsedDocument, chunk: string): TextEdit[] | undefined {
  const root = doc.doc.contents;
  if (!isMap(root)) return undefined;
  const metaPair = findPair(root, 'metadata');
  const metadata = metaPair?.value;
  if (!metaPair || !isMap(metadata) || metadata.flow || !metaPair.key?.range || !metadata.range) return undefined;
  const eol = chunk.includes('\r\n') ? '\r\n' : '\n';
  const entry = `${MESH_LABEL}: default`;
  const metaCol = column(chunk, metaPair.key.range[0]);
  const firstKey = (metadata.items[0] as Pair<Node, Node | null>).key;
  const keyCol = firstKey?.range ? column(chunk, firstKey.range[0]) : metaCol + 2;
  const step = Math.max(1, keyCol - metaCol);
  const labelsPair = findPair(metadata, 'labels');

  /** Inserts whole lines after the line on which `offset` lies. */
  const afterLine = (offset: number, lines: string[]): TextEdit[] => {
    const end = lineEndAfter(chunk, offset);
    if (end >= chunk.length) return [{ range: { start: end, end }, newText: lines.map((l) => eol + l).join('') }];
    const at = end + 1;
    return [{ range: { start: at, end: at }, newText: lines.map((l) => l + eol).join('') }];
  };
  /** The end of a node's value, before any trailing newline it swallowed. */
  const valueEnd = (n: Node): number => {
    let e = n.range![1];
    while (e > n.range![0] && (chunk[e - 1] === '\n' || chunk[e - 1] === '\r')) e--;
    return e;
  };

  if (!labelsPair) {
    const last = metadata.items[metadata.items.length - 1] as Pair<Node, Node | null>;
    const lastNode = (last.value ?? last.key) as Node;
    return afterLine(valueEnd(lastNode), [`${' '.repeat(keyCol)}labels:`, `${' '.repeat(keyCol + step)}${entry}`]);
  }
  const labels = labelsPair.value;
  const keyNode = labelsPair.key as Node;
  if (labels === null || (isScalar(labels) && (labels.value === null || labels.value === ''))) {
    // `labels:` with no value: put the entry on its own line below.
    const at = keyNode.range![1] + 1; // after the colon
    const end = labels?.range ? Math.max(at, labels.range[1]) : at;
    return [{ range: { start: at, end: Math.min(end, lineEndAfter(chunk, at)) }, newText: `${eol}${' '.repeat(keyCol + step)}${entry}` }];
  }
  if (!isMap(labels)) return undefined;
  const map = labels as YAMLMap;
  if (map.flow || map.items.length === 0) {
    // `labels: {a: b}` or `labels: {}`: add to the flow mapping.
    const close = chunk.lastIndexOf('}', map.range![1]);
    if (close < 0) return undefined;
    const before = chunk.slice(map.range![0] + 1, close).trim();
    return [{ range: { start: close, end: close }, newText: before ? `, ${entry}` : entry }];
  }
  const first = (map.items[0] as Pair<Node, Node | null>).key;
  const labelCol = first?.range ? column(chunk, first.range[0]) : keyCol + step;
  return afterLine(valueEnd(map), [`${' '.repeat(labelCol)}${entry}`]);
}

/**
 * A MeshService of that name and namespace already in the workspace (SPEC.md 8.1): either the
 * one Kuma generates for this Service (nothing to add) or another one, which makes Kuma's
 * controller give up with "MeshService already exists and isn't owned by Service".
 */
function existingMeshService(input: ConvertInput, msName: string, ns: string, service: string): string | undefined {
  const found = input.index.meshServices.find(
    (m) => m.fact.form === 'kubernetes' && m.fact.name === msName && (m.fact.namespace ?? 'default') === ns,
  );
  if (!found) return undefined;
  const file = decodeURIComponent(found.uri.slice(found.uri.lastIndexOf('/') + 1));
  const generated =
    found.fact.labels['k8s.kuma.io/service-name'] === service && found.fact.labels['kuma.io/managed-by'] === 'k8s-controller';
  return generated
    ? `The MeshService ${msName} that Kuma generates for Service ${service} is already in the workspace (${file}).`
    : `A MeshService named ${msName} already exists in namespace ${ns} (${file}) and was not generated from Service ${service}: Kuma's controller leaves it alone and reports "MeshService already exists and isn't owned by Service". Keep it as the hand-written MeshService, or rename or remove it to let Kuma generate one.`;
}
