import { describe, expect, it } from 'vitest';
import { orthogonalFromGaussian, qr } from './linalg.ts';
import { Generator } from './rng.ts';

function matmulT(a: Float64Array, rows: number, cols: number, transposeFirst: boolean): number[][] {
  // returns AᵀA (transposeFirst) or AAᵀ
  const n = transposeFirst ? cols : rows;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      const m = transposeFirst ? rows : cols;
      for (let k = 0; k < m; k++) s += transposeFirst ? a[k * cols + i]! * a[k * cols + j]! : a[i * cols + k]! * a[j * cols + k]!;
      out[i]![j] = s;
    }
  return out;
}

describe('QR and orthogonal init', () => {
  it('Q·R reproduces A, Q has orthonormal columns, R is upper triangular', () => {
    const [m, n] = [9, 5];
    const a = new Generator(1).normal(m * n);
    const { q, r } = qr(a, m, n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += q[i * n + k]! * r[k * n + j]!;
        expect(s).toBeCloseTo(a[i * n + j]!, 12);
      }
    const qtq = matmulT(q, m, n, true);
    qtq.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) expect(r[i * n + j]).toBe(0);
  });

  it('wide matrices get orthonormal rows (the paper A_rand: A·Aᵀ = I_r)', () => {
    const [r, d] = [4, 33];
    const a = orthogonalFromGaussian(new Generator(5).normal(r * d), r, d);
    matmulT(a, r, d, false).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
  });

  it('tall matrices get orthonormal columns (B_rand: BᵀB = I_r)', () => {
    const [d, r] = [17, 3];
    const b = orthogonalFromGaussian(new Generator(6).normal(r * d), d, r);
    matmulT(b, d, r, true).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
  });

  it('is uniform on the Stiefel manifold: E[a_ij²] = 1/d', () => {
    const [r, d, trials] = [2, 8, 400];
    const g = new Generator(9);
    const acc = new Array<number>(r * d).fill(0);
    for (let t = 0; t < trials; t++) orthogonalFromGaussian(g.normal(r * d), r, d).forEach((v, i) => (acc[i] = acc[i]! + (v * v) / trials));
    for (const v of acc) expect(Math.abs(v - 1 / d)).toBeLessThan(0.05);
  });

  it('rejects wide QR input', () => {
    expect(() => qr([1, 2], 1, 2)).toThrow(/rows ≥ columns/);
  });
});
