import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
  type Alias,
  type Document,
  type DocumentOptions,
  type Node,
  type ParseOptions,
  type ParsedNode,
  type SchemaOptions,
  type YAMLError,
} from 'yaml';
import { fastParseChunk, type FastDocument } from './fastYaml';
import { MAX_ALIAS_COUNT, MAX_DEPTH, nestingDepth } from './limits';
import type { Classification, KubernetesKind, KumaKind, OffsetRange } from '../types';
import { KUMA_KINDS } from '../types';

/** A slice of a file that starts at a `---` line (or at the top) and runs to the next one. */
export interface Chunk {
  /** Offset of the chunk in the file. */
  start: number;
  text: string;
}

/**
 * Splits a file into chunks at document markers with a cheap line scan, so that each YAML
 * document can be parsed and cached on its own. A `---` at column 0 always starts a new
 * document in YAML (even inside what looks like a block scalar), so the scan is exact.
 */
export function splitDocuments(text: string, from = 0, to = text.length): Chunk[] {
  // `from` and `to` (for re-splitting part of a file) must be chunk starts, or the text's ends.
  const chunks: Chunk[] = [];
  let chunkStart = from;
  let lineStart = from;
  while (lineStart < to) {
    if (
      lineStart > chunkStart &&
      text.startsWith('---', lineStart) &&
      (lineStart + 3 === text.length || ' \t\r\n'.includes(text[lineStart + 3]))
    ) {
      chunks.push({ start: chunkStart, text: text.slice(chunkStart, lineStart) });
      chunkStart = lineStart;
    }
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  chunks.push({ start: chunkStart, text: text.slice(chunkStart, to) });
  return chunks;
}

/** One parsed YAML document, with offsets relative to its chunk. */
export interface ParsedDocument {
  /**
   * The parse tree. A cache may drop the trees of documents nobody edits (see `ChunkParse`):
   * then the first access parses the chunk's text again, so the tree is always there to read.
   */
  readonly doc: Document.Parsed;
  /**
   * The document's root node for checks and facts: the same nodes, ranges and values as
   * `doc.contents`, but possibly read by the fast reader (`fastYaml.ts`), which keeps no
   * comments. Editing features that need comments or the `Document` use `doc`.
   */
  readonly contents: ParsedNode | null;
  /** True when the fast reader read it and found no block scalar: then it has no anchors, tags or block scalars. */
  readonly plain: boolean;
  classification: Classification;
  /** The document as plain data (only computed for documents we check or index). */
  value: unknown;
  /** Range of the document's content in the chunk. */
  range: OffsetRange;
  errors: YAMLError[];
  warnings: YAMLError[];
  /** Set when the document breaks a safety limit (nesting depth, alias expansion): it has no value then. */
  limit?: { message: string; range: OffsetRange };
  /**
   * Set on a Kuma resource with template actions (`{{ … }}`, Helm) found before it was parsed
   * (see `readTemplated`): the first action. Its tree and value are those of its text with the
   * actions blanked out; it is not checked, and gets one note there.
   */
  template?: OffsetRange;
}

/**
 * The documents of one chunk whose parse trees can be released: a tree costs about 9 KB per
 * small manifest, while what the checks keep of a document (its value, errors, facts,
 * diagnostics) is a fraction of that. A released tree is re-created from the chunk's text the
 * next time a document's `doc` is read (a hover, a completion, a conversion).
 */
export interface ChunkParse {
  readonly documents: ParsedDocument[];
  /** Drops the trees (the documents stay; `doc` re-parses on demand). */
  release(): void;
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false, logLevel: 'error' } as const;

/**
 * The documents of a chunk's text that `parseChunk` reports (a comment-only stream has none),
 * with `yaml`'s errors for `uniqueKeys: true`, but without its cost: `yaml` checks a key by
 * comparing it with every key before it in its mapping, O(n²) per mapping (issue 19: a flow
 * mapping of 48,000 keys took 16 s, a Helm template whose `{{ … }}` lines read as keys 8 s). So
 * the text is parsed without that check, and only when a document does repeat a key
 * (`hasDuplicateKey`, one `Set` per mapping) parsed again with `uniqueKeys` as a function that
 * answers in O(1) from such a `Set` (`parseReportingDuplicates`): the errors come from `yaml`
 * itself, so their messages, positions and order are the ones `uniqueKeys: true` gives.
 */
export function parseTrees(text: string): Document.Parsed[] {
  let docs = parseAll(text, PARSE_OPTIONS);
  if (docs.some((doc) => hasDuplicateKey(doc.contents))) docs = parseReportingDuplicates(text);
  return docs.filter((doc) => !(doc.contents === null && doc.errors.length === 0));
}

/**
 * `parseAllDocuments`, with `yaml`'s errors made without a stack trace: they are only ever read
 * for their code, message and position, and capturing a stack per error was most of the time
 * spent on a Helm template (20,000 `{{- if }}` blocks make 160,000 syntax errors: 4.8 s, 1.8 s without).
 */
function parseAll(text: string, options: ParseOptions & DocumentOptions & SchemaOptions): Document.Parsed[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // parseAllDocuments returns an EmptyStream (an array-like with no documents) for comment-only text.
    return Array.from(parseAllDocuments(text, options) as Iterable<Document.Parsed>);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** What `keyOf` gives for a key that never equals another. */
const UNCOMPARED = Symbol('uncompared');

/**
 * What a duplicate check compares of a key, as `yaml` compares keys (`a === b || (both scalars
 * && a.value === b.value)`): a scalar's value, except NaN (never equal to itself, while a `Set`
 * finds it); other keys (aliases, collections) never repeat one.
 */
function keyOf(key: unknown): unknown {
  if (!isScalar(key) || (typeof key.value === 'number' && Number.isNaN(key.value))) return UNCOMPARED;
  return key.value;
}

/**
 * Whether some mapping of the tree repeats a key, in O(n) with a `Set` per mapping. Iterative:
 * a document nested thousands of levels deep (see `depthLimit`) must not overflow the stack here.
 */
export function hasDuplicateKey(root: Node | null | undefined): boolean {
  const stack: unknown[] = root ? [root] : [];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const k = keyOf(pair.key);
        if (k !== UNCOMPARED) {
          if (seen.has(k)) return true;
          seen.add(k);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push(item);
    else if (isPair(node)) stack.push(node.key, node.value);
  }
  return false;
}

/**
 * Parses with `uniqueKeys` as a function that makes `yaml` raise its `DUPLICATE_KEY` error on
 * every key after a mapping's first (the function is asked about each new key once, with the
 * mapping's first key, and answering "equal" stops the scan), while it records in O(1) whether
 * the key really repeats one; the errors of keys that do not are then dropped.
 */
function parseReportingDuplicates(text: string): Document.Parsed[] {
  /** The keys seen so far in each mapping, by the mapping's first key. */
  const mappings = new WeakMap<object, Set<unknown>>();
  const repeats: boolean[] = [];
  const uniqueKeys = (first: ParsedNode, key: ParsedNode): boolean => {
    let seen = mappings.get(first);
    if (!seen) {
      seen = new Set();
      const f = keyOf(first);
      if (f !== UNCOMPARED) seen.add(f);
      mappings.set(first, seen);
    }
    const k = keyOf(key);
    repeats.push(k !== UNCOMPARED && seen.has(k));
    if (k !== UNCOMPARED) seen.add(k);
    return true;
  };
  const docs = parseAll(text, { ...PARSE_OPTIONS, uniqueKeys });
  // `yaml` raised one DUPLICATE_KEY per question, in the same order (documents in order).
  let i = 0;
  for (const doc of docs) {
    doc.errors = doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY' || repeats[i++]);
    // What the documents would say had they been parsed with `uniqueKeys: true` (and the function goes).
    doc.options.uniqueKeys = true;
  }
  return docs;
}

interface TreeHolder {
  text: string;
  /** Whether the fast reader read the text with its template actions blanked out (`readTemplated`). */
  blanked?: boolean;
  /** `yaml`'s trees, parsed when first asked for when the fast reader read the chunk. */
  trees: Document.Parsed[] | undefined;
  /** The fast reader's tree, when it could read the chunk (`fast` is then true). */
  light: FastDocument | undefined;
  fast: boolean;
  /** Whether the fast reader found a block scalar (`plain` is then false). */
  blockScalars: boolean;
  onReparse?: () => void;
}

class Parsed implements ParsedDocument {
  declare limit?: { message: string; range: OffsetRange };
  declare template?: OffsetRange;
  constructor(
    private readonly holder: TreeHolder,
    private readonly ordinal: number,
    public classification: Classification,
    public value: unknown,
    public range: OffsetRange,
    public errors: YAMLError[],
    public warnings: YAMLError[],
  ) {}

  get doc(): Document.Parsed {
    let trees = this.holder.trees;
    if (!trees) {
      trees = this.holder.trees = parseTrees(this.holder.text);
      this.holder.onReparse?.();
    }
    return trees[this.ordinal];
  }

  get plain(): boolean {
    return this.holder.fast && !this.holder.blockScalars && !this.holder.blanked;
  }

  get contents(): ParsedNode | null {
    const h = this.holder;
    if (!h.fast) return this.doc.contents;
    if (h.light) return h.light.contents;
    // `yaml`'s tree of a templated text is not the one the checks and facts were read from.
    if (h.trees && !h.blanked) return h.trees[this.ordinal].contents;
    h.light = fastParseChunk(h.blanked ? blankTemplates(h.text) : h.text);
    h.onReparse?.();
    return h.light!.contents;
  }
}

/** Parses one chunk. A chunk normally holds one document; `...` markers can make more. */
export function parseChunk(text: string): ParsedDocument[] {
  return parseChunkReleasable(text).documents;
}

/** `parseChunk` whose trees can be released; `onReparse` is told when a released tree comes back. */
export function parseChunkReleasable(text: string, onReparse?: () => void): ChunkParse {
  const light = fastParseChunk(text);
  if (light) {
    const holder: TreeHolder = { text, trees: undefined, light, fast: true, blockScalars: light.blockScalars, onReparse };
    const classification = classify(light.contents);
    const r = light.contents.range;
    const pd = new Parsed(
      holder,
      0,
      classification,
      classification.role === 'other' ? undefined : light.value,
      { start: r[0], end: r[1] },
      [],
      [],
    );
    return {
      documents: [pd],
      release() {
        holder.trees = undefined;
        holder.light = undefined;
      },
    };
  }
  const templated = readTemplated(text, onReparse);
  if (templated) return templated;
  const trees = parseTrees(text);
  const holder: TreeHolder = { text, trees, light: undefined, fast: false, blockScalars: true, onReparse };
  const documents = trees.map((doc, ordinal) => {
    const classification = classify(doc.contents);
    const r = doc.contents?.range ?? doc.range;
    const range = { start: r[0], end: r[1] };
    let limit = depthLimit(doc, range, text);
    const errors = limit ? doc.errors.filter((e) => !isStackOverflow(e)) : doc.errors;
    let value: unknown;
    if (!limit && classification.role !== 'other') {
      const v = safeToJS(doc);
      if ('error' in v) limit = { message: v.error, range: firstAlias(doc) ?? range };
      else value = v.value;
    }
    const pd = new Parsed(holder, ordinal, classification, value, range, errors, doc.warnings);
    if (limit) pd.limit = limit;
    return pd;
  });
  return {
    documents,
    release() {
      holder.trees = undefined;
    },
  };
}

/**
 * A chunk that is a Kuma resource with template actions (`{{ … }}`, a Helm chart's), found with a
 * scan and the fast reader instead of `yaml`'s full parse: such a document gets one
 * `templated-yaml` note and nothing else, and `yaml` reads a templated text slowly (issue 19: 20,000
 * `{{- if }}` blocks are 2.2 MB and 160,000 syntax errors, 2 s). The actions are blanked out (same
 * offsets) and the fast reader reads the rest: when it can and finds a Kuma kind (a
 * HostnameGenerator's `spec.template` is a Go template by design, so not that kind), the document
 * is that resource, with the facts of what is not template. Anything else (no action, a chunk
 * starting with one, which `yaml` does not read as a mapping, text the fast reader leaves to
 * `yaml`, another kind) is parsed by `yaml` as before. The exact tree is still `yaml`'s, parsed
 * when a feature asks for `doc`.
 */
function readTemplated(text: string, onReparse?: () => void): ChunkParse | undefined {
  const first = text.indexOf('{{');
  if (first < 0) return undefined;
  // What the first content line starts with (after blank and comment lines, and a `---` line).
  const content = /^(?:---[ \r]*\n)?(?:[ \r]*(?:#[^\n]*)?\n)*[ ]*(\S?)/.exec(text);
  if (!content || content[1] === '' || text.startsWith('{{', content.index + content[0].length - 1)) return undefined;
  const light = fastParseChunk(blankTemplates(text));
  if (!light) return undefined;
  const classification = classify(light.contents);
  if (classification.role !== 'kuma' || classification.kind === 'HostnameGenerator') return undefined;
  const r = light.contents.range;
  const range = { start: r[0], end: r[1] };
  const at = text.indexOf('{{', range.start);
  if (at < 0) return undefined;
  const holder: TreeHolder = { text, blanked: true, trees: undefined, light, fast: true, blockScalars: light.blockScalars, onReparse };
  const pd = new Parsed(holder, 0, classification, light.value, range, [], []);
  const close = text.indexOf('}}', at + 2);
  const lineEnd = text.indexOf('\n', at);
  pd.template = { start: at, end: close >= 0 && (lineEnd < 0 || close < lineEnd) ? close + 2 : at + 2 };
  return {
    documents: [pd],
    release() {
      holder.trees = undefined;
      holder.light = undefined;
    },
  };
}

/**
 * The text with each template action (`{{` to the next `}}`, or to the end of the line when it is
 * not closed) replaced by spaces, its line breaks kept: the same offsets and lines. Linear.
 */
export function blankTemplates(text: string): string {
  const parts: string[] = [];
  let done = 0;
  for (let i = text.indexOf('{{'); i >= 0; i = text.indexOf('{{', done)) {
    const close = text.indexOf('}}', i + 2);
    let end = close < 0 ? text.length : close + 2;
    if (close < 0) {
      const nl = text.indexOf('\n', i);
      if (nl >= 0) end = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    }
    parts.push(text.slice(done, i));
    const action = text.slice(i, end);
    parts.push(action.includes('\n') || action.includes('\r') ? action.replace(/[^\r\n]/g, ' ') : ' '.repeat(action.length));
    done = end;
  }
  parts.push(text.slice(done));
  return parts.join('');
}

function isStackOverflow(e: YAMLError): boolean {
  return /Maximum call stack size exceeded/.test(e.message);
}

/** Documents nested deeper than `MAX_DEPTH` (the parser itself may run out of stack on them). */
function depthLimit(doc: Document.Parsed, range: OffsetRange, text: string): ParsedDocument['limit'] {
  const overflow = doc.errors.find(isStackOverflow);
  const { depth, node } = overflow ? { depth: Infinity, node: undefined } : nestingDepth(doc.contents);
  if (depth <= MAX_DEPTH) return undefined;
  const start = node?.range ? node.range[0] : overflow ? overflow.pos[0] : range.start;
  // The token where the nesting goes too deep: a key, or a bracket.
  let end = start + 1;
  while (end < text.length && end - start < 100 && !' \t\r\n:,[]{}'.includes(text[end])) end++;
  return {
    message: `YAML nested more than ${MAX_DEPTH} levels deep: this document is not checked. Kuma resources nest only a few levels; check the indentation and brackets.`,
    range: { start, end: Math.min(end, text.length) },
  };
}

function firstAlias(doc: Document.Parsed): OffsetRange | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node;
      return visit.BREAK;
    },
  });
  const r = (found as Alias | undefined)?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

function safeToJS(doc: Document.Parsed): { value: unknown } | { error: string } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(msg)) {
      return {
        error: `YAML aliases (*name) expand to more than ${MAX_ALIAS_COUNT} nodes in this document ("billion laughs" alias bomb): it is not checked. Write the values out instead of nesting aliases.`,
      };
    }
    return { error: `The YAML of this document cannot be read (${msg}): it is not checked.` };
  }
}

const KUBERNETES_KINDS: Record<string, KubernetesKind[]> = {
  v1: ['Service', 'Namespace', 'Pod'],
  'apps/v1': ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  'batch/v1': ['Job', 'CronJob'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
};

function topScalar(root: ParsedNode | null, key: string): unknown {
  if (!isMap(root)) return undefined;
  for (const pair of root.items) {
    if (isScalar(pair.key) && pair.key.value === key) return isScalar(pair.value) ? pair.value.value : undefined;
  }
  return undefined;
}

/**
 * Decides what a document is. Kuma resources: Kubernetes form (`apiVersion: kuma.io/...` plus
 * one of our kinds) or Universal form (`type:` one of our kinds, no `apiVersion`/`kind`).
 * Kubernetes Services, Namespaces, Pods and workloads are recognised for cross-reference.
 * Everything else (CI workflows, Helm values, other CRDs) is left alone.
 */
export function classify(root: ParsedNode | null): Classification {
  if (!isMap(root)) return { role: 'other' };
  const apiVersion = topScalar(root, 'apiVersion');
  const kind = topScalar(root, 'kind');
  if (typeof apiVersion === 'string' && typeof kind === 'string') {
    if (apiVersion.startsWith('kuma.io/') && kind === 'Mesh') return { role: 'mesh', form: 'kubernetes' };
    if (apiVersion.startsWith('kuma.io/') && (KUMA_KINDS as readonly string[]).includes(kind)) {
      return { role: 'kuma', kind: kind as KumaKind, form: 'kubernetes' };
    }
    const k8s = KUBERNETES_KINDS[apiVersion];
    if (k8s?.includes(kind as KubernetesKind)) return { role: 'kubernetes', kind: kind as KubernetesKind };
    return { role: 'other' };
  }
  const type = topScalar(root, 'type');
  if (apiVersion === undefined && kind === undefined && typeof type === 'string') {
    if (type === 'Mesh') return { role: 'mesh', form: 'universal' };
    if ((KUMA_KINDS as readonly string[]).includes(type)) {
      return { role: 'kuma', kind: type as KumaKind, form: 'universal' };
    }
  }
  return { role: 'other' };
}
