import type { TextEdit } from './types';

/** Text helpers of the conversions: edits, line diffs, lines and indentation. */

/** Applies non-overlapping edits (in any order) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.range.start < pos) throw new Error('overlapping edits');
    out += text.slice(pos, e.range.start) + e.newText;
    pos = e.range.end;
  }
  return out + text.slice(pos);
}

export function splitLines(s: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < s.length) {
    const nl = s.indexOf('\n', pos);
    const end = nl < 0 ? s.length : nl + 1;
    out.push(s.slice(pos, end));
    pos = end;
  }
  return out;
}

/**
 * The smallest edits (line diff, then each hunk trimmed to the characters that differ) that turn
 * `a` into `b`.
 */
export function diffEdits(a: string, b: string): TextEdit[] {
  if (a === b) return [];
  const al = splitLines(a);
  const bl = splitLines(b);
  let p = 0;
  while (p < al.length && p < bl.length && al[p] === bl[p]) p++;
  let s = 0;
  while (s < al.length - p && s < bl.length - p && al[al.length - 1 - s] === bl[bl.length - 1 - s]) s++;
  const A = al.slice(p, al.length - s);
  const B = bl.slice(p, bl.length - s);
  const aOff: number[] = [];
  let off = al.slice(0, p).reduce((n, l) => n + l.length, 0);
  for (const l of A) {
    aOff.push(off);
    off += l.length;
  }
  aOff.push(off);
  const hunks: { from: number; to: number; text: string }[] = [];
  const n = A.length;
  const m = B.length;
  if (n * m > 4_000_000) {
    hunks.push({ from: 0, to: n, text: B.join('') });
  } else {
    const dp = new Uint32Array((n + 1) * (m + 1));
    const at = (i: number, j: number) => i * (m + 1) + j;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        dp[at(i, j)] = A[i] === B[j] ? dp[at(i + 1, j + 1)] + 1 : Math.max(dp[at(i + 1, j)], dp[at(i, j + 1)]);
      }
    }
    let i = 0;
    let j = 0;
    let cur: { from: number; to: number; text: string } | undefined;
    while (i < n || j < m) {
      if (i < n && j < m && A[i] === B[j] && dp[at(i, j)] === dp[at(i + 1, j + 1)] + 1) {
        if (cur) hunks.push(cur);
        cur = undefined;
        i++;
        j++;
        continue;
      }
      cur ??= { from: i, to: i, text: '' };
      if (j >= m || (i < n && dp[at(i + 1, j)] >= dp[at(i, j + 1)])) {
        i++;
        cur.to = i;
      } else {
        cur.text += B[j];
        j++;
      }
    }
    if (cur) hunks.push(cur);
  }
  return hunks.map((h) => {
    const start = aOff[h.from];
    const end = aOff[h.to];
    const old = a.slice(start, end);
    let k = 0;
    while (k < old.length && k < h.text.length && old[k] === h.text[k]) k++;
    let t = 0;
    while (t < old.length - k && t < h.text.length - k && old[old.length - 1 - t] === h.text[h.text.length - 1 - t]) t++;
    return { range: { start: start + k, end: end - t }, newText: h.text.slice(k, h.text.length - t) };
  });
}

export function lineStartAt(text: string, off: number): number {
  return text.lastIndexOf('\n', off - 1) + 1;
}

/** Offset just after the newline of the line holding `off` (or the text's end). */
export function lineEndAt(text: string, off: number): number {
  const nl = text.indexOf('\n', off);
  return nl < 0 ? text.length : nl + 1;
}

export function indentOfLine(line: string): number {
  return /^ */.exec(line)![0].length;
}

export const isBlank = (line: string) => /^[ \t]*\r?\n?$/.test(line);

/** Moves every non-blank line of a block `delta` columns right (or left, as far as it can). */
export function shift(s: string, delta: number): string {
  if (delta === 0) return s;
  return splitLines(s)
    .map((line) => {
      if (isBlank(line)) return line;
      if (delta > 0) return ' '.repeat(delta) + line;
      return line.slice(Math.min(-delta, indentOfLine(line)));
    })
    .join('');
}
