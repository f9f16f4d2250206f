// Cholesky and LU (partial pivoting) factorizations, and the solves, inverses and determinants
// built on them. All f64, on plain `number[][]`.
import { LinalgError, MatrixShapeError } from './errors.ts';
import { type Matrix, type MatrixLike, clone, expectSymmetric, identity, shapeOf, zeros } from './matrix.ts';

/**
 * The lower-triangular L with L·Lᵀ = a, for a symmetric positive-definite `a`. Throws
 * `LinalgError` when a pivot is not positive (a is not positive definite to working precision).
 */
export function cholesky(a: MatrixLike): Matrix {
  const n = expectSymmetric(a, 'cholesky input');
  const l = zeros(n, n);
  for (let j = 0; j < n; j++) {
    const lj = l[j]!;
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= lj[k]! * lj[k]!;
    if (!(d > 0)) throw new LinalgError(`cholesky: matrix is not positive definite (pivot ${j} is ${d})`);
    const djj = Math.sqrt(d);
    lj[j] = djj;
    for (let i = j + 1; i < n; i++) {
      const li = l[i]!;
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= li[k]! * lj[k]!;
      li[j] = s / djj;
    }
  }
  return l;
}

/** Solve a·X = b for X given L = cholesky(a) (forward then back substitution, column by column). */
export function choleskySolve(l: MatrixLike, b: MatrixLike): Matrix {
  const [n] = shapeOf(l, 'L');
  const [bn, m] = shapeOf(b, 'b');
  if (bn !== n) throw new MatrixShapeError(`choleskySolve: L is ${n}×${n} but b has ${bn} rows`);
  const x = clone(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i]![c]!;
      for (let k = 0; k < i; k++) s -= l[i]![k]! * x[k]![c]!;
      x[i]![c] = s / l[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i]![c]!;
      for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]![c]!;
      x[i]![c] = s / l[i]![i]!;
    }
  }
  return x;
}

/** Solve a·X = b for a symmetric positive-definite a (Cholesky). */
export function solveSPD(a: MatrixLike, b: MatrixLike): Matrix {
  return choleskySolve(cholesky(a), b);
}

/** P·a = L·U with partial (row) pivoting: `lu` holds L below the diagonal (unit diagonal implied) and U on and above it. */
export interface LUDecomposition {
  readonly lu: Matrix;
  /** `perm[i]` is the row of `a` that became row i. */
  readonly perm: number[];
  /** +1 or −1: the sign of the permutation. */
  readonly sign: number;
}

/** LU factorization with partial pivoting of a square matrix. Throws `LinalgError` when a is singular to working precision. */
export function luDecompose(a: MatrixLike): LUDecomposition {
  const [n, c] = shapeOf(a, 'lu input');
  if (n !== c) throw new MatrixShapeError(`luDecompose needs a square matrix, got ${n}×${c}`);
  const lu = clone(a);
  const perm = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let big = 0;
  for (const row of lu) for (const x of row) big = Math.max(big, Math.abs(x));
  const tiny = big * n * Number.EPSILON;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i]![k]!) > Math.abs(lu[p]![k]!)) p = i;
    if (!(Math.abs(lu[p]![k]!) > tiny)) throw new LinalgError(`luDecompose: matrix is singular to working precision (no pivot in column ${k})`);
    if (p !== k) {
      [lu[p], lu[k]] = [lu[k]!, lu[p]!];
      [perm[p], perm[k]] = [perm[k]!, perm[p]!];
      sign = -sign;
    }
    const rk = lu[k]!;
    const pivot = rk[k]!;
    for (let i = k + 1; i < n; i++) {
      const ri = lu[i]!;
      const f = (ri[k] = ri[k]! / pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) ri[j]! -= f * rk[j]!;
    }
  }
  return { lu, perm, sign };
}

/** Solve a·X = b given `luDecompose(a)`. */
export function luSolve(dec: LUDecomposition, b: MatrixLike): Matrix {
  const { lu, perm } = dec;
  const n = lu.length;
  const [bn, m] = shapeOf(b, 'b');
  if (bn !== n) throw new MatrixShapeError(`luSolve: a is ${n}×${n} but b has ${bn} rows`);
  const x = perm.map((p) => Array.from(b[p]!));
  for (let c = 0; c < m; c++) {
    for (let i = 1; i < n; i++) {
      let s = x[i]![c]!;
      for (let k = 0; k < i; k++) s -= lu[i]![k]! * x[k]![c]!;
      x[i]![c] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i]![c]!;
      for (let k = i + 1; k < n; k++) s -= lu[i]![k]! * x[k]![c]!;
      x[i]![c] = s / lu[i]![i]!;
    }
  }
  return x;
}

/** Solve a·X = b for a square, non-singular a (LU with partial pivoting). */
export function solve(a: MatrixLike, b: MatrixLike): Matrix {
  return luSolve(luDecompose(a), b);
}

/** a⁻¹ (LU with partial pivoting). */
export function inverse(a: MatrixLike): Matrix {
  const [n] = shapeOf(a, 'inverse input');
  return luSolve(luDecompose(a), identity(n));
}

/** det(a) via LU; 0 for a matrix that is singular to working precision. */
export function determinant(a: MatrixLike): number {
  let dec: LUDecomposition;
  try {
    dec = luDecompose(a);
  } catch (e) {
    if (e instanceof LinalgError) return 0;
    throw e;
  }
  let d = dec.sign;
  for (let i = 0; i < dec.lu.length; i++) d *= dec.lu[i]![i]!;
  return d;
}
