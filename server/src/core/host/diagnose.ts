import { visit } from 'yaml';
import { duplicateDiagnostics, meshServiceDiagnostics, policyDiagnostics } from '../diagnostics/crossFile';
import type { ParsedDocument } from '../yaml/documents';
import type { FileFacts } from './facts';
import { clipMessage } from '../yaml/limits';
import { isPolicyKind, type KumaDiagnostic, type OffsetRange } from '../types';
import { applySeverityOverrides } from '../diagnostics/codes';
import { applySuppressions } from '../diagnostics/suppressions';
import { limitDiagnostics } from '../diagnostics/limit';
import type { KumaVersion } from '../kuma/versions';
import { matchDocuments, shift, type DocumentCache } from './documentCache';
import type { WorkspaceFiles } from './workspaceFiles';
import { DEFAULT_SETTINGS, type DiagnoseOptions, type DocumentInfo, type FileAnalysis, type LocalAnalysis, type Settings } from './model';

/**
 * The diagnose pipeline: a file's own checks (from the document cache) plus the cross-file
 * checks against the workspace (per MeshService document, and duplicates), less what its
 * suppression comments hide, with the severity overrides applied.
 */
export interface DiagnosePipeline {
  diagnose(uri: string, text: string, settings?: Settings, options?: DiagnoseOptions): FileAnalysis;
  refreshSteps(uri: string, text: string, settings?: Settings): Generator<void, FileAnalysis>;
  localAnalysis(text: string, settings?: Settings): LocalAnalysis;
  diagnoseLocal(uri: string, text: string, local: LocalAnalysis, settings?: Settings): KumaDiagnostic[];
}

/** The cross-file checks of a document that has none (shared: never modified). */
const NO_CHECKS: readonly Omit<KumaDiagnostic, 'document'>[] = Object.freeze([]);

/** Whether diagnostics are in the order of their starts. */
function inOrder(list: readonly KumaDiagnostic[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1].range.start > list[i].range.start) return false;
  return true;
}

/**
 * `[...a, ...b]` stably sorted by start, in linear time when each is in order already (the usual
 * case: a file's own diagnostics and its cross-file checks, each placed document by document): a
 * keystroke in a file of thousands of problems and hints does not sort them all again.
 */
export function mergeByStart(a: readonly KumaDiagnostic[], b: readonly KumaDiagnostic[]): KumaDiagnostic[] {
  const byStart = (x: KumaDiagnostic, y: KumaDiagnostic) => x.range.start - y.range.start;
  const left = inOrder(a) ? a : [...a].sort(byStart);
  const right = inOrder(b) ? b : [...b].sort(byStart);
  const out: KumaDiagnostic[] = new Array(left.length + right.length);
  let i = 0;
  let j = 0;
  let k = 0;
  // On equal starts `a`'s come first, as a stable sort of the two one after the other has them.
  while (i < left.length && j < right.length) out[k++] = left[i].range.start <= right[j].range.start ? left[i++] : right[j++];
  while (i < left.length) out[k++] = left[i++];
  while (j < right.length) out[k++] = right[j++];
  return out;
}

export function createDiagnosePipeline(dc: DocumentCache, ws: WorkspaceFiles): DiagnosePipeline {
  const crossCache = new WeakMap<
    ParsedDocument,
    { scope: string; dp: number; k8s: number; version: KumaVersion; diagnostics: Omit<KumaDiagnostic, 'document'>[] }
  >();
  /**
   * The cross-file checks of one document's MeshService, cached with the document's parse until
   * some file's provider facts change (a keystroke elsewhere in a large file keeps them).
   */
  function meshServiceChecks(pd: ParsedDocument, version: KumaVersion, stale = false): readonly Omit<KumaDiagnostic, 'document'>[] {
    const k = dc.factsOfDoc(pd).facts.kuma;
    if (k?.kind !== 'MeshService') return NO_CHECKS;
    // Runs for every MeshService of a file on each keystroke: compare numbers, build no strings.
    const hit = crossCache.get(pd);
    const scope = hit?.scope ?? `dp|${k.mesh}|${k.form}`;
    const dp = ws.scopeRevision(scope);
    const k8s = k.form === 'kubernetes' ? ws.scopeRevision('k8s') : 0;
    if (hit && hit.dp === dp && hit.k8s === k8s && hit.version === version) return hit.diagnostics;
    const lagging = stale ? ws.lastChecksIndex() : undefined;
    const diagnostics = meshServiceDiagnostics(k, lagging ?? ws.checksIndex(k.form === 'kubernetes' ? [scope, 'k8s'] : [scope]), version);
    // Checked against an index that may lag (a stale answer, refreshed after): not kept.
    if (!lagging) crossCache.set(pd, { scope, dp, k8s, version, diagnostics });
    return diagnostics;
  }

  const policyCache = new WeakMap<
    ParsedDocument,
    { revision: number; version: KumaVersion; diagnostics: Omit<KumaDiagnostic, 'document'>[] }
  >();
  /**
   * The cross-file checks of one document's policy (its references), cached with the document's
   * parse until the facts they read change: resources and their ports (`res`), Kubernetes Services
   * (`k8s`), the mesh's Dataplanes, and routes (`pol`) for references to a MeshHTTPRoute.
   */
  function policyChecks(pd: ParsedDocument, version: KumaVersion, stale = false): readonly Omit<KumaDiagnostic, 'document'>[] {
    const k = dc.factsOfDoc(pd).facts.kuma;
    if (!k || !k.refs?.length || !isPolicyKind(k.kind)) return NO_CHECKS;
    const revision =
      ws.scopeRevision('res') +
      ws.scopeRevision('k8s') +
      ws.scopeRevision(`dp|${k.mesh}|universal`) +
      ws.scopeRevision(`dp|${k.mesh}|kubernetes`) +
      (k.refs.some((r) => r.kind === 'MeshHTTPRoute') ? ws.scopeRevision('pol') : 0);
    const hit = policyCache.get(pd);
    if (hit && hit.revision === revision && hit.version === version) return hit.diagnostics;
    const lagging = stale ? ws.lastChecksIndex() : undefined;
    const diagnostics = policyDiagnostics(k, lagging ?? ws.checksIndex(), version);
    if (!lagging) policyCache.set(pd, { revision, version, diagnostics });
    return diagnostics;
  }

  /**
   * `stale`: the checks of a document an edit changed, for an answer that may be stale (see
   * `placedChecks`): they may read the index as it was last built rather than build it again for
   * facts other files changed meanwhile (a workspace being indexed changes them all the time).
   */
  function documentChecks(pd: ParsedDocument, version: KumaVersion, stale = false): readonly Omit<KumaDiagnostic, 'document'>[] {
    const kind = pd.classification.role === 'kuma' ? pd.classification.kind : undefined;
    if (kind === 'MeshService') return meshServiceChecks(pd, version, stale);
    if (kind !== undefined && isPolicyKind(kind)) return policyChecks(pd, version, stale);
    return NO_CHECKS;
  }

  function diagnose(uri: string, text: string, settings: Settings = DEFAULT_SETTINGS, options: DiagnoseOptions = {}): FileAnalysis {
    const analysis = dc.analyze(text, settings);
    if (!settings.validate) {
      dc.trimTrees(true);
      return analysis;
    }
    const docs = analysis.documents;
    const placed = placedChecks(uri, text.length, docs, analysis.kumaVersion, options.stale === true);
    const final = finish(
      uri,
      text,
      settings,
      analysis.diagnostics,
      docs,
      placed.checks,
      (i) => blockScalarRanges(docs[i].parsed),
      () => dc.factsOf(analysis),
      analysis.skipped !== undefined || dc.mayHoldSuppressions(text),
    );
    dc.trimTrees();
    if (placed.stale) return { ...analysis, diagnostics: final, stale: true };
    return final === analysis.diagnostics ? analysis : { ...analysis, diagnostics: final };
  }

  function* refreshSteps(uri: string, text: string, settings: Settings = DEFAULT_SETTINGS): Generator<void, FileAnalysis> {
    if (settings.validate) {
      const analysis = dc.analyze(text, settings);
      // Each document's checks are cached with its parse: the final diagnose below finds them.
      for (const d of analysis.documents) {
        const kind = d.classification.role === 'kuma' ? d.classification.kind : undefined;
        if (kind !== 'MeshService' && (kind === undefined || !isPolicyKind(kind))) continue;
        documentChecks(d.parsed, analysis.kumaVersion);
        yield;
      }
    }
    return diagnose(uri, text, settings);
  }

  /**
   * The last documents each of a few files was diagnosed with, and their cross-file checks placed
   * in the file: a keystroke in a file of thousands of documents checks the documents it changed,
   * and takes the others' from here (moved when the edit moved them), while none of the facts its
   * documents' checks read changed (the revisions of their scopes: a port edit changes what policies
   * read, not what a MeshService's checks read) and the Kuma version holds. Few files: a memo holds parses.
   */
  const memos = new Map<
    string,
    {
      textLength: number;
      docs: DocumentInfo[];
      version: KumaVersion;
      scopes: Set<string>;
      revision: number;
      placed: (readonly KumaDiagnostic[])[];
    }
  >();

  /** Adds the scopes (see `factsScope`) the cross-file checks of a document read, as `documentChecks` caches them. */
  function addCheckScopes(pd: ParsedDocument, into: Set<string>): void {
    const k = dc.factsOfDoc(pd).facts.kuma;
    if (!k) return;
    if (k.kind === 'MeshService') {
      into.add(`dp|${k.mesh}|${k.form}`);
      if (k.form === 'kubernetes') into.add('k8s');
    } else if (k.refs?.length && isPolicyKind(k.kind)) {
      for (const s of ['res', 'k8s', `dp|${k.mesh}|universal`, `dp|${k.mesh}|kubernetes`, 'pol']) into.add(s);
    }
  }
  /** Scope revisions only grow: their sum changes when any of them does. */
  function revisionOf(scopes: Set<string>): number {
    let r = 0;
    for (const s of scopes) r += ws.scopeRevision(s);
    return r;
  }
  const MEMOS = 4;
  /** Files of fewer documents are never answered stale (see `DiagnoseOptions.stale`). */
  const STALE_MIN_DOCUMENTS = 64;

  /**
   * The cross-file checks of each document of a file, placed in the file (shared: never modified).
   * `stale`: the memo serves the documents an edit left alone even when facts they read changed
   * since (the memo keeps its revision then, so the next call that may not be stale re-checks).
   */
  function placedChecks(
    uri: string,
    textLength: number,
    docs: DocumentInfo[],
    version: KumaVersion,
    allowStale = false,
  ): { checks: (readonly KumaDiagnostic[])[]; stale: boolean } {
    const memo = memos.get(uri);
    const fresh = memo !== undefined && memo.version === version && memo.revision === revisionOf(memo.scopes);
    // Small files re-check every document at once: only thousands of them are worth a refresh later.
    const stale = !fresh && allowStale && docs.length > STALE_MIN_DOCUMENTS && memo !== undefined && memo.version === version;
    const usable = fresh || stale;
    const { head, tail } = usable ? matchDocuments(memo.docs, docs, textLength - memo.textLength) : { head: 0, tail: 0 };
    const placed: (readonly KumaDiagnostic[])[] = new Array(docs.length);
    for (let i = 0; i < head; i++) placed[i] = memo!.placed[i];
    // The scopes of documents an edit removed stay: a memo invalidated once too often is only slower.
    const scopes = usable ? memo.scopes : new Set<string>();
    for (let i = head; i < docs.length - tail; i++) {
      placed[i] = place(documentChecks(docs[i].parsed, version, stale), docs[i]);
      addCheckScopes(docs[i].parsed, scopes);
    }
    for (let i = docs.length - tail; i < docs.length; i++) {
      const j = i - docs.length + memo!.docs.length;
      const old = memo!.placed[j];
      const d = docs[i];
      const was = memo!.docs[j];
      placed[i] =
        old.length === 0 || (d.offset === was.offset && d.index === was.index)
          ? old
          : // A placed diagnostic moved with its document: placed again, as `place` does (the same shape).
            old.map((x) => shift(x, d.offset - was.offset, d.index));
    }
    memos.delete(uri);
    memos.set(uri, { textLength, docs, version, scopes, revision: stale ? memo!.revision : revisionOf(scopes), placed });
    if (memos.size > MEMOS) memos.delete(memos.keys().next().value!);
    return { checks: placed, stale };
  }

  function localAnalysis(text: string, settings: Settings = DEFAULT_SETTINGS): LocalAnalysis {
    const analysis = dc.analyze(text, settings);
    const prints: string[] = [];
    const documents = analysis.documents.map((d) => {
      const f = dc.factsOfDoc(d.parsed);
      prints.push(f.fingerprint);
      const k = f.facts.kuma;
      return {
        index: d.index,
        range: d.range,
        offset: d.offset,
        chunkLength: d.chunkLength,
        ...(k?.kind === 'MeshService' ? { meshService: k } : {}),
        ...(k && k.refs?.length && isPolicyKind(k.kind) ? { policy: k } : {}),
        ...(settings.validate ? { blockScalars: blockScalarRanges(d.parsed) } : {}),
      };
    });
    const { kumaVersion, pinned, diagnostics, skipped } = analysis;
    const facts = dc.factsOf(analysis);
    // Everything a worker sends back is plain data: the trees of checked files can go.
    dc.trimTrees(!settings.validate);
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
    const index_ = ws.checksIndex();
    return finish(
      uri,
      text,
      settings,
      local.diagnostics,
      docs,
      placeEach(docs, (i) => {
        const ms = docs[i].meshService;
        const policy = docs[i].policy;
        if (!ms && !policy) return NO_CHECKS;
        // A document this thread has parsed and checked before (the same text in another file, or
        // this file before the indexer saw it) answers from the cache of its parse, and leaves its
        // result there: the first keystroke in the file then finds every other document's checks.
        const pd = cachedDocument(text, docs, i);
        if (pd) return documentChecks(pd, local.kumaVersion);
        return ms ? meshServiceDiagnostics(ms, index_, local.kumaVersion) : policyDiagnostics(policy!, index_, local.kumaVersion);
      }),
      (i) => docs[i].blockScalars ?? [],
      () => local.facts,
    );
  }

  /**
   * The parse this thread holds of document `i` of a locally analysed text, when its facts are
   * known here (no parse, no tree read back): the main thread's copy of what a worker analysed.
   */
  function cachedDocument(text: string, docs: LocalAnalysis['documents'], i: number): ParsedDocument | undefined {
    const d = docs[i];
    const parsed = dc.cachedParse(text.slice(d.offset, d.offset + d.chunkLength));
    if (!parsed) return undefined;
    let first = i;
    while (first > 0 && docs[first - 1].offset === d.offset) first--;
    const pd = parsed[i - first];
    return pd && dc.knowsFacts(pd) ? pd : undefined;
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
    /** The cross-file checks per document, placed in the file (see `placedChecks`). */
    checks: readonly (readonly KumaDiagnostic[])[],
    blockScalarsOf: (i: number) => [number, number][],
    factsOfFile: () => FileFacts,
    /** False when the text is known to hold no suppression comment (no search of the text). */
    suppressible = true,
  ): KumaDiagnostic[] {
    const extra: KumaDiagnostic[] = [];
    // Runs over every document of the file on each keystroke: a plain loop, nothing allocated.
    for (let i = 0; i < checks.length; i++) {
      const placed = checks[i];
      for (let j = 0; j < placed.length; j++) extra.push(placed[j]);
    }
    const checked = extra.length;
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
    const duplicated = ws.duplicatedKeys();
    if (duplicated.size > 0) {
      const recorded = ws.factsFor(uri, text);
      const facts = recorded ?? factsOfFile();
      const suspects = (recorded && ws.duplicatedIn(uri, text)) || facts.kuma.filter((k) => duplicated.has(ws.keyOf(k)));
      if (suspects.length) extra.push(...duplicateDiagnostics(uri, { ...facts, kuma: suspects }, ws.declarationsOf, documentOf));
    }
    // The placed checks are clipped already (and shared with the next keystroke's result).
    for (let i = checked; i < extra.length; i++) extra[i].message = clipMessage(extra[i].message);
    const all = extra.length ? mergeByStart(own, extra) : own;
    const inBlockScalar = (offset: number) => {
      const i = documentOf(offset);
      const d = docs[i];
      return d !== undefined && blockScalarsOf(i).some(([s, e]) => offset - d.offset > s && offset - d.offset < e);
    };
    let shown = applySeverityOverrides(suppressible ? applySuppressions(text, all, documentOf, inBlockScalar) : all, settings.severity);
    if (settings.hints === 'set') shown = shown.filter((d) => d.severity !== 'hint' || settings.severity?.[d.code] === 'hint');
    return limitDiagnostics(shown, settings.severity);
  }

  return { diagnose, refreshSteps, localAnalysis, diagnoseLocal };
}

/** Chunk-relative checks of a document placed at its offset and index, messages clipped. */
function place(checks: readonly Omit<KumaDiagnostic, 'document'>[], d: { offset: number; index: number }): readonly KumaDiagnostic[] {
  if (checks.length === 0) return NO_PLACED;
  return checks.map((c) => {
    const x = shift(c, d.offset, d.index);
    x.message = clipMessage(x.message);
    return x;
  });
}

/** `place` for each document. */
function placeEach(
  docs: readonly { offset: number; index: number }[],
  checksOf: (i: number) => readonly Omit<KumaDiagnostic, 'document'>[],
): (readonly KumaDiagnostic[])[] {
  return docs.map((d, i) => place(checksOf(i), d));
}

const NO_PLACED: readonly KumaDiagnostic[] = Object.freeze([]);

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
