// Orthogonal factorizations: the thin SVD by one-sided (Hestenes) Jacobi rotations, which is
// accurate to working precision in every singular value's relative sense for well-scaled input,
// a thin Householder QR, and the orthonormal column-space bases that subspace similarity uses.
import { LinalgError, MatrixShapeError } from './errors.ts';
import { type Matrix, type MatrixLike, shapeOf, transpose, zeros } from './matrix.ts';

/** Thin SVD a = U·diag(S)·Vᵀ with k = min(m, n): U is m×k, V is n×k (orthonormal columns), S descending, ≥ 0. */
export interface SVDResult {
  readonly U: Matrix;
  readonly S: number[];
  readonly V: Matrix;
}

export interface SVDOptions {
  /** Rotation threshold: a column pair counts as orthogonal when |pᵀq| ≤ tol·‖p‖·‖q‖. Default 1e-15. */
  readonly tol?: number;
  /** Sweep limit before `LinalgError`. Default 80. */
  readonly maxSweeps?: number;
}

/**
 * Thin singular value decomposition by one-sided Jacobi. Left singular vectors that belong to
 * zero (or negligible) singular values are completed to an orthonormal set, so U always has
 * orthonormal columns.
 */
export function svd(a: MatrixLike, options: SVDOptions = {}): SVDResult {
  const [m, n] = shapeOf(a, 'svd input');
  if (m < n) {
    const t = svdTall(transpose(a), options);
    return { U: t.V, S: t.S, V: t.U };
  }
  return svdTall(a, options);
}

function svdTall(a: MatrixLike, options: SVDOptions): SVDResult {
  const m = a.length;
  const n = a[0]!.length;
  const tol = options.tol ?? 1e-15;
  const maxSweeps = options.maxSweeps ?? 80;
  // Scale by a power of two (exact) so that squared norms neither overflow nor underflow.
  let big = 0;
  for (const row of a) for (const x of row) big = Math.max(big, Math.abs(x));
  const pow2 = big > 0 ? 2 ** -Math.floor(Math.log2(big)) : 1;
  // Work on columns: w[j] is column j of a, v[j] column j of V.
  const w: Float64Array[] = Array.from({ length: n }, (_, j) => Float64Array.from(a, (row) => row[j]! * pow2));
  const v: Float64Array[] = Array.from({ length: n }, (_, j) => {
    const e = new Float64Array(n);
    e[j] = 1;
    return e;
  });
  let converged = n === 1;
  for (let sweep = 0; sweep < maxSweeps && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const wp = w[p]!;
        const wq = w[q]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let k = 0; k < m; k++) {
          const x = wp[k]!;
          const y = wq[k]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        converged = false;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(wp, wq, c, s);
        rotate(v[p]!, v[q]!, c, s);
      }
    }
  }
  if (!converged) throw new LinalgError(`svd: one-sided Jacobi did not converge in ${maxSweeps} sweeps`);
  const norms = w.map(norm2);
  const order = norms.map((_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  const scaled = order.map((j) => norms[j]!);
  const S = scaled.map((x) => x / pow2);
  const negligible = (scaled[0] ?? 0) * m * Number.EPSILON;
  const uCols: Float64Array[] = [];
  for (const j of order) {
    const s = norms[j]!;
    if (s > negligible && s > 0) uCols.push(w[j]!.map((x) => x / s));
  }
  completeOrthonormal(uCols, m, n);
  const U = zeros(m, n);
  const V = zeros(n, n);
  for (let c = 0; c < n; c++) {
    const uc = uCols[c]!;
    const vc = v[order[c]!]!;
    for (let i = 0; i < m; i++) U[i]![c] = uc[i]!;
    for (let i = 0; i < n; i++) V[i]![c] = vc[i]!;
  }
  return { U, S, V };
}

function rotate(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let k = 0; k < x.length; k++) {
    const a = x[k]!;
    const b = y[k]!;
    x[k] = c * a - s * b;
    y[k] = s * a + c * b;
  }
}

function norm2(x: Float64Array): number {
  let big = 0;
  for (const v of x) big = Math.max(big, Math.abs(v));
  if (big === 0) return 0;
  let s = 0;
  for (const v of x) s += (v / big) ** 2;
  return big * Math.sqrt(s);
}

/** Re-orthogonalize `cols` (already orthonormal-ish) and append unit vectors until there are `count`, by Gram–Schmidt run twice against e_1, e_2, … */
function completeOrthonormal(cols: Float64Array[], m: number, count: number): void {
  for (let e = 0; cols.length < count && e < m; e++) {
    const x = new Float64Array(m);
    x[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (const c of cols) {
        let d = 0;
        for (let k = 0; k < m; k++) d += c[k]! * x[k]!;
        for (let k = 0; k < m; k++) x[k]! -= d * c[k]!;
      }
    }
    const nx = norm2(x);
    if (nx > 0.5) cols.push(x.map((t) => t / nx)); // e_k had a big component outside span(cols)
  }
  if (cols.length < count) throw new LinalgError('svd: could not complete an orthonormal basis');
}

/** Numerical-rank threshold: numpy's `matrix_rank` default, σ_max·max(m, n)·ε. */
export function defaultRankTol(S: readonly number[], m: number, n: number): number {
  return (S[0] ?? 0) * Math.max(m, n) * Number.EPSILON;
}

/** The number of singular values above `tol` (default: numpy's matrix_rank threshold). */
export function numericalRank(a: MatrixLike, tol?: number): number {
  const [m, n] = shapeOf(a, 'rank input');
  const { S } = svd(a);
  const t = tol ?? defaultRankTol(S, m, n);
  return S.filter((s) => s > t).length;
}

/**
 * An orthonormal basis of the column space of `a` (m×n): the left singular vectors of its
 * singular values above `tol` (default: numpy's matrix_rank threshold). m×rank; `null` when a is
 * zero (rank 0).
 */
export function orthonormalBasis(a: MatrixLike, tol?: number): Matrix | null {
  const [m, n] = shapeOf(a, 'basis input');
  const { U, S } = svd(a);
  const t = tol ?? defaultRankTol(S, m, n);
  const rank = S.filter((s) => s > t).length;
  if (rank === 0) return null;
  return U.map((row) => row.slice(0, rank));
}

/** Thin QR a = Q·R of an m×n matrix with m ≥ n (Householder): Q m×n with orthonormal columns, R n×n upper triangular with R_ii ≥ 0. */
export function qr(a: MatrixLike): { Q: Matrix; R: Matrix } {
  const [m, n] = shapeOf(a, 'qr input');
  if (m < n) throw new MatrixShapeError(`qr needs rows ≥ columns, got ${m}×${n}`);
  const r = a.map((row) => Float64Array.from(row));
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const x = new Float64Array(m - k);
    for (let i = k; i < m; i++) x[i - k] = r[i]![k]!;
    const alpha = -(x[0]! >= 0 ? 1 : -1) * norm2(x);
    x[0]! -= alpha;
    const nv = norm2(x);
    if (nv > 0) for (let i = 0; i < x.length; i++) x[i]! /= nv;
    vs.push(x);
    if (nv === 0) continue;
    for (let j = k; j < n; j++) {
      let d = 0;
      for (let i = k; i < m; i++) d += x[i - k]! * r[i]![j]!;
      for (let i = k; i < m; i++) r[i]![j]! -= 2 * d * x[i - k]!;
    }
  }
  // Q = H_0 H_1 … H_{n−1} applied to the first n columns of the identity.
  const q = zeros(m, n);
  for (let j = 0; j < n; j++) q[j]![j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const x = vs[k]!;
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let i = k; i < m; i++) d += x[i - k]! * q[i]![j]!;
      if (d === 0) continue;
      for (let i = k; i < m; i++) q[i]![j]! -= 2 * d * x[i - k]!;
    }
  }
  const R = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i]![j] = r[i]![j]!;
  // Make diag(R) ≥ 0 (flip the matching column of Q), which makes QR of a Gaussian Haar-distributed.
  for (let i = 0; i < n; i++) {
    if (R[i]![i]! < 0) {
      for (let j = i; j < n; j++) R[i]![j] = -R[i]![j]!;
      for (let row = 0; row < m; row++) q[row]![i] = -q[row]![i]!;
    }
  }
  return { Q: q, R };
}
