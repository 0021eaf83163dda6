import { crossFileDiagnostics } from './crossFile';
import { parseChunk, splitDocuments, type ParsedDocument } from './documents';
import { collectFacts, documentFacts, EMPTY_FACTS, factsFingerprint, shiftFacts, type DocumentFacts, type FileFacts } from './facts';
import { WorkspaceIndex } from './workspaceIndex';
import { SchemaValidators } from './schemaValidation';
import type { Classification, KumaDiagnostic, OffsetRange } from './types';
import { validateDocument, type DocumentDiagnostic } from './validate';
import { DEFAULT_KUMA_VERSION, normalizeKumaVersion, pinnedVersionText, type KumaVersion } from './versions';

/** Settings the core needs; the LSP layer and the CLI fill them from their own sources. */
export interface Settings {
  kumaVersion: KumaVersion;
  validate: boolean;
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

export interface FileAnalysis {
  /** The Kuma version the file was checked against (the file's pin, or the setting). */
  kumaVersion: KumaVersion;
  /** True when a `# kuma-version:` comment chose the version. */
  pinned: boolean;
  documents: DocumentInfo[];
  diagnostics: KumaDiagnostic[];
}

interface ChunkEntry {
  parsed: ParsedDocument[];
  diagnostics: Map<KumaVersion, DocumentDiagnostic[][]>;
}

export interface LanguageServiceOptions {
  /** How many parsed documents to keep; the oldest are dropped past it. */
  cacheSize?: number;
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
  /** The current text of a workspace file (open buffer first), if known. */
  getText(uri: string): string | undefined;
  /** Every file the workspace holds. */
  uris(): string[];
  /** The workspace index, rebuilt lazily after facts change. */
  index(): WorkspaceIndex;
  /** Diagnostics of a file: its own and the cross-file ones against the workspace. */
  diagnose(uri: string, text: string, settings?: Settings): FileAnalysis;
  /** The number of documents parsed since start: lets tests and benchmarks see cache hits. */
  readonly stats: { parses: number; validations: number };
}

/**
 * The pure core's facade. It holds the caches (parse and diagnostics per document text, and the
 * compiled schema validators); it does no I/O and keeps no state outside this object.
 */
export function createLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const cacheSize = options.cacheSize ?? 50_000;
  const cache = new Map<string, ChunkEntry>();
  const validators = new SchemaValidators();
  const stats = { parses: 0, validations: 0 };
  const docFacts = new WeakMap<ParsedDocument, DocumentFacts>();
  const files = new Map<string, { disk?: string; open?: string; facts: FileFacts; fingerprint: string; factsText?: string }>();
  let indexCache: WorkspaceIndex | undefined;

  function entryFor(text: string): ChunkEntry {
    let e = cache.get(text);
    if (e) return e;
    stats.parses++;
    e = { parsed: parseChunk(text), diagnostics: new Map() };
    if (cache.size >= cacheSize) {
      // Maps iterate in insertion order: drop the oldest tenth in one go.
      let n = Math.ceil(cacheSize / 10);
      for (const k of cache.keys()) {
        if (n-- <= 0) break;
        cache.delete(k);
      }
    }
    cache.set(text, e);
    return e;
  }

  function diagnosticsFor(e: ChunkEntry, text: string, version: KumaVersion): DocumentDiagnostic[][] {
    let d = e.diagnostics.get(version);
    if (!d) {
      stats.validations++;
      d = e.parsed.map((pd) => safeValidate(pd, version, text));
      e.diagnostics.set(version, d);
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

  function analyze(text: string, settings: Settings = DEFAULT_SETTINGS): FileAnalysis {
    const pin = pinnedVersionText(text);
    const pinnedVersion = pin ? normalizeKumaVersion(pin.value) : undefined;
    const version = pinnedVersion ?? settings.kumaVersion;
    const documents: DocumentInfo[] = [];
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
    for (const chunk of splitDocuments(text)) {
      const e = entryFor(chunk.text);
      const diags = settings.validate ? diagnosticsFor(e, chunk.text, version) : [];
      e.parsed.forEach((pd, i) => {
        const index = documents.length;
        documents.push({
          index,
          range: { start: chunk.start + pd.range.start, end: chunk.start + pd.range.end },
          classification: pd.classification,
          parsed: pd,
          offset: chunk.start,
          chunkLength: chunk.text.length,
        });
        for (const d of diags[i] ?? []) diagnostics.push(shift(d, chunk.start, index));
      });
    }
    return { kumaVersion: version, pinned: pinnedVersion !== undefined, documents, diagnostics };
  }

  function factsOfDoc(pd: ParsedDocument): DocumentFacts {
    let f = docFacts.get(pd);
    if (!f) {
      f = documentFacts(pd);
      docFacts.set(pd, f);
    }
    return f;
  }

  function factsOf(analysis: FileAnalysis): FileFacts {
    return collectFacts(analysis.documents.map((d) => shiftFacts(factsOfDoc(d.parsed), d.offset)));
  }

  /**
   * Facts of a file that is not open: parsed without entering the document cache, so a large
   * workspace does not keep every parse tree in memory.
   */
  function factsOfText(text: string): FileFacts {
    const docs: DocumentFacts[] = [];
    for (const chunk of splitDocuments(text)) {
      const cached = cache.get(chunk.text);
      const parsed = cached ? cached.parsed : (stats.parses++, parseChunk(chunk.text));
      for (const pd of parsed) docs.push(shiftFacts(cached ? factsOfDoc(pd) : documentFacts(pd), chunk.start));
    }
    return collectFacts(docs);
  }

  function setFile(uri: string, text: string | undefined, layer: FileLayer): boolean {
    const entry = files.get(uri) ?? { facts: EMPTY_FACTS, fingerprint: factsFingerprint(EMPTY_FACTS) };
    if (layer === 'disk') entry.disk = text;
    else entry.open = text;
    const current = entry.open ?? entry.disk;
    if (current === undefined) {
      files.delete(uri);
      const changed = entry.fingerprint !== factsFingerprint(EMPTY_FACTS);
      if (changed) indexCache = undefined;
      return changed;
    }
    files.set(uri, entry);
    if (entry.factsText === current) return false;
    const facts = entry.open !== undefined ? factsOf(analyze(current, { ...DEFAULT_SETTINGS, validate: false })) : factsOfText(current);
    const fingerprint = factsFingerprint(facts);
    const changed = fingerprint !== entry.fingerprint;
    entry.facts = facts;
    entry.factsText = current;
    entry.fingerprint = fingerprint;
    // Ranges move with every edit, so the index is rebuilt even when the fingerprint holds.
    indexCache = undefined;
    return changed;
  }

  function index(): WorkspaceIndex {
    if (!indexCache) indexCache = new WorkspaceIndex([...files].map(([uri, f]) => [uri, f.facts] as [string, FileFacts]));
    return indexCache;
  }

  function diagnose(uri: string, text: string, settings: Settings = DEFAULT_SETTINGS): FileAnalysis {
    const analysis = analyze(text, settings);
    if (!settings.validate) return analysis;
    const docs = analysis.documents;
    const documentOf = (offset: number) => {
      let i = docs.length - 1;
      while (i > 0 && docs[i].range.start > offset) i--;
      return Math.max(0, i);
    };
    const extra = crossFileDiagnostics(uri, factsOf(analysis), index(), analysis.kumaVersion, documentOf);
    return extra.length
      ? { ...analysis, diagnostics: [...analysis.diagnostics, ...extra].sort((a, b) => a.range.start - b.range.start) }
      : analysis;
  }

  return {
    analyze,
    stats,
    factsOf,
    setFile,
    getText: (uri) => files.get(uri)?.open ?? files.get(uri)?.disk,
    uris: () => [...files.keys()],
    index,
    diagnose,
  };
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
