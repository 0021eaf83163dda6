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
 * The optional fields of a diagnostic that the client said it reads
 * (`textDocument.publishDiagnostics.codeDescriptionSupport` / `dataSupport`): a file's whole list
 * goes out on every keystroke, and the link to a code's docs and the data of its quick fixes are a
 * third of it. Without `data`, the quick fixes find it again from what was sent (`dataOf`).
 */
export interface LspFields {
  codeDescription: boolean;
  data: boolean;
}
export const ALL_FIELDS: LspFields = Object.freeze({ codeDescription: true, data: true });

/**
 * Converts core diagnostics of one file; `rangeIn` places related information that lies in
 * other files (it needs their text). `keep`: an open file's, converted again at each keystroke,
 * whose LSP forms are kept for the next one (files not open are converted once per change, and
 * keeping theirs would only grow the server). `fields`: the optional fields sent (one object per
 * client, kept for the server's life).
 */
export function toLspDiagnostics(
  uri: string,
  index: Positions,
  diags: readonly KumaDiagnostic[],
  rangeIn: (uri: string, r: OffsetRange) => ReturnType<typeof toLspRange> = (_u, r) => toLspRange(index, r),
  keep = false,
  fields: LspFields = ALL_FIELDS,
): Diagnostic[] {
  if (diags.length === 0) return [];
  if (!keep) return diags.map((d) => lspForm(uri, index, d, toLspRange(index, d.range), rangeIn, fields));
  let forms = lspForms.get(fields);
  if (!forms) lspForms.set(fields, (forms = new WeakMap()));
  return diags.map((d) => {
    const range = toLspRange(index, d.range);
    // Diagnostics are never changed once made, and a keystroke keeps most of a file's: one that
    // still sits at the same line and character keeps its LSP form (and its JSON, see encode.ts).
    const hit = d.related ? undefined : forms.get(d);
    if (hit && sameRange(hit.range, range)) return hit;
    const out = lspForm(uri, index, d, range, rangeIn, fields);
    if (!d.related) forms.set(d, out);
    return out;
  });
}

const lspForms = new WeakMap<LspFields, WeakMap<KumaDiagnostic, Diagnostic>>();

/** The `data` of a diagnostic sent without it (see `LspFields`). */
const dataOfSent = new WeakMap<Diagnostic, unknown>();

/** The data of a diagnostic this server made: its own `data`, or what it was sent without. */
export function dataOf(d: Diagnostic): unknown {
  return d.data ?? dataOfSent.get(d);
}

/** Whether two LSP ranges are the same. */
export function sameRange(a: Range, b: Range): boolean {
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
  fields: LspFields,
): Diagnostic {
  const data = { ...d.data, document: d.document };
  const out: Diagnostic = {
    range,
    severity: SEVERITY[d.severity],
    code: d.code,
    ...(fields.codeDescription ? { codeDescription: { href: codeDocsUrl(d.code) } } : {}),
    source: 'kuma',
    message: d.message,
    ...(fields.data ? { data } : {}),
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
  if (!fields.data) dataOfSent.set(out, data);
  return out;
}
