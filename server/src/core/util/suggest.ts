/**
 * The candidate closest to a misspelt word, when it is close enough to be a likely fix: an edit
 * distance (case-insensitive) of at most a third of the word's length, and never less than
 * `minDistance`. Used for unknown keys, unresolved targetPort names and unknown diagnostic codes.
 */
export function suggest(word: string, candidates: readonly string[], minDistance = 1): string | undefined {
  const limit = Math.max(minDistance, Math.floor(word.length / 3));
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // The distance is at least the difference in length: a candidate further than the limit that
    // way is never the answer (and computing it for every unknown key of a flood costs).
    const lc = c.toLowerCase();
    if (Math.abs(lc.length - w.length) > limit) continue;
    const d = editDistance(w, lc);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= limit ? best : undefined;
}

/** One row of the distance table, reused (suggestions are asked for by the thousand in a flood of unknown keys). */
let row = new Uint32Array(64);

function editDistance(a: string, b: string): number {
  if (row.length <= b.length) row = new Uint32Array(2 * (b.length + 1));
  const dp = row;
  for (let j = 0; j <= b.length; j++) dp[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
