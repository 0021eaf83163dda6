import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { KumaKind } from '../types';
import type { ConvertInput, TextEdit } from './types';
import { withAliases } from './aliases';
import { applyEdits, diffEdits, indentOfLine, isBlank, lineEndAt, lineStartAt, shift } from './text';

/**
 * Kubernetes ↔ Universal conversion of one Kuma resource, done on the source text: every entry
 * that is kept is sliced out of the original text (comments, quoting and all) and, when it
 * moves to another depth, re-indented as a block. The new document text is then diffed line by
 * line against the old one, so the edits only touch what really changed.
 * Facts: SPEC.md section 1 (forms, mesh label, namespace, read-only fields).
 */

export type ConvertResult = { edits: TextEdit[]; notes: string[] } | { error: string };

// ---------------------------------------------------------------------------------------------
// Text helpers (text.ts; re-exported for migrate.ts and the tests)

export { applyEdits, diffEdits, lineEndAt, lineStartAt, shift } from './text';

const isCommentLine = (line: string) => /^[ \t]*#/.test(line);

const withNewline = (s: string) => (s === '' || s.endsWith('\n') ? s : s + '\n');

// ---------------------------------------------------------------------------------------------
// Mapping entries with their source ranges

/** One `key: value` of a mapping, with where it sits in the text. */
export interface Entry {
  key: string;
  pair: Pair<Node, Node | null>;
  value: Node | null;
  flow: boolean;
  /** Column of the key (block entries). */
  indent: number;
  /** True when the key is the first thing on its line (not after a `- `). */
  keyStartsLine: boolean;
  /** Start of the comment lines just above the key (or of the key line). */
  start: number;
  keyLine: number;
  keyStart: number;
  keyEnd: number;
  /** After the last line of the value (block) or the value's end (flow). */
  end: number;
  /** Up to the next entry's start: blank lines and loose comments after the entry. */
  gapEnd: number;
}

/**
 * The entries of a mapping. Block entries run from their leading comment lines (same column)
 * to the last line indented deeper than the key; `extendFirst: false` keeps the comments above
 * the first key out (document header comments such as a version pin).
 */
export function entriesOf(text: string, map: YAMLMap, extendFirst = true): Entry[] | undefined {
  const out: Entry[] = [];
  const flow = Boolean(map.flow);
  for (const pair of map.items as Pair<Node, Node | null>[]) {
    const k = pair.key;
    if (!isScalar(k) || !k.range) return undefined;
    const keyStart = k.range[0];
    const keyEnd = k.range[1];
    const value = pair.value ?? null;
    if (flow) {
      const end = value?.range ? value.range[1] : keyEnd;
      out.push({
        key: String(k.value),
        pair,
        value,
        flow,
        indent: -1,
        keyStartsLine: false,
        start: keyStart,
        keyLine: keyStart,
        keyStart,
        keyEnd,
        end,
        gapEnd: end,
      });
      continue;
    }
    const keyLine = lineStartAt(text, keyStart);
    const keyStartsLine = text.slice(keyLine, keyStart).trim() === '';
    const col = keyStart - keyLine;
    const valueIsSeq = isSeq(value) && !value.flow;
    let end = lineEndAt(text, keyStart);
    if (value?.range) end = Math.max(end, lineEndAt(text, Math.max(keyStart, value.range[1] - 1)));
    let pos = end;
    while (pos < text.length) {
      const le = lineEndAt(text, pos);
      const line = text.slice(pos, le);
      if (!isBlank(line)) {
        const ind = indentOfLine(line);
        if (!(ind > col || (valueIsSeq && ind === col && /^-(\s|$)/.test(line.slice(ind))))) break;
        end = le;
      }
      pos = le;
    }
    let start = keyLine;
    const prev = out[out.length - 1];
    const floor = prev ? prev.end : extendFirst ? 0 : keyLine;
    while (keyStartsLine && start > floor) {
      const ps = lineStartAt(text, start - 1);
      const line = text.slice(ps, start);
      if (isCommentLine(line) && indentOfLine(line) === col && ps >= floor) start = ps;
      else break;
    }
    out.push({ key: String(k.value), pair, value, flow, indent: col, keyStartsLine, start, keyLine, keyStart, keyEnd, end, gapEnd: end });
  }
  for (let i = 0; i + 1 < out.length; i++) if (!out[i].flow) out[i].gapEnd = out[i + 1].start;
  return out;
}

/** Source text of a node. */
export function src(text: string, node: Node | null | undefined): string {
  return node?.range ? text.slice(node.range[0], node.range[1]) : '';
}

/** A block entry moved to column `col` (with its leading comments and, optionally, its gap), key renamed if asked. */
export function renderEntry(text: string, e: Entry, col: number, newKey?: string, withGap = true): string {
  if (e.flow || !e.keyStartsLine) {
    const value = e.value ? src(text, e.value) : '';
    const key = newKey ?? text.slice(e.keyStart, e.keyEnd);
    return ' '.repeat(col) + key + ':' + (value === '' ? '' : ' ' + value) + '\n';
  }
  const stop = withGap ? e.gapEnd : e.end;
  const body = text.slice(e.start, e.keyStart) + (newKey ?? text.slice(e.keyStart, e.keyEnd)) + text.slice(e.keyEnd, stop);
  return withNewline(shift(body, col - e.indent));
}

/** The comment lines above an entry, moved to column `col`. */
function leadingComments(text: string, e: Entry | undefined, col: number): string {
  if (!e || e.flow) return '';
  return shift(text.slice(e.start, e.keyLine), col - e.indent);
}

/** A trailing `# comment` on the key line of a block entry whose value starts on the next line. */
function keyLineComment(text: string, e: Entry): string | undefined {
  if (e.flow) return undefined;
  const rest = text.slice(e.keyEnd, lineEndAt(text, e.keyStart));
  const m = /^\s*:\s*(#.*)$/.exec(rest.replace(/\r?\n$/, ''));
  return m ? m[1] : undefined;
}

/** Column of the first key of a block mapping value, relative to its parent entry. */
function childIndent(text: string, e: Entry | undefined): number | undefined {
  if (!e || !isMap(e.value) || e.value.flow || e.value.items.length === 0) return undefined;
  const k = (e.value.items[0] as Pair<Node, unknown>).key;
  if (!k?.range) return undefined;
  return k.range[0] - lineStartAt(text, k.range[0]) - e.indent;
}

/** The document's indentation step, from its first nested block mapping (2 when there is none). */
function indentUnit(text: string, entries: Entry[]): number {
  for (const e of entries) {
    const c = childIndent(text, e);
    if (c !== undefined && c > 0) return c;
  }
  return 2;
}

// ---------------------------------------------------------------------------------------------
// The conversion

const SYSTEM_NAMESPACE_ONLY: readonly KumaKind[] = ['MeshExternalService', 'HostnameGenerator'];
const READ_ONLY_UNIVERSAL = ['creationTime', 'modificationTime', 'kri', 'snis'];
const MESH_LABEL = 'kuma.io/mesh';

/**
 * Converts a Kuma resource between Kubernetes and Universal form. Returns edits on the chunk
 * and notes on what could not be carried over.
 */
export function convertForm(input: ConvertInput, target: 'universal' | 'kubernetes', opts: { namespace?: string } = {}): ConvertResult {
  // Aliases read or anchored nodes edited by the conversion are written out first (aliases.ts).
  return withAliases(input, (i) => convertFormOf(i, target, opts));
}

function convertFormOf(input: ConvertInput, target: 'universal' | 'kubernetes', opts: { namespace?: string }): ConvertResult {
  const c = input.doc.classification;
  if (c.role !== 'kuma')
    return { error: 'This document is not a Kuma MeshService, MeshExternalService, MeshMultiZoneService, HostnameGenerator or Dataplane.' };
  if (c.form === target) return { error: `This ${c.kind} is already in ${target === 'kubernetes' ? 'Kubernetes' : 'Universal'} form.` };
  if (input.doc.errors.length > 0) return { error: 'The document has YAML errors; fix them before converting.' };
  const root = input.doc.doc.contents;
  if (!isMap(root) || root.flow) return { error: 'Only block-style documents can be converted (the top level is a flow mapping).' };
  const text = input.chunk;
  const entries = entriesOf(text, root, false);
  if (!entries || entries.length === 0) return { error: 'The document has complex keys; it cannot be converted.' };
  const r = target === 'universal' ? toUniversal(text, entries, c.kind) : toKubernetes(text, entries, c.kind, opts);
  if ('error' in r) return r;
  const regionStart = entries[0].start;
  const regionEnd = entries[entries.length - 1].end;
  let body = r.body;
  if (!text.slice(regionStart, regionEnd).endsWith('\n') && body.endsWith('\n')) body = body.slice(0, -1);
  const next = text.slice(0, regionStart) + body + text.slice(regionEnd);
  return { edits: diffEdits(text, next), notes: r.notes };
}

/** Converts and returns the new chunk text (for commands and the CLI). */
export function convertFormText(
  input: ConvertInput,
  target: 'universal' | 'kubernetes',
  opts: { namespace?: string } = {},
): { text: string; notes: string[] } | { error: string } {
  const r = convertForm(input, target, opts);
  if ('error' in r) return r;
  return { text: applyEdits(input.chunk, r.edits), notes: r.notes };
}

type BodyResult = { body: string; notes: string[] } | { error: string };

function find(entries: Entry[] | undefined, key: string): Entry | undefined {
  return entries?.find((e) => e.key === key);
}

function toUniversal(text: string, entries: Entry[], kind: KumaKind): BodyResult {
  const notes: string[] = [];
  const apiVersion = find(entries, 'apiVersion');
  const kindE = find(entries, 'kind')!;
  const metadata = find(entries, 'metadata');
  const spec = find(entries, 'spec');
  const topMesh = kind === 'Dataplane' ? find(entries, 'mesh') : undefined;
  const meta = isMap(metadata?.value) ? entriesOf(text, metadata.value) : [];
  if (!meta) return { error: 'metadata has complex keys; it cannot be converted.' };

  const typePart = leadingComments(text, apiVersion, 0) + renderEntry(text, kindE, 0, 'type');

  // name
  const nameE = find(meta, 'name');
  let namePart = leadingComments(text, metadata, 0);
  const metaComment = metadata && keyLineComment(text, metadata);
  if (metaComment) namePart += metaComment + '\n';
  if (nameE) namePart += renderEntry(text, nameE, 0);
  else notes.push('metadata.name is missing: add a top-level `name`.');

  // mesh and labels
  const labelsE = find(meta, 'labels');
  const labelEntries = isMap(labelsE?.value) ? (entriesOf(text, labelsE.value) ?? []) : [];
  const meshLabel = find(labelEntries, MESH_LABEL);
  let meshPart = '';
  if (kind === 'HostnameGenerator') {
    if (meshLabel) notes.push('HostnameGenerator is mesh-less in Universal: the kuma.io/mesh label was dropped.');
  } else if (topMesh) {
    meshPart = renderEntry(text, topMesh, 0);
    if (meshLabel && src(text, meshLabel.value) !== src(text, topMesh.value)) {
      notes.push('The kuma.io/mesh label differs from the Dataplane `mesh`; the label was dropped and `mesh` kept.');
    }
  } else if (meshLabel) {
    meshPart = renderEntry(text, meshLabel, 0, 'mesh', false);
  } else {
    meshPart = 'mesh: default\n';
    notes.push('No kuma.io/mesh label: the resource is in mesh `default`, written as `mesh: default`.');
  }
  let labelsPart = '';
  if (labelsE && metadata) {
    const rest = labelEntries.filter((e) => e.key !== MESH_LABEL);
    if (rest.length > 0) {
      if (labelsE.flow || !labelsE.keyStartsLine) {
        labelsPart = 'labels: {' + rest.map((e) => text.slice(e.keyStart, e.keyEnd) + ': ' + src(text, e.value)).join(', ') + '}\n';
      } else if (isMap(labelsE.value) && labelsE.value.flow) {
        labelsPart =
          leadingComments(text, labelsE, 0) +
          'labels: {' +
          rest.map((e) => text.slice(e.keyStart, e.keyEnd) + ': ' + src(text, e.value)).join(', ') +
          '}\n';
      } else {
        let block = text.slice(labelsE.start, labelsE.gapEnd);
        if (meshLabel && !meshLabel.flow) {
          block = block.slice(0, meshLabel.start - labelsE.start) + block.slice(meshLabel.gapEnd - labelsE.start);
        }
        labelsPart = withNewline(shift(block, -labelsE.indent));
      }
    }
  }

  const ns = find(meta, 'namespace');
  if (ns) {
    notes.push(
      `Universal has no namespaces: metadata.namespace ${src(text, ns.value)} was dropped (the Universal name stays the plain name; k8s.kuma.io/namespace is a label Kuma adds itself, so none was added).`,
    );
  }
  if (find(meta, 'annotations')) notes.push('metadata.annotations were dropped: Universal resources have no annotations.');
  const other = meta.filter((e) => !['name', 'namespace', 'labels', 'annotations'].includes(e.key)).map((e) => `metadata.${e.key}`);
  if (other.length > 0) notes.push(`Dropped Kubernetes-only metadata: ${other.join(', ')}.`);

  // spec
  let specPart = '';
  if (spec) {
    if (kind !== 'Dataplane') specPart = renderEntry(text, spec, 0);
    else {
      specPart = leadingComments(text, spec, 0);
      const cmt = keyLineComment(text, spec);
      if (cmt) specPart += cmt + '\n';
      if (isMap(spec.value) && !spec.value.flow && spec.keyStartsLine) {
        const inner = childIndent(text, spec) ?? 2;
        specPart += withNewline(shift(text.slice(lineEndAt(text, spec.keyStart), spec.gapEnd), -(spec.indent + inner)));
      } else if (isMap(spec.value)) {
        for (const e of entriesOf(text, spec.value) ?? []) specPart += renderEntry(text, e, 0);
      }
    }
  } else if (kind !== 'Dataplane') notes.push('There is no `spec`; Universal requires one.');

  const used = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'mesh']);
  let rest = '';
  for (const e of entries) {
    if (used.has(e.key) && !(e.key === 'mesh' && kind !== 'Dataplane')) continue;
    if (e.key === 'status') notes.push('`status` was kept as is; it is written by the control plane and should not be in a manifest.');
    rest += renderEntry(text, e, 0);
  }
  const main = typePart + namePart + meshPart + labelsPart;
  return { body: main + keepComments(text, entries, main + specPart + rest, 0) + specPart + rest, notes };
}

function toKubernetes(text: string, entries: Entry[], kind: KumaKind, opts: { namespace?: string }): BodyResult {
  const notes: string[] = [];
  const u = indentUnit(text, entries);
  const typeE = find(entries, 'type')!;
  const nameE = find(entries, 'name');
  const meshE = find(entries, 'mesh');
  const labelsE = find(entries, 'labels');
  const pad = ' '.repeat(u);

  const head = leadingComments(text, typeE, 0) + 'apiVersion: kuma.io/v1alpha1\n' + renderEntry(text, typeE, 0, 'kind');
  let meshTop = '';
  if (kind === 'Dataplane') {
    if (meshE) meshTop = renderEntry(text, meshE, 0);
    else {
      meshTop = 'mesh: default\n';
      notes.push('No `mesh`: the Dataplane is in mesh `default`, written as `mesh: default`.');
    }
  }

  let metadata = 'metadata:\n';
  if (nameE) metadata += renderEntry(text, nameE, u);
  else notes.push('There is no `name`: add metadata.name.');
  const systemOnly = SYSTEM_NAMESPACE_ONLY.includes(kind);
  const namespace = opts.namespace ?? (systemOnly ? 'kuma-system' : undefined);
  if (namespace !== undefined) {
    metadata += `${pad}namespace: ${namespace}\n`;
    if (systemOnly && opts.namespace === undefined)
      notes.push(
        `${kind} may only be created in the Kuma system namespace: metadata.namespace set to kuma-system (change it if your system namespace differs).`,
      );
    if (systemOnly && opts.namespace !== undefined && opts.namespace !== 'kuma-system') {
      notes.push(`${kind} may only be created in the Kuma system namespace; make sure ${opts.namespace} is it.`);
    }
  } else notes.push(`No namespace given: add metadata.namespace (the namespace of the workloads this ${kind} belongs to).`);

  let meshLabel = '';
  if (kind !== 'Dataplane' && kind !== 'HostnameGenerator') {
    meshLabel = meshE ? renderEntry(text, meshE, 2 * u, MESH_LABEL, false) : `${pad}${pad}${MESH_LABEL}: default\n`;
  } else if (kind === 'HostnameGenerator' && meshE) notes.push('HostnameGenerator is mesh-less: `mesh` was dropped.');
  if (labelsE && isMap(labelsE.value) && labelsE.value.items.length > 0) {
    const labelEntries = entriesOf(text, labelsE.value) ?? [];
    if (find(labelEntries, MESH_LABEL)) meshLabel = '';
    if (labelsE.value.flow) {
      const pairs = labelEntries.map((e) => text.slice(e.keyStart, e.keyEnd) + ': ' + src(text, e.value));
      if (meshLabel) pairs.unshift(withoutComment(meshLabel.trim()));
      metadata += leadingComments(text, labelsE, u) + `${pad}labels: {${pairs.join(', ')}}\n`;
    } else {
      const firstLineEnd = lineEndAt(text, labelsE.keyStart);
      metadata +=
        withNewline(shift(text.slice(labelsE.start, firstLineEnd), u)) +
        meshLabel +
        withNewline(shift(text.slice(firstLineEnd, labelsE.gapEnd), u));
    }
  } else if (meshLabel) metadata += `${pad}labels:\n` + meshLabel;

  const readOnly = entries.filter((e) => READ_ONLY_UNIVERSAL.includes(e.key)).map((e) => e.key);
  if (readOnly.length > 0) notes.push(`Dropped read-only fields the control plane sets: ${readOnly.join(', ')}.`);

  const meta = new Set(['type', 'name', 'mesh', 'labels', 'status', ...READ_ONLY_UNIVERSAL]);
  let spec = '';
  let rest = '';
  if (kind === 'Dataplane') {
    const body = entries.filter((e) => !meta.has(e.key));
    if (body.length > 0) spec = 'spec:\n' + body.map((e) => renderEntry(text, e, u)).join('');
  } else {
    const specE = find(entries, 'spec');
    if (specE) spec = renderEntry(text, specE, 0);
    for (const e of entries) if (!meta.has(e.key) && e.key !== 'spec') rest += renderEntry(text, e, 0);
  }
  const status = find(entries, 'status');
  if (status) {
    notes.push('`status` was kept as is; it is written by the control plane and should not be in a manifest.');
    rest += renderEntry(text, status, 0);
  }
  const main = head + meshTop + metadata;
  return { body: main + keepComments(text, entries, main + spec + rest, u) + spec + rest, notes };
}

/** A line without its trailing ` # comment` (found in one pass: `/\s+#.*$/` backtracks quadratically). */
function withoutComment(line: string): string {
  const m = /\s#/.exec(line);
  return m ? line.slice(0, m.index).trimEnd() : line;
}

/** Every `#` comment of a text, from the `#` to the end of its line (not inside quotes). */
function commentsOf(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const i = line.startsWith('#') ? 0 : line.indexOf(' #') + 1;
    if (i < 0 || (i > 0 && /["']/.test(line.slice(0, i)))) continue;
    if (i === 0 && !line.startsWith('#')) continue;
    out.push(line.slice(i));
  }
  return out;
}

/**
 * The comments of the converted entries that the new body no longer has (those of dropped
 * fields such as metadata.namespace, or of a labels block left empty), as comment lines at
 * column `col`: a conversion never loses a comment.
 */
function keepComments(text: string, entries: Entry[], body: string, col: number): string {
  const have = new Map<string, number>();
  for (const c of commentsOf(body)) have.set(c, (have.get(c) ?? 0) + 1);
  let out = '';
  for (const c of commentsOf(text.slice(entries[0].start, entries[entries.length - 1].end))) {
    const n = have.get(c) ?? 0;
    if (n > 0) have.set(c, n - 1);
    else out += `${' '.repeat(col)}${c}\n`;
  }
  return out;
}
