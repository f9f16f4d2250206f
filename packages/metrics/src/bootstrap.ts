// Bootstrap confidence intervals for mean precision/recall/F, as rouge_score's
// BootstrapAggregator computes them (itself following ROUGE-1.5.5's resampling).
import { MersenneTwister } from './_mt19937.ts';
import { MetricError } from './errors.ts';

/** Precision, recall and their harmonic mean (F1) of one prediction, or an aggregate of them. */
export interface Score {
  readonly precision: number;
  readonly recall: number;
  readonly fmeasure: number;
}

/** A bootstrap interval on the mean: low/high percentiles and the median ("mid"). */
export interface AggregateScore {
  readonly low: Score;
  readonly mid: Score;
  readonly high: Score;
}

/** Resampling settings; the defaults are rouge_score's BootstrapAggregator's. */
export interface BootstrapOptions {
  /** Number of bootstrap resamples (default 1000). */
  readonly samples?: number;
  /** Central interval to report, in (0, 1] (default 0.95: the 2.5th and 97.5th percentiles). */
  readonly confidenceInterval?: number;
  /** Seed of the MT19937 stream, an integer in [0, 2³² − 1] (default 0). */
  readonly seed?: number;
}

/** The defaults of {@link BootstrapOptions}. */
export const BOOTSTRAP_DEFAULTS: Readonly<Required<BootstrapOptions>> = Object.freeze({
  samples: 1000,
  confidenceInterval: 0.95,
  seed: 0,
});

const MEASURES = ['precision', 'recall', 'fmeasure'] as const;

/**
 * Bootstrap intervals for the mean of each score type. For every key in `keys` order, draws
 * `samples` resamples of the examples with replacement, averages each, and reports the
 * (1 − ci)/2, 50 and 1 − (1 − ci)/2 percentiles of those means (NumPy's linear
 * interpolation) as low, mid and high. "mid" is thus the bootstrap median, which rouge_score
 * also reports as its point estimate.
 *
 * Deterministic: one MT19937 stream seeded with `seed` serves all keys in turn, drawing
 * indices as `np.random.choice` does, so `np.random.seed(seed)` followed by rouge_score's
 * `BootstrapAggregator.aggregate()` over the same scores and score types gives the same
 * intervals.
 */
export function bootstrapAggregate<K extends string>(
  scores: readonly Readonly<Record<K, Score>>[],
  keys: readonly K[],
  options: BootstrapOptions = {},
): Record<K, AggregateScore> {
  const { samples, confidenceInterval, seed } = { ...BOOTSTRAP_DEFAULTS, ...options };
  if (!Number.isInteger(samples) || samples <= 0) {
    throw new MetricError('bootstrapAggregate', `samples must be a positive integer, got ${samples}`);
  }
  if (!(confidenceInterval >= 0 && confidenceInterval <= 1)) {
    throw new MetricError('bootstrapAggregate', `confidenceInterval must be in [0, 1], got ${confidenceInterval}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new MetricError('bootstrapAggregate', `seed must be an integer in [0, 2^32 - 1], got ${seed}`);
  }
  if (scores.length === 0) {
    throw new MetricError('bootstrapAggregate', 'no scores to aggregate; need at least one example');
  }
  const rng = new MersenneTwister(seed);
  const n = scores.length;
  const delta = (1 - confidenceInterval) / 2;
  const quantiles = [100 * delta, 50, 100 * (1 - delta)].map((q) => q / 100);
  const result = {} as Record<K, AggregateScore>;
  for (const key of keys) {
    const columns = MEASURES.map((measure) =>
      Float64Array.from(scores, (s, i) => {
        const value = s[key]?.[measure];
        if (typeof value !== 'number') {
          throw new MetricError('bootstrapAggregate', `scores[${i}] has no ${measure} for "${key}"`);
        }
        return value;
      }),
    );
    const means = MEASURES.map(() => new Float64Array(samples));
    for (let s = 0; s < samples; s++) {
      let p = 0;
      let r = 0;
      let f = 0;
      for (let i = 0; i < n; i++) {
        const row = rng.boundedInt(n - 1);
        p += columns[0]![row]!;
        r += columns[1]![row]!;
        f += columns[2]![row]!;
      }
      means[0]![s] = p / n;
      means[1]![s] = r / n;
      means[2]![s] = f / n;
    }
    for (const column of means) column.sort();
    const at = (q: number): Score => ({
      precision: percentile(means[0]!, q),
      recall: percentile(means[1]!, q),
      fmeasure: percentile(means[2]!, q),
    });
    result[key] = { low: at(quantiles[0]!), mid: at(quantiles[1]!), high: at(quantiles[2]!) };
  }
  return result;
}

/** NumPy's default ('linear') percentile of sorted values at quantile q ∈ [0, 1], including its lerp. */
function percentile(sorted: Float64Array, q: number): number {
  const last = sorted.length - 1;
  const virtual = last * q;
  if (virtual >= last) return sorted[last]!;
  if (virtual <= 0) return sorted[0]!;
  const below = Math.floor(virtual);
  const gamma = virtual - below;
  const a = sorted[below]!;
  const b = sorted[below + 1]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
