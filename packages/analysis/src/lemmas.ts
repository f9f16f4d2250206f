// §4.1 of the paper: least-squares adaptation y = (W0 + B·A)·x + b + n with one factor frozen.
// Model: X has mean 0 and covariance Σ (d_in×d_in); Y = W_targ·X + b + n, noise n with
// covariance σ²·I_{d_out}; Δ = W_targ − W0 (d_out×d_in). The expected loss of an update B·A is
//   L(A, B) = E‖Y − (W0 + B·A)X − b‖² = d_out·σ² + Tr[(Δ − BA) Σ (Δ − BA)ᵀ]          (eq. 2)
// (fold LoRA's α/r scaling into B). Lemma 4.1 freezes A = Q, Lemma 4.2 freezes B = U.
import { cholesky, choleskySolve } from './decompose.ts';
import { AnalysisError, LinalgError } from './errors.ts';
import { type Matrix, type MatrixLike, expectShape, expectSymmetric, matmul, matmulT, matTmul, sub, transpose } from './matrix.ts';
import { type Rng, randomOrthonormalRows, randomStiefel } from './random.ts';

/** The regression problem: input covariance Σ (d_in×d_in), target change Δ (d_out×d_in), noise variance σ² per output. */
export interface RegressionProblem {
  readonly Sigma: MatrixLike;
  readonly Delta: MatrixLike;
  readonly sigma2: number;
}

/** The three terms of the expected loss: loss = noise + signal − explained. */
export interface LossTerms {
  /** d_out·σ²: irreducible. */
  readonly noise: number;
  /** Tr[ΔΣΔᵀ]: the loss of the zero update, less the noise. */
  readonly signal: number;
  /** The part of the signal the optimal factor captures (the lemma's last trace). */
  readonly explained: number;
}

function checkProblem(p: RegressionProblem): { dIn: number; dOut: number } {
  const dIn = expectSymmetric(p.Sigma, 'Sigma');
  const [dOut] = expectShape(p.Delta, undefined, dIn, 'Delta (d_out×d_in, d_in from Sigma)');
  if (typeof p.sigma2 !== 'number' || !Number.isFinite(p.sigma2) || p.sigma2 < 0) throw new AnalysisError(`sigma2 must be a finite number ≥ 0, got ${String(p.sigma2)}`);
  return { dIn, dOut };
}

/** Tr[M Σ Mᵀ] = ⟨MΣ, M⟩ without forming the d_out×d_out product. */
function quadTrace(m: MatrixLike, sigma: MatrixLike): number {
  const ms = matmul(m, sigma);
  let s = 0;
  for (let i = 0; i < m.length; i++) for (let j = 0; j < m[i]!.length; j++) s += ms[i]![j]! * m[i]![j]!;
  return s;
}

/** ⟨a, b⟩ = Σ a_ij·b_ij. */
function inner(a: MatrixLike, b: MatrixLike): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i]!.length; j++) s += a[i]![j]! * b[i]![j]!;
  return s;
}

/** L(A, B) = d_out·σ² + Tr[(Δ − BA) Σ (Δ − BA)ᵀ] for any A (r×d_in) and B (d_out×r). */
export function expectedLoss(p: RegressionProblem & { readonly A: MatrixLike; readonly B: MatrixLike }): number {
  const { dIn, dOut } = checkProblem(p);
  const [r] = expectShape(p.A, undefined, dIn, 'A (r×d_in)');
  expectShape(p.B, dOut, r, 'B (d_out×r)');
  return dOut * p.sigma2 + quadTrace(sub(p.Delta, matmul(p.B, p.A)), p.Sigma);
}

/** ∂L/∂A = −2·Bᵀ(Δ − BA)Σ and ∂L/∂B = −2·(Δ − BA)ΣAᵀ of the expected loss. */
export function expectedLossGradients(p: RegressionProblem & { readonly A: MatrixLike; readonly B: MatrixLike }): { A: Matrix; B: Matrix } {
  const { dIn, dOut } = checkProblem(p);
  const [r] = expectShape(p.A, undefined, dIn, 'A (r×d_in)');
  expectShape(p.B, dOut, r, 'B (d_out×r)');
  const es = matmul(sub(p.Delta, matmul(p.B, p.A)), p.Sigma);
  const scaleBy = (m: Matrix): Matrix => m.map((row) => row.map((x) => -2 * x));
  return { A: scaleBy(matTmul(p.B, es)), B: scaleBy(matmulT(es, p.A)) };
}

/**
 * Lemma 4.1 (freeze A = Q, QQᵀ = I_r): B* = ΔΣQᵀ(QΣQᵀ)⁻¹ and
 *   L(Q, B*) = d_out·σ² + Tr[ΔΣΔᵀ] − Tr[QΣΔᵀΔΣQᵀ(QΣQᵀ)⁻¹].
 * This is ordinary least squares of Y − W0X on the projected features QX, so it is the optimum
 * for any full-row-rank Q (orthonormal rows are not needed). Throws `AnalysisError` when
 * QΣQᵀ is singular (Σ has no variance along some direction of Q's row space: B* is not unique).
 */
export function freezeAOptimum(p: RegressionProblem & { readonly Q: MatrixLike }): { B: Matrix; loss: number; terms: LossTerms } {
  const { dIn, dOut } = checkProblem(p);
  const [r] = expectShape(p.Q, undefined, dIn, 'Q (r×d_in, the frozen A)');
  if (r > dIn) throw new AnalysisError(`freezeAOptimum: Q is ${r}×${dIn}; its rank r must be ≤ d_in`);
  const sqt = matmulT(p.Sigma, p.Q); // ΣQᵀ, d_in×r
  const m = matmul(p.Q, sqt); // QΣQᵀ, r×r
  const dsqt = matmul(p.Delta, sqt); // ΔΣQᵀ, d_out×r
  let bt: Matrix;
  try {
    bt = choleskySolve(cholesky(symmetrize(m)), transpose(dsqt)); // (QΣQᵀ)⁻¹QΣΔᵀ = B*ᵀ
  } catch (e) {
    if (e instanceof LinalgError) throw new AnalysisError(`freezeAOptimum: QΣQᵀ is singular or not positive definite (${e.message}); Σ must have variance along every row of Q`);
    throw e;
  }
  const B = transpose(bt);
  const terms: LossTerms = { noise: dOut * p.sigma2, signal: quadTrace(p.Delta, p.Sigma), explained: inner(dsqt, B) };
  return { B, loss: terms.noise + terms.signal - terms.explained, terms };
}

/**
 * Lemma 4.2 (freeze B = U, UᵀU = I_r): A* = UᵀΔ and
 *   L(A*, U) = d_out·σ² + Tr[ΔΣΔᵀ] − Tr[UᵀΔΣΔᵀU].
 * For a U whose columns are not exactly orthonormal (e.g. rounded to f32) this returns the exact
 * least-squares optimum A* = (UᵀU)⁻¹UᵀΔ and its loss, which reduce to the lemma when UᵀU = I.
 */
export function freezeBOptimum(p: RegressionProblem & { readonly U: MatrixLike }): { A: Matrix; loss: number; terms: LossTerms } {
  const { dOut } = checkProblem(p);
  const [, r] = expectShape(p.U, dOut, undefined, 'U (d_out×r, the frozen B)');
  if (r > dOut) throw new AnalysisError(`freezeBOptimum: U is ${dOut}×${r}; its rank r must be ≤ d_out`);
  const ud = matTmul(p.U, p.Delta); // UᵀΔ, r×d_in
  let A: Matrix;
  try {
    A = choleskySolve(cholesky(symmetrize(matTmul(p.U, p.U))), ud);
  } catch (e) {
    if (e instanceof LinalgError) throw new AnalysisError(`freezeBOptimum: UᵀU is singular (${e.message}); U needs linearly independent columns`);
    throw e;
  }
  const terms: LossTerms = { noise: dOut * p.sigma2, signal: quadTrace(p.Delta, p.Sigma), explained: inner(matmul(A, p.Sigma), ud) };
  return { A, loss: terms.noise + terms.signal - terms.explained, terms };
}

function symmetrize(m: Matrix): Matrix {
  return m.map((row, i) => row.map((x, j) => (x + m[j]![i]!) / 2));
}

/** One draw of Theorem 4.3's comparison. */
export interface AsymmetryTrial {
  /** L(Q, B*): A frozen at a Haar-random Q, B optimal (Lemma 4.1). */
  readonly freezeA: number;
  /** L(A*, U): B frozen at a Haar-random U, A optimal (Lemma 4.2). */
  readonly freezeB: number;
  /** freezeB − freezeA: ≥ 0 when tuning B beats tuning A, as Theorem 4.3 predicts w.h.p. for d ≫ r. */
  readonly gap: number;
  /** Tr[ΔΣΔᵀ], the scale of the gap (the loss of the zero update, less the noise). */
  readonly signal: number;
}

/** Draw Q (r×d_in) and U (d_out×r) uniformly from their Stiefel manifolds and compare the two frozen-factor optima (Theorem 4.3). */
export function asymmetryTrial(p: RegressionProblem & { readonly r: number; readonly rng: Rng }): AsymmetryTrial {
  const { dIn, dOut } = checkProblem(p);
  if (!Number.isInteger(p.r) || p.r < 1 || p.r > Math.min(dIn, dOut)) throw new AnalysisError(`asymmetryTrial: r must be an integer in [1, min(d_in, d_out) = ${Math.min(dIn, dOut)}], got ${p.r}`);
  const Q = randomOrthonormalRows(p.r, dIn, p.rng);
  const U = randomStiefel(dOut, p.r, p.rng);
  const a = freezeAOptimum({ ...p, Q });
  const freezeB = freezeBOptimum({ ...p, U }).loss;
  return { freezeA: a.loss, freezeB, gap: freezeB - a.loss, signal: a.terms.signal };
}
