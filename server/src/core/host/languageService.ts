import { visit } from 'yaml';
import { duplicateDiagnostics, meshServiceDiagnostics } from '../diagnostics/crossFile';
import { parseChunk, parseChunkReleasable, splitDocuments, type Chunk, type ChunkParse, type ParsedDocument } from '../yaml/documents';
import {
  changedScopes,
  collectFacts,
  documentFacts,
  EMPTY_FACTS,
  providerFingerprint,
  shiftFacts,
  type DocumentFacts,
  type FileFacts,
  type KumaFact,
} from './facts';
import { commonEnds } from '../yaml/positions';
import { resourceKey, WorkspaceIndex, type Located } from './workspaceIndex';
import { clipMessage, fileSkip, mentionsKumaKind, type FileSkip } from '../yaml/limits';
import { SchemaValidators } from '../schema/validation';
import { KUMA_KINDS, type Classification, type KumaDiagnostic, type OffsetRange } from '../types';
import { validateDocument, type DocumentDiagnostic } from '../diagnostics/validate';
import { applySeverityOverrides, type SeverityOverrides } from '../diagnostics/codes';
import { applySuppressions, DISABLE } from '../diagnostics/suppressions';
import { DEFAULT_KUMA_VERSION, normalizeKumaVersion, pinnedVersionText, type KumaVersion } from '../kuma/versions';

/** Settings the core needs; the LSP layer and the CLI fill them from their own sources. */
export interface Settings {
  kumaVersion: KumaVersion;
  validate: boolean;
  /** Per-code severity (or `off`), applied to a file's final diagnostics by `diagnose`. */
  severity?: SeverityOverrides;
}

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

export const DEFAULT_SETTINGS: Settings = { kumaVersion: DEFAULT_KUMA_VERSION, validate: true };

/** One YAML document of a file, with offsets into the file. */
export interface DocumentInfo {
  index: number;
  range: OffsetRange;
  classification: Classification;
  /** Parse result, shared with the cache: treat as read-only. */
  parsed: ParsedDocument;
  /** Offset of the document's chunk in the file (add to offsets inside `parsed`). */
  offset: number;
  /** Length of the chunk: `text.slice(offset, offset + chunkLength)` is what `parsed` was parsed from. */
  chunkLength: number;
}

/**
 * The document of an analysed file that holds `offset` (its chunk, `---` line included), by binary
 * search: the one place that answers "which document is the cursor in".
 */
export function documentAt(analysis: FileAnalysis, offset: number): DocumentInfo | undefined {
  const docs = analysis.documents;
  let lo = 0;
  let hi = docs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (docs[mid].offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  // At a boundary (the end of one chunk is the start of the next), the earlier document wins.
  if (lo > 0 && docs[lo - 1].offset + docs[lo - 1].chunkLength >= offset) lo--;
  const d = docs[lo];
  return d && offset >= d.offset && offset <= d.offset + d.chunkLength ? d : undefined;
}

export interface FileAnalysis {
  /** The Kuma version the file was checked against (the file's pin, or the setting). */
  kumaVersion: KumaVersion;
  /** True when a `# kuma-version:` comment chose the version. */
  pinned: boolean;
  documents: DocumentInfo[];
  diagnostics: KumaDiagnostic[];
  /** Set when the whole file was left unparsed (binary, too large): why, in words. */
  skipped?: FileSkip;
}

/** A file's own analysis as plain data: see `LanguageService.localAnalysis`. */
export interface LocalAnalysis {
  kumaVersion: KumaVersion;
  pinned: boolean;
  /** The file's own diagnostics, before suppressions and severity overrides. */
  diagnostics: KumaDiagnostic[];
  skipped?: FileSkip;
  documents: {
    index: number;
    range: OffsetRange;
    offset: number;
    /** The document's MeshService, in chunk offsets (what the cross-file checks read). */
    meshService?: KumaFact;
    /** Chunk offsets of the document's block scalars (suppression comments inside do not count). */
    blockScalars?: [number, number][];
  }[];
  facts: FileFacts;
  fingerprint: string;
}

interface DocFactsEntry {
  facts: DocumentFacts;
  fingerprint: string;
  /** The facts moved to the document's offset in its file, for the offset last seen. */
  placed?: { offset: number; facts: DocumentFacts };
}

interface ChunkEntry {
  parsed: ParsedDocument[];
  /** The diagnostics per document for the version checked first (a file is rarely checked against two). */
  checked?: { version: KumaVersion; diagnostics: DocumentDiagnostic[][] };
  /** The diagnostics for other versions. */
  otherVersions?: Map<KumaVersion, DocumentDiagnostic[][]>;
  trees: ChunkParse;
  /** Whether the chunk's text holds a suppression comment's marker (looked for once per chunk). */
  suppresses?: boolean;
}

export interface LanguageServiceOptions {
  /** How many parsed documents to keep; the oldest are dropped past it. */
  cacheSize?: number;
  /**
   * How many chunks keep their parse trees once checked (the most recently parsed or read);
   * the others keep only their results and parse again when a request needs their tree.
   */
  treeBudget?: number;
  /** Compiled schema validators to share (e.g. between the many short-lived services of a fuzzer); a service compiles its own otherwise. */
  validators?: SchemaValidators;
}

/** Where a file's text came from: the editor's open buffer wins over the file on disk. */
export type FileLayer = 'disk' | 'open';

export interface LanguageService {
  /** Parses (re-using every unchanged document) and checks one file. */
  analyze(text: string, settings?: Settings): FileAnalysis;
  /** The cross-file facts of an analysed file (cached per document). */
  factsOf(analysis: FileAnalysis): FileFacts;
  /**
   * Records a file of the workspace (text undefined: the file is gone from that layer).
   * Returns true when the file's facts changed, i.e. other files' cross-file diagnostics may change.
   */
  setFile(uri: string, text: string | undefined, layer: FileLayer): boolean;
  /** Records a file on disk whose facts were computed elsewhere (`fileFactsOfText`, e.g. in a worker). */
  setDiskFacts(uri: string, text: string, facts: FileFacts, fingerprint: string): boolean;
  /** `setFile` in steps of one document, for callers that share an event loop with requests. */
  setFileSteps(uri: string, text: string | undefined, layer: FileLayer): Generator<void, boolean>;
  /** The current text of a workspace file (open buffer first), if known. */
  getText(uri: string): string | undefined;
  /** Every file the workspace holds. */
  uris(): string[];
  /** The workspace index, rebuilt lazily after facts change. */
  index(): WorkspaceIndex;
  /** Compiles the schema validators of a version ahead of the first request. */
  warmUp(version: KumaVersion): void;
  /**
   * The final diagnostics of a file: its own and the cross-file ones against the workspace,
   * less what its suppression comments hide, with the severity overrides of `settings` applied.
   */
  diagnose(uri: string, text: string, settings?: Settings): FileAnalysis;
  /**
   * A file's own analysis as plain data (structured-cloneable): what `diagnoseLocal` needs to
   * finish it elsewhere, e.g. parsed and checked on a worker thread, finished on the main one.
   */
  localAnalysis(text: string, settings?: Settings): LocalAnalysis;
  /**
   * `diagnose` from a `localAnalysis` of the same text and settings, without parsing: the file's
   * facts must be recorded (`setDiskFacts` with the analysis' facts and fingerprint).
   */
  diagnoseLocal(uri: string, text: string, local: LocalAnalysis, settings?: Settings): KumaDiagnostic[];
  /** The number of documents parsed since start: lets tests and benchmarks see cache hits. */
  readonly stats: { parses: number; validations: number };
  /**
   * Changes whenever facts that other documents read (names, labels, selectors, ports: what the
   * cross-file checks and the conversions look up in the index) change in some file, and only
   * then: results computed from those facts can be cached against it. Ranges moving is no change.
   */
  readonly factsRevision: number;
}

/**
 * The pure core's facade. It holds the caches (parse and diagnostics per document text, and the
 * compiled schema validators); it does no I/O and keeps no state outside this object.
 */
export function createLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const cacheSize = options.cacheSize ?? 50_000;
  const treeBudget = options.treeBudget ?? 256;
  const cache = new Map<string, ChunkEntry>();
  /** Chunk entries holding their parse trees, least recently parsed (or read) first. */
  const withTrees = new Set<ChunkEntry>();
  const validators = options.validators ?? new SchemaValidators();
  const stats = { parses: 0, validations: 0 };
  const docFacts = new WeakMap<ParsedDocument, DocFactsEntry>();
  const crossCache = new WeakMap<
    ParsedDocument,
    { scope: string; dp: number; k8s: number; version: KumaVersion; diagnostics: Omit<KumaDiagnostic, 'document'>[] }
  >();
  type FileEntry = { disk?: string; open?: string; facts: FileFacts; fingerprint: string; factsText?: string; prints?: string[] };
  const files = new Map<string, FileEntry>();
  /** The index with every range current; dropped whenever any file's facts are recorded. */
  let indexCache: WorkspaceIndex | undefined;
  /**
   * An index whose provider facts (what other files' checks read) are current, though the ranges
   * of a file edited since may lag: kept while no fingerprint changes, so a keystroke that moves
   * ranges only does not rebuild the whole workspace's index for the checks (see `checksIndex`).
   */
  let providerIndex: { revision: number; index: WorkspaceIndex } | undefined;
  /** Bumped whenever facts that other files' checks read change anywhere. */
  let providerRevision = 0;
  /** Bumped per scope (see `factsScope`): a MeshService's checks read only their own scopes. */
  const scopeRevisions = new Map<string, number>();
  function noteChange(before: string, after: string) {
    providerRevision++;
    for (const scope of changedScopes(before, after)) scopeRevisions.set(scope, (scopeRevisions.get(scope) ?? 0) + 1);
  }

  function entryFor(text: string): ChunkEntry {
    let e = cache.get(text);
    if (e) return e;
    stats.parses++;
    const entry: ChunkEntry = {
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

  type Split = { text: string; documents: DocumentInfo[]; chunks: { chunk: Chunk; entry: ChunkEntry; first: number }[] };
  /** The last few texts split into documents: an edit re-splits only what it touched. */
  const splits: Split[] = [];

  /** The documents of a text (parses only the chunks not in the cache); memoized for the last texts. */
  function documentsOf(text: string): Split {
    const hit = splits.find((x) => x.text === text);
    if (hit) return hit;
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
    chunks.push({ chunk, entry, first: documents.length });
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
    // Not split lately (an analysis remembered longer than its split): search the text.
    const split = splits.find((x) => x.text === text);
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
        message: `Unknown Kuma version "${pin.value}" in the kuma-version comment: use 2.9, 2.13, 2.14 or 3.0 (2.10 to 2.12 check like 2.13). Checking against ${settings.kumaVersion} instead.`,
        range: { start: pin.start, end: pin.end },
        data: { path: '', allowedValues: ['2.9', '2.13', '2.14', '3.0'] },
        document: 0,
      });
    }
    const skipped = fileSkip(text);
    if (skipped) {
      // Said only where a Kuma resource seems to be: other large YAML belongs to other tools.
      if (skipped.reason === 'too-large' && settings.validate && mentionsKumaKind(text)) {
        const firstLine = text.indexOf('\n');
        diagnostics.push({
          code: 'yaml-limit',
          severity: 'error',
          message: skipped.message,
          range: { start: 0, end: Math.min(firstLine < 0 ? text.length : firstLine, 200) },
          data: { path: '' },
          document: 0,
        });
      }
      return { kumaVersion: version, pinned: pinnedVersion !== undefined, documents: [], diagnostics, skipped };
    }
    const { documents, chunks } = documentsOf(text);
    if (settings.validate) {
      for (const { chunk, entry, first } of chunks) {
        const diags = diagnosticsFor(entry, chunk.text, version);
        for (let i = 0; i < diags.length; i++) for (const d of diags[i]) diagnostics.push(shift(d, chunk.start, first + i));
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

  /**
   * Facts of a file's text, and the fingerprint of what other files depend on. Files that are
   * not open are parsed without entering the document cache, so a large workspace does not keep
   * every parse tree in memory.
   */
  function* factsOfText(
    text: string,
    open: boolean,
    before?: string[],
  ): Generator<void, { facts: FileFacts; fingerprint?: string; prints: string[] }> {
    const docs: DocumentFacts[] = [];
    const prints: string[] = [];
    if (open) {
      for (const d of analyze(text, { ...DEFAULT_SETTINGS, validate: false }).documents) {
        const f = factsOfDoc(d.parsed);
        // The same document at the same offset keeps its placed facts from the last edit.
        if (!f.placed || f.placed.offset !== d.offset) f.placed = { offset: d.offset, facts: shiftFacts(f.facts, d.offset) };
        docs.push(f.placed.facts);
        prints.push(f.fingerprint);
      }
    } else if (!fileSkip(text)) {
      for (const chunk of splitDocuments(text)) {
        const cached = cache.get(chunk.text);
        const parsed = cached ? cached.parsed : (stats.parses++, parseChunk(chunk.text));
        for (const pd of parsed) {
          const f = cached ? factsOfDoc(pd) : { facts: documentFacts(pd), fingerprint: '' };
          if (!cached) f.fingerprint = providerFingerprint(f.facts);
          docs.push(shiftFacts(f.facts, chunk.start));
          prints.push(f.fingerprint);
        }
        // A step per document: a caller on an event loop can pause between them.
        yield;
      }
    }
    // A keystroke rarely changes what other files depend on: then the per-document fingerprints
    // are the very same strings as before, and the file's fingerprint need not be rebuilt.
    const same = before !== undefined && before.length === prints.length && prints.every((p, i) => p === before[i]);
    return { facts: collectFacts(docs), fingerprint: same ? undefined : prints.join('\n'), prints };
  }

  function* setFileSteps(uri: string, text: string | undefined, layer: FileLayer): Generator<void, boolean> {
    const entry = files.get(uri) ?? { facts: EMPTY_FACTS, fingerprint: '' };
    if (layer === 'disk') entry.disk = text;
    else entry.open = text;
    // A file opened as it is on disk: keep one copy of its text (the editor holds this one).
    if (entry.open !== undefined && entry.open === entry.disk) entry.disk = entry.open;
    const current = entry.open ?? entry.disk;
    if (current === undefined) {
      files.delete(uri);
      indexCache = undefined;
      const changed = entry.fingerprint !== '';
      if (changed) noteChange(entry.fingerprint, '');
      return changed;
    }
    files.set(uri, entry);
    if (entry.factsText === current) {
      entry.factsText = current;
      return false;
    }
    const { facts, fingerprint, prints } = yield* factsOfText(current, entry.open !== undefined, entry.prints);
    // The file may have changed (or been opened, or deleted) while this ran in steps.
    if (files.get(uri) !== entry || (entry.open ?? entry.disk) !== current) return false;
    const changed = record(entry, current, facts, fingerprint ?? entry.fingerprint, prints);
    trimTrees();
    return changed;
  }

  /**
   * Stores a file's new facts. Ranges move with every edit, so the index is rebuilt even when
   * the fingerprint holds; cached cross-file results only go stale when what other files
   * depend on changed (the return value).
   */
  function record(entry: FileEntry, text: string, facts: FileFacts, fingerprint: string, prints?: string[]): boolean {
    const changed = fingerprint !== entry.fingerprint;
    entry.prints = prints;
    if (changed) noteChange(entry.fingerprint, fingerprint);
    entry.facts = facts;
    entry.factsText = text;
    entry.fingerprint = fingerprint;
    indexCache = undefined;
    return changed;
  }

  function setDiskFacts(uri: string, text: string, facts: FileFacts, fingerprint: string): boolean {
    const entry = files.get(uri) ?? { facts: EMPTY_FACTS, fingerprint: '' };
    entry.disk = text;
    files.set(uri, entry);
    // An open buffer has the last word; its facts stay.
    if (entry.open !== undefined || entry.factsText === text) return false;
    return record(entry, text, facts, fingerprint);
  }

  function setFile(uri: string, text: string | undefined, layer: FileLayer): boolean {
    const steps = setFileSteps(uri, text, layer);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  function index(): WorkspaceIndex {
    if (!indexCache) {
      indexCache = new WorkspaceIndex(
        [...files].map(([uri, f]) => [uri, f.facts] as [string, FileFacts]),
        keyOf,
      );
      providerIndex = { revision: providerRevision, index: indexCache };
    }
    return indexCache;
  }

  /**
   * The index for checks that read provider facts only (selections, port names and numbers,
   * counts) and ranges of the document checked, never ranges of other declarations: the MeshService
   * checks. Such results are the same with an index whose ranges lag behind a keystroke.
   */
  function checksIndex(): WorkspaceIndex {
    if (indexCache) return indexCache;
    if (providerIndex?.revision === providerRevision) return providerIndex.index;
    return index();
  }

  /**
   * The cross-file checks of one document's MeshService, cached with the document's parse until
   * some file's provider facts change (a keystroke elsewhere in a large file keeps them).
   */
  function meshServiceChecks(pd: ParsedDocument, version: KumaVersion): readonly Omit<KumaDiagnostic, 'document'>[] {
    const k = factsOfDoc(pd).facts.kuma;
    if (k?.kind !== 'MeshService') return NO_CHECKS;
    // Runs for every MeshService of a file on each keystroke: compare numbers, build no strings.
    const hit = crossCache.get(pd);
    const scope = hit?.scope ?? `dp|${k.mesh}|${k.form}`;
    const dp = scopeRevisions.get(scope) ?? 0;
    const k8s = k.form === 'kubernetes' ? (scopeRevisions.get('k8s') ?? 0) : 0;
    if (hit && hit.dp === dp && hit.k8s === k8s && hit.version === version) return hit.diagnostics;
    const diagnostics = meshServiceDiagnostics(k, checksIndex(), version);
    crossCache.set(pd, { scope, dp, k8s, version, diagnostics });
    return diagnostics;
  }

  const keys = new WeakMap<KumaFact, string>();
  function keyOf(k: KumaFact): string {
    let key = keys.get(k);
    if (key === undefined) {
      key = resourceKey(k);
      keys.set(k, key);
    }
    return key;
  }

  let counted: { revision: number; duplicated: Map<string, string[]> } | undefined;
  /**
   * The resource keys declared more than once in the workspace, each with the files declaring
   * it (in the index's order); keys are provider facts, so this holds until a fingerprint changes.
   */
  function duplicatedKeys(): Map<string, string[]> {
    if (counted?.revision !== providerRevision) {
      const counts = new Map<string, { n: number; uris: string[] }>();
      for (const [uri, f] of files)
        for (const k of f.facts.kuma) {
          if (!k.name) continue;
          const key = keyOf(k);
          const c = counts.get(key);
          if (!c) counts.set(key, { n: 1, uris: [uri] });
          else {
            c.n++;
            if (c.uris[c.uris.length - 1] !== uri) c.uris.push(uri);
          }
        }
      const duplicated = new Map<string, string[]>();
      for (const [key, c] of counts) if (c.n > 1) duplicated.set(key, c.uris);
      counted = { revision: providerRevision, duplicated };
    }
    return counted.duplicated;
  }

  /** Per file's facts: its declarations of the keys declared more than once (for the revision counted). */
  const duplicatesOfFacts = new WeakMap<FileFacts, { revision: number; byKey: Map<string, KumaFact[]> }>();
  function duplicatesIn(facts: FileFacts, duplicated: Map<string, string[]>): Map<string, KumaFact[]> {
    let hit = duplicatesOfFacts.get(facts);
    if (hit?.revision !== providerRevision) {
      const byKey = new Map<string, KumaFact[]>();
      for (const k of facts.kuma) {
        const key = keyOf(k);
        if (!duplicated.has(key)) continue;
        const list = byKey.get(key);
        if (list) list.push(k);
        else byKey.set(key, [k]);
      }
      duplicatesOfFacts.set(facts, (hit = { revision: providerRevision, byKey }));
    }
    return hit.byKey;
  }

  /**
   * Every declaration of a resource declared more than once, with the ranges of now, in the
   * index's order (`WorkspaceIndex.sameResource`), without rebuilding the workspace index: a
   * keystroke in a large file moves its ranges, and the index would be rebuilt on every one.
   */
  function declarationsOf(k: KumaFact): Located<KumaFact>[] {
    const duplicated = duplicatedKeys();
    const key = keyOf(k);
    const out: Located<KumaFact>[] = [];
    for (const uri of duplicated.get(key) ?? []) {
      const f = files.get(uri);
      if (f) for (const fact of duplicatesIn(f.facts, duplicated).get(key) ?? []) out.push({ uri, fact });
    }
    return out;
  }

  function diagnose(uri: string, text: string, settings: Settings = DEFAULT_SETTINGS): FileAnalysis {
    const analysis = analyze(text, settings);
    if (!settings.validate) {
      trimTrees(true);
      return analysis;
    }
    const docs = analysis.documents;
    const final = finish(
      uri,
      text,
      settings,
      analysis.diagnostics,
      docs,
      (i) => meshServiceChecks(docs[i].parsed, analysis.kumaVersion),
      (i) => blockScalarRanges(docs[i].parsed),
      () => factsOf(analysis),
      analysis.skipped !== undefined || mayHoldSuppressions(text),
    );
    trimTrees();
    return final === analysis.diagnostics ? analysis : { ...analysis, diagnostics: final };
  }

  function localAnalysis(text: string, settings: Settings = DEFAULT_SETTINGS): LocalAnalysis {
    const analysis = analyze(text, settings);
    const prints: string[] = [];
    const documents = analysis.documents.map((d) => {
      const f = factsOfDoc(d.parsed);
      prints.push(f.fingerprint);
      const k = f.facts.kuma;
      return {
        index: d.index,
        range: d.range,
        offset: d.offset,
        ...(k?.kind === 'MeshService' ? { meshService: k } : {}),
        ...(settings.validate ? { blockScalars: blockScalarRanges(d.parsed) } : {}),
      };
    });
    const { kumaVersion, pinned, diagnostics, skipped } = analysis;
    const facts = factsOf(analysis);
    // Everything a worker sends back is plain data: the trees of checked files can go.
    trimTrees(!settings.validate);
    return {
      kumaVersion,
      pinned,
      diagnostics,
      ...(skipped ? { skipped } : {}),
      documents,
      facts,
      fingerprint: prints.join('\n'),
    };
  }

  function diagnoseLocal(uri: string, text: string, local: LocalAnalysis, settings: Settings = DEFAULT_SETTINGS): KumaDiagnostic[] {
    if (!settings.validate) return local.diagnostics;
    const docs = local.documents;
    const index_ = checksIndex();
    return finish(
      uri,
      text,
      settings,
      local.diagnostics,
      docs,
      (i) => (docs[i].meshService ? meshServiceDiagnostics(docs[i].meshService!, index_, local.kumaVersion) : []),
      (i) => docs[i].blockScalars ?? [],
      () => local.facts,
    );
  }

  /**
   * A file's final diagnostics from its own ones and its documents: adds the cross-file checks
   * (per MeshService document, and duplicates), then applies suppressions and severity overrides.
   */
  function finish(
    uri: string,
    text: string,
    settings: Settings,
    own: KumaDiagnostic[],
    docs: readonly { index: number; range: OffsetRange; offset: number }[],
    checksOf: (i: number) => readonly Omit<KumaDiagnostic, 'document'>[],
    blockScalarsOf: (i: number) => [number, number][],
    factsOfFile: () => FileFacts,
    /** False when the text is known to hold no suppression comment (no search of the text). */
    suppressible = true,
  ): KumaDiagnostic[] {
    const extra: KumaDiagnostic[] = [];
    // Runs over every document of the file on each keystroke: a plain loop, nothing allocated for
    // the documents without checks.
    for (let i = 0; i < docs.length; i++) {
      const checks = checksOf(i);
      if (checks.length === 0) continue;
      const d = docs[i];
      for (let j = 0; j < checks.length; j++) extra.push(shift(checks[j], d.offset, d.index));
    }
    /** The last document starting at or before `offset` (binary search: files hold thousands). */
    const documentOf = (offset: number) => {
      let lo = 0;
      let hi = docs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (docs[mid].range.start <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    // Only resources whose key appears more than once need the (index-wide) duplicate check;
    // usually nothing is declared twice, and then no resource of the file needs a look.
    const duplicated = duplicatedKeys();
    if (duplicated.size > 0) {
      const entry = files.get(uri);
      const facts = entry && entry.factsText === text ? entry.facts : factsOfFile();
      const suspects = facts.kuma.filter((k) => duplicated.has(keyOf(k)));
      if (suspects.length) extra.push(...duplicateDiagnostics(uri, { ...facts, kuma: suspects }, declarationsOf, documentOf));
    }
    for (const x of extra) x.message = clipMessage(x.message);
    const all = extra.length ? [...own, ...extra].sort((a, b) => a.range.start - b.range.start) : own;
    const inBlockScalar = (offset: number) => {
      const i = documentOf(offset);
      const d = docs[i];
      return d !== undefined && blockScalarsOf(i).some(([s, e]) => offset - d.offset > s && offset - d.offset < e);
    };
    return applySeverityOverrides(suppressible ? applySuppressions(text, all, documentOf, inBlockScalar) : all, settings.severity);
  }

  function warmUp(version: KumaVersion) {
    for (const kind of KUMA_KINDS) for (const form of ['kubernetes', 'universal'] as const) validators.get(version, kind, form);
    // Checks read documents with the fast reader; editing features (completion, hover, fixes)
    // read exact trees with yaml's parser. Run that once now, so that its code is not compiled
    // in the user's first completion (about 10 ms).
    for (const d of parseChunk(WARM_UP_YAML)) void d.doc.contents;
  }

  return {
    warmUp,
    analyze,
    stats,
    get factsRevision() {
      return providerRevision;
    },
    factsOf,
    setFile,
    setFileSteps,
    setDiskFacts,
    getText: (uri) => files.get(uri)?.open ?? files.get(uri)?.disk,
    uris: () => [...files.keys()],
    index,
    diagnose,
    localAnalysis,
    diagnoseLocal,
  };
}

/** The cross-file checks of a document that has none (shared: never modified). */
const NO_CHECKS: readonly Omit<KumaDiagnostic, 'document'>[] = Object.freeze([]);

const blockScalars = new WeakMap<ParsedDocument, [number, number][]>();
/** Chunk offsets of the `|` / `>` block scalars of a document (computed once per parse). */
function blockScalarRanges(pd: ParsedDocument): [number, number][] {
  if (pd.plain) return [];
  let r = blockScalars.get(pd);
  if (!r) {
    const found: [number, number][] = [];
    const root = pd.contents;
    if (root)
      visit(root, {
        Scalar(_key, node) {
          if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && node.range) found.push([node.range[0], node.range[1]]);
        },
      });
    blockScalars.set(pd, (r = found));
  }
  return r;
}

function shift(d: DocumentDiagnostic, by: number, document: number): KumaDiagnostic {
  const r = (x: OffsetRange) => ({ start: x.start + by, end: x.end + by });
  return {
    ...d,
    range: r(d.range),
    document,
    ...(d.related ? { related: d.related.map((x) => ({ message: x.message, range: r(x.range) })) } : {}),
  };
}
