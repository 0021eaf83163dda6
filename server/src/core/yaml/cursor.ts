import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { PathSeg } from './nodes';

/** Where the cursor is in a YAML document, for completion and hover. */
export interface CursorContext {
  /**
   * YAML path (from the document root) of the mapping value being completed/hovered. For target
   * 'key': the path of the MAPPING in which a key is being typed (e.g. ['spec','ports',0]). For
   * 'value': the path of the value's key (e.g. ['spec','ports',0,'targetPort']).
   */
  path: PathSeg[];
  target: 'key' | 'value';
  /** Chunk-relative offsets of the word under the cursor that a completion replaces (may be empty at the cursor). */
  replace: { start: number; end: number };
  /** Text of that word before the cursor. */
  prefix: string;
  /** Keys already present in the mapping (for 'key'). */
  existingKeys: string[];
}

/** What one line of block YAML holds, as far as the indentation walk cares. */
interface LineInfo {
  start: number;
  text: string;
  /** Column of the first non-space character (the line length for blank lines). */
  indent: number;
  /** Blank, comment, document marker, or content of a block scalar. */
  skip: boolean;
  /** Columns of the `- ` sequence indicators at the start of the line. */
  dashes: number[];
  /** The mapping key on the line (after any dashes), unquoted. */
  key?: string;
  keyCol?: number;
  /** Column where the text after `key:` starts (after the spaces). */
  valueCol?: number;
  value?: string;
}

const QUOTED_KEY_RE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*:(?:[ \t]+|$)/;

/**
 * A plain or quoted key at the start of `s` followed by `:` and a space or the end of the text:
 * the key's text and the length up to its value. Plain keys are scanned by hand, in one pass
 * (a lazy regex for them backtracks quadratically on long lines without a colon).
 */
function matchKey(s: string): { raw: string; length: number } | undefined {
  const q = QUOTED_KEY_RE.exec(s);
  if (q) return { raw: q[1], length: q[0].length };
  const c0 = s[0];
  if (c0 === undefined || ' \t\r\n#\'"{[],'.includes(c0)) return undefined;
  if (c0 === '-' && (s.length < 2 || ' \t\r\n#'.includes(s[1]))) return undefined;
  for (let i = c0 === '-' ? 2 : 1; i < s.length; i++) {
    const ch = s[i];
    if (ch === '#') return undefined;
    if (ch === ':' && (i + 1 === s.length || s[i + 1] === ' ' || s[i + 1] === '\t')) {
      let end = i + 1;
      while (end < s.length && (s[end] === ' ' || s[end] === '\t')) end++;
      return { raw: s.slice(0, i).trimEnd(), length: end };
    }
  }
  return undefined;
}

function unquote(k: string): string {
  if (k.startsWith('"')) {
    try {
      return JSON.parse(k) as string;
    } catch {
      return k.slice(1, -1);
    }
  }
  if (k.startsWith("'")) return k.slice(1, -1).replace(/''/g, "'");
  return k;
}

/** Splits the text of a line into its dashes, key and value (no block-scalar awareness). */
function analyzeLine(text: string, start: number): LineInfo {
  const indent = /^ */.exec(text)![0].length;
  const info: LineInfo = { start, text, indent, skip: false, dashes: [] };
  const rest = text.slice(indent);
  if (rest === '' || rest.startsWith('#') || /^(---|\.\.\.)(\s|$)/.test(rest) || rest.startsWith('%')) {
    info.skip = true;
    return info;
  }
  let col = indent;
  while (/^-( +|$)/.test(text.slice(col))) {
    info.dashes.push(col);
    const m = /^-( *)/.exec(text.slice(col))!;
    col += m[0].length;
    if (col >= text.length) break;
  }
  const m = matchKey(text.slice(col));
  if (m) {
    info.key = unquote(m.raw.trimEnd());
    info.keyCol = col;
    info.valueCol = col + m.length;
    info.value = text.slice(info.valueCol);
  }
  return info;
}

/** Lines of the chunk with block scalar contents marked as skipped. */
function linesOf(text: string): LineInfo[] {
  const out: LineInfo[] = [];
  let blockCol = -1;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end).replace(/\r$/, '');
    const info = analyzeLine(raw, start);
    if (blockCol >= 0) {
      if (info.skip && raw.trim() === '') {
        out.push(info);
        start = end + 1;
        continue;
      }
      if (info.indent > blockCol) {
        info.skip = true;
        out.push(info);
        start = end + 1;
        continue;
      }
      blockCol = -1;
    }
    if (!info.skip && info.key !== undefined && /^[|>][-+0-9]*\s*(#.*)?$/.test(info.value ?? '')) blockCol = info.keyCol!;
    out.push(info);
    start = end + 1;
  }
  return out;
}

interface Frame {
  col: number;
  seg: PathSeg;
  item: boolean;
}

/** Pops the frames a key at column `col` closes, leaving its parents. */
function popForKey(stack: Frame[], col: number): void {
  while (stack.length && stack[stack.length - 1].col >= col) stack.pop();
}

/** Pops for a `- ` at `col`; returns the index of the new item. */
function popForDash(stack: Frame[], col: number): number {
  while (stack.length && stack[stack.length - 1].col > col) stack.pop();
  const top = stack[stack.length - 1];
  if (top && top.item && top.col === col) {
    stack.pop();
    return (top.seg as number) + 1;
  }
  return 0;
}

/** Applies a line's dashes (and, unless `keyless`, its key) to the stack. */
function applyLine(stack: Frame[], info: LineInfo, keyless = false): void {
  for (const d of info.dashes) stack.push({ col: d, seg: popForDash(stack, d), item: true });
  if (!keyless && info.key !== undefined) {
    popForKey(stack, info.keyCol!);
    stack.push({ col: info.keyCol!, seg: info.key, item: false });
  }
}

/** Keys at column `col` of the mapping the cursor line belongs to, above and below it. */
function siblingKeys(lines: LineInfo[], cur: number, col: number, startsHere: boolean): string[] {
  const keys: string[] = [];
  if (!startsHere) {
    for (let j = cur - 1; j >= 0; j--) {
      const l = lines[j];
      if (l.skip) continue;
      if (l.indent < col) {
        if (l.dashes.length && l.keyCol === col && l.key !== undefined) keys.unshift(l.key);
        break;
      }
      if (l.dashes.length === 0 && l.keyCol === col && l.key !== undefined) keys.unshift(l.key);
    }
  }
  for (let j = cur + 1; j < lines.length; j++) {
    const l = lines[j];
    if (l.skip) continue;
    if (l.indent < col) break;
    if (l.dashes.length === 0 && l.keyCol === col && l.key !== undefined) keys.push(l.key);
  }
  return keys;
}

const WORD_CHAR = /[^\s:#,{}[\]"']/;

function wordEnd(text: string, from: number): number {
  let e = from;
  while (e < text.length && WORD_CHAR.test(text[e])) e++;
  return e;
}

/** The innermost flow mapping containing `offset`, with its path from the root. */
function flowMapAt(node: Node | null | undefined, offset: number, path: PathSeg[]): { node: Node; path: PathSeg[] } | undefined {
  if (!node || !node.range || offset < node.range[0] || offset > node.range[1]) return undefined;
  if (isMap(node)) {
    for (const p of node.items) {
      if (!isPair(p) || !isScalar(p.key)) continue;
      const hit = flowMapAt(p.value as Node | null, offset, [...path, String(p.key.value)]);
      if (hit) return hit;
    }
    return node.flow && offset > node.range[0] && offset < node.range[1] ? { node, path } : undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const hit = flowMapAt(node.items[i] as Node, offset, [...path, i]);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** How many flow collections are open at the end of `s` (quotes and comments respected). */
function flowDepth(s: string): number {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      if (depth > 0 || /[\s:]/.test(s[i - 1] ?? ' ')) quote = ch;
    } else if (ch === '#' && /\s/.test(s[i - 1] ?? ' ')) break;
    else if (ch === '{' || ch === '[') depth++;
    else if ((ch === '}' || ch === ']') && depth > 0) depth--;
  }
  return depth;
}

/** Completion context inside a flow mapping `{a: 1, b|}`; undefined when the text is not simple. */
function flowContext(contents: Node | null, text: string, offset: number): CursorContext | undefined {
  const hit = flowMapAt(contents, offset, []);
  if (!hit || !isMap(hit.node)) return undefined;
  const open = hit.node.range![0];
  // The entry being typed starts after the last comma at this flow level.
  let pieceStart = open + 1;
  let depth = 0;
  for (let i = open + 1; i < offset; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) pieceStart = i + 1;
    else if (ch === '"' || ch === "'" || ch === '\n') return undefined;
  }
  const piece = text.slice(pieceStart, offset);
  const existingKeys = hit.node.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : []));
  // `key: ` before the cursor: the first colon, when whitespace follows it (found without a
  // lazy regex, which backtracks quadratically on long runs of spaces).
  const c = piece.indexOf(':');
  const key = c > 0 ? piece.slice(0, c).trim() : '';
  let after = c + 1;
  while (c > 0 && after < piece.length && /\s/.test(piece[after])) after++;
  if (key !== '' && after > c + 1) {
    const vStart = pieceStart + after;
    return {
      path: [...hit.path, key],
      target: 'value',
      replace: { start: vStart, end: wordEnd(text, offset) },
      prefix: text.slice(vStart, offset),
      existingKeys: [],
    };
  }
  const lead = /^\s*/.exec(piece)![0].length;
  const wStart = pieceStart + lead;
  const prefix = text.slice(wStart, offset);
  if (!/^[^\s:]*$/.test(prefix)) return undefined;
  const end = wordEnd(text, offset);
  const word = text.slice(wStart, end);
  return {
    path: hit.path,
    target: 'key',
    replace: { start: wStart, end },
    prefix,
    existingKeys: existingKeys.filter((k) => k !== word),
  };
}

/**
 * Finds what the cursor is on: a key being typed in a mapping, or the value of a key.
 *
 * `text` is the chunk text the document was parsed from; `offset` is relative to the chunk.
 * Works on incomplete YAML being typed: `targetPort: |` (empty value), `  tar|` on its own line
 * inside a mapping (the parent mapping is found from the indentation, so the line may be a syntax
 * error), `- |` new list item, and simple flow maps `{a: |}`. Block structure comes from an
 * indentation walk over the lines above the cursor rather than from the (possibly broken) tree;
 * the tree is only used to find flow mappings. Returns undefined outside any mapping/value
 * (in a comment, in a block scalar, inside a quoted scalar's text...).
 */
/** `contents`: the document's root node (`ParsedDocument.contents`), read only inside flow mappings. */
export function cursorContext(contents: Node | null, text: string, offset: number): CursorContext | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  const lines = linesOf(text);
  // The line holding the offset; an offset between a line's \r and \n belongs to that line.
  let cur = 0;
  while (cur + 1 < lines.length && lines[cur + 1].start <= offset) cur++;
  const line = lines[cur];
  const col = offset - line.start;
  const before = line.text.slice(0, col);

  if (flowDepth(before) > 0) return flowContext(contents, text, offset);
  if (line.skip && line.text.trim() !== '') return undefined;
  if (before.includes('#')) return undefined;

  // Walk the structure above the cursor line.
  const stack: Frame[] = [];
  for (let j = 0; j < cur; j++) if (!lines[j].skip) applyLine(stack, lines[j]);

  const partial = analyzeLine(before, line.start);
  if (partial.key !== undefined && partial.valueCol !== undefined && /\s/.test(before[partial.valueCol - 1] ?? '')) {
    // `key: |` or `- key: va|`: a value.
    applyLine(stack, partial);
    const vStart = line.start + partial.valueCol;
    let s = vStart;
    if (text[s] === '"' || text[s] === "'") s++;
    const start = Math.min(s, offset);
    const prefix = text.slice(start, offset);
    // Block scalar headers and flow sequences are not completed.
    if (/^[|>[]/.test(prefix)) return undefined;
    return {
      path: stack.map((f) => f.seg),
      target: 'value',
      replace: { start, end: wordEnd(text, offset) },
      prefix,
      existingKeys: [],
    };
  }

  // `  tar|`, `- |`, `- na|me: x`: a key being typed.
  const dashes: number[] = [];
  let c = /^ */.exec(before)![0].length;
  while (/^-( +|$)/.test(before.slice(c)) && c < before.length) {
    dashes.push(c);
    c += /^-( *)/.exec(before.slice(c))![0].length;
  }
  const prefix = before.slice(c);
  if (!/^[^\s:#{}[\],"']*$/.test(prefix)) return undefined;
  applyLine(stack, { ...partial, dashes }, true);
  popForKey(stack, c);
  const start = line.start + c;
  const end = wordEnd(text, offset);
  return {
    path: stack.map((f) => f.seg),
    target: 'key',
    replace: { start, end },
    prefix,
    existingKeys: siblingKeys(lines, cur, c, dashes.length > 0),
  };
}
