import type { FileFacts, KumaFact, RefFact } from '../host/facts';
import { isPolicyKind, type KumaDiagnostic, type OffsetRange } from '../types';
import { suggest } from '../util/suggest';
import { kumaFacts, MIGRATION_SOURCE, policyRefFacts, type KumaVersion } from '../kuma/versions';
import {
  identityOf,
  parseLegacyName,
  resolveRef,
  type DestPort,
  type Destination,
  type LegacyName,
  type Resolution,
} from '../host/policyRefs';
import type { Located, PortTarget, WorkspaceIndex } from '../host/workspaceIndex';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 Dataplanes and 1 workload" */
export function describeSelection(dataplanes: number, workloads: number): string {
  const parts = [];
  if (dataplanes || !workloads) parts.push(plural(dataplanes, 'Dataplane'));
  if (workloads) parts.push(plural(workloads, 'workload'));
  return parts.join(' and ');
}

/**
 * How to speak of what a MeshService selects: Dataplanes have inbounds, Kubernetes workloads
 * have container ports (at 2.9 Kuma names their inbounds after the Service ports), and one of
 * them is "it", more are "they".
 */
export interface SelectionWords {
  /** "1 Dataplane", "2 Dataplanes and 1 workload" */
  selected: string;
  /** "it" or "they", and the verb endings that go with it. */
  they: string;
  them: string;
  s: string;
  /** What a string targetPort names: "inbound name", "container port name", "inbound or container port name". */
  portName: string;
  /** What a numeric targetPort names, with its article: "an inbound port", "a container port". */
  aPort: string;
}

export function selectionWords(dataplanes: number, workloads: number, version: KumaVersion): SelectionWords {
  const one = dataplanes + workloads === 1;
  const workloadNames = kumaFacts(version).workloadInboundNames === 'service-port' ? 'Service port' : 'container port';
  const kinds = [...(dataplanes || !workloads ? ['inbound'] : []), ...(workloads ? ['container'] : [])];
  const port = kinds.length === 2 ? 'inbound or container port' : kinds[0] === 'inbound' ? 'inbound port' : 'container port';
  const names = kinds.length === 2 ? `inbound or ${workloadNames} name` : kinds[0] === 'inbound' ? 'inbound name' : `${workloadNames} name`;
  return {
    selected: describeSelection(dataplanes, workloads),
    they: one ? 'it' : 'they',
    them: one ? 'it' : 'them',
    s: one ? 's' : '',
    portName: names,
    aPort: `${/^[aeiou]/.test(port) ? 'an' : 'a'} ${port}`,
  };
}

/**
 * What the selection declares instead of an unresolved targetPort: `; they declare: a, b` for a
 * name, `; it listens on 80, 81` for a number, or that there is nothing of the kind.
 */
export function declaredInstead(targetPort: string | number, names: string[], numbers: number[], w: SelectionWords): string {
  if (typeof targetPort === 'string')
    return names.length ? `; ${w.they} declare${w.s}: ${names.join(', ')}` : `, and ${w.they} declare${w.s} no ${w.portName}s`;
  return numbers.length ? `; ${w.they} listen${w.s} on ${numbers.join(', ')}` : `, and ${w.they} declare${w.s} no ports`;
}

/**
 * The targets (name and number labels) other ports of the same MeshService or Service already
 * use as targetPort, each with the port that uses it (`http` → `port 80`). A name counts as used
 * when another port targets a number it stands for, and a number when another port names it.
 */
export function targetsInUse(
  ports: readonly { index: number; port?: number; targetPort?: string | number }[],
  self: number,
  targets: readonly PortTarget[],
): Map<string, string> {
  const used = new Map<string, string>();
  for (const q of ports) {
    if (q.index === self || q.targetPort === undefined) continue;
    const by = q.port !== undefined ? `port ${q.port}` : `spec.ports[${q.index}]`;
    const mark = (label: string) => {
      if (!used.has(label)) used.set(label, by);
    };
    mark(String(q.targetPort));
    for (const t of targets) {
      if (typeof q.targetPort === 'string' && t.name === q.targetPort && t.port !== undefined) mark(String(t.port));
      if (typeof q.targetPort === 'number' && t.port === q.targetPort && t.name) mark(t.name);
    }
  }
  return used;
}

/** Resources declared more than once in the workspace: an error on each, pointing at the others. */
export function duplicateDiagnostics(
  uri: string,
  facts: FileFacts,
  sameResource: (k: KumaFact) => Located<KumaFact>[],
  documentOf: (offset: number) => number,
): KumaDiagnostic[] {
  const out: KumaDiagnostic[] = [];
  for (const k of facts.kuma) {
    if (!k.name) continue;
    const others = sameResource(k).filter((o) => !(o.uri === uri && o.fact.nameRange.start === k.nameRange.start));
    if (others.length === 0) continue;
    out.push({
      code: 'resource-duplicate',
      severity: 'error',
      message: `${k.kind} "${k.name}"${k.namespace ? ` in namespace "${k.namespace}"` : ''}${k.kind === 'HostnameGenerator' ? '' : ` of mesh "${k.mesh}"`} is declared ${others.length + 1} times in the workspace; the last one applied replaces the others. Rename or remove the copies.`,
      range: k.nameRange,
      data: { path: 'name' },
      document: documentOf(k.nameRange.start),
      related: others.map((o) => ({ message: 'also declared here', range: o.fact.nameRange, ...(o.uri === uri ? {} : { uri: o.uri }) })),
    });
  }
  return out;
}

const portsOfTargets = new WeakMap<PortTarget[], { names: string[]; numbers: number[] }>();
/** The distinct port names and numbers of a selection's targets: shared by the MeshServices with its selector. */
function portsOf(targets: PortTarget[]): { names: string[]; numbers: number[] } {
  let r = portsOfTargets.get(targets);
  if (!r) {
    const names = new Set<string>();
    const numbers = new Set<number>();
    for (const t of targets) {
      if (t.name) names.add(t.name);
      if (t.port !== undefined) numbers.add(t.port);
    }
    portsOfTargets.set(targets, (r = { names: [...names], numbers: [...numbers] }));
  }
  return r;
}

/**
 * The checks of one MeshService against what the workspace holds (issue "cross-file
 * intelligence", part 4): targetPorts that resolve to nothing among the selected Dataplanes /
 * workloads, and a selector that selects nothing although candidates exist. Ranges are those of
 * `ms` (the caller decides whether they are chunk or file offsets); `document` is set by the caller.
 */
export function meshServiceDiagnostics(ms: KumaFact, index: WorkspaceIndex, version: KumaVersion): Omit<KumaDiagnostic, 'document'>[] {
  const out: Omit<KumaDiagnostic, 'document'>[] = [];
  if (ms.kind !== 'MeshService' || !ms.selector) return out;
  const sel = index.select(ms, version);
  if (!sel.selector) return out;
  const matched = sel.dataplanes.length + sel.workloads.length;
  if (matched === 0) {
    if (sel.candidates > 0 && ms.selector.range) {
      const where = ms.form === 'kubernetes' ? `mesh "${ms.mesh}", namespace "${ms.namespace ?? 'default'}"` : `mesh "${ms.mesh}"`;
      out.push({
        code: 'selector-matches-nothing',
        severity: 'warning',
        message: `This ${sel.selector} selector matches none of the ${sel.candidates === 1 ? '1 Dataplane or workload' : `${sel.candidates} Dataplanes or workloads`} the workspace holds for ${where}, so the MeshService has no endpoints.`,
        range: ms.selector.range,
        data: { path: `spec.selector.${sel.selector}` },
      });
    }
    return out;
  }
  const targets = index.portTargets(sel, version);
  const { names, numbers } = portsOf(targets);
  const w = selectionWords(sel.dataplanes.length, sel.workloads.length, version);
  for (const p of ms.ports ?? []) {
    if (p.targetPort === undefined || !p.targetPortRange) continue;
    const path = `spec.ports[${p.index}].targetPort`;
    if (typeof p.targetPort === 'string') {
      if (names.includes(p.targetPort)) continue;
      // Names another port already targets are offered last, and suggested only when no free name fits.
      const inUse = targetsInUse(ms.ports ?? [], p.index, targets);
      const free = names.filter((n) => !inUse.has(n));
      const taken = names.filter((n) => inUse.has(n));
      const hint = suggest(p.targetPort, free) ?? suggest(p.targetPort, taken);
      out.push({
        code: 'target-port-unresolved',
        severity: 'warning',
        message: `targetPort "${p.targetPort}" matches no ${w.portName} of the ${w.selected} this MeshService selects${declaredInstead(p.targetPort, names, numbers, w)}.${hint ? ` Did you mean "${hint}"?` : ''}`,
        range: p.targetPortRange,
        data: {
          path,
          allowedValues: [...free, ...taken],
          ...(hint ? { suggestion: hint } : {}),
          ...(taken.length ? { inUse: Object.fromEntries(taken.map((n) => [n, inUse.get(n)!])) } : {}),
        },
      });
    } else if (!numbers.includes(p.targetPort)) {
      out.push({
        code: 'target-port-unserved',
        severity: 'information',
        message: `targetPort ${p.targetPort} is not ${w.aPort} of the ${w.selected} this MeshService selects${numbers.length ? ` (${w.they} listen${w.s} on ${numbers.join(', ')})` : ''}, so this port gets no endpoints from ${w.them}.`,
        range: p.targetPortRange,
        data: { path, allowedValues: [...numbers] },
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Policy references (issue 15, part 2): what a policy's targetRefs and backendRefs resolve to in
// the workspace (host/policyRefs.ts). Resolution never makes Kuma reject a policy: a reference
// that resolves to nothing is silently ignored, so every finding here is a warning.

const MAX_LISTED = 6;

function listed(items: string[]): string {
  return items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join(', ')}, … (${items.length} in all)` : items.join(', ');
}

function destWhere(d: Destination): string {
  return d.form === 'kubernetes' && d.namespace ? `${d.displayName} (${d.namespace})` : d.displayName;
}

function portWords(p: DestPort): string {
  const extra = [p.named && p.port !== undefined ? String(p.port) : undefined, p.appProtocol].filter(Boolean);
  return extra.length ? `${p.section} (${extra.join(', ')})` : p.section;
}

/** The ports of the destinations, once per section. */
function sectionsOf(dests: Destination[]): DestPort[] {
  const seen = new Set<string>();
  const out: DestPort[] = [];
  for (const d of dests)
    for (const p of d.ports)
      if (p.section !== '' && !seen.has(p.section)) {
        seen.add(p.section);
        out.push(p);
      }
  return out;
}

function titleOf(matches: Destination[]): string {
  return matches.length === 1 ? matches[0].title : `the ${matches.length} ${matches[0].kind}s it selects`;
}

/**
 * The checks of one policy's references against the workspace: a reference that resolves to
 * nothing while the workspace holds resources of its kind for the mesh, a `sectionName` or
 * `port` that picks no port, a `labels` selector picking several destinations where a backendRef
 * goes to one, and legacy `kuma.io/service` names. Ranges are those of `policy` (chunk or file
 * offsets, as the caller's); `document` is set by the caller.
 */
export function policyDiagnostics(policy: KumaFact, index: WorkspaceIndex, version: KumaVersion): Omit<KumaDiagnostic, 'document'>[] {
  const out: Omit<KumaDiagnostic, 'document'>[] = [];
  if (!isPolicyKind(policy.kind) || !policy.refs) return out;
  for (const ref of policy.refs) {
    // Both a name and labels: Kuma rejects the reference itself (the per-document rules say so), nothing to resolve.
    if ((ref.name !== undefined || ref.namespace !== undefined) && ref.labels !== undefined) continue;
    const r = resolveRef(index, policy, ref, version);
    const legacy = r.legacy ?? (ref.name && ref.kind === 'MeshService' ? parseLegacyName(ref.name, true) : undefined);
    // Where names resolve to nothing (3.0), the MeshService and port are those 2.x reads it as: what the migration writes.
    const stood = policyRefFacts(version).legacyServiceNames ? r : resolveRef(index, policy, ref, MIGRATION_SOURCE);
    if (legacy && ref.nameRange) out.push(legacyDiagnostic(ref, legacy, stood, version));
    if (!r.resolvable) continue;
    const backend = ref.place === 'backendRef' || ref.place === 'requestMirror';
    if (r.matches.length === 0) {
      if (r.via === 'legacy' || r.beyondWorkspace || r.candidates.length === 0) continue;
      const range = r.via === 'name' ? ref.nameRange : (ref.labelsRange ?? ref.kindRange);
      if (!range) continue;
      out.push(unresolvedDiagnostic(policy, ref, r, range));
      continue;
    }
    if (backend && r.via === 'labels' && r.matches.length > 1 && ref.labelsRange) {
      out.push({
        code: 'policy-ref-ambiguous',
        severity: 'warning',
        message: `These labels select ${r.matches.length} ${ref.kind}s (${listed(r.matches.map(destWhere))}), but a ${ref.place === 'backendRef' ? 'backendRef' : 'requestMirror backendRef'} goes to one only: the oldest Kuma stores. Add labels that pick exactly one (e.g. ${DISPLAY}${r.matches.some((m) => m.form === 'kubernetes') ? ` and ${NAMESPACE}` : ''}).`,
        range: ref.labelsRange,
        data: { path: `${ref.path}.labels` },
      });
    }
    const s = r.section;
    if (!s || s.ports.length > 0 || s.by === 'legacy') continue;
    const sections = sectionsOf(r.matches);
    if (sections.length === 0 && r.matches.every((m) => m.kind === 'MeshHTTPRoute')) continue;
    if (s.by === 'sectionName' && ref.sectionNameRange) {
      const names = sections.map((p) => p.section);
      // A number naming a named port: the port's name is the fix (SPEC-policies.md h.5).
      const byNumber = !backend ? sections.find((p) => p.named && String(p.port) === s.text) : undefined;
      const hint = byNumber?.section ?? suggest(s.text, names);
      const what = titleOf(r.matches);
      out.push({
        code: 'policy-section-unresolved',
        severity: 'warning',
        message: byNumber
          ? `sectionName "${s.text}" names no port of ${what}: port ${s.text} is named "${byNumber.section}", and a policy's sectionName matches a named port by its name only, so this item applies to nothing.`
          : `sectionName "${s.text}" names no port of ${what}${sections.length ? `; its ports are ${listed(sections.map(portWords))}` : ', which has no ports'}. Kuma applies this item to nothing.${hint ? ` Did you mean "${hint}"?` : ''}`,
        range: ref.sectionNameRange,
        data: { path: `${ref.path}.sectionName`, allowedValues: names, ...(hint ? { suggestion: hint } : {}) },
      });
    } else if (s.by === 'port' && ref.portRange) {
      const numbers = [...new Set(sections.flatMap((p) => (p.port !== undefined ? [p.port] : [])))];
      out.push({
        code: 'policy-backend-port-unresolved',
        severity: 'warning',
        message: `port ${s.text} is not a port of ${titleOf(r.matches)}${numbers.length ? `: it exposes ${listed(sections.filter((p) => p.port !== undefined).map((p) => (p.named ? `${p.port} (${p.section})` : String(p.port))))}` : ''}. Kuma drops this backendRef, so its traffic goes nowhere.`,
        range: ref.portRange,
        data: { path: `${ref.path}.port`, allowedValues: numbers, ...(numbers.length === 1 ? { suggestion: numbers[0] } : {}) },
      });
    }
  }
  return out;
}

const DISPLAY = 'kuma.io/display-name';
const NAMESPACE = 'k8s.kuma.io/namespace';

function unresolvedDiagnostic(policy: KumaFact, ref: RefFact, r: Resolution, range: OffsetRange): Omit<KumaDiagnostic, 'document'> {
  const kind = ref.kind!;
  const count = `${r.candidates.length} ${kind}${r.candidates.length === 1 ? '' : 's'}`;
  const holds = `the workspace holds ${count} for mesh "${policy.mesh}": ${listed(r.candidates.map(destWhere))}`;
  if (r.via === 'name') {
    const ns = ref.namespace || identityOf(policy).namespace;
    const where = policy.form === 'kubernetes' ? ` in namespace "${ns}"` : '';
    const sameNs = r.candidates.filter((d) => d.namespace === ns).map((d) => d.displayName);
    const hint = suggest(ref.name!, sameNs) ?? suggest(ref.name!, [...new Set(r.candidates.map((d) => d.displayName))]);
    const elsewhere = r.candidates.filter((d) => d.displayName === ref.name);
    const moved = elsewhere.length
      ? ` A ${kind} "${ref.name}" exists in namespace ${elsewhere.map((d) => `"${d.namespace}"`).join(', ')}: ${ref.namespace ? 'change' : 'add'} \`namespace: ${elsewhere[0].namespace}\` (a reference without namespace looks in the policy's own).`
      : '';
    return {
      code: 'policy-ref-unresolved',
      severity: 'warning',
      message: `${kind} "${ref.name}"${where} is not in the workspace (${holds}), so Kuma ignores this reference.${moved}${hint && !moved ? ` Did you mean "${hint}"?` : ''}`,
      range,
      data: {
        path: `${ref.path}.name`,
        allowedValues: [...new Set([...sameNs, ...r.candidates.map((d) => d.displayName)])],
        ...(hint && !moved ? { suggestion: hint } : {}),
        // The namespace it lives in, for a fix that adds it (only where none is written).
        ...(elsewhere.length && !ref.namespace ? { namespace: elsewhere[0].namespace } : {}),
      },
    };
  }
  const sel = Object.entries(ref.labels ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return {
    code: 'policy-ref-unresolved',
    severity: 'warning',
    message: `The labels {${sel}} select no ${kind} (${holds}; the labels Kuma adds, such as ${DISPLAY}${policy.form === 'kubernetes' ? ` and ${NAMESPACE}` : ''}, count too), so Kuma ignores this reference.`,
    range,
    data: { path: `${ref.path}.labels` },
  };
}

function legacyDiagnostic(ref: RefFact, legacy: LegacyName, r: Resolution, version: KumaVersion): Omit<KumaDiagnostic, 'document'> {
  const target = r.matches.find((d) => d.kind === 'MeshService');
  const port = legacy.port !== undefined ? target?.ports.find((p) => p.port === legacy.port) : undefined;
  const backend = ref.place === 'backendRef' || ref.place === 'requestMirror';
  const byName = policyRefFacts(version).byName;
  // The real reference: display name and namespace, and the port as sectionName (policies) or port (routes).
  const section = legacy.port === undefined ? undefined : backend ? String(legacy.port) : (port?.section ?? String(legacy.port));
  const field = backend ? 'port' : 'sectionName';
  const wanted = byName
    ? `name: ${legacy.name}, namespace: ${legacy.namespace}${section !== undefined ? `, ${field}: ${section}` : ''}`
    : `labels {${DISPLAY}: ${legacy.name}, ${NAMESPACE}: ${legacy.namespace}}${section !== undefined ? `, ${field}: ${section}` : ''}`;
  const meaning = !policyRefFacts(version).legacyServiceNames
    ? `Kuma ${version} has no name field, so this reference selects nothing`
    : backend
      ? 'Kuma 2.x sends this backendRef to the legacy kuma.io/service cluster, not to the MeshService'
      : `Kuma 2.x reads it as MeshService ${legacy.name} in namespace ${legacy.namespace}${legacy.port !== undefined ? `, port ${legacy.port}` : ''}`;
  return {
    code: 'policy-ref-legacy-name',
    severity: 'warning',
    message: `"${ref.name}" is a legacy kuma.io/service name: ${meaning}${target ? ` (${target.title}${port ? `, port ${port.section}` : ''} is in the workspace)` : ''}. Reference the MeshService itself: ${wanted}.`,
    range: ref.nameRange!,
    data: {
      path: `${ref.path}.name`,
      // A fix writes namespace and port after the name: only where none is written yet.
      ...(ref.namespace !== undefined || ref.sectionName !== undefined || ref.port !== undefined
        ? {}
        : {
            legacy: {
              name: legacy.name,
              namespace: legacy.namespace,
              ...(section !== undefined ? { section, field } : {}),
              labels: !byName,
            },
          }),
    },
  };
}
