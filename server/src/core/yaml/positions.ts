/** Offset <-> line/character conversion over one text, with line starts computed once. */
export interface Position {
  line: number;
  character: number;
}

/**
 * How many characters two texts share at their start and at their end (not overlapping): what
 * an edit left alone. Compares large blocks first, then smaller ones inside the first block that
 * differs: a 40k-line file costs a few dozen native comparisons, not a loop over its text (which
 * runs on every keystroke, often before the JIT has compiled it).
 */
export function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  for (const block of BLOCKS)
    while (prefix + block <= max && a.slice(prefix, prefix + block) === b.slice(prefix, prefix + block)) prefix += block;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  const room = max - prefix;
  let suffix = 0;
  for (const block of BLOCKS)
    while (
      suffix + block <= room &&
      a.slice(a.length - suffix - block, a.length - suffix) === b.slice(b.length - suffix - block, b.length - suffix)
    )
      suffix += block;
  while (suffix < room && a.charCodeAt(a.length - suffix - 1) === b.charCodeAt(b.length - suffix - 1)) suffix++;
  return { prefix, suffix };
}

/** Block sizes of `commonEnds`, largest first: each stage runs at most 15 times past the previous one. */
const BLOCKS = [65536, 4096, 256, 16];

/** The first index of ascending `xs` whose value is above `x`. */
function firstAbove(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class LineIndex {
  private readonly starts: number[];

  constructor(
    readonly text: string,
    starts?: number[],
  ) {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    this.starts = starts;
  }

  /** The index of `text`, re-scanning only what changed since `prev` (one edit of a large file). */
  static update(prev: LineIndex, text: string): LineIndex {
    const { prefix, suffix } = commonEnds(prev.text, text);
    const delta = text.length - prev.text.length;
    const old = prev.starts;
    // Line starts up to the end of the common prefix hold; those inside the common suffix move.
    const keep = firstAbove(old, prefix);
    const tail = Math.max(keep, firstAbove(old, prev.text.length - suffix));
    const starts = old.slice(0, keep);
    const from = starts[keep - 1];
    const to = text.length - suffix;
    for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) if (i + 1 > from) starts.push(i + 1);
    for (let i = tail; i < old.length; i++) starts.push(old[i] + delta);
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const lineStart = this.starts[pos.line];
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length;
    return Math.min(lineStart + Math.max(0, pos.character), next);
  }
}
