import type { ChunkParse, ParsedDocument } from '../yaml/documents';
import type { DocumentFacts, FileFacts, KumaFact } from './facts';
import type { WorkspaceIndex } from './workspaceIndex';
import type { FileSkip } from '../yaml/limits';
import type { SchemaValidators } from '../schema/validation';
import type { Classification, KumaDiagnostic, OffsetRange } from '../types';
import type { DocumentDiagnostic } from '../diagnostics/validate';
import type { SeverityOverrides } from '../diagnostics/codes';
import { DEFAULT_KUMA_VERSION, type KumaVersion } from '../kuma/versions';

/** Settings the core needs; the LSP layer and the CLI fill them from their own sources. */
export interface Settings {
  kumaVersion: KumaVersion;
  validate: boolean;
  /** Per-code severity (or `off`), applied to a file's final diagnostics by `diagnose`. */
  severity?: SeverityOverrides;
  /**
   * Which hints to keep (after the severity overrides): `set` keeps only hints whose code the
   * severity overrides set to `hint` (kuma-lint: hints are for the editor until `--severity` asks
   * for them); default `all`. The 100-hint limit then counts only the hints kept.
   */
  hints?: 'all' | 'set';
}

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
  /**
   * Set when `diagnose` was allowed to be stale and was: the cross-file checks of documents the
   * last edit did not touch are those of the facts before (see `DiagnoseOptions.stale`).
   */
  stale?: boolean;
}

/** How `diagnose` may answer. */
export interface DiagnoseOptions {
  /**
   * When facts other files provide changed since the file was last diagnosed (an index flush,
   * another file saved, a Dataplane edited), re-check the documents the edit changed and keep
   * the other documents' cross-file checks from before, instead of re-checking every document of
   * the file: a keystroke in a file of thousands of documents is not held up by them. The result
   * says `stale`; `refreshSteps` then brings every check up to date, a step at a time.
   */
  stale?: boolean;
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
    /** Length of the document's chunk (see `DocumentInfo.chunkLength`). */
    chunkLength: number;
    /** The document's MeshService, in chunk offsets (what the cross-file checks read). */
    meshService?: KumaFact;
    /** The document's policy, when it makes references (chunk offsets). */
    policy?: KumaFact;
    /** Chunk offsets of the document's block scalars (suppression comments inside do not count). */
    blockScalars?: [number, number][];
  }[];
  facts: FileFacts;
  fingerprint: string;
}

export interface DocFactsEntry {
  facts: DocumentFacts;
  fingerprint: string;
  /** The facts moved to the document's offset in its file, for the offset last seen. */
  placed?: { offset: number; facts: DocumentFacts };
}

export interface ChunkEntry {
  /** The chunk's text, a string of its own (not a slice of the file it came from). */
  text: string;
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
  /** The facts recorded for a file, when they are those of `text`. */
  factsFor(uri: string, text: string): FileFacts | undefined;
  /** Every file the workspace holds. */
  uris(): string[];
  /** The workspace index, rebuilt lazily after facts change. */
  index(): WorkspaceIndex;
  /**
   * An index whose facts (names, labels, ports, references) are current, though the ranges of files
   * edited since may lag: for answers that count or name things (inlay hints), which it spares a
   * rebuild of the whole index after each keystroke. With `scopes` (see `factsScope`), current in
   * those only: a check that reads the Dataplanes of a mesh needs no rebuild when a port changed.
   */
  checksIndex(scopes?: readonly string[]): WorkspaceIndex;
  /** Compiles the schema validators of a version ahead of the first request. */
  warmUp(version: KumaVersion): void;
  /**
   * Runs the keystroke path of a large file once, on a synthetic file in a service of its own
   * (nothing here changes), so the user's first keystrokes run compiled code; in steps of a few
   * milliseconds to run while the editor is idle; returns that file's text and diagnostics for the
   * front end to warm its own conversion with.
   */
  warmUpKeystrokes(version: KumaVersion): Generator<void, { text: string; diagnostics: KumaDiagnostic[] }>;
  /**
   * The final diagnostics of a file: its own and the cross-file ones against the workspace,
   * less what its suppression comments hide, with the severity overrides of `settings` applied.
   */
  diagnose(uri: string, text: string, settings?: Settings, options?: DiagnoseOptions): FileAnalysis;
  /**
   * `diagnose`, up to date, in steps: each step re-checks the cross-file checks of one document
   * (the expensive part after facts changed), so a caller on an event loop can pause between them
   * and give up when the text changes; the result is what `diagnose` returns then.
   */
  refreshSteps(uri: string, text: string, settings?: Settings): Generator<void, FileAnalysis>;
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
  /**
   * Whether this service parsed the open file's `text` itself (it was opened before a worker
   * analysed it): `diagnose` then re-uses that parse, costs no more than `diagnoseLocal`, and
   * leaves what the file's next keystroke re-uses.
   */
  parsedHere(uri: string, text: string): boolean;
  /**
   * An open file whose facts were recorded from another thread's parse (the indexer read it from
   * the disk), now parsed here to be checked: its facts are recorded again from this parse, so
   * that its first keystroke re-uses the facts of every document it leaves (else that keystroke
   * computes the facts of every document of the file). Nothing is parsed here for it.
   */
  prepareEdits(uri: string, text: string): void;
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
