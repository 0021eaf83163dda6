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

/**
 * The most hints shown for one file. Hints are notes, not problems (the upgrade lint at 2.x says
 * what Kuma 3.0 will do with a construct): an editor marks them faintly and lists none in its
 * Problems panel, and a file of legacy resources has one or two per document, 2,300 in the
 * 2,000-document benchmark file. Each goes over the language server protocol with every
 * keystroke (1.6 MB there, issue 13), while the one thing they say is "migrate this file".
 */
export const MAX_FILE_HINTS = 100;

/**
 * The diagnostics of a file with at most `MAX_FILE_HINTS` hints, in the order of the file: past
 * that, one `hint-limit` hint on the first hint left out, counting them per code (`override`: its
 * severity; `off`: no such diagnostic, the hints still left out). Problems (every other severity)
 * are all kept. The same array when the file holds no more hints than that.
 */
export function limitHints(diagnostics: KumaDiagnostic[], override?: SeverityLevel, max: number = MAX_FILE_HINTS): KumaDiagnostic[] {
  let hints = 0;
  for (const d of diagnostics) if (d.severity === 'hint') hints++;
  if (hints <= max) return diagnostics;
  const out: KumaDiagnostic[] = [];
  const left = new Map<string, number>();
  let note: KumaDiagnostic | undefined;
  let shown = 0;
  for (const d of diagnostics) {
    if (d.severity !== 'hint' || ++shown <= max) {
      out.push(d);
      continue;
    }
    left.set(d.code, (left.get(d.code) ?? 0) + 1);
    if (note) continue;
    note = { code: 'hint-limit', severity: 'hint', message: '', range: { ...d.range }, data: { path: '' }, document: d.document };
    if (override !== 'off') out.push(note);
  }
  if (!note) return out;
  const n = hints - max;
  const codes = [...left].map(([code, c]) => `${code} ${c.toLocaleString('en')}`).join(', ');
  note.message =
    `${n.toLocaleString('en')} more hint${n === 1 ? '' : 's'} in this file ${n === 1 ? 'is' : 'are'} not shown (${codes}): at most ` +
    `${max.toLocaleString('en')} are shown per file, and this is where they stop. "Migrate to Kuma 3.0" takes care of the upgrade ones; ` +
    'to see every one, set the severity of their codes to information (kuma.diagnostics.severity, kuma-lint --severity CODE=information).';
  if (override !== undefined && override !== 'off') note.severity = override;
  return out;
}

/**
 * Both limits (`limitProblems`, then `limitHints`) with the file's `problem-limit` and `hint-limit`
 * severity overrides; one pass over the diagnostics when neither applies (every keystroke, usually).
 */
export function limitDiagnostics(diagnostics: KumaDiagnostic[], severity?: Partial<Record<string, SeverityLevel>>): KumaDiagnostic[] {
  if (diagnostics.length <= MAX_FILE_HINTS) return diagnostics;
  let hints = 0;
  let over = false;
  if (diagnostics.length > MAX_DOCUMENT_PROBLEMS) {
    const counts: number[] = [];
    for (const d of diagnostics) {
      if (d.severity === 'hint') hints++;
      else if ((counts[d.document] = (counts[d.document] ?? 0) + 1) > MAX_DOCUMENT_PROBLEMS) over = true;
    }
  } else for (const d of diagnostics) if (d.severity === 'hint') hints++;
  const limited = over ? limitProblems(diagnostics, severity?.['problem-limit']) : diagnostics;
  return hints > MAX_FILE_HINTS ? limitHints(limited, severity?.['hint-limit']) : limited;
}
