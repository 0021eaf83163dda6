import type { FileFacts, KumaFact } from '../host/facts';
import type { KumaDiagnostic } from '../types';
import { suggest } from '../util/suggest';
import { kumaFacts, type KumaVersion } from '../kuma/versions';
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
