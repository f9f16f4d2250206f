// Nearest names by edit distance, for error messages that suggest what the user meant.

/** Levenshtein distance (insert, delete, substitute; unit costs). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The `n` candidates nearest to `query`, best first. A dotted path is scored by its best suffix
 * (`layers.0.attn.q_proj` is 0 away from `q_proj`), so short patterns find deep modules.
 */
export function closestNames(query: string, candidates: Iterable<string>, n = 5): string[] {
  const scored: [string, number][] = [];
  for (const c of candidates) {
    if (c === '') continue;
    const parts = c.split('.');
    let best = editDistance(query, c);
    for (let i = 1; i < parts.length; i++) best = Math.min(best, editDistance(query, parts.slice(i).join('.')));
    scored.push([c, best]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].length - y[0].length || (x[0] < y[0] ? -1 : 1));
  return scored.slice(0, n).map(([c]) => c);
}

/** Closest names to a regex: scored by its literal fragments (`encoder\..*query` → encoder, query). */
export function closestToRegex(pattern: string, candidates: Iterable<string>, n = 5): string[] {
  const fragments = pattern.replace(/\\(.)/g, ' ').split(/[\s^$.*+?()[\]{}|\\]+/).filter((f) => f.length >= 2);
  if (!fragments.length) return closestNames(pattern, candidates, n);
  const list = [...candidates];
  const rank = new Map<string, number>();
  for (const f of fragments) closestNames(f, list, list.length).forEach((c, i) => rank.set(c, Math.min(rank.get(c) ?? Infinity, i)));
  return [...rank.entries()].sort((a, b) => a[1] - b[1]).slice(0, n).map(([c]) => c);
}

/** "did you mean …" for a value outside a fixed list. */
export function didYouMean(value: string, options: readonly string[]): string {
  const near = closestNames(value, options, 1)[0];
  return near !== undefined && editDistance(value, near) <= Math.max(2, Math.floor(value.length / 3)) ? `; did you mean '${near}'?` : '';
}
