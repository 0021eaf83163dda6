import { cursorTarget, type CursorTarget, type WorkspaceLocation } from './cursorTarget';
import type { KumaFact, RefFact } from '../host/facts';
import type { LanguageService, Settings } from '../host/languageService';
import {
  destinationOfFact,
  policiesOf,
  resolveRef,
  targetedBy,
  type DestPort,
  type Destination,
  type Resolution,
  type Targeting,
} from '../host/policyRefs';
import type { WorkspaceIndex } from '../host/workspaceIndex';
import type { KumaVersion } from '../kuma/versions';
import { isPolicyKind, type OffsetRange } from '../types';
import { formatPath, type PathSeg } from '../yaml/nodes';

/**
 * The editing side of policy references (issue 15, parts 3 and 4): which reference is under the
 * cursor, hover and go to definition from it, and, on a MeshService (or one of its ports), the
 * policies that target it. Offsets are file offsets.
 */

export function basename(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

function contains(r: OffsetRange | undefined, offset: number): boolean {
  return !!r && offset >= r.start && offset <= r.end;
}

/** The field of a reference the cursor is on. */
export type RefField = 'kind' | 'name' | 'namespace' | 'labels' | 'label' | 'sectionName' | 'port' | 'other';

export interface RefAt {
  t: CursorTarget;
  policy: KumaFact;
  ref: RefFact;
  field: RefField;
  /** For `label`: the label key. */
  labelKey?: string;
  /** The word under the cursor, in file offsets. */
  range: OffsetRange;
}

/** The reference of a policy under the cursor, and which of its fields, from the cursor's YAML path. */
export function refAt(service: LanguageService, text: string, offset: number, settings: Settings): RefAt | undefined {
  const t = cursorTarget(service, text, offset, settings);
  const policy = t?.kuma;
  if (!t || !policy || !isPolicyKind(policy.kind) || !policy.refs?.length) return undefined;
  const p = t.ctx.path;
  const range = { start: t.ctx.replace.start + t.doc.offset, end: t.ctx.replace.end + t.doc.offset };
  // On a key, the path is the mapping's: add the key typed.
  const full: PathSeg[] = t.ctx.target === 'key' ? [...p, t.chunk.slice(t.ctx.replace.start, t.ctx.replace.end)] : p;
  for (const ref of policy.refs) {
    for (let cut = full.length - 1; cut >= Math.max(1, full.length - 2); cut--) {
      if (formatPath(full.slice(0, cut)) !== ref.path) continue;
      const rest = full.slice(cut);
      const head = String(rest[0]);
      let field: RefField = 'other';
      if (rest.length === 1 && ['kind', 'name', 'namespace', 'labels', 'sectionName', 'port'].includes(head)) field = head as RefField;
      else if (head === 'labels' && rest.length === 2) field = t.ctx.target === 'value' ? 'label' : 'labels';
      return { t, policy, ref, field, ...(field === 'label' ? { labelKey: String(rest[1]) } : {}), range };
    }
  }
  return undefined;
}

function portWords(p: DestPort): string {
  const extra = [p.named && p.port !== undefined ? `port ${p.port}` : undefined, p.appProtocol].filter(Boolean);
  return `\`${p.section}\`${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

function destLine(d: Destination): string {
  const ns = d.form === 'kubernetes' && d.namespace ? ` in ${d.namespace}` : '';
  const ports = d.ports.length ? `: ports ${d.ports.map(portWords).join(', ')}` : '';
  return `- ${d.title}${ns} (${basename(d.uri)})${ports}`;
}

/** Hover on a reference: what it resolves to (file, ports), or why nothing. */
export function refHover(index: WorkspaceIndex, at: RefAt, version: KumaVersion): string | undefined {
  const r = resolveRef(index, at.policy, at.ref, version);
  if (!r.resolvable) return undefined;
  const what = `**${at.ref.path}** (${at.ref.kind})`;
  if ((at.field === 'sectionName' || at.field === 'port') && r.section) {
    if (r.section.ports.length === 0) return `${what}: \`${r.section.text}\` picks no port of what it resolves to.`;
    return `${what}: ${at.field} \`${r.section.text}\` picks\n\n${r.section.ports
      .map(({ dest, port }) => `- ${portWords(port)} of ${dest.title} (${basename(dest.uri)})`)
      .join('\n')}`;
  }
  if (r.matches.length === 0)
    return `${what} resolves to nothing in the workspace${r.candidates.length ? ` (it holds ${r.candidates.length} ${at.ref.kind}${r.candidates.length === 1 ? '' : 's'} for mesh ${at.policy.mesh})` : ''}.`;
  const how =
    r.via === 'legacy' ? ' (legacy kuma.io/service name)' : r.via === 'labels' ? ' by labels' : r.via === 'all' ? ' (every one)' : '';
  return `${what} resolves${how} to\n\n${r.matches.slice(0, 20).map(destLine).join('\n')}${r.matches.length > 20 ? `\n- … and ${r.matches.length - 20} more` : ''}`;
}

/** Go to definition from a reference: the destination, or for `sectionName` / `port` the port. */
export function refDefinitions(index: WorkspaceIndex, at: RefAt, version: KumaVersion): WorkspaceLocation[] {
  const r = resolveRef(index, at.policy, at.ref, version);
  if (!r.resolvable) return [];
  if ((at.field === 'sectionName' || at.field === 'port') && r.section)
    return r.section.ports.flatMap(({ dest, port }) => (port.range ? [{ uri: dest.uri, range: port.range }] : []));
  return r.matches.map((d) => ({ uri: d.uri, range: d.nameRange }));
}

/** Where a reference names its target: the name, else the labels, else the reference. */
export function refSite(ref: RefFact): OffsetRange {
  return ref.nameRange ?? ref.labelsRange ?? ref.kindRange ?? ref.range;
}

/** What the cursor is on in a MeshService (or MeshExternalService / MeshMultiZoneService): its name, or one of its ports. */
export function destinationAt(
  service: LanguageService,
  text: string,
  offset: number,
  settings: Settings,
): { dest: Destination; port?: DestPort; index: WorkspaceIndex; t: CursorTarget } | undefined {
  const t = cursorTarget(service, text, offset, settings);
  const k = t?.kuma;
  if (!t || !k || (k.kind !== 'MeshService' && k.kind !== 'MeshMultiZoneService' && k.kind !== 'MeshExternalService')) return undefined;
  const index = service.index();
  const dest = destinationFor(index, k);
  if (!dest) return undefined;
  if (contains(k.nameRange, offset)) return { dest, index, t };
  for (const p of k.ports ?? []) {
    if (contains(p.nameRange, offset) || contains(p.portRange, offset)) {
      const port = dest.ports.find((x) => x.index === p.index);
      if (port) return { dest, port, index, t };
    }
  }
  return undefined;
}

/**
 * The destination of a fact read from an open buffer: the index holds the facts of the same text
 * (file offsets), so the one declared at the same place is it.
 */
export function destinationFor(index: WorkspaceIndex, k: KumaFact): Destination | undefined {
  const direct = destinationOfFact(index, k);
  if (direct) return direct;
  // The features get a text, not a file name: the same resource declared at the same place is it.
  const same = index.sameResource(k);
  for (const x of same) if (x.fact.nameRange.start === k.nameRange.start) return destinationOfFact(index, x.fact);
  // An index whose ranges lag behind an edit of this file: the one declaration of the resource is it.
  return same.length === 1 ? destinationOfFact(index, same[0].fact) : undefined;
}

/** "targeted by 2 policies" and the list for a tooltip or hover. */
export function targetedWords(list: Targeting[]): { label: string; lines: string[] } {
  const policies = policiesOf(list);
  const lines = policies.map((p) => `${p.fact.kind} ${p.fact.name} (${basename(p.uri)})`);
  return { label: `targeted by ${policies.length} polic${policies.length === 1 ? 'y' : 'ies'}`, lines };
}

/** The policies targeting a MeshService, for its hover. */
export function targetedHover(index: WorkspaceIndex, k: KumaFact, version: KumaVersion): string | undefined {
  const dest = destinationFor(index, k);
  if (!dest) return undefined;
  const list = targetedBy(index, dest, version);
  const { label, lines } = targetedWords(list);
  const perPort = dest.ports
    .map((p) => ({ p, n: policiesOf(targetedBy(index, dest, version, p)).length }))
    .filter((x) => x.n > 0)
    .map((x) => `port \`${x.p.section}\`: ${x.n}`);
  return `**${label[0].toUpperCase()}${label.slice(1)}**${lines.length ? `:\n\n${lines.map((l) => `- ${l}`).join('\n')}` : '.'}${perPort.length ? `\n\nBy sectionName / port: ${perPort.join(', ')}.` : ''}`;
}

export type { Resolution };
