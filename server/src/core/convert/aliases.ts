import { isAlias, isCollection, isPair, isScalar, isSeq, visit, type Alias, type Document, type Node } from 'yaml';
import { parseChunk, type ParsedDocument } from '../yaml/documents';
import { MAX_ALIAS_COUNT } from '../yaml/limits';
import { applyEdits, diffEdits, lineEndAt, lineStartAt, shift } from './text';
import type { ConvertInput, TextEdit } from './types';

/**
 * YAML anchors and aliases in the conversions. The conversions read nodes and edit source text;
 * an alias (`labels: *l`) is not the mapping it stands for, and an edit of an anchored node
 * (`labels: &l`) changes every alias of it too. So a conversion runs on the document with its
 * aliases written out (each one a copy of its anchored node): what it reads is resolved, and
 * what it edits is edited at that one place. The aliases whose meaning the conversion does not
 * change are then kept as they are: of the aliases, only those are written out without which the
 * converted document would mean something else than the fully written-out one.
 */

type Result = { edits: TextEdit[]; notes: string[] };

/** At most this many aliases are tried one by one; a document with more has them all written out. */
const MAX_TRIED = 16;
/** The written-out aliases of a document may add at most this many characters. */
const MAX_EXPANSION = 1_000_000;

class ExpansionError extends Error {}

interface Site {
  alias: Alias;
  /** Where the alias is, as a path (`spec.selector.dataplaneTags`). */
  where: string;
  /** The nearest collection holding the alias is a flow collection (`{a: *x}`, `[*x]`). */
  inFlow: boolean;
  /** Column of the key whose value the alias is, when the alias follows `key:` on its line. */
  keyCol?: number;
}

/**
 * Runs a conversion on a document, with the aliases it reads or whose anchored node it edits
 * written out. `run` gets the (possibly rewritten) input; the result's edits are on the original chunk.
 */
export function withAliases<R extends Result>(
  input: ConvertInput,
  run: (input: ConvertInput) => R | { error: string },
): R | { error: string } {
  const pd = input.doc;
  if (pd.plain || pd.errors.length > 0) return run(input);
  const doc = pd.doc;
  const sites = aliasSites(doc);
  if (sites.length === 0) return run(input);
  const text = input.chunk;
  for (const s of sites) {
    if (!s.alias.resolve(doc)) {
      return {
        error: `The alias *${s.alias.source} at ${s.where} has no anchor &${s.alias.source} before it in its document (anchors do not reach across \`---\`): fix the YAML before converting.`,
      };
    }
  }
  // An alias bomb: its document has no value to keep the meaning of.
  if (pd.limit) return { error: pd.limit.message };
  const ordinal = Math.max(
    0,
    parseChunk(text).findIndex((d) => d.range.start === pd.range.start),
  );
  /** The conversion of the chunk with the aliases `expanded` written out: its text and value. */
  const attempt = (expanded: Site[]) => {
    const chunk = expanded.length
      ? applyEdits(
          text,
          expanded.map((s) => expansion(text, doc, s)),
        )
      : text;
    const parsed = expanded.length ? parseChunk(chunk)[ordinal] : pd;
    if (!parsed || parsed.errors.length > 0) throw new ExpansionError('the aliases could not be written out');
    const r = run({ ...input, chunk, doc: parsed });
    if ('error' in r) return r;
    const out = applyEdits(chunk, r.edits);
    return { r, out, value: valueOf(parseChunk(out)[ordinal]) };
  };
  let full: ReturnType<typeof attempt>;
  try {
    full = attempt(sites);
  } catch (err) {
    if (err instanceof ExpansionError)
      return { error: `This document's YAML aliases cannot be written out for the conversion (${err.message}).` };
    throw err;
  }
  if ('error' in full) return full;
  if (full.value === undefined) return { error: 'The conversion of this document with its aliases written out is not valid YAML.' };
  const same = (expanded: Site[]) => {
    try {
      const a = attempt(expanded);
      return 'error' in a || a.value === undefined || !deepEqual(a.value, full.value) ? undefined : a;
    } catch {
      return undefined;
    }
  };
  // Most often no alias is touched: the conversion as it is means the same.
  const untouched = same([]);
  if (untouched) return untouched.r;
  let expanded = sites;
  let best = full;
  if (sites.length <= MAX_TRIED) {
    for (const s of sites) {
      const fewer = expanded.filter((x) => x !== s);
      const r = same(fewer);
      if (r) {
        expanded = fewer;
        best = r;
      }
    }
  }
  const written = expanded.map((s) => `*${s.alias.source} at ${s.where}`);
  const note = `The alias${written.length > 1 ? 'es' : ''} ${written.join(', ')} ${written.length > 1 ? 'were' : 'was'} written out as a copy of the anchored value: the conversion changes that value or reads it, and the other places keep their meaning.`;
  return { ...best.r, edits: diffEdits(text, best.out), notes: [...best.r.notes, note] };
}

/** An alias met by `visit`, with its place. */
function siteOf(key: number | 'key' | 'value' | null, alias: Alias, path: readonly unknown[]): Site {
  const parents = path.filter((p) => isCollection(p));
  const holder = parents[parents.length - 1] as { flow?: boolean } | undefined;
  const segs: string[] = [];
  path.forEach((p, i) => {
    const child = path[i + 1] ?? alias;
    if (isPair(p) && isScalar(p.key)) segs.push(String(p.key.value));
    else if (isSeq(p)) segs.push(`[${p.items.indexOf(child as never)}]`);
  });
  const site: Site = { alias, where: segs.join('.').replace(/\.\[/g, '[') || '(the document)', inFlow: Boolean(holder?.flow) };
  const pair = path[path.length - 1];
  if (key === 'value' && isPair(pair) && isScalar(pair.key) && pair.key.range) site.keyCol = pair.key.range[0];
  return site;
}

/** The aliases in value places (not keys) of a document, in text order. */
function aliasSites(doc: Document.Parsed): Site[] {
  const sites: Site[] = [];
  visit(doc, {
    Alias(key, node, path) {
      if (key !== 'key' && node.range) sites.push(siteOf(key, node, path));
    },
  });
  return sites.sort((a, b) => a.alias.range![0] - b.alias.range![0]);
}

/** A node's value, aliases resolved; undefined when the YAML is broken or an alias unresolved. */
function valueOf(pd: ParsedDocument | undefined): unknown {
  if (!pd || pd.errors.length > 0) return undefined;
  try {
    return pd.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? null;
  } catch {
    return undefined;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as never)[k], (b as never)[k]));
}

/**
 * The edit that writes an alias out: its anchored node's source (comments kept, anchors inside
 * it dropped, aliases inside it written out too), re-indented to the alias's place. A block
 * collection goes on the lines after `key:` (or right after `- `); a value that cannot keep its
 * block form there (inside a flow collection, a multi-line scalar) is written as JSON, which is
 * YAML too.
 */
function expansion(text: string, doc: Document.Parsed, site: Site, budget = { left: MAX_EXPANSION }, depth = 0): TextEdit {
  const alias = site.alias;
  const [a0, a1] = alias.range!;
  const target = alias.resolve(doc) as Node | undefined;
  if (!target?.range || depth > 20) throw new ExpansionError(`*${alias.source} cannot be resolved`);
  const body = copyOf(text, doc, target, budget, depth);
  const flowTarget = !isCollection(target) || Boolean((target as { flow?: boolean }).flow);
  if (site.inFlow || flowTarget) {
    const one = body.includes('\n') || !flowTarget ? JSON.stringify(target.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT })) : body;
    return charge(budget, { range: { start: a0, end: a1 }, newText: one });
  }
  const c0 = target.range[0] - lineStartAt(text, target.range[0]);
  const lineStart = lineStartAt(text, a0);
  const before = text.slice(lineStart, a0);
  const aliasCol = a0 - lineStart;
  if (/^[ ]*(- +)*$/.test(before)) {
    // `- *l` or `*l` alone on its line: the copy starts at the alias, its other lines at the alias's column.
    return charge(budget, { range: { start: a0, end: a1 }, newText: shift(' '.repeat(c0) + body, aliasCol - c0).slice(aliasCol) });
  }
  // `key: *l  # comment`: the comment stays on the key line, the copy goes below the key, indented.
  const keyCol = site.keyCol !== undefined && site.keyCol >= lineStart ? site.keyCol - lineStart : /^ */.exec(before)![0].length;
  const lineEnd = lineEndAt(text, a0);
  const rest = text.slice(a1, lineEnd).replace(/\r?\n$/, '');
  const comment = rest.trim();
  let start = a0;
  while (start > lineStart && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  const block = shift(' '.repeat(c0) + body, keyCol + 2 - c0);
  return charge(budget, { range: { start, end: a1 + rest.length }, newText: (comment ? ` ${comment}` : '') + '\n' + block });
}

function charge(budget: { left: number }, e: TextEdit): TextEdit {
  budget.left -= e.newText.length;
  if (budget.left < 0) throw new ExpansionError('they expand to too much text');
  return e;
}

/** The source of a node without its trailing line end, anchors inside it dropped, aliases inside it written out. */
function copyOf(text: string, doc: Document.Parsed, node: Node, budget: { left: number }, depth: number): string {
  const [n0, n1] = node.range!;
  const edits: TextEdit[] = [];
  visit(node as never, {
    Node(key, n, path) {
      const inner = n as Node;
      if (inner === node || !inner.range) return;
      if (isAlias(inner)) {
        if (key !== 'key') edits.push(expansion(text, doc, siteOf(key, inner, path), budget, depth + 1));
        return;
      }
      if (inner.anchor) {
        const at = text.lastIndexOf(`&${inner.anchor}`, inner.range[0]);
        if (at > n0) {
          let end = at + 1 + inner.anchor.length;
          while (text[end] === ' ' || text[end] === '\t') end++;
          let start = at;
          if (text[end] === '\n' || text[end] === '\r' || text[end] === '#') while (text[start - 1] === ' ') start--;
          edits.push({ range: { start, end: text[end] === '#' ? end - 1 : end }, newText: '' });
        }
      }
    },
  });
  const shifted = edits.map((e) => ({ range: { start: e.range.start - n0, end: e.range.end - n0 }, newText: e.newText }));
  return applyEdits(text.slice(n0, n1), shifted).trimEnd();
}
