// Summary statistics for reporting runs over seeds.
import { AnalysisError } from './errors.ts';

/** Mean and sample standard deviation (n − 1; 0 for a single value) of finite numbers. */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  if (values.length === 0) throw new AnalysisError('meanStd: no values');
  if (values.some((v) => !Number.isFinite(v))) throw new AnalysisError('meanStd: values must be finite');
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n < 2 ? 0 : Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, std, n };
}
