import { Generator } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './_symmetric-eigen.ts';
import { JACOBI_LIMIT, svd, topSingular } from './svd.ts';

function check(a: Float64Array, m: number, n: number) {
  const { u, s, vt, k } = svd(a, m, n);
  expect(k).toBe(Math.min(m, n));
  // descending, non-negative
  for (let i = 1; i < k; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]! + 1e-15);
  expect(s[k - 1]!).toBeGreaterThanOrEqual(0);
  // A = U·diag(s)·Vᵀ
  let err = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let l = 0; l < k; l++) v += u[i * k + l]! * s[l]! * vt[l * n + j]!;
      err = Math.max(err, Math.abs(v - a[i * n + j]!));
    }
  }
  expect(err).toBeLessThan(1e-12);
  // UᵀU = I and VᵀV = I (rows of Vᵀ orthonormal)
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < k; q++) {
      let uu = 0;
      let vv = 0;
      for (let i = 0; i < m; i++) uu += u[i * k + p]! * u[i * k + q]!;
      for (let j = 0; j < n; j++) vv += vt[p * n + j]! * vt[q * n + j]!;
      expect(Math.abs(uu - (p === q ? 1 : 0))).toBeLessThan(1e-12);
      expect(Math.abs(vv - (p === q ? 1 : 0))).toBeLessThan(1e-12);
    }
  }
  return { u, s, vt, k };
}

describe('svd (one-sided Jacobi, f64)', () => {
  it('factors tall, wide, square and 1-wide matrices exactly', () => {
    const g = new Generator(5);
    for (const [m, n] of [[7, 4], [4, 7], [6, 6], [9, 1], [1, 5], [13, 11]] as const) check(g.normal(m * n), m, n);
  });

  it('recovers known singular values and a rank-deficient matrix', () => {
    // diag(3, 2, 1) rotated: singular values 3, 2, 1
    const a = Float64Array.from([0, 3, 0, 2, 0, 0, 0, 0, -1]);
    expect(Array.from(check(a, 3, 3).s)).toEqual([3, 2, 1].map((v) => expect.closeTo(v, 12)));
    // rank 1: u·vᵀ, the free left vectors are completed to an orthonormal basis
    const r1 = new Float64Array(12);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) r1[i * 3 + j] = (i + 1) * (j - 1.5);
    const { s } = check(r1, 4, 3);
    expect(s[1]!).toBeLessThan(1e-12);
  });

  it('is deterministic and sign-normalised (largest entry of each left vector positive)', () => {
    const a = new Generator(9).normal(30);
    const x = svd(a, 6, 5);
    const y = svd(Float64Array.from(a), 6, 5);
    expect(Array.from(x.u)).toEqual(Array.from(y.u));
    for (let j = 0; j < x.k; j++) {
      const col = Array.from({ length: 6 }, (_, i) => x.u[i * x.k + j]!);
      const big = col.reduce((b, v) => (Math.abs(v) > Math.abs(b) ? v : b), 0);
      expect(big).toBeGreaterThan(0);
    }
  });

  it('rejects shapes that do not fit', () => {
    expect(() => svd([1, 2, 3], 2, 2)).toThrow(/3 values do not fill \[2, 2\]/);
    expect(() => svd([], 0, 2)).toThrow(/non-empty/);
  });

  it('topSingular: the leading triplets, from the Gram matrix above the Jacobi limit', () => {
    const g = new Generator(12);
    for (const [m, n] of [[180, 140], [140, 180], [20, 30]] as const) {
      const a = g.normal(m * n);
      const full = svd(a, m, n);
      const top = topSingular(a, m, n, 6);
      for (let j = 0; j < 6; j++) {
        expect(Math.abs(top.s[j]! - full.s[j]!)).toBeLessThan(1e-10);
        for (let i = 0; i < m; i++) expect(Math.abs(top.u[i * 6 + j]! - full.u[i * full.k + j]!)).toBeLessThan(1e-9);
        for (let q = 0; q < n; q++) expect(Math.abs(top.vt[j * n + q]! - full.vt[j * n + q]!)).toBeLessThan(1e-9);
      }
    }
    expect(Math.min(180, 140)).toBeGreaterThan(JACOBI_LIMIT);
    expect(() => topSingular([1, 2, 3, 4], 2, 2, 3)).toThrow(/r = 3 must be in 1\.\.min\(2, 2\)/);
  });

  it('symmetricEigen (tred2 + tql2) diagonalises a symmetric matrix', () => {
    const n = 9;
    const b = new Generator(3).normal(n * n);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = b[i * n + j]! + b[j * n + i]!;
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    for (let e = 0; e < n; e++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[e * n + j]!;
        expect(Math.abs(av - values[e]! * vectors[e * n + i]!)).toBeLessThan(1e-12);
      }
    }
  });
});
