import { parseChunk, parseChunkReleasable, splitDocuments, type Chunk, type ParsedDocument } from '../yaml/documents';
import { collectFacts, documentFacts, providerFingerprint, shiftFacts, type FileFacts } from './facts';
import { commonEnds } from '../yaml/positions';
import { fileSkip, mentionsKumaKind, yamlLimitDiagnostic } from '../yaml/limits';
import { SchemaValidators } from '../schema/validation';
import { KUMA_KINDS, type KumaDiagnostic } from '../types';
import { validateDocument, type DocumentDiagnostic } from '../diagnostics/validate';
import { DISABLE } from '../diagnostics/suppressions';
import { KUMA_VERSIONS, kumaVersionList, normalizeKumaVersion, pinnedVersionText, type KumaVersion } from '../kuma/versions';
import {
  DEFAULT_SETTINGS,
  type ChunkEntry,
  type DocFactsEntry,
  type DocumentInfo,
  type FileAnalysis,
  type LanguageServiceOptions,
  type Settings,
} from './model';

/** A manifest with what yaml's parser handles beyond the fast reader (comments, a block scalar, flow items). */
const WARM_UP_YAML = `# warm-up
apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: "warm-up" # comment
  labels: { app: warm-up }
spec:
  selector:
    dataplaneTags:
      app: warm-up
  ports:
    - port: 80
      targetPort: [http]
      appProtocol: http
  note: |
    text
`;

/**
 * The per-document cache, the heart of the performance design: a file is split into YAML
 * documents at `---` lines, and each document is parsed and checked on its own, cached by its text
 * (and Kuma version). A keystroke in one document of a 2,000-document file parses and checks that
 * document only.
 */
export interface DocumentCache {
  /** Parses (re-using every unchanged document) and checks one file. */
  analyze(text: string, settings?: Settings): FileAnalysis;
  /** The cross-file facts of a parsed document, cached with its parse. */
  factsOfDoc(pd: ParsedDocument): DocFactsEntry;
  /** Whether the facts of a parsed document are cached (`factsOfDoc` costs no parse). */
  knowsFacts(pd: ParsedDocument): boolean;
  /** The cross-file facts of an analysed file. */
  factsOf(analysis: FileAnalysis): FileFacts;
  /** The parse of a chunk when it is cached (nothing is parsed). */
  cachedParse(chunkText: string): ParsedDocument[] | undefined;
  /** Whether a text analysed lately may hold a suppression comment (false: it surely holds none). */
  mayHoldSuppressions(text: string): boolean;
  /** Whether `text` was split into documents lately (analysing it again parses nothing). */
  splitLately(text: string): boolean;
  /** Releases the parse trees beyond the budget (see `LanguageServiceOptions.treeBudget`). */
  trimTrees(unchecked?: boolean): void;
  /** Compiles the schema validators of a version ahead of the first request. */
  warmUp(version: KumaVersion): void;
  readonly stats: { parses: number; validations: number };
}

export function createDocumentCache(options: LanguageServiceOptions = {}): DocumentCache {
  const cacheSize = options.cacheSize ?? 50_000;
  const treeBudget = options.treeBudget ?? 256;
  const cache = new Map<string, ChunkEntry>();
  /** Chunk entries holding their parse trees, least recently parsed (or read) first. */
  const withTrees = new Set<ChunkEntry>();
  const validators = options.validators ?? new SchemaValidators();
  const stats = { parses: 0, validations: 0 };
  const docFacts = new WeakMap<ParsedDocument, DocFactsEntry>();
  function entryFor(slice: string): ChunkEntry {
    let e = cache.get(slice);
    if (e) return e;
    // A chunk is a slice of its file's text, and V8 keeps the whole text alive for as long as a
    // slice of it lives: a cached chunk must be a string of its own, or the cache would keep
    // every version of a file the user types in.
    const text = ownString(slice);
    stats.parses++;
    const entry: ChunkEntry = {
      text,
      parsed: [],
      trees: parseChunkReleasable(text, () => {
        stats.parses++;
        withTrees.add(entry);
      }),
    };
    entry.parsed = entry.trees.documents;
    withTrees.add(entry);
    e = entry;
    if (cache.size >= cacheSize) {
      // Maps iterate in insertion order: drop the oldest tenth in one go.
      let n = Math.ceil(cacheSize / 10);
      for (const [k, old] of cache) {
        if (n-- <= 0) break;
        cache.delete(k);
        withTrees.delete(old);
      }
    }
    cache.set(text, e);
    return e;
  }

  /**
   * Releases the parse trees of the chunks beyond the budget, oldest first. Runs after a file is
   * checked or recorded, never in the middle: a file's trees are not dropped before its checks
   * have read them. Chunks not checked yet keep theirs (they are about to be), unless `unchecked`
   * says no check will come (validation is off).
   */
  function trimTrees(unchecked = false) {
    if (withTrees.size <= treeBudget) return;
    let over = withTrees.size - treeBudget;
    for (const e of withTrees) {
      if (over <= 0) break;
      if (!unchecked && !e.checked && e.parsed.length > 0) continue;
      e.trees.release();
      withTrees.delete(e);
      over--;
    }
  }

  function diagnosticsFor(e: ChunkEntry, text: string, version: KumaVersion): DocumentDiagnostic[][] {
    if (e.checked?.version === version) return e.checked.diagnostics;
    let d = e.otherVersions?.get(version);
    if (!d) {
      stats.validations++;
      d = e.parsed.map((pd) => safeValidate(pd, version, text));
      if (!e.checked) e.checked = { version, diagnostics: d };
      else (e.otherVersions ??= new Map()).set(version, d);
    }
    return d;
  }

  function safeValidate(pd: ParsedDocument, version: KumaVersion, text: string): DocumentDiagnostic[] {
    try {
      return validateDocument(pd, version, validators, text);
    } catch (err) {
      // A bug in a rule must not hide the other problems or take the editor down.
      return [
        {
          code: 'internal-error',
          severity: 'information',
          message: `The Kuma checker failed on this document (${err instanceof Error ? err.message : String(err)}). Please report it.`,
          range: { start: pd.range.start, end: pd.range.start },
          data: { path: '' },
        },
      ];
    }
  }

  /**
   * The last analysis per (version, validate): the LSP layer asks for the same text several
   * times per edit (facts, diagnostics, a request), and a 40k-line split costs milliseconds.
   */
  const recent = new Map<string, { text: string; result: FileAnalysis }>();

  function analyze(text: string, settings: Settings = DEFAULT_SETTINGS): FileAnalysis {
    const key = `${settings.kumaVersion}|${settings.validate}`;
    const hit = recent.get(key);
    if (hit && hit.text === text) return hit.result;
    const result = analyzeUncached(text, settings);
    recent.set(key, { text, result });
    return result;
  }

  /**
   * A chunk placed in a file: its start, its cache entry, the index of its first document, and
   * its checks' diagnostics placed at that start and index (for the version they were made for).
   * An edit re-uses the records of the chunks it moved neither in the text nor in the document
   * order, so their placed diagnostics are not shifted again.
   */
  type ChunkRecord = { chunk: Chunk; entry: ChunkEntry; first: number; placed?: { version: KumaVersion; diagnostics: KumaDiagnostic[] } };
  type Split = { text: string; documents: DocumentInfo[]; chunks: ChunkRecord[] };
  /** The last few texts split into documents: an edit re-splits only what it touched. */
  const splits: Split[] = [];

  /** The documents of a text (parses only the chunks not in the cache); memoized for the last texts. */
  function documentsOf(text: string): Split {
    // Only the last split is compared whole: a string equal to another one is compared byte by
    // byte, and on a keystroke in a large file the older texts are of the same length and differ
    // late (or not at all, after an undo), which would cost a read of the file per split kept.
    // The checks of a text right after its facts find it there; any other text is split again
    // from the nearest one, which costs one comparison (its ends) and the chunks that differ.
    if (splits.length && splits[0].text === text) return splits[0];
    // The text an edit came from is most likely the one of (nearly) the same length.
    let base: Split | undefined;
    for (const x of splits) if (!base || Math.abs(x.text.length - text.length) < Math.abs(base.text.length - text.length)) base = x;
    const split = base && text.length > 4096 ? resplit(base, text) : fullSplit(text);
    if (splits.unshift(split) > 4) splits.pop();
    return split;
  }

  function fullSplit(text: string): Split {
    const documents: DocumentInfo[] = [];
    const chunks: Split['chunks'] = [];
    for (const chunk of splitDocuments(text)) addChunk(chunk, entryFor(chunk.text), documents, chunks);
    return { text, documents, chunks };
  }

  function addChunk(chunk: Chunk, entry: ChunkEntry, documents: DocumentInfo[], chunks: Split['chunks']) {
    // The split keeps the cache's own copy of the chunk's text: it is carried from version to
    // version of the file, and a slice would keep the version it was cut from alive.
    chunks.push({ chunk: { start: chunk.start, text: entry.text }, entry, first: documents.length });
    for (const pd of entry.parsed) {
      documents.push({
        index: documents.length,
        range: { start: chunk.start + pd.range.start, end: chunk.start + pd.range.end },
        classification: pd.classification,
        parsed: pd,
        offset: chunk.start,
        chunkLength: chunk.text.length,
      });
    }
  }

  /**
   * Splits `text` re-using the chunks (and document records) of `base` before and after the
   * part that differs: a keystroke in a 2,000-document file re-splits one or two chunks.
   */
  function resplit(base: Split, text: string): Split {
    const { prefix, suffix } = commonEnds(base.text, text);
    const delta = text.length - base.text.length;
    const old = base.chunks;
    // Chunks before the last one whose `---` line lies wholly in the common prefix stay as they are;
    // chunks whose `---` line (with the line break before it) lies in the common suffix move by delta.
    // Binary searches (chunk starts ascend): a keystroke must not walk thousands of chunks.
    let lo = firstChunk(old, (c) => c.chunk.start + 4 > prefix, 1) - 1;
    if (lo < 0) lo = 0;
    const hi = firstChunk(old, (c) => c.chunk.start - 1 >= base.text.length - suffix, lo + 1);
    const documents = base.documents.slice(0, old[lo].first);
    const chunks = old.slice(0, lo);
    const to = hi < old.length ? old[hi].chunk.start + delta : text.length;
    for (const chunk of splitDocuments(text, old[lo].chunk.start, to)) addChunk(chunk, entryFor(chunk.text), documents, chunks);
    for (let i = hi; i < old.length; i++) {
      const { chunk, entry, first } = old[i];
      if (delta === 0 && first === documents.length) {
        // Same place, same index: the records are the same.
        chunks.push(old[i]);
        const end = i + 1 < old.length ? old[i + 1].first : base.documents.length;
        for (let d = first; d < end; d++) documents.push(base.documents[d]);
      } else addChunk({ start: chunk.start + delta, text: chunk.text }, entry, documents, chunks);
    }
    return { text, documents, chunks };
  }

  /** The first index at or after `from` whose chunk satisfies `past` (monotonic over the chunks), or the length. */
  function firstChunk(old: Split['chunks'], past: (c: Split['chunks'][number]) => boolean, from: number): number {
    let lo = from;
    let hi = old.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (past(old[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Whether a text may hold a suppression comment, from its chunks (each searched once, when
   * first parsed): a keystroke in a large file does not search the whole text again.
   */
  function mayHoldSuppressions(text: string): boolean {
    // Not split last (an analysis remembered longer than its split): search the text.
    const split = splits.length && splits[0].text === text ? splits[0] : undefined;
    if (!split) return true;
    for (const c of split.chunks) if ((c.entry.suppresses ??= c.chunk.text.includes(DISABLE))) return true;
    return false;
  }

  function analyzeUncached(text: string, settings: Settings): FileAnalysis {
    const pin = pinnedVersionText(text);
    const pinnedVersion = pin ? normalizeKumaVersion(pin.value) : undefined;
    const version = pinnedVersion ?? settings.kumaVersion;
    const diagnostics: KumaDiagnostic[] = [];
    if (pin && !pinnedVersion && settings.validate) {
      diagnostics.push({
        code: 'kuma-version-unknown',
        severity: 'warning',
        message: `Unknown Kuma version "${pin.value}" in the kuma-version comment: use ${kumaVersionList()} (2.10 to 2.12 check like 2.13). Checking against ${settings.kumaVersion} instead.`,
        range: { start: pin.start, end: pin.end },
        data: { path: '', allowedValues: [...KUMA_VERSIONS] },
        document: 0,
      });
    }
    const skipped = fileSkip(text);
    if (skipped) {
      // Said only where a Kuma resource seems to be: other large YAML belongs to other tools.
      if (skipped.reason === 'too-large' && settings.validate && mentionsKumaKind(text))
        diagnostics.push(yamlLimitDiagnostic(text, skipped.message));
      return { kumaVersion: version, pinned: pinnedVersion !== undefined, documents: [], diagnostics, skipped };
    }
    const { documents, chunks } = documentsOf(text);
    if (settings.validate) {
      // Runs over every chunk of the file on each keystroke: chunks without problems cost a
      // comparison, and those an edit did not move keep their placed diagnostics.
      for (const c of chunks) {
        let placed = c.placed;
        if (placed?.version !== version) {
          const diags = diagnosticsFor(c.entry, c.chunk.text, version);
          const list: KumaDiagnostic[] = [];
          for (let i = 0; i < diags.length; i++) for (const d of diags[i]) list.push(shift(d, c.chunk.start, c.first + i));
          c.placed = placed = { version, diagnostics: list.length ? list : NO_DIAGNOSTICS };
        }
        const list = placed.diagnostics;
        for (let i = 0; i < list.length; i++) diagnostics.push(list[i]);
      }
    }
    return { kumaVersion: version, pinned: pinnedVersion !== undefined, documents, diagnostics };
  }

  function factsOfDoc(pd: ParsedDocument): DocFactsEntry {
    let f = docFacts.get(pd);
    if (!f) {
      const facts = documentFacts(pd);
      f = { facts, fingerprint: providerFingerprint(facts) };
      docFacts.set(pd, f);
    }
    return f;
  }

  function factsOf(analysis: FileAnalysis): FileFacts {
    return collectFacts(analysis.documents.map((d) => shiftFacts(factsOfDoc(d.parsed).facts, d.offset)));
  }

  function warmUp(version: KumaVersion) {
    for (const kind of KUMA_KINDS) for (const form of ['kubernetes', 'universal'] as const) validators.warm(version, kind, form);
    // Checks read documents with the fast reader; editing features (completion, hover, fixes)
    // read exact trees with yaml's parser. Run that once now, so that its code is not compiled
    // in the user's first completion (about 10 ms).
    for (const d of parseChunk(WARM_UP_YAML)) void d.doc.contents;
  }

  return {
    analyze,
    factsOfDoc,
    knowsFacts: (pd) => docFacts.has(pd),
    factsOf,
    cachedParse: (chunkText) => cache.get(chunkText)?.parsed,
    mayHoldSuppressions,
    splitLately: (text) => splits.some((x) => x.text === text),
    trimTrees,
    warmUp,
    stats,
  };
}

/** The placed diagnostics of a chunk without problems (shared: never modified). */
const NO_DIAGNOSTICS: KumaDiagnostic[] = [];

/**
 * How two lists of documents of a file (before and after an edit) agree: `head` documents at
 * the start are the same parses at the same offsets, and `tail` documents at the end are the
 * same parses moved by `delta` (the change of the text's length). Comparisons of references
 * only: what an edit left alone in a file of thousands of documents is found without hashing.
 */
export function matchDocuments(
  before: readonly DocumentInfo[],
  after: readonly DocumentInfo[],
  delta: number,
): { head: number; tail: number } {
  const max = Math.min(before.length, after.length);
  let head = 0;
  while (head < max && before[head].parsed === after[head].parsed && before[head].offset === after[head].offset) head++;
  let tail = 0;
  while (tail < max - head) {
    const b = before[before.length - 1 - tail];
    const a = after[after.length - 1 - tail];
    if (b.parsed !== a.parsed || a.offset - b.offset !== delta) break;
    tail++;
  }
  return { head, tail };
}

/**
 * A copy of a string that shares no memory with the string it was sliced from: prepending a
 * character makes a rope, and slicing that flattens it into a new sequential string.
 */
export function ownString(s: string): string {
  return s.length < 16 ? s : (' ' + s).slice(1);
}

/** A document's diagnostic placed in its file: offsets shifted by its chunk's, and its index. */
export function shift(d: DocumentDiagnostic, by: number, document: number): KumaDiagnostic {
  // Built field by field, in one order: every placed diagnostic has the same shape, and the loops
  // that run over all of a file's diagnostics on each keystroke read them at full speed.
  const out: KumaDiagnostic = {
    code: d.code,
    severity: d.severity,
    message: d.message,
    range: { start: d.range.start + by, end: d.range.end + by },
    data: d.data,
    document,
  };
  if (d.related) out.related = d.related.map((x) => ({ message: x.message, range: { start: x.range.start + by, end: x.range.end + by } }));
  return out;
}
