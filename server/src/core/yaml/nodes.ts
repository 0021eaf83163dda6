import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { OffsetRange } from '../types';

/** A step in a path: a mapping key or a sequence index. */
export type PathSeg = string | number;

/** The pair of `map` whose key is the scalar `key` (the first, when the key is repeated). */
export function findPair(map: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
  for (const item of map.items as Pair<Node, Node | null>[]) {
    const k = item.key;
    if (isScalar(k) ? String(k.value) === key : false) return item;
  }
  return undefined;
}

/** Mappings with fewer pairs than this are scanned: cheaper than building an index. */
const INDEX_FROM = 16;

/**
 * `findPair` for many look-ups in one tree that does not change meanwhile (one document's
 * checks): each large mapping's pairs are indexed by key text on first use, so finding the
 * pairs of all n keys of a mapping costs O(n), not the O(n²) of a scan per key (issue 19: a
 * MeshService with 40,000 unknown keys under `spec` took 25 s). Same answers as `findPair`.
 */
export class PairLookup {
  private readonly index = new WeakMap<YAMLMap, Map<string, Pair<Node, Node | null>>>();

  find(map: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
    const items = map.items as Pair<Node, Node | null>[];
    if (items.length < INDEX_FROM) return findPair(map, key);
    let byKey = this.index.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const item of items) {
        const k = item.key;
        if (!isScalar(k)) continue;
        const text = String(k.value);
        if (!byKey.has(text)) byKey.set(text, item);
      }
      this.index.set(map, byKey);
    }
    return byKey.get(key);
  }
}

/** Where a path leads in a YAML tree, or as far as it gets. */
export interface Located {
  /** True when every segment was found. */
  complete: boolean;
  /** The node the path (or the deepest prefix found) ends at. */
  node: Node | null | undefined;
  /** The key node of that node when it is a mapping value. */
  key: Node | undefined;
  /** How many segments were found. */
  depth: number;
}

/** Follows `path` from `root`; `lookup` makes repeated look-ups in the same (unchanged) tree cheap. */
export function locate(root: Node | null | undefined, path: readonly PathSeg[], lookup?: PairLookup): Located {
  let node: Node | null | undefined = root;
  let key: Node | undefined;
  let depth = 0;
  for (const seg of path) {
    if (typeof seg === 'number' && isSeq(node)) {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) break;
      node = item;
      key = undefined;
    } else if (isMap(node)) {
      const pair = lookup ? lookup.find(node, String(seg)) : findPair(node, String(seg));
      if (!pair) break;
      node = pair.value;
      key = pair.key;
    } else break;
    depth++;
  }
  return { complete: depth === path.length, node, key, depth };
}

export function nodeRange(node: Node | null | undefined): OffsetRange | undefined {
  const r = node?.range;
  if (!r) return undefined;
  return { start: r[0], end: Math.max(r[0], r[1]) };
}

/**
 * The range a diagnostic about `path` should cover. `target: 'key'` prefers the key,
 * `'value'` the value (falling back to the key for an empty value). When the path is not
 * all there, it points at the key of the deepest part that is, or at `fallback`.
 */
export function rangeFor(
  root: Node | null | undefined,
  path: readonly PathSeg[],
  target: 'key' | 'value',
  fallback: OffsetRange,
  lookup?: PairLookup,
): OffsetRange {
  const loc = locate(root, path, lookup);
  if (loc.complete) {
    const v = nodeRange(loc.node);
    const k = nodeRange(loc.key);
    if (target === 'key' && k) return k;
    if (v && !(isScalar(loc.node) && loc.node.value === null && v.start === v.end)) {
      if (isMap(loc.node) || isSeq(loc.node)) return k ?? firstLineOf(loc.node, v);
      return v;
    }
    return k ?? v ?? fallback;
  }
  return nodeRange(loc.key) ?? (loc.depth > 0 && loc.node ? firstKeyRange(loc.node) : undefined) ?? fallback;
}

/** The first key of a mapping node, a small and visible stand-in for the whole mapping. */
export function firstKeyRange(node: Node | null | undefined): OffsetRange | undefined {
  if (isMap(node) && node.items.length > 0) return nodeRange(node.items[0].key as Node);
  if (isSeq(node) && node.items.length > 0) return firstKeyRange(node.items[0] as Node) ?? nodeRange(node.items[0] as Node);
  return nodeRange(node);
}

function firstLineOf(node: Node, r: OffsetRange): OffsetRange {
  return firstKeyRange(node) ?? r;
}

/** Kuma's path notation: `spec.ports[0].appProtocol`, `labels["kuma.io/mesh"]`. */
export function formatPath(path: readonly PathSeg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Splits a JSON pointer (ajv's instancePath) into segments; array indexes become numbers. */
export function pointerToPath(pointer: string, root: Node | null | undefined, lookup?: PairLookup): PathSeg[] {
  if (!pointer) return [];
  const raw = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: PathSeg[] = [];
  let node: Node | null | undefined = root;
  for (const s of raw) {
    if (isSeq(node) && /^\d+$/.test(s)) {
      out.push(Number(s));
      node = node.items[Number(s)] as Node | undefined;
    } else {
      out.push(s);
      node = isMap(node) ? (lookup ? lookup.find(node, s) : findPair(node, s))?.value : undefined;
    }
  }
  return out;
}
