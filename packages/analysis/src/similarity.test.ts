import { describe, expect, it } from 'vitest';
import { FIXTURES } from './_fixtures.ts';
import { AnalysisError, MatrixShapeError } from './errors.ts';
import { matmul, transpose } from './matrix.ts';
import { createRng, gaussianMatrix, randomStiefel } from './random.ts';
import { aSimilarity, adapterSimilarity, bSimilarity, pairwiseSimilarity, subspaceSimilarity } from './similarity.ts';

describe('subspaceSimilarity against numpy (Appendix A)', () => {
  for (const c of FIXTURES.similarity.pairs) {
    it(c.name, () => {
      expect(subspaceSimilarity(c.x, c.y)).toBeCloseTo(c.similarity, 12);
      expect(subspaceSimilarity(c.y, c.x)).toBeCloseTo(c.similarity, 12); // symmetric
    });
  }
  for (const c of FIXTURES.similarity.factors) {
    it(`A (right singular vectors) and B (left) factors: ${c.name}`, () => {
      expect(aSimilarity(c.A1, c.A2)).toBeCloseTo(c.A, 12);
      expect(bSimilarity(c.B1, c.B2)).toBeCloseTo(c.B, 12);
      expect(aSimilarity(c.A1, c.A2)).toBeCloseTo(subspaceSimilarity(transpose(c.A1), transpose(c.A2)), 14);
    });
  }
});

describe('subspaceSimilarity properties', () => {
  const rng = createRng(2024);
  it('is invariant to X → X·C for invertible C (the paper’s reason for the metric)', () => {
    for (let t = 0; t < 20; t++) {
      const x = gaussianMatrix(30, 6, rng);
      const y = gaussianMatrix(30, 6, rng);
      let c = gaussianMatrix(6, 6, rng);
      if (t % 2 === 1) c = matmul(c, [[1e3, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [0, 0, 1e-3, 0, 0, 0], [0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1]]); // ill-conditioned C
      const base = subspaceSimilarity(x, y);
      expect(subspaceSimilarity(matmul(x, c), y)).toBeCloseTo(base, 9);
      expect(subspaceSimilarity(x, matmul(y, c))).toBeCloseTo(base, 9);
      // and B·A = (B·C)(C⁻¹·A): the LoRA reparametrisation leaves both factor similarities unchanged
      const a = gaussianMatrix(6, 20, rng);
      const b = gaussianMatrix(30, 6, rng);
      const cInvA = transpose(matmul(transpose(a), transpose(inverseOf(c))));
      expect(aSimilarity(a, cInvA)).toBeCloseTo(1, 9);
      expect(bSimilarity(b, matmul(b, c))).toBeCloseTo(1, 9);
    }
  });
  it('identical subspaces → 1, orthogonal subspaces → 0, nested → 1', () => {
    const q = randomStiefel(40, 12, rng);
    const cols = (from: number, to: number): number[][] => q.map((row) => row.slice(from, to));
    expect(subspaceSimilarity(cols(0, 4), matmul(cols(0, 4), gaussianMatrix(4, 4, rng)))).toBeCloseTo(1, 12);
    expect(subspaceSimilarity(cols(0, 4), cols(4, 8))).toBeCloseTo(0, 14);
    expect(subspaceSimilarity(cols(0, 4), cols(0, 10))).toBeCloseTo(1, 12); // min(r1, r2) normalisation
    expect(subspaceSimilarity(cols(0, 4), cols(2, 6))).toBeCloseTo(0.5, 12);
  });
  it('lies in [0, 1]; random r-dim subspaces of ℝ^n average r/n', () => {
    let sum = 0;
    const draws = 200;
    for (let t = 0; t < draws; t++) {
      const s = subspaceSimilarity(gaussianMatrix(32, 4, rng), gaussianMatrix(32, 4, rng));
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
      sum += s;
    }
    expect(sum / draws).toBeCloseTo(4 / 32, 1.5);
  });
  it('rank-deficient and zero factors: fewer directions count, zero gives 0', () => {
    const x = gaussianMatrix(10, 1, rng);
    const twice = x.map((row) => [row[0]!, 2 * row[0]!]); // rank 1, 2 columns
    expect(subspaceSimilarity(twice, twice)).toBeCloseTo(0.5, 12);
    expect(subspaceSimilarity(twice, twice, { tol: 0 })).toBeLessThanOrEqual(1);
    expect(subspaceSimilarity([[0], [0], [0]], [[1], [0], [0]])).toBe(0);
  });
  it('explains a wrongly oriented factor instead of returning a meaningless number', () => {
    const a = gaussianMatrix(4, 16, rng); // an A factor (r×d_in) passed as X
    expect(() => subspaceSimilarity(a, a)).toThrow(/pass Aᵀ or use aSimilarity/);
    expect(() => subspaceSimilarity(gaussianMatrix(5, 2, rng), gaussianMatrix(6, 2, rng))).toThrow(MatrixShapeError);
  });
});

describe('per-layer adapter similarity', () => {
  const rng = createRng(99);
  const layers = ['layer.0.q', 'layer.0.v', 'layer.1.q'];
  const adapter = (): Record<string, { A: number[][]; B: number[][] }> =>
    Object.fromEntries(layers.map((l) => [l, { A: gaussianMatrix(4, 16, rng), B: gaussianMatrix(12, 4, rng) }]));
  it('scores every layer, in order; an adapter against itself is 1', () => {
    const x = adapter();
    const y = adapter();
    const s = adapterSimilarity(x, y);
    expect(s.map((l) => l.layer)).toEqual(layers);
    for (const l of s) {
      expect(l.A).toBeCloseTo(aSimilarity(x[l.layer]!.A, y[l.layer]!.A), 14);
      expect(l.B).toBeCloseTo(bSimilarity(x[l.layer]!.B, y[l.layer]!.B), 14);
    }
    for (const l of adapterSimilarity(x, x)) {
      expect(l.A).toBeCloseTo(1, 12);
      expect(l.B).toBeCloseTo(1, 12);
    }
  });
  it('rejects adapters over different layers, naming them, and names the layer of a shape error', () => {
    const x = adapter();
    const { ['layer.1.q']: _dropped, ...y } = adapter();
    expect(() => adapterSimilarity(x, y)).toThrow(AnalysisError);
    expect(() => adapterSimilarity(x, y)).toThrow(/only in the first: 'layer.1.q'/);
    const bad = { ...x, 'layer.0.v': { A: gaussianMatrix(4, 17, rng), B: x['layer.0.v']!.B } };
    expect(() => adapterSimilarity(x, bad)).toThrow(/layer 'layer.0.v'/);
  });
  it('pairwiseSimilarity averages over all pairs (Figure 1: shared B, random A → B similar, A not)', () => {
    const sharedB = Object.fromEntries(layers.map((l) => [l, gaussianMatrix(12, 4, rng)]));
    const runs = [0, 1, 2, 3].map(() =>
      Object.fromEntries(layers.map((l) => [l, { A: gaussianMatrix(4, 64, rng), B: matmul(sharedB[l]!, gaussianMatrix(4, 4, rng)) }])),
    );
    const p = pairwiseSimilarity(runs);
    expect(p.pairs).toBe(6);
    expect(p.layers).toEqual(layers);
    p.B.forEach((b) => expect(b).toBeCloseTo(1, 10));
    p.Bstd.forEach((s) => expect(s).toBeLessThan(1e-9));
    p.A.forEach((a) => expect(a).toBeLessThan(0.3));
    expect(() => pairwiseSimilarity([runs[0]!])).toThrow(/at least 2/);
  });
});

function inverseOf(c: number[][]): number[][] {
  // small Gauss–Jordan for the test (independent of the package's LU)
  const n = c.length;
  const m = c.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;
    [m[k], m[p]] = [m[p]!, m[k]!];
    const piv = m[k]![k]!;
    m[k] = m[k]!.map((x) => x / piv);
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = m[i]![k]!;
      m[i] = m[i]!.map((x, j) => x - f * m[k]![j]!);
    }
  }
  return m.map((row) => row.slice(n));
}
