import { Document, isScalar, Pair, Scalar, YAMLMap, YAMLSeq, type ParsedNode, type ScalarTag } from 'yaml';

/**
 * A fast reader for the YAML that manifests are made of: block mappings and sequences, plain
 * and simply quoted scalars, `{}`, one-line flow sequences of scalars, flow mappings of scalars
 * (on one line or several), literal block scalars (`|`, `|-`), comments and blank lines, LF or CRLF
 * line ends, one document per chunk.
 *
 * The `yaml` package spends most of a check's time lexing, building its concrete syntax tree
 * and composing documents; this reader goes from the text straight to the same node classes
 * (`YAMLMap`, `YAMLSeq`, `Pair`, `Scalar`), with the same `range`s, values, scalar `type`,
 * `source` and `format` that `parseAllDocuments` gives, and the plain-data value that
 * `toJS()` gives, about ten times faster. It leaves out what only editing needs (comments,
 * `spaceBefore`, the `Document`): the exact tree is still parsed by `yaml` when a feature asks
 * for it (see `ParsedDocument.doc`).
 *
 * Anything outside that subset (anchors, tags, folded or kept block scalars, escapes,
 * multi-line scalars, nested flow collections, tabs, a lone CR, directives, syntax errors…) makes it return
 * `undefined`, and the caller parses the chunk with `yaml`. A differential test
 * (test/unit/fastYaml.test.ts) checks it against `yaml` on generated and real manifests.
 */

export interface FastDocument {
  /** The root node, with the ranges `yaml` gives (relative to the chunk). */
  contents: ParsedNode;
  /** The document as plain data (what `doc.toJS()` gives). */
  value: unknown;
  /** Whether it holds a block scalar (`|`). */
  blockScalars: boolean;
}

const CORE = new Document();
const SCHEMA = CORE.schema;
const OPTIONS = CORE.options;
/** The core schema's scalar tags that a plain scalar is tested against, in `yaml`'s order. */
const PLAIN_TAGS = SCHEMA.tags.filter((t): t is ScalarTag => t.default === true && !t.collection && !!t.test);

/*
 * yaml's node constructors define their type tag with Object.defineProperty on every node, the
 * largest single cost of building a tree. These prototypes carry the tag (and a collection's
 * schema) once, so nodes are plain objects with only their own data: `isMap`, `isScalar`,
 * `instanceof`, `visit` and every method work on them as on yaml's own. The tag is yaml's private
 * API: package.json pins yaml to an exact version, and test/unit/yamlCanary.test.ts fails when the
 * node layout these prototypes imitate changes.
 */
const NODE_TYPE = Symbol.for('yaml.node.type');
const SCALAR_PROTO = Object.create(Scalar.prototype, { [NODE_TYPE]: { value: Symbol.for('yaml.scalar') } }) as Scalar;
const PAIR_PROTO = Object.create(Pair.prototype, { [NODE_TYPE]: { value: Symbol.for('yaml.pair') } }) as Pair;
const collectionProto = (proto: object, type: string) =>
  Object.create(proto, {
    [NODE_TYPE]: { value: Symbol.for(type) },
    schema: { value: SCHEMA, configurable: true, enumerable: false, writable: true },
  }) as object;
const MAP_PROTO = collectionProto(YAMLMap.prototype, 'yaml.map') as YAMLMap<ParsedNode, ParsedNode | null>;
const SEQ_PROTO = collectionProto(YAMLSeq.prototype, 'yaml.seq') as YAMLSeq<ParsedNode>;

function newScalar(value: unknown): Scalar {
  const s = Object.create(SCALAR_PROTO) as Scalar;
  s.value = value;
  return s;
}

function newPair(key: ParsedNode, value: ParsedNode): Pair<ParsedNode, ParsedNode | null> {
  const p = Object.create(PAIR_PROTO) as Pair<ParsedNode, ParsedNode | null>;
  p.key = key;
  p.value = value;
  return p;
}

function newMap(): YAMLMap<ParsedNode, ParsedNode | null> {
  const m = Object.create(MAP_PROTO) as YAMLMap<ParsedNode, ParsedNode | null>;
  m.items = [];
  return m;
}

function newSeq(): YAMLSeq<ParsedNode> {
  const q = Object.create(SEQ_PROTO) as YAMLSeq<ParsedNode>;
  q.items = [];
  return q;
}

/** Nesting deeper than this is left to `yaml` (and to the depth limit of `parseChunk`). */
const MAX_FAST_DEPTH = 40;

// Per-line scratch tables, reused across calls (parsing is synchronous and not re-entrant).
let cap = 0;
/** Offset of the line's first character. */
let lineStart = new Int32Array(0);
/** Column of the first non-space character; -1 for a blank line. */
let lineIndent = new Int32Array(0);
/** Offset of the line's end (its `\r\n` or `\n`, or the text's end). */
let lineEnd = new Int32Array(0);
/** 1 for a comment line. */
let lineComment = new Uint8Array(0);

let src = '';
let nLines = 0;
/** Whether the document being read has a block scalar. */
let sawBlockScalar = false;

class Bail extends Error {}
const BAIL = new Bail();

function bail(): never {
  throw BAIL;
}

/** Reads one chunk (see `splitDocuments`); `undefined` when `yaml` has to do it. */
export function fastParseChunk(text: string): FastDocument | undefined {
  if (text.length === 0 || text.indexOf('\t') >= 0) return undefined;
  // CRLF line ends are read; a CR on its own (a line break in YAML too) is left to `yaml`.
  for (let cr = text.indexOf('\r'); cr >= 0; cr = text.indexOf('\r', cr + 2)) if (text.charCodeAt(cr + 1) !== 10) return undefined;
  src = text;
  sawBlockScalar = false;
  try {
    return parse();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  } finally {
    src = '';
  }
}

function scanLines(first: number): void {
  let n = 0;
  let pos = first;
  const len = src.length;
  for (;;) {
    if (n >= cap) grow();
    let nl = src.indexOf('\n', pos);
    if (nl < 0) nl = len;
    const end = nl > pos && src.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    let i = pos;
    while (i < end && src.charCodeAt(i) === 32) i++;
    lineStart[n] = pos;
    lineEnd[n] = end;
    if (i === end) {
      lineIndent[n] = -1;
      lineComment[n] = 0;
    } else {
      lineIndent[n] = i - pos;
      lineComment[n] = src.charCodeAt(i) === 35 /* # */ ? 1 : 0;
    }
    n++;
    if (nl >= len - 1) break;
    pos = nl + 1;
  }
  // A text ending in "\n" has no line after it; one without ends on its last line.
  nLines = n;
}

function grow(): void {
  const next = Math.max(64, cap * 2);
  const s = new Int32Array(next);
  s.set(lineStart);
  const d = new Int32Array(next);
  d.set(lineIndent);
  const e = new Int32Array(next);
  e.set(lineEnd);
  const c = new Uint8Array(next);
  c.set(lineComment);
  lineStart = s;
  lineIndent = d;
  lineEnd = e;
  lineComment = c;
  cap = next;
}

/** The offset where line `l` ends, its line break included. */
function after(l: number): number {
  return l + 1 < nLines ? lineStart[l + 1] : src.length;
}

function parse(): FastDocument | undefined {
  let first = 0;
  /** A bare `---` line (no spaces after it): an empty document is then a null right after it. */
  let bareMarker = false;
  if (src.startsWith('---')) {
    // A document start marker alone on its line (anything after it is left to `yaml`).
    let i = 3;
    while (i < src.length && src.charCodeAt(i) === 32) i++;
    bareMarker = i === 3;
    if (src.charCodeAt(i) === 13) i++;
    if (i < src.length && src.charCodeAt(i) !== 10) return undefined;
    first = i + 1;
    if (first >= src.length) return bareMarker ? emptyDocument() : undefined;
  }
  scanLines(first);
  let l = 0;
  while (l < nLines && (lineIndent[l] < 0 || lineComment[l])) l++;
  if (l === nLines) {
    // Only blank lines after `---` (a comment would extend the null's range): an empty document.
    for (let k = 0; k < nLines; k++) if (lineComment[k]) return undefined;
    return bareMarker ? emptyDocument() : undefined;
  }
  if (lineIndent[l] !== 0) return undefined;
  const c0 = src.charCodeAt(lineStart[l]);
  // Directives, document end markers: left to `yaml`.
  if (c0 === 37 /* % */ || (c0 === 46 /* . */ && src.startsWith('...', lineStart[l]))) return undefined;
  const r = isSeqItem(lineStart[l]) ? blockSeq(l, 0, 1) : blockMap(l, lineStart[l], 0, 1);
  if (r.next !== nLines) return undefined;
  // Whatever trails the root collection belongs to the document, not to it.
  return { contents: r.node, value: r.value, blockScalars: sawBlockScalar };
}

/** The document of a chunk holding only `---` and blank lines: `yaml` reads a null there. */
function emptyDocument(): FastDocument {
  return { contents: emptyScalar(3), value: null, blockScalars: false };
}

/** A node read from the text (a collection or a value) and its plain data. */
interface Block {
  node: ParsedNode;
  value: unknown;
  /** The first line after the node's own lines: the blank and comment lines after it start here. */
  gap: number;
  /** The first line not consumed (for a collection: a content line at a lower indent, or `nLines`). */
  next: number;
}

/** Whether the text at `at` is a block sequence indicator (`-` then a space or the line's end). */
function isSeqItem(at: number): boolean {
  if (src.charCodeAt(at) !== 45 /* - */) return false;
  const c = src.charCodeAt(at + 1);
  return c === 32 || c === 10 || c === 13 || Number.isNaN(c);
}

/** The next content line at or after `l` (skipping blank and comment lines). */
function nextContent(l: number): number {
  while (l < nLines && (lineIndent[l] < 0 || lineComment[l])) l++;
  return l;
}

/**
 * Where the lines from `gap` to `next` (blank and comment lines after a collection's last item)
 * end up when the collection ends, as `yaml`'s parser decides: they stay in a nested collection
 * (extending its range) when one of the comments is indented at least as far as its items;
 * otherwise they move out to the parent.
 */
function gapStays(gap: number, next: number, indent: number): boolean {
  if (indent === 0) return false;
  for (let l = gap; l < next; l++) if (lineComment[l] && lineIndent[l] >= indent) return true;
  return false;
}

/**
 * Extends a scalar's or flow collection's end over the comment lines after it that are more
 * indented than its collection's items (`yaml` counts them as the node's own trailing comment),
 * returning the first line after what it took.
 */
function absorbIndentedComments(node: ParsedNode, line: number, indent: number): number {
  let l = line + 1;
  for (;;) {
    let k = l;
    while (k < nLines && lineIndent[k] < 0) k++;
    if (k < nLines && lineComment[k] && lineIndent[k] > indent) {
      (node.range as [number, number, number])[2] = after(k);
      l = k + 1;
      continue;
    }
    return l;
  }
}

/**
 * A block mapping whose first key starts at offset `at` on line `l`, with its keys at column
 * `indent` (the key may follow a `- ` on its line).
 */
function blockMap(l: number, at: number, indent: number, depth: number): Block {
  if (depth > MAX_FAST_DEPTH) bail();
  const map = newMap();
  const obj: Record<string, unknown> = {};
  let valueEnd: number;
  let keyAt = at;
  for (;;) {
    // One entry: `key:` then a value on the same line or below.
    const key = readKey(keyAt, lineEnd[l]);
    const k = key.scalar;
    const name = k.value as string;
    if (Object.prototype.hasOwnProperty.call(obj, name) || name === '__proto__') bail();
    let p = key.after; // just past the ':'
    const eol = lineEnd[l];
    while (p < eol && src.charCodeAt(p) === 32) p++;
    let v: Block;
    if (p < eol && src.charCodeAt(p) !== 35 /* # */) {
      if (p === key.after) bail(); // `key:value` is a plain scalar, not an entry
      v = inlineValue(p, l, indent);
    } else v = valueBelow(l, p, indent, true, l + 1, depth);
    map.items.push(newPair(k as ParsedNode, v.node));
    obj[name] = v.value;
    valueEnd = v.node.range[2];
    // The next entry, or the end of the mapping.
    const c = nextContent(v.next);
    if (c < nLines && lineIndent[c] === indent && !isSeqItem(lineStart[c] + indent)) {
      l = c;
      keyAt = lineStart[c] + indent;
      continue;
    }
    return close(map as ParsedNode, obj, at, valueEnd, v.gap, c, indent);
  }
}

/** A block sequence whose first `-` is on line `l`, at column `indent`. */
function blockSeq(l: number, indent: number, depth: number): Block {
  if (depth > MAX_FAST_DEPTH) bail();
  const seq = newSeq();
  const arr: unknown[] = [];
  const at = lineStart[l] + indent;
  let valueEnd: number;
  let dash = at;
  /** The first line after the previous item (its blank and comment lines lead to this one). */
  let lead = l;
  for (;;) {
    const eol = lineEnd[l];
    let p = dash + 1;
    while (p < eol && src.charCodeAt(p) === 32) p++;
    let v: Block;
    if (p < eol && src.charCodeAt(p) !== 35 /* # */) {
      if (isSeqItem(p)) bail(); // `- - a`
      v = looksLikeKey(p, eol) ? blockMap(l, p, p - lineStart[l], depth + 1) : inlineValue(p, l, indent);
    } else v = valueBelow(l, p, indent, false, lead, depth);
    seq.items.push(v.node);
    arr.push(v.value);
    valueEnd = v.node.range[2];
    const c = nextContent(v.next);
    if (c < nLines && lineIndent[c] === indent && isSeqItem(lineStart[c] + indent)) {
      lead = v.gap;
      l = c;
      dash = lineStart[c] + indent;
      continue;
    }
    return close(seq as ParsedNode, arr, at, valueEnd, v.gap, c, indent);
  }
}

/**
 * The value of a key or `- ` with nothing after it on line `l` but maybe a comment (`p`: where
 * the line's text ends): a block collection below, or else an empty value (a null right after
 * the `:` or `-` and its spaces). A sequence at the collection's own column is the value of a
 * key (`key:\n- a`, `sameColumnSeq`) but not of a dash. A comment around an empty value (on
 * the line, or from line `from` on) changes where `yaml` ends it: left to `yaml`.
 */
function valueBelow(l: number, p: number, indent: number, sameColumnSeq: boolean, from: number, depth: number): Block {
  const c = nextContent(l + 1);
  if (c < nLines && (lineIndent[c] > indent || (sameColumnSeq && lineIndent[c] === indent && isSeqItem(lineStart[c] + indent)))) {
    return blockValue(c, depth + 1);
  }
  if (p < lineEnd[l]) bail();
  for (let g = from; g < c; g++) if (lineComment[g]) bail();
  const next = l + 1 < nLines ? l + 1 : nLines;
  return { node: emptyScalar(p), value: null, gap: next, next };
}

/**
 * Ends a collection whose last item's value ends at `valueEnd`, before content line `c` (or the
 * text's end): the blank and comment lines from `gap` stay in its range or move out to its
 * parent as `yaml`'s parser decides (see `gapStays`).
 */
function close(node: ParsedNode, value: unknown, at: number, valueEnd: number, gap: number, c: number, indent: number): Block {
  if (c < nLines && lineIndent[c] > indent) bail();
  const stays = gapStays(gap, c, indent);
  const end = stays ? (c < nLines ? lineStart[c] + lineIndent[c] : src.length) : valueEnd;
  node.range = [at, valueEnd, end];
  return { node, value, gap: stays ? c : gap, next: c };
}

/** A block collection starting on content line `c`. */
function blockValue(c: number, depth: number): Block {
  const indent = lineIndent[c];
  const at = lineStart[c] + indent;
  const ch = src.charCodeAt(at);
  if (ch === 37 /* % */ || (ch === 46 /* . */ && src.startsWith('...', at))) bail();
  if (isSeqItem(at)) return blockSeq(c, indent, depth);
  if (!looksLikeKey(at, lineEnd[c])) bail(); // a scalar on its own line, or something else
  return blockMap(c, at, indent, depth);
}

function emptyScalar(p: number): ParsedNode {
  const s = newScalar(null);
  s.range = [p, p, p];
  s.source = '';
  s.type = 'PLAIN';
  return s as ParsedNode;
}

/** Whether the line from `at` holds `key:` (a plain or quoted key, then `:` and a space or the end). */
function looksLikeKey(at: number, eol: number): boolean {
  const c = src.charCodeAt(at);
  if (c === 34 /* " */ || c === 39 /* ' */) {
    const close = src.indexOf(String.fromCharCode(c), at + 1);
    if (close < 0 || close >= eol) return false;
    return src.charCodeAt(close + 1) === 58; /* : */
  }
  for (let i = at; i < eol; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 58 /* : */) {
      const n = i + 1 < eol ? src.charCodeAt(i + 1) : 10;
      if (n === 32 || n === 10) return true;
    } else if (ch === 35 /* # */ && src.charCodeAt(i - 1) === 32) return false;
  }
  return false;
}

/** A key at `at` (up to the end of the line at `eol`): its scalar, and the offset after its ':'. */
function readKey(at: number, eol: number): { scalar: Scalar; after: number } {
  const c = src.charCodeAt(at);
  if (c === 34 /* " */ || c === 39 /* ' */) {
    const q = quoted(at, eol, c);
    if (src.charCodeAt(q.end) !== 58 /* : */) bail();
    const n = q.end + 1 < eol ? src.charCodeAt(q.end + 1) : 10;
    if (n !== 32 && n !== 10) bail();
    q.scalar.range = [at, q.end, q.end];
    return { scalar: q.scalar, after: q.end + 1 };
  }
  if (!plainStart(c, at)) bail();
  for (let i = at; i < eol; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 58 /* : */) {
      const n = i + 1 < eol ? src.charCodeAt(i + 1) : 10;
      if (n !== 32 && n !== 10) continue;
      if (src.charCodeAt(i - 1) === 32) bail(); // `key  :` (yaml's range would exclude the spaces; keep it simple)
      const s = plainScalar(src.slice(at, i), true);
      s.range = [at, i, i];
      return { scalar: s, after: i + 1 };
    }
    if (ch < 32 || ch === 0x85 || ch === 0x2028 || ch === 0x2029 || ch === 0xfeff) bail();
    if (ch === 35 /* # */ && src.charCodeAt(i - 1) === 32) bail();
  }
  bail();
}

/** Whether a plain scalar may start with the character `c` at `at` (conservatively). */
function plainStart(c: number, at: number): boolean {
  switch (c) {
    case 33: // !
    case 34: // "
    case 35: // #
    case 37: // %
    case 38: // &
    case 39: // '
    case 42: // *
    case 44: // ,
    case 58: // :
    case 62: // >
    case 63: // ?
    case 64: // @
    case 91: // [
    case 93: // ]
    case 96: // `
    case 123: // {
    case 124: // |
    case 125: // }
    case 32:
      return false;
    case 45: {
      // -
      const n = src.charCodeAt(at + 1);
      return !(n === 32 || n === 10 || n === 13 || Number.isNaN(n));
    }
    default:
      return c >= 32 && c !== 0xfeff;
  }
}

/**
 * A value that starts on line `l` at `p` after a key or `- `: a scalar or an empty flow
 * collection, ending on that line. `indent` is the column of the collection's items.
 */
function inlineValue(p: number, l: number, indent: number): Block {
  let eol = lineEnd[l];
  const c = src.charCodeAt(p);
  let node: ParsedNode;
  let value: unknown;
  let end: number; // end of the value's text
  if (c === 124 /* | */) return blockLiteral(p, l, indent);
  if (c === 34 /* " */ || c === 39 /* ' */) {
    const q = quoted(p, eol, c);
    node = q.scalar as ParsedNode;
    value = q.scalar.value;
    end = q.end;
  } else if (c === 91 /* [ */) {
    const f = flowSeq(p, eol);
    node = f.node;
    value = f.value;
    end = f.end;
  } else if (c === 123 /* { */) {
    if (src.charCodeAt(p + 1) === 125 /* } */) {
      const coll = newMap();
      coll.flow = true;
      node = coll as ParsedNode;
      value = {};
      end = p + 2;
    } else {
      // It may close on a later line: what follows it is read on that one.
      const f = flowMap(p, l, indent);
      node = f.node;
      value = f.value;
      end = f.end;
      l = f.line;
      eol = lineEnd[l];
    }
  } else {
    if (!plainStart(c, p)) bail();
    let e = p;
    let i = p;
    for (; i < eol; i++) {
      const ch = src.charCodeAt(i);
      if (ch === 32) continue;
      if (ch === 35 /* # */ && src.charCodeAt(i - 1) === 32) break;
      if (ch === 58 /* : */) {
        const n = i + 1 < eol ? src.charCodeAt(i + 1) : 10;
        if (n === 32 || n === 10) bail(); // a nested mapping in a compact one
      }
      if (ch < 32 || ch === 0x85 || ch === 0x2028 || ch === 0x2029 || ch === 0xfeff) bail();
      e = i + 1;
    }
    const s = plainScalar(src.slice(p, e), false);
    node = s as ParsedNode;
    value = s.value;
    end = e;
  }
  // After the value: spaces, then nothing or a comment.
  let i = end;
  while (i < eol && src.charCodeAt(i) === 32) i++;
  if (i < eol && (src.charCodeAt(i) !== 35 /* # */ || i === end)) bail();
  node.range = [p, end, after(l)];
  const next = absorbIndentedComments(node, l, indent);
  return { node, value, gap: next, next };
}

/**
 * A literal block scalar whose header (`|` or `|-`, nothing after it) is at `p` on line `l`,
 * after a key or dash whose collection's items are at column `parent`: its lines are those
 * indented deeper than `parent`, up to the first line indented less than the first one. Kept
 * (`|+`), folded (`>`) and explicitly indented scalars, spaces past the indentation on an empty
 * line, and a comment right after the scalar are left to `yaml`.
 */
function blockLiteral(p: number, l: number, parent: number): Block {
  let h = p + 1;
  const strip = src.charCodeAt(h) === 45; /* - */
  if (strip) h++;
  if (h !== lineEnd[l]) bail();
  let indent = -1;
  let first = -1;
  let last = -1;
  for (let k = l + 1; k < nLines; k++) {
    if (lineIndent[k] < 0) {
      // An empty line: its spaces must not reach past the indentation (they would be content).
      const spaces = lineEnd[k] - lineStart[k];
      if (indent >= 0 && spaces > indent) bail();
      continue;
    }
    const spaces = lineIndent[k];
    if (indent < 0) {
      if (spaces <= parent) break;
      indent = spaces;
      first = k;
    } else if (spaces < indent) break;
    last = k;
  }
  if (last < 0) bail(); // an empty block scalar
  for (let k = l + 1; k < first; k++) if (lineEnd[k] - lineStart[k] > indent) bail();
  let value = '';
  for (let k = l + 1; k <= last; k++) value += lineIndent[k] < 0 ? '\n' : `${src.slice(lineStart[k] + indent, lineEnd[k])}\n`;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if ((ch < 32 && ch !== 10) || ch === 0x85 || ch === 0x2028 || ch === 0x2029 || ch === 0xfeff) bail();
  }
  if (strip) value = value.slice(0, -1);
  for (let k = last + 1; k < nLines && (lineIndent[k] < 0 || lineComment[k]); k++) if (lineComment[k]) bail();
  const s = newScalar(value);
  s.source = value;
  s.type = 'BLOCK_LITERAL';
  const end = after(last);
  s.range = [p, end, end];
  sawBlockScalar = true;
  return { node: s as ParsedNode, value, gap: last + 1, next: last + 1 };
}

/**
 * A flow sequence of scalars that closes on its line (`[]`, `[a, "b", 80]`, as `args:` and
 * `command:` often are); nested collections, pairs, comments and empty entries are left to `yaml`.
 */
function flowSeq(at: number, eol: number): { node: ParsedNode; value: unknown[]; end: number } {
  const seq = newSeq();
  seq.flow = true;
  const value: unknown[] = [];
  let i = at + 1;
  while (i < eol && src.charCodeAt(i) === 32) i++;
  if (src.charCodeAt(i) === 93 /* ] */) return { node: seq as ParsedNode, value, end: i + 1 };
  for (;;) {
    const c = src.charCodeAt(i);
    let item: Scalar;
    let e: number;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = quoted(i, eol, c);
      item = q.scalar;
      e = q.end;
    } else {
      if (i >= eol || !plainStart(c, i)) bail();
      e = i;
      let j = i;
      for (; j < eol; j++) {
        const ch = src.charCodeAt(j);
        if (ch === 44 /* , */ || ch === 93 /* ] */) break;
        if (ch === 32) continue;
        // Pairs, nested collections and comments inside the brackets: left to `yaml`.
        if (ch === 58 /* : */ || ch === 91 || ch === 123 || ch === 125 || (ch === 35 /* # */ && src.charCodeAt(j - 1) === 32)) bail();
        if (ch < 32 || ch === 0x85 || ch === 0x2028 || ch === 0x2029 || ch === 0xfeff) bail();
        e = j + 1;
      }
      item = plainScalar(src.slice(i, e), false);
    }
    let k = e;
    while (k < eol && src.charCodeAt(k) === 32) k++;
    item.range = [i, e, k];
    seq.items.push(item as ParsedNode);
    value.push(item.value);
    const d = src.charCodeAt(k);
    if (d === 93 /* ] */) return { node: seq as ParsedNode, value, end: k + 1 };
    if (d !== 44 /* , */ || k >= eol) bail();
    k++;
    while (k < eol && src.charCodeAt(k) === 32) k++;
    // A trailing comma or an empty entry: left to `yaml`.
    if (k >= eol || src.charCodeAt(k) === 93 || src.charCodeAt(k) === 44) bail();
    i = k;
  }
}

/**
 * A flow mapping of scalars (`{k0: 0, "k1": 'x'}`) whose `{` is at `at` on line `l`, the value of a
 * key or dash whose collection's items are at column `indent`; it may run over several lines (a
 * generated or hand-folded mapping), each indented past `indent` (the line of its `}` at least to
 * `indent`). Each entry is `key: value` on one line, separated by commas. Nested collections,
 * empty keys or values, comments, blank lines, a trailing comma, a scalar over two lines, `:` in a
 * plain scalar, and keys that repeat: left to `yaml`. Ranges as `yaml` gives them: a key's ends at
 * its text, a value's third offset takes the spaces after it and, when it ends its line, the line
 * break.
 */
function flowMap(at: number, l: number, indent: number): { node: ParsedNode; value: Record<string, unknown>; end: number; line: number } {
  const map = newMap();
  map.flow = true;
  const obj: Record<string, unknown> = {};
  let line = l;
  let i = at + 1;
  /** Skips spaces, and line breaks onto the next line (which must be indented, with content). */
  const skip = () => {
    for (;;) {
      while (i < lineEnd[line] && src.charCodeAt(i) === 32) i++;
      if (i < lineEnd[line]) return;
      if (line + 1 >= nLines) bail();
      line++;
      const ind = lineIndent[line];
      if (ind < 0 || lineComment[line]) bail();
      i = lineStart[line] + ind;
      if (!(ind > indent || (ind === indent && src.charCodeAt(i) === 125) /* } */)) bail();
    }
  };
  /** A scalar at `i`, ending before `stop` (`:` for a key; `,` or `}` for a value) on its line. */
  const scalar = (atKey: boolean): { scalar: Scalar; end: number } => {
    const c = src.charCodeAt(i);
    const eol = lineEnd[line];
    if (c === 34 /* " */ || c === 39 /* ' */) return quoted(i, eol, c);
    if (!plainStart(c, i)) bail();
    // `-` before a flow indicator is not a scalar in a flow collection.
    if (c === 45 /* - */ && ',[]{}'.includes(src[i + 1])) bail();
    let e = i;
    for (let j = i; j < eol; j++) {
      const ch = src.charCodeAt(j);
      if (ch === 32) continue;
      if (ch === 58 /* : */) {
        if (atKey) break;
        bail();
      }
      if (ch === 44 /* , */ || ch === 125 /* } */) {
        if (atKey) bail();
        break;
      }
      if (ch === 91 || ch === 93 || ch === 123 || (ch === 35 /* # */ && src.charCodeAt(j - 1) === 32)) bail();
      if (ch < 32 || ch === 0x85 || ch === 0x2028 || ch === 0x2029 || ch === 0xfeff) bail();
      e = j + 1;
    }
    return { scalar: plainScalar(src.slice(i, e), atKey), end: e };
  };
  skip();
  for (;;) {
    const key = scalar(true);
    const k = key.scalar;
    k.range = [i, key.end, key.end];
    const name = k.value as string;
    if (typeof name !== 'string' || Object.prototype.hasOwnProperty.call(obj, name) || name === '__proto__') bail();
    i = key.end;
    while (i < lineEnd[line] && src.charCodeAt(i) === 32) i++;
    if (src.charCodeAt(i) !== 58 /* : */ || src.charCodeAt(i + 1) !== 32) bail();
    i += 2;
    while (i < lineEnd[line] && src.charCodeAt(i) === 32) i++;
    if (i >= lineEnd[line]) bail(); // the value on the next line
    const start = i;
    const v = scalar(false);
    const vs = v.scalar;
    i = v.end;
    while (i < lineEnd[line] && src.charCodeAt(i) === 32) i++;
    vs.range = [start, v.end, i < lineEnd[line] ? i : after(line)];
    map.items.push(newPair(k as ParsedNode, vs as ParsedNode));
    obj[name] = vs.value;
    skip();
    const d = src.charCodeAt(i);
    if (d === 125 /* } */) return { node: map as ParsedNode, value: obj, end: i + 1, line };
    if (d !== 44 /* , */) bail();
    i++;
    skip();
    if (src.charCodeAt(i) === 125 || src.charCodeAt(i) === 44) bail(); // a trailing comma, an empty entry
  }
}

/** A quoted scalar at `at` that closes on its line; escapes and line breaks are left to `yaml`. */
function quoted(at: number, eol: number, q: number): { scalar: Scalar; end: number } {
  let value: string;
  let end: number;
  if (q === 34 /* " */) {
    const close = src.indexOf('"', at + 1);
    if (close < 0 || close >= eol) bail();
    value = src.slice(at + 1, close);
    if (value.indexOf('\\') >= 0) bail();
    end = close + 1;
  } else {
    let i = at + 1;
    let parts = '';
    for (;;) {
      const close = src.indexOf("'", i);
      if (close < 0 || close >= eol) bail();
      if (src.charCodeAt(close + 1) === 39) {
        parts += src.slice(i, close + 1);
        i = close + 2;
        continue;
      }
      parts += src.slice(i, close);
      end = close + 1;
      break;
    }
    value = parts;
  }
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch < 32 || ch === 0x85 || ch === 0x2028 || ch === 0x2029 || ch === 0xfeff) bail();
  }
  const s = newScalar(value);
  s.source = value;
  s.type = q === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
  return { scalar: s, end };
}

/** A plain scalar's node, resolved with the core schema's tags as `yaml` does. */
function plainScalar(text: string, atKey: boolean): Scalar {
  const c = text.charCodeAt(0);
  let s: Scalar;
  // Letters other than n/N/t/T/f/F (null, true, false) and '/' never start a non-string.
  if (
    ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 47 || c === 95) &&
    c !== 110 &&
    c !== 78 &&
    c !== 116 &&
    c !== 84 &&
    c !== 102 &&
    c !== 70
  ) {
    s = newScalar(text);
  } else {
    const tag = PLAIN_TAGS.find((t) => t.test!.test(text));
    if (!tag) s = newScalar(text);
    else {
      if (atKey) bail(); // a null, bool or number as a key
      let failed = false;
      const res = tag.resolve(
        text,
        () => {
          failed = true;
        },
        OPTIONS,
      );
      if (failed || typeof res === 'bigint') bail();
      s = isScalar(res) ? res : newScalar(res);
      if (tag.format) s.format = tag.format;
    }
  }
  s.source = text;
  s.type = 'PLAIN';
  return s;
}
