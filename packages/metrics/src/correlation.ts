// Correlation coefficients with SciPy semantics: scipy.stats.pearsonr and spearmanr (the
// statistic only, no p-value).
import { checkFinite, checkPaired } from './_validate.ts';

/**
 * Pearson's r of paired samples. Computed on centred, normalised vectors (as SciPy does) for
 * accuracy when the values share a large offset, and clipped to [-1, 1].
 *
 * Needs at least 2 pairs (SciPy raises too). If either vector is constant r is undefined: the
 * result is `NaN`, as `scipy.stats.pearsonr` returns (with a ConstantInputWarning).
 */
export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPaired('pearson', ['x', 'y'], x, y, 2);
  checkFinite('pearson', 'x', x);
  checkFinite('pearson', 'y', y);
  return pearsonOf(x, y);
}

/**
 * Spearman's ρ: Pearson's r of the ranks, with tied values given the average of the ranks
 * they span (`scipy.stats.spearmanr`, `rankdata(method="average")`). At least 2 pairs; a
 * constant vector gives `NaN`, as SciPy returns.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  checkPaired('spearman', ['x', 'y'], x, y, 2);
  checkFinite('spearman', 'x', x);
  checkFinite('spearman', 'y', y);
  return pearsonOf(averageRanks(x), averageRanks(y));
}

/**
 * 1-based ranks of `values`, ties sharing the mean of their ranks (scipy.stats.rankdata with
 * method="average"): `[10, 20, 20, 30]` → `[1, 2.5, 2.5, 4]`.
 */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    // positions start..end-1 hold ranks start+1..end; their mean is (start + 1 + end) / 2
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

function pearsonOf(x: readonly number[], y: readonly number[]): number {
  if (isConstant(x) || isConstant(y)) return Number.NaN;
  const dx = unitDeviations(x);
  const dy = unitDeviations(y);
  let r = 0;
  for (let i = 0; i < dx.length; i++) r += dx[i]! * dy[i]!;
  return Math.max(-1, Math.min(1, r));
}

/** (v − mean) / ‖v − mean‖, pre-scaled by the largest |deviation| so squares neither overflow nor underflow (as SciPy). */
function unitDeviations(values: readonly number[]): Float64Array {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  const out = new Float64Array(n);
  let largest = 0;
  for (let i = 0; i < n; i++) {
    out[i] = values[i]! - mean;
    largest = Math.max(largest, Math.abs(out[i]!));
  }
  let norm = 0;
  for (let i = 0; i < n; i++) {
    out[i] = out[i]! / largest;
    norm += out[i]! * out[i]!;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) out[i] = out[i]! / norm;
  return out;
}

function isConstant(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}
