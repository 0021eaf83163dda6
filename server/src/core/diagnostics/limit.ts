import type { KumaDiagnostic } from '../types';
import type { SeverityLevel } from './codes';

/**
 * The most problems reported for one YAML document. A document with more (a generated file, a
 * paste gone wrong: issue 19 measured 48,000 unknown keys) gets its first 1,000, in the order of
 * the file, and then one `problem-limit` diagnostic saying how many more there are. Nobody reads
 * past the first screens of one document's problems, while every one of them costs: in the editor's
 * Problems panel and over the language server protocol, and in `kuma-lint`'s output (48,000 lines,
 * 9 MB). Both go through the core's diagnose pipeline, so the editor and the CLI show the same.
 */
export const MAX_DOCUMENT_PROBLEMS = 1000;

/**
 * The diagnostics of a file, at most `MAX_DOCUMENT_PROBLEMS` per document: past that, one
 * `problem-limit` diagnostic per document, on the first problem left out: a warning, or an error when
 * one of the problems left out is one (so that what fails a CI run still does), or `override` when it
 * is set (`off`: no diagnostic, the problems still left out). Runs last, on what suppressions and severity overrides
 * leave. The same array when no document is over the limit.
 */
export function limitProblems(
  diagnostics: KumaDiagnostic[],
  override?: SeverityLevel,
  max: number = MAX_DOCUMENT_PROBLEMS,
): KumaDiagnostic[] {
  if (diagnostics.length <= max) return diagnostics;
  // Document indexes are small integers: counted in arrays.
  const counts: number[] = [];
  let over = false;
  for (const d of diagnostics) {
    // Hints (the upgrade lint's) are not problems: they neither count nor are left out.
    if (d.severity === 'hint') continue;
    const c = (counts[d.document] ?? 0) + 1;
    counts[d.document] = c;
    if (c > max) over = true;
  }
  if (!over) return diagnostics;
  const shown: number[] = [];
  const notes: { note: KumaDiagnostic; left: number }[] = [];
  const out: KumaDiagnostic[] = [];
  for (const d of diagnostics) {
    if (d.severity === 'hint') {
      out.push(d);
      continue;
    }
    const c = (shown[d.document] ?? 0) + 1;
    shown[d.document] = c;
    if (c <= max) {
      out.push(d);
      continue;
    }
    const hit = notes[d.document];
    if (hit) {
      hit.left++;
      if (d.severity === 'error') hit.note.severity = 'error';
      continue;
    }
    const note: KumaDiagnostic = {
      code: 'problem-limit',
      severity: d.severity === 'error' ? 'error' : 'warning',
      message: '',
      range: { ...d.range },
      data: { path: '' },
      document: d.document,
    };
    notes[d.document] = { note, left: 1 };
    if (override !== 'off') out.push(note);
  }
  for (const hit of notes) {
    if (!hit) continue;
    const { note, left } = hit;
    note.message =
      `${left.toLocaleString('en')} more problem${left === 1 ? '' : 's'} in this document ${left === 1 ? 'is' : 'are'} not shown: ` +
      `at most ${max.toLocaleString('en')} are reported per document, and this is where they stop. Fix the ones above, or look at where the document comes from (generated?).`;
    if (override !== undefined && override !== 'off') note.severity = override;
  }
  return out;
}
