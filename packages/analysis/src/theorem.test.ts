// Theorem 4.3 (A, B output-fit asymmetry), seeded Monte-Carlo: with Q and U uniform on their
// Stiefel manifolds, L(A*, U) ≥ L(Q, B*) with high probability as d/r → ∞.
import { describe, expect, it } from 'vitest';
import { asymmetryTrial } from './lemmas.ts';
import { identity } from './matrix.ts';
import { type Rng, createRng, gaussianMatrix, randomCovariance } from './random.ts';

interface Summary {
  /** Fraction of draws with L(A*, U) ≥ L(Q, B*). */
  readonly wins: number;
  /** Fraction with L(A*, U) ≥ L(Q, B*) − tol·Tr[ΔΣΔᵀ]. */
  readonly winsWithin: number;
  /** Mean of (L(A*, U) − L(Q, B*)) / Tr[ΔΣΔᵀ]. */
  readonly meanRelGap: number;
}

/** Each draw: a fresh Σ (spectrum fixed, eigenvectors Haar), Δ Gaussian, then Q and U Haar-random. */
function monteCarlo(o: { d: number; r: number; draws: number; spectrum: 'isotropic' | 'decaying'; seed: number; tol?: number }): Summary {
  const rng: Rng = createRng(o.seed);
  let wins = 0;
  let winsWithin = 0;
  let rel = 0;
  for (let t = 0; t < o.draws; t++) {
    const Sigma = o.spectrum === 'isotropic' ? identity(o.d) : randomCovariance(Array.from({ length: o.d }, (_, k) => 1 / (k + 1)), rng);
    const Delta = gaussianMatrix(o.d, o.d, rng, 1 / Math.sqrt(o.d));
    const trial = asymmetryTrial({ Sigma, Delta, sigma2: 0.1, r: o.r, rng });
    const signal = trial.signal; // Tr[ΔΣΔᵀ]
    if (trial.gap >= 0) wins++;
    if (trial.gap >= -(o.tol ?? 0) * signal) winsWithin++;
    rel += trial.gap / signal;
  }
  return { wins: wins / o.draws, winsWithin: winsWithin / o.draws, meanRelGap: rel / o.draws };
}

describe('Theorem 4.3: tuning B (A random) fits at least as well as tuning A (B random)', () => {
  it('anisotropic inputs, d = 48 ≫ r = 2: L(A*, U) ≥ L(Q, B*) in ≥ 95% of 150 seeded draws', () => {
    const s = monteCarlo({ d: 48, r: 2, draws: 150, spectrum: 'decaying', seed: 43 });
    expect(s.wins).toBeGreaterThanOrEqual(0.95);
    expect(s.meanRelGap).toBeGreaterThan(0);
  });
  it('the probability grows with d/r (d = 6 vs d = 48 at r = 2)', () => {
    const small = monteCarlo({ d: 6, r: 2, draws: 300, spectrum: 'decaying', seed: 44 });
    const large = monteCarlo({ d: 48, r: 2, draws: 150, spectrum: 'decaying', seed: 45 });
    expect(small.wins).toBeLessThan(0.95); // at d/r = 3 the inequality often fails …
    expect(large.wins).toBeGreaterThan(small.wins); // … and holds more often as d/r grows
  });
  it('isotropic inputs (Σ = I): the two losses tie in expectation; the inequality holds up to a 5% tolerance', () => {
    const s = monteCarlo({ d: 48, r: 2, draws: 200, spectrum: 'isotropic', seed: 46, tol: 0.05 });
    expect(Math.abs(s.meanRelGap)).toBeLessThan(0.01);
    expect(s.winsWithin).toBeGreaterThanOrEqual(0.95);
  });
});
