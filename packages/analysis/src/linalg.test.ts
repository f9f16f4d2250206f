import { describe, expect, it } from 'vitest';
import { FIXTURES, relErr } from './_fixtures.ts';
import { cholesky, determinant, inverse, luDecompose, solve, solveSPD } from './decompose.ts';
import { LinalgError, MatrixShapeError } from './errors.ts';
import { add, frobeniusNorm, identity, matmul, matmulT, matTmul, maxAbsDiff, scale, shapeOf, sub, trace, traceOfProduct, transpose } from './matrix.ts';
import { createRng, gaussianMatrix, randomCovariance, randomOrthonormalRows, randomStiefel } from './random.ts';
import { numericalRank, orthonormalBasis, qr, svd } from './svd.ts';

const EPS = Number.EPSILON;

/** ‖MᵀM − I‖_max for a matrix with supposedly orthonormal columns. */
function orthoErr(m: number[][]): number {
  return maxAbsDiff(matTmul(m, m), identity(m[0]!.length));
}

function reconstruct(u: number[][], s: number[], v: number[][]): number[][] {
  return matmulT(u.map((row) => row.map((x, j) => x * s[j]!)), v);
}

describe('matrix basics', () => {
  const a = [[1, 2, 3], [4, 5, 6]];
  const b = [[1, 0], [0, 1], [2, -1]];
  it('products agree with each other and by hand', () => {
    expect(matmul(a, b)).toEqual([[7, -1], [16, -1]]);
    expect(matmulT(a, transpose(b))).toEqual(matmul(a, b));
    expect(matTmul(transpose(a), b)).toEqual(matmul(a, b));
    expect(trace(matmul(a, b))).toBe(6);
    expect(traceOfProduct(a, b)).toBe(6);
    expect(add(a, a)).toEqual(scale(a, 2));
    expect(sub(a, a)).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(frobeniusNorm([[3, 4]])).toBe(5);
    expect(frobeniusNorm([[3e200, 4e200]])).toBeCloseTo(5e200, -190);
  });
  it('rejects ragged, empty, non-finite and mismatched input with the position', () => {
    expect(() => shapeOf([])).toThrow(MatrixShapeError);
    expect(() => shapeOf([[1, 2], [3]])).toThrow(/row 1 has 1 entries/);
    expect(() => shapeOf([[1, Number.NaN]])).toThrow(/\[0\]\[1\]/);
    expect(() => matmul(a, a)).toThrow(/inner sizes differ/);
    expect(() => trace(a)).toThrow(/square/);
  });
});

describe('Cholesky / LU against numpy', () => {
  for (const c of FIXTURES.linalg) {
    it(c.name, () => {
      if (c.cholesky) {
        expect(relErr(cholesky(c.a), c.cholesky)).toBeLessThan(1e-13);
        expect(relErr(solveSPD(c.a, c.b), c.solve)).toBeLessThan(1e-12);
      } else {
        expect(() => cholesky(c.a)).toThrow();
      }
      expect(relErr(solve(c.a, c.b), c.solve)).toBeLessThan(1e-12);
      expect(relErr(inverse(c.a), c.inverse)).toBeLessThan(1e-12);
      expect(determinant(c.a)).toBeCloseTo(c.det, 10);
      expect(maxAbsDiff(matmul(c.a, inverse(c.a)), identity(c.a.length))).toBeLessThan(1e-12);
    });
  }
  it('singular and indefinite matrices raise LinalgError', () => {
    expect(() => luDecompose([[1, 2], [2, 4]])).toThrow(LinalgError);
    expect(determinant([[1, 2], [2, 4]])).toBe(0);
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/not positive definite/);
    expect(() => cholesky([[1, 2], [0, 1]])).toThrow(/symmetric/);
  });
});

describe('SVD (one-sided Jacobi) against numpy', () => {
  for (const c of FIXTURES.svd) {
    it(c.name, () => {
      const { U, S, V } = svd(c.a);
      const [m, n] = [c.a.length, c.a[0]!.length];
      expect(U.length).toBe(m);
      expect(V.length).toBe(n);
      const smax = c.S[0]!;
      S.forEach((s, i) => expect(Math.abs(s - c.S[i]!)).toBeLessThanOrEqual(smax * 1e-13));
      expect(orthoErr(U)).toBeLessThan(1e-13);
      expect(orthoErr(V)).toBeLessThan(1e-13);
      expect(relErr(reconstruct(U, S, V), c.a)).toBeLessThan(1e-13);
      for (const p of c.projectors) {
        const uk = U.map((row) => row.slice(0, p.k));
        const vk = V.map((row) => row.slice(0, p.k));
        expect(maxAbsDiff(matmulT(uk, uk), p.left)).toBeLessThan(1e-10);
        expect(maxAbsDiff(matmulT(vk, vk), p.right)).toBeLessThan(1e-10);
      }
      expect(numericalRank(c.a)).toBe(c.rank);
    });
  }

  it('random shapes: orthonormal factors, reconstruction, descending singular values (property sweep)', () => {
    const rng = createRng(7);
    for (let t = 0; t < 40; t++) {
      const m = 1 + Math.floor(rng.uniform() * 12);
      const n = 1 + Math.floor(rng.uniform() * 12);
      const a = gaussianMatrix(m, n, rng);
      const { U, S, V } = svd(a);
      expect(orthoErr(U)).toBeLessThan(50 * EPS * Math.max(m, n));
      expect(orthoErr(V)).toBeLessThan(50 * EPS * Math.max(m, n));
      expect(relErr(reconstruct(U, S, V), a)).toBeLessThan(1e-13);
      for (let i = 1; i < S.length; i++) expect(S[i]!).toBeLessThanOrEqual(S[i - 1]!);
      expect(S.every((s) => s >= 0)).toBe(true);
    }
  });

  it('zero and rank-deficient matrices still get orthonormal U', () => {
    const z = [[0, 0], [0, 0], [0, 0]];
    const { U, S } = svd(z);
    expect(S).toEqual([0, 0]);
    expect(orthoErr(U)).toBeLessThan(1e-15);
    expect(orthonormalBasis(z)).toBeNull();
    const b = orthonormalBasis([[1, 2], [2, 4], [3, 6]])!;
    expect(b[0]!.length).toBe(1);
  });
});

describe('QR and random orthonormal frames', () => {
  it('qr: Q orthonormal, R upper triangular with R_ii ≥ 0, Q·R = a', () => {
    const rng = createRng(3);
    for (const [m, n] of [[5, 5], [9, 3], [4, 1]] as const) {
      const a = gaussianMatrix(m, n, rng);
      const { Q, R } = qr(a);
      expect(orthoErr(Q)).toBeLessThan(1e-14);
      R.forEach((row, i) => row.forEach((x, j) => (j < i ? expect(x).toBe(0) : undefined)));
      expect(R.every((row, i) => row[i]! >= 0)).toBe(true);
      expect(relErr(matmul(Q, R), a)).toBeLessThan(1e-14);
    }
    expect(() => qr([[1, 2, 3]])).toThrow(/rows ≥ columns/);
  });
  it('randomStiefel / randomOrthonormalRows: UᵀU = I, QQᵀ = I, reproducible per seed', () => {
    const u = randomStiefel(30, 4, createRng(1));
    expect(orthoErr(u)).toBeLessThan(1e-14);
    const q = randomOrthonormalRows(4, 30, createRng(1));
    expect(maxAbsDiff(matmulT(q, q), identity(4))).toBeLessThan(1e-14);
    expect(randomStiefel(30, 4, createRng(1))).toEqual(u);
    expect(randomStiefel(30, 4, createRng(2))).not.toEqual(u);
  });
  it('Haar frames: E[UUᵀ] = (k/n)·I (uniform on the Stiefel manifold)', () => {
    const rng = createRng(11);
    const n = 6;
    const k = 2;
    let acc = identity(n).map((row) => row.map(() => 0));
    const draws = 3000;
    for (let t = 0; t < draws; t++) {
      const u = randomStiefel(n, k, rng);
      acc = add(acc, matmulT(u, u));
    }
    expect(maxAbsDiff(scale(acc, 1 / draws), scale(identity(n), k / n))).toBeLessThan(0.03);
  });
  it('createRng: uniform in [0, 1), normal with mean 0 and variance 1', () => {
    const rng = createRng(42);
    let s = 0;
    let s2 = 0;
    const n = 50_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(outside).toBe(0);
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
    expect(() => createRng(0.5)).toThrow();
  });
  it('randomCovariance has the requested spectrum', () => {
    const sigma = randomCovariance([4, 1, 0.25], createRng(5));
    expect(trace(sigma)).toBeCloseTo(5.25, 12);
    expect(svd(sigma).S.map((s) => Number(s.toFixed(10)))).toEqual([4, 1, 0.25]);
  });
});
