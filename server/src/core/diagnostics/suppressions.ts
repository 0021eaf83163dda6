import { splitDocuments } from '../yaml/documents';
import { closestCode, isDiagnosticCode, unknownCodeMessage, type DiagnosticCode } from './codes';
import type { KumaDiagnostic, OffsetRange } from '../types';

/**
 * Suppression comments, on a line of their own:
 *
 *   # kuma-lint-disable-next-line CODE[, CODE...]   the next line that is neither blank nor a comment
 *   # kuma-lint-disable CODE[, CODE...]             the whole `---` document holding the comment
 *                                                   (above a file's first `---`: the document after it)
 *
 * Without a code they suppress every code. Text after ` -- ` is a reason and is ignored.
 * Trailing comments (after a value) are not suppressions.
 */
export const DISABLE_NEXT_LINE = 'kuma-lint-disable-next-line';
export const DISABLE = 'kuma-lint-disable';

export interface Suppression {
  kind: 'next-line' | 'document';
  /** The codes it names; undefined for all codes. */
  codes: Set<DiagnosticCode> | undefined;
  /** Offsets it covers: the target line, or the document's chunk. */
  covers: OffsetRange;
}

const COMMENT = /^([ \t]*)#[ \t]*(kuma-lint-disable(?:-next-line)?)(?=[ \t]|$)(.*)$/;

/** The suppressions of a text, and a warning for every code they name that does not exist. */
export function findSuppressions(
  text: string,
  inBlockScalar: (offset: number) => boolean = () => false,
): { suppressions: Suppression[]; problems: KumaDiagnostic[] } {
  const suppressions: Suppression[] = [];
  const problems: KumaDiagnostic[] = [];
  if (!text.includes(DISABLE)) return { suppressions, problems };
  const chunks = splitDocuments(text);
  let chunk = 0;
  for (let lineStart = 0; lineStart <= text.length;) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    // A `#` line inside a `|` or `>` block scalar is text, not a comment.
    const m = line.includes(DISABLE) && !inBlockScalar(lineStart) ? COMMENT.exec(line) : null;
    if (m) {
      while (chunk + 1 < chunks.length && chunks[chunk + 1].start <= lineStart) chunk++;
      const kind = m[2] === DISABLE_NEXT_LINE ? 'next-line' : 'document';
      const argsStart = lineStart + m[1].length + line.slice(m[1].length).indexOf(m[2]) + m[2].length;
      const args = m[3].split(/[ \t]--[ \t]|[ \t]--$/)[0];
      const codes = new Set<DiagnosticCode>();
      for (const w of args.matchAll(/[^\s,]+/g)) {
        const word = w[0];
        if (isDiagnosticCode(word)) codes.add(word);
        else {
          const start = argsStart + w.index;
          const near = closestCode(word);
          problems.push({
            code: 'suppression-unknown-code',
            severity: 'warning',
            message: `${m[2]}: ${unknownCodeMessage(word)}. This comment suppresses nothing for it.`,
            range: { start, end: start + word.length },
            data: { path: '', ...(near ? { suggestion: near } : {}) },
            document: 0,
          });
        }
      }
      const named = codes.size > 0 || args.trim() !== '';
      const covers = kind === 'document' ? documentCover(chunks, chunk) : targetLine(text, lineEnd);
      if (covers) suppressions.push({ kind, codes: named ? codes : undefined, covers });
    }
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return { suppressions, problems };
}

/**
 * The offsets of the `---` document holding a comment. Comments before a file's first `---`
 * (a chunk with no content) belong to the document that follows.
 */
function documentCover(chunks: { start: number; text: string }[], i: number): OffsetRange {
  const onlyComments = (t: string) => t.split('\n').every((l) => /^\s*(#.*)?$/.test(l));
  const j = i + 1 < chunks.length && onlyComments(chunks[i].text) ? i + 1 : i;
  return { start: chunks[i].start, end: chunks[j].start + chunks[j].text.length };
}

/** The next line after `from` that is neither blank nor only a comment. */
function targetLine(text: string, from: number): OffsetRange | undefined {
  let start = from + 1;
  while (start <= text.length && from < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const t = text.slice(start, end).trim();
    if (t !== '' && !t.startsWith('#')) return { start, end };
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  return undefined;
}

/** Whether a suppression hides a diagnostic: the code is named (or none is) and it starts in range. */
export function suppresses(s: Suppression, d: { code: DiagnosticCode; range: OffsetRange }): boolean {
  if (s.codes && !s.codes.has(d.code)) return false;
  return d.range.start >= s.covers.start && (d.range.start < s.covers.end || (s.kind === 'next-line' && d.range.start === s.covers.end));
}

/**
 * The diagnostics of a file that its suppression comments leave, plus a warning per unknown
 * code in those comments (which can itself be suppressed). `documentOf` maps an offset to the
 * diagnostic's document index; `inBlockScalar` tells lines of block scalars apart from comments.
 */
export function applySuppressions(
  text: string,
  diagnostics: KumaDiagnostic[],
  documentOf: (offset: number) => number,
  inBlockScalar?: (offset: number) => boolean,
): KumaDiagnostic[] {
  const { suppressions, problems } = findSuppressions(text, inBlockScalar);
  if (suppressions.length === 0 && problems.length === 0) return diagnostics;
  const unsorted = diagnostics.some((d, i) => i > 0 && diagnostics[i - 1].range.start > d.range.start);
  const all =
    problems.length || unsorted
      ? [...diagnostics, ...problems.map((p) => ({ ...p, document: documentOf(p.range.start) }))].sort(
          (a, b) => a.range.start - b.range.start,
        )
      : diagnostics;
  // One sweep in offset order: only the suppressions whose range is open at a diagnostic are
  // asked, so a file with thousands of comments and diagnostics stays linear.
  const byStart = [...suppressions].sort((a, b) => a.covers.start - b.covers.start);
  let next = 0;
  let open: Suppression[] = [];
  return all.filter((d) => {
    while (next < byStart.length && byStart[next].covers.start <= d.range.start) open.push(byStart[next++]);
    open = open.filter((s) => s.covers.end >= d.range.start);
    return !open.some((s) => suppresses(s, d));
  });
}
