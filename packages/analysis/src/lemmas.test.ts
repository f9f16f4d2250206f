import { describe, expect, it } from 'vitest';
import { FIXTURES, relErr } from './_fixtures.ts';
import { AnalysisError, MatrixShapeError } from './errors.ts';
import { expectedLoss, expectedLossGradients, freezeAOptimum, freezeBOptimum } from './lemmas.ts';
import { type Matrix, matmul, matmulT, sub, trace } from './matrix.ts';
import { createRng, gaussianMatrix, randomCovariance, randomOrthonormalRows, randomStiefel } from './random.ts';

describe('Lemmas 4.1 and 4.2 against numpy (closed forms) and Monte-Carlo least squares', () => {
  for (const c of FIXTURES.lemmas) {
    const problem = { Sigma: c.Sigma, Delta: c.Delta, sigma2: c.sigma2 };
    it(`${c.name}: freeze A = Q → B* and L(Q, B*)`, () => {
      const { B, loss, terms } = freezeAOptimum({ ...problem, Q: c.Q });
      expect(relErr(B, c.B_star)).toBeLessThan(1e-11);
      expect(loss).toBeCloseTo(c.loss_freeze_A, 11);
      expect(terms.noise).toBe(c.d_out * c.sigma2);
      // the paper's formula is the expected loss at the optimum, and matches sampled data
      expect(expectedLoss({ ...problem, A: c.Q, B })).toBeCloseTo(loss, 11);
      expect(Math.abs(loss - c.mc_loss_freeze_A)).toBeLessThan(5 * c.mc_se_freeze_A + 2e-3 * loss);
    });
    it(`${c.name}: freeze B = U → A* = UᵀΔ and L(A*, U)`, () => {
      const { A, loss } = freezeBOptimum({ ...problem, U: c.U });
      expect(relErr(A, c.A_star)).toBeLessThan(1e-11);
      expect(loss).toBeCloseTo(c.loss_freeze_B, 11);
      expect(expectedLoss({ ...problem, A, B: c.U })).toBeCloseTo(loss, 11);
      expect(Math.abs(loss - c.mc_loss_freeze_B)).toBeLessThan(5 * c.mc_se_freeze_B + 2e-3 * Math.max(loss, 1e-9));
    });
    it(`${c.name}: expected loss and its gradients match torch autograd`, () => {
      const at = { ...problem, A: c.A_rand, B: c.B_rand };
      expect(expectedLoss(at)).toBeCloseTo(c.loss_rand, 9);
      const g = expectedLossGradients(at);
      expect(relErr(g.A, c.grad_A)).toBeLessThan(1e-12);
      expect(relErr(g.B, c.grad_B)).toBeLessThan(1e-12);
    });
  }
});

/** A small anisotropic problem for the brute-force checks. */
function smallProblem(seed: number, dIn = 6, dOut = 5): { Sigma: Matrix; Delta: Matrix; sigma2: number } {
  const rng = createRng(seed);
  return { Sigma: randomCovariance(Array.from({ length: dIn }, (_, k) => 2 / (k + 1)), rng), Delta: gaussianMatrix(dOut, dIn, rng, 0.5), sigma2: 0.1 };
}

/** Plain gradient descent on one factor of the expected loss. */
function descend(p: ReturnType<typeof smallProblem>, A: Matrix, B: Matrix, train: 'A' | 'B', lr: number, steps: number): { A: Matrix; B: Matrix } {
  let a = A;
  let b = B;
  for (let t = 0; t < steps; t++) {
    const g = expectedLossGradients({ ...p, A: a, B: b });
    if (train === 'A') a = sub(a, g.A.map((row) => row.map((x) => lr * x)));
    else b = sub(b, g.B.map((row) => row.map((x) => lr * x)));
  }
  return { A: a, B: b };
}

describe('closed forms vs brute-force gradient descent on the expected loss', () => {
  it('freezing A: GD on B from zero converges to B* and L(Q, B*)', () => {
    const p = smallProblem(1);
    const Q = randomOrthonormalRows(2, 6, createRng(10));
    const star = freezeAOptimum({ ...p, Q });
    const lr = 0.5 / trace(matmulT(matmul(Q, p.Sigma), Q)); // ≤ 1/(2 λ_max(QΣQᵀ))
    const { B } = descend(p, Q, gaussianMatrix(5, 2, createRng(0), 0), 'B', lr, 4000);
    expect(relErr(B, star.B)).toBeLessThan(1e-8);
    expect(expectedLoss({ ...p, A: Q, B })).toBeCloseTo(star.loss, 12);
  });
  it('freezing B: GD on A from zero converges to A* = UᵀΔ and L(A*, U)', () => {
    const p = smallProblem(2);
    const U = randomStiefel(5, 2, createRng(20));
    const star = freezeBOptimum({ ...p, U });
    const lr = 0.5 / trace(p.Sigma);
    const { A } = descend(p, gaussianMatrix(2, 6, createRng(0), 0), U, 'A', lr, 6000);
    expect(relErr(A, star.A)).toBeLessThan(1e-8);
    expect(expectedLoss({ ...p, A, B: U })).toBeCloseTo(star.loss, 12);
  });
  it('no perturbation of the optimum does better (local optimality, both lemmas)', () => {
    const p = smallProblem(3);
    const rng = createRng(30);
    const Q = randomOrthonormalRows(3, 6, rng);
    const U = randomStiefel(5, 3, rng);
    const a = freezeAOptimum({ ...p, Q });
    const b = freezeBOptimum({ ...p, U });
    for (let t = 0; t < 20; t++) {
      const dB = gaussianMatrix(5, 3, rng, 1e-3);
      const dA = gaussianMatrix(3, 6, rng, 1e-3);
      expect(expectedLoss({ ...p, A: Q, B: sub(a.B, dB) })).toBeGreaterThan(a.loss);
      expect(expectedLoss({ ...p, A: sub(b.A, dA), B: U })).toBeGreaterThan(b.loss);
    }
  });
  it('a U without orthonormal columns gets the exact least-squares A* (= UᵀΔ only when UᵀU = I)', () => {
    const p = smallProblem(4);
    const U = gaussianMatrix(5, 2, createRng(40));
    const star = freezeBOptimum({ ...p, U });
    const { A } = descend(p, gaussianMatrix(2, 6, createRng(0), 0), U, 'A', 0.5 / (trace(p.Sigma) * trace(matmul(transposeOf(U), U))), 40000);
    expect(relErr(A, star.A)).toBeLessThan(1e-6);
    expect(expectedLoss({ ...p, A, B: U })).toBeCloseTo(star.loss, 10);
  });
  it('finite differences agree with expectedLossGradients', () => {
    const p = smallProblem(5, 4, 3);
    const rng = createRng(50);
    const A = gaussianMatrix(2, 4, rng);
    const B = gaussianMatrix(3, 2, rng);
    const g = expectedLossGradients({ ...p, A, B });
    const h = 1e-6;
    for (const [which, m, grad] of [['A', A, g.A], ['B', B, g.B]] as const) {
      for (let i = 0; i < m.length; i++) {
        for (let j = 0; j < m[0]!.length; j++) {
          const plus = m.map((row, r) => row.map((x, c) => (r === i && c === j ? x + h : x)));
          const minus = m.map((row, r) => row.map((x, c) => (r === i && c === j ? x - h : x)));
          const at = (mm: Matrix): number => expectedLoss({ ...p, A: which === 'A' ? mm : A, B: which === 'B' ? mm : B });
          expect((at(plus) - at(minus)) / (2 * h)).toBeCloseTo(grad[i]![j]!, 6);
        }
      }
    }
  });
});

describe('the paper’s worked example (§4.1.1): inputs of rank r', () => {
  it('freezing A at a random Q loses nothing, freezing B keeps only ≈ r/d_out of the signal', () => {
    const rng = createRng(6);
    const d = 40;
    const r = 3;
    const F = gaussianMatrix(d, r, rng);
    const Sigma = matmulT(F, F); // Σ = F Fᵀ, rank r
    const Delta = gaussianMatrix(d, d, rng, 1 / Math.sqrt(d));
    const sigma2 = 0.01;
    const a = freezeAOptimum({ Sigma, Delta, sigma2, Q: randomOrthonormalRows(r, d, rng) });
    const b = freezeBOptimum({ Sigma, Delta, sigma2, U: randomStiefel(d, r, rng) });
    expect(a.loss).toBeCloseTo(d * sigma2, 9); // all of Tr[ΔΣΔᵀ] is explained
    expect(b.terms.explained / b.terms.signal).toBeLessThan(0.3);
    expect(b.loss).toBeGreaterThan(a.loss + 0.5 * a.terms.signal);
  });
});

describe('argument checks', () => {
  const p = smallProblem(7);
  it('names the mismatched argument and its expected shape', () => {
    expect(() => freezeAOptimum({ ...p, Q: gaussianMatrix(2, 5, createRng(1)) })).toThrow(/Q \(r×d_in, the frozen A\) must be \?×6, got 2×5/);
    expect(() => freezeBOptimum({ ...p, U: gaussianMatrix(4, 2, createRng(1)) })).toThrow(MatrixShapeError);
    expect(() => freezeAOptimum({ ...p, Sigma: [[1, 2], [0, 1]], Q: [[1, 0]] })).toThrow(/symmetric/);
    expect(() => freezeAOptimum({ ...p, sigma2: -1, Q: randomOrthonormalRows(2, 6, createRng(1)) })).toThrow(/sigma2/);
  });
  it('singular QΣQᵀ (no input variance along Q) is an AnalysisError, not NaNs', () => {
    const Sigma = [[1, 0, 0], [0, 0, 0], [0, 0, 0]];
    expect(() => freezeAOptimum({ Sigma, Delta: [[1, 1, 1]], sigma2: 0, Q: [[0, 1, 0]] })).toThrow(AnalysisError);
  });
});

function transposeOf(m: Matrix): Matrix {
  return m[0]!.map((_, j) => m.map((row) => row[j]!));
}
