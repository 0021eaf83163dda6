import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import { codeDocsUrl, type Severity } from '../core';
import type { Position } from '../core';
import type { KumaDiagnostic, OffsetRange } from '../core';

/** Anything that places offsets of one text: our LineIndex, or the editor's TextDocument. */
export interface Positions {
  positionAt(offset: number): Position;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The one place where core offsets become LSP ranges. */
export function toLspRange(index: Positions, r: OffsetRange) {
  return { start: index.positionAt(r.start), end: index.positionAt(r.end) };
}

/**
 * Converts core diagnostics of one file; `rangeIn` places related information that lies in
 * other files (it needs their text). `keep`: an open file's, converted again at each keystroke,
 * whose LSP forms are kept for the next one (files not open are converted once per change, and
 * keeping theirs would only grow the server).
 */
export function toLspDiagnostics(
  uri: string,
  index: Positions,
  diags: readonly KumaDiagnostic[],
  rangeIn: (uri: string, r: OffsetRange) => ReturnType<typeof toLspRange> = (_u, r) => toLspRange(index, r),
  keep = false,
): Diagnostic[] {
  if (diags.length === 0) return [];
  if (!keep) return diags.map((d) => lspForm(uri, index, d, toLspRange(index, d.range), rangeIn));
  return diags.map((d) => {
    const range = toLspRange(index, d.range);
    // Diagnostics are never changed once made, and a keystroke keeps most of a file's: one that
    // still sits at the same line and character keeps its LSP form (and its JSON, see encode.ts).
    const hit = d.related ? undefined : lspForms.get(d);
    if (hit && samePlace(hit.range, range)) return hit;
    const out = lspForm(uri, index, d, range, rangeIn);
    if (!d.related) lspForms.set(d, out);
    return out;
  });
}

const lspForms = new WeakMap<KumaDiagnostic, Diagnostic>();

function samePlace(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

function lspForm(
  uri: string,
  index: Positions,
  d: KumaDiagnostic,
  range: Range,
  rangeIn: (uri: string, r: OffsetRange) => ReturnType<typeof toLspRange>,
): Diagnostic {
  return {
    range,
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: codeDocsUrl(d.code) },
    source: 'kuma',
    message: d.message,
    data: { ...d.data, document: d.document },
    ...(d.related
      ? {
          relatedInformation: d.related.map((r) => ({
            message: r.message,
            // The file itself is placed by `index` (the editor's own line starts), not looked up again.
            location: r.uri && r.uri !== uri ? { uri: r.uri, range: rangeIn(r.uri, r.range) } : { uri, range: toLspRange(index, r.range) },
          })),
        }
      : {}),
  };
}
