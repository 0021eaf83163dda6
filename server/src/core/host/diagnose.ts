import { visit } from 'yaml';
import { duplicateDiagnostics, meshServiceDiagnostics } from '../diagnostics/crossFile';
import type { ParsedDocument } from '../yaml/documents';
import type { FileFacts } from './facts';
import { clipMessage } from '../yaml/limits';
import type { KumaDiagnostic, OffsetRange } from '../types';
import { applySeverityOverrides } from '../diagnostics/codes';
import { applySuppressions } from '../diagnostics/suppressions';
import { limitProblems } from '../diagnostics/limit';
import type { KumaVersion } from '../kuma/versions';
import { shift, type DocumentCache } from './documentCache';
import type { WorkspaceFiles } from './workspaceFiles';
import { DEFAULT_SETTINGS, type FileAnalysis, type LocalAnalysis, type Settings } from './model';

/**
 * The diagnose pipeline: a file's own checks (from the document cache) plus the cross-file
 * checks against the workspace (per MeshService document, and duplicates), less what its
 * suppression comments hide, with the severity overrides applied.
 */
export interface DiagnosePipeline {
  diagnose(uri: string, text: string, settings?: Settings): FileAnalysis;
  localAnalysis(text: string, settings?: Settings): LocalAnalysis;
  diagnoseLocal(uri: string, text: string, local: LocalAnalysis, settings?: Settings): KumaDiagnostic[];
}

/** The cross-file checks of a document that has none (shared: never modified). */
const NO_CHECKS: readonly Omit<KumaDiagnostic, 'document'>[] = Object.freeze([]);

export function createDiagnosePipeline(dc: DocumentCache, ws: WorkspaceFiles): DiagnosePipeline {
  const crossCache = new WeakMap<
    ParsedDocument,
    { scope: string; dp: number; k8s: number; version: KumaVersion; diagnostics: Omit<KumaDiagnostic, 'document'>[] }
  >();
  /**
   * The cross-file checks of one document's MeshService, cached with the document's parse until
   * some file's provider facts change (a keystroke elsewhere in a large file keeps them).
   */
  function meshServiceChecks(pd: ParsedDocument, version: KumaVersion): readonly Omit<KumaDiagnostic, 'document'>[] {
    const k = dc.factsOfDoc(pd).facts.kuma;
    if (k?.kind !== 'MeshService') return NO_CHECKS;
    // Runs for every MeshService of a file on each keystroke: compare numbers, build no strings.
    const hit = crossCache.get(pd);
    const scope = hit?.scope ?? `dp|${k.mesh}|${k.form}`;
    const dp = ws.scopeRevision(scope);
    const k8s = k.form === 'kubernetes' ? ws.scopeRevision('k8s') : 0;
    if (hit && hit.dp === dp && hit.k8s === k8s && hit.version === version) return hit.diagnostics;
    const diagnostics = meshServiceDiagnostics(k, ws.checksIndex(), version);
    crossCache.set(pd, { scope, dp, k8s, version, diagnostics });
    return diagnostics;
  }

  function diagnose(uri: string, text: string, settings: Settings = DEFAULT_SETTINGS): FileAnalysis {
    const analysis = dc.analyze(text, settings);
    if (!settings.validate) {
      dc.trimTrees(true);
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
      () => dc.factsOf(analysis),
      analysis.skipped !== undefined || dc.mayHoldSuppressions(text),
    );
    dc.trimTrees();
    return final === analysis.diagnostics ? analysis : { ...analysis, diagnostics: final };
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
        ...(k?.kind === 'MeshService' ? { meshService: k } : {}),
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
    const duplicated = ws.duplicatedKeys();
    if (duplicated.size > 0) {
      const facts = ws.factsFor(uri, text) ?? factsOfFile();
      const suspects = facts.kuma.filter((k) => duplicated.has(ws.keyOf(k)));
      if (suspects.length) extra.push(...duplicateDiagnostics(uri, { ...facts, kuma: suspects }, ws.declarationsOf, documentOf));
    }
    for (const x of extra) x.message = clipMessage(x.message);
    const all = extra.length ? [...own, ...extra].sort((a, b) => a.range.start - b.range.start) : own;
    const inBlockScalar = (offset: number) => {
      const i = documentOf(offset);
      const d = docs[i];
      return d !== undefined && blockScalarsOf(i).some(([s, e]) => offset - d.offset > s && offset - d.offset < e);
    };
    const shown = applySeverityOverrides(suppressible ? applySuppressions(text, all, documentOf, inBlockScalar) : all, settings.severity);
    return limitProblems(shown, settings.severity?.['problem-limit']);
  }

  return { diagnose, localAnalysis, diagnoseLocal };
}

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
