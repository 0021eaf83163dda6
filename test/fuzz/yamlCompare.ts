import { isDeepStrictEqual } from 'node:util';
import { isAlias, isDocument, isMap, isPair, isScalar, isSeq, type Document } from 'yaml';

/**
 * Structural equality of two `parseAllDocuments` results, for proving that a hand-written YAML
 * parser builds exactly the Document objects the `yaml` package builds.
 *
 * The walk is generic: every own enumerable property of a document, node, pair, error or
 * directives object is compared recursively (primitives with `Object.is`, so NaN equals NaN and
 * -0 differs from 0), except the few in SKIP. A property the fast parser forgets to set (or sets
 * where the library does not) therefore shows up as a difference. A property that is absent on
 * one side and `undefined` on the other counts as equal: no consumer can tell them apart except
 * by `in`/`Object.keys`, and the library itself mixes both styles.
 *
 * Besides the tree, each document's `toString()` and `toJS({ maxAliasCount: 1000 })` are compared
 * (both throwing the same message counts as equal), and `options` by value.
 */

/** Properties never compared: the shared schema (compared by name instead) and source tokens. */
const SKIP = new Set(['schema', 'srcToken']);

/** The class of a value as the yaml package sees it, so Scalar vs YAMLMap is reported by name. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  if (Array.isArray(v)) return 'Array';
  if (isDocument(v)) return 'Document';
  if (isScalar(v)) return 'Scalar';
  if (isMap(v)) return 'YAMLMap';
  if (isSeq(v)) return 'YAMLSeq';
  if (isPair(v)) return 'Pair';
  if (isAlias(v)) return 'Alias';
  return (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'Object';
}

function show(v: unknown): string {
  if (typeof v === 'symbol' || typeof v === 'function') return String(v).slice(0, 40);
  if (typeof v === 'number' || typeof v === 'bigint') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'undefined';
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return kindOf(v);
  }
}

/** The first difference between `a` (fast) and `b` (slow) below `path`, or undefined. */
function diffValue(a: unknown, b: unknown, path: string, depth = 0, skip: ReadonlySet<string> = SKIP): string | undefined {
  if (Object.is(a, b)) return undefined;
  // The merge key `<<` (YAML 1.1, or the `merge` option) resolves to a fresh Symbol('<<') per parse.
  if (typeof a === 'symbol' && typeof b === 'symbol' && a.description === b.description) return undefined;
  if (depth > 2000) return `${path}: nesting deeper than 2000`;
  const ka = kindOf(a);
  const kb = kindOf(b);
  const objA = typeof a === 'object' && a !== null;
  const objB = typeof b === 'object' && b !== null;
  const objects = objA && objB;
  if (ka !== kb && (objA || objB)) return `${path}: ${ka} ${show(a)} vs ${kb} ${show(b)}`;
  if (!objects) {
    return `${path}: ${show(a)} vs ${show(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length: ${a.length} vs ${b.length} (${show(a)} vs ${show(b)})`;
    for (let i = 0; i < a.length; i++) {
      const d = diffValue(a[i], b[i], `${path}[${i}]`, depth + 1, skip);
      if (d) return d;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  if (a instanceof Error && b instanceof Error && a.message !== b.message) {
    return `${path}.message: ${show(a.message)} vs ${show(b.message)}`;
  }
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((k) => !skip.has(k));
  for (const k of keys) {
    const d = diffValue(ra[k], rb[k], `${path}.${k}`, depth + 1, skip);
    if (d) return d;
  }
  return undefined;
}

/** Calls `f`, turning a throw into its message so that two throwing sides can be compared. */
function outcome(f: () => unknown): { value?: unknown; thrown?: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { thrown: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

function diffOutcome(what: string, fa: () => unknown, fb: () => unknown, path: string): string | undefined {
  const a = outcome(fa);
  const b = outcome(fb);
  if (a.thrown !== undefined || b.thrown !== undefined) {
    return a.thrown === b.thrown ? undefined : `${path}.${what}: threw ${show(a.thrown)} vs ${show(b.thrown)}`;
  }
  if (isDeepStrictEqual(a.value, b.value)) return undefined;
  return `${path}.${what}: ${show(a.value)} vs ${show(b.value)}`;
}

function diffDocument(fast: Document.Parsed, slow: Document.Parsed, path: string): string | undefined {
  if (!isDocument(fast) || !isDocument(slow)) return `${path}: ${kindOf(fast)} vs ${kindOf(slow)}`;
  if (Object.getPrototypeOf(fast) !== Object.getPrototypeOf(slow)) return `${path}: Document classes differ`;
  // The named fields first, so the report points at the most telling difference.
  for (const k of ['range', 'errors', 'warnings', 'commentBefore', 'comment', 'directives'] as const) {
    const d = diffValue(fast[k], slow[k], `${path}.${k}`);
    if (d) return d;
  }
  const ds = diffValue(fast.schema?.name, slow.schema?.name, `${path}.schema.name`);
  if (ds) return ds;
  const dc = diffValue(fast.contents, slow.contents, `${path}.contents`);
  if (dc) return dc;
  // Then everything else the document holds (options included, by value).
  const done = new Set(['range', 'errors', 'warnings', 'commentBefore', 'comment', 'directives', 'contents', ...SKIP]);
  const ra = fast as unknown as Record<string, unknown>;
  const rb = slow as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    if (done.has(k)) continue;
    const d = diffValue(ra[k], rb[k], `${path}.${k}`);
    if (d) return d;
  }
  return (
    diffOutcome(
      'toString()',
      () => fast.toString(),
      () => slow.toString(),
      path,
    ) ??
    diffOutcome(
      'toJS()',
      () => fast.toJS({ maxAliasCount: 1000 }),
      () => slow.toJS({ maxAliasCount: 1000 }),
      path,
    )
  );
}

/**
 * Undefined when the two parses are equal, else a short description of the first difference,
 * e.g. `doc[0].contents.items[1].value.comment: " c" vs undefined` (fast vs slow).
 */
export function compareDocuments(fast: Document.Parsed[], slow: Document.Parsed[]): string | undefined {
  if (!Array.isArray(fast)) return `fast result is ${kindOf(fast)}, not an array of documents`;
  if (fast.length !== slow.length) return `document count: ${fast.length} vs ${slow.length}`;
  for (let i = 0; i < fast.length; i++) {
    const d = diffDocument(fast[i], slow[i], `doc[${i}]`);
    if (d) return d;
  }
  return undefined;
}

/** What a reader that keeps no comments leaves out of a node tree (see server/src/core/yaml/fastYaml.ts). */
const SKIP_COMMENTS: ReadonlySet<string> = new Set([...SKIP, 'comment', 'commentBefore', 'spaceBefore']);

/**
 * Undefined when two node trees are equal but for comments and `spaceBefore` (every other own
 * enumerable property compared, as in `compareDocuments`), else the first difference.
 */
export function compareTreesWithoutComments(fast: unknown, slow: unknown, path = 'contents'): string | undefined {
  return diffValue(fast, slow, path, 0, SKIP_COMMENTS);
}
