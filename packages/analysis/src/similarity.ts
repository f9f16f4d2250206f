// Subspace similarity of learned adapter factors (paper, Appendix A): the CCA goodness of fit
// ‖U_Yᵀ U_X‖²_F / min(r1, r2) between the column spaces of X [n×r1] and Y [n×r2]. It is invariant
// to X → X·C for any invertible C, so it sees only what B·A determines: the column space of B
// (left singular vectors) and the row space of A (right singular vectors, i.e. columns of Aᵀ).
import { AnalysisError, MatrixShapeError } from './errors.ts';
import { type MatrixLike, frobeniusNorm, matTmul, shapeOf, transpose } from './matrix.ts';
import { orthonormalBasis } from './svd.ts';

export interface SimilarityOptions {
  /**
   * Singular values at or below `tol` do not count towards the column space (default: numpy's
   * matrix_rank threshold, σ_max·max(n, r)·ε). A rank-deficient factor thus spans less, and its
   * similarity to anything is below 1; a zero factor has similarity 0.
   */
  readonly tol?: number;
}

/**
 * ‖U_Yᵀ U_X‖²_F / min(r1, r2) for X [n×r1] and Y [n×r2] (same n, r ≤ n), with U_X, U_Y orthonormal
 * bases of their column spaces. 1 when one column space contains the other (equal ranks: the
 * same subspace), 0 when they are orthogonal; in [0, 1].
 */
export function subspaceSimilarity(X: MatrixLike, Y: MatrixLike, options: SimilarityOptions = {}): number {
  const [n, r1] = shapeOf(X, 'X');
  const [n2, r2] = shapeOf(Y, 'Y');
  if (n !== n2) throw new MatrixShapeError(`subspaceSimilarity: X is ${n}×${r1} but Y is ${n2}×${r2}; both need the same number of rows n (compare columns of equal length)`);
  for (const [name, r] of [['X', r1], ['Y', r2]] as const) {
    if (r > n) {
      throw new MatrixShapeError(`subspaceSimilarity: ${name} is ${n}×${r}, wider than tall; its columns span all of ℝ^${n}. Pass one column per basis vector (n×r, r ≤ n): for a LoRA A factor (r×d_in) pass Aᵀ or use aSimilarity`);
    }
  }
  const ux = orthonormalBasis(X, options.tol);
  const uy = orthonormalBasis(Y, options.tol);
  if (ux === null || uy === null) return 0;
  const f = frobeniusNorm(matTmul(uy, ux));
  return Math.min(1, (f * f) / Math.min(r1, r2));
}

/** Similarity of two LoRA A factors (r×d_in each, ranks may differ): their row spaces, i.e. the right singular vectors — subspaceSimilarity(A1ᵀ, A2ᵀ). */
export function aSimilarity(A1: MatrixLike, A2: MatrixLike, options: SimilarityOptions = {}): number {
  return subspaceSimilarity(transpose(A1), transpose(A2), options);
}

/** Similarity of two LoRA B factors (d_out×r each, ranks may differ): their column spaces, i.e. the left singular vectors — subspaceSimilarity(B1, B2). */
export function bSimilarity(B1: MatrixLike, B2: MatrixLike, options: SimilarityOptions = {}): number {
  return subspaceSimilarity(B1, B2, options);
}

/** One layer's factors: A is r×d_in (`lora_A.weight`), B is d_out×r (`lora_B.weight`). */
export interface LoraFactors {
  readonly A: MatrixLike;
  readonly B: MatrixLike;
}

/** A saved adapter: its factors by layer name (e.g. `encoder.layer.0.attention.self.query`). */
export type AdapterFactors = Readonly<Record<string, LoraFactors>>;

/** The A and B similarity of one layer. */
export interface LayerSimilarity {
  readonly layer: string;
  readonly A: number;
  readonly B: number;
}

/**
 * Per-layer A and B similarity of two adapters, in `x`'s layer order. Both must adapt the same
 * layers (else `AnalysisError` listing the differences), with matching d_in (A) and d_out (B).
 */
export function adapterSimilarity(x: AdapterFactors, y: AdapterFactors, options: SimilarityOptions = {}): LayerSimilarity[] {
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  const onlyX = kx.filter((k) => !(k in y));
  const onlyY = ky.filter((k) => !(k in x));
  if (onlyX.length > 0 || onlyY.length > 0) {
    throw new AnalysisError(`adapterSimilarity: the adapters adapt different layers (only in the first: ${list(onlyX)}; only in the second: ${list(onlyY)})`);
  }
  if (kx.length === 0) throw new AnalysisError('adapterSimilarity: the adapters have no layers');
  return kx.map((layer) => {
    const fx = x[layer]!;
    const fy = y[layer]!;
    try {
      return { layer, A: aSimilarity(fx.A, fy.A, options), B: bSimilarity(fx.B, fy.B, options) };
    } catch (e) {
      if (e instanceof MatrixShapeError) throw new MatrixShapeError(`layer '${layer}': ${e.message}`);
      throw e;
    }
  });
}

/** Per-layer similarity averaged over the pairs of a set of adapters (Figure 1 averages over runs). */
export interface PairwiseSimilarity {
  readonly layers: string[];
  /** Mean over all pairs i < j, per layer. */
  readonly A: number[];
  readonly B: number[];
  /** Sample standard deviation over pairs (0 with a single pair). */
  readonly Astd: number[];
  readonly Bstd: number[];
  readonly pairs: number;
}

/** Mean (± std) per-layer A and B similarity over every pair of ≥ 2 adapters, e.g. runs with different seeds. */
export function pairwiseSimilarity(adapters: readonly AdapterFactors[], options: SimilarityOptions = {}): PairwiseSimilarity {
  if (adapters.length < 2) throw new AnalysisError(`pairwiseSimilarity needs at least 2 adapters, got ${adapters.length}`);
  const per: LayerSimilarity[][] = [];
  for (let i = 0; i < adapters.length; i++) {
    for (let j = i + 1; j < adapters.length; j++) per.push(adapterSimilarity(adapters[i]!, adapters[j]!, options));
  }
  const layers = per[0]!.map((s) => s.layer);
  const stat = (key: 'A' | 'B'): [number[], number[]] => {
    const mean = layers.map((_, l) => per.reduce((s, p) => s + p[l]![key], 0) / per.length);
    const std = layers.map((_, l) => {
      if (per.length < 2) return 0;
      const ss = per.reduce((s, p) => s + (p[l]![key] - mean[l]!) ** 2, 0);
      return Math.sqrt(ss / (per.length - 1));
    });
    return [mean, std];
  };
  const [A, Astd] = stat('A');
  const [B, Bstd] = stat('B');
  return { layers, A, B, Astd, Bstd, pairs: per.length };
}

function list(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 5).map((n) => `'${n}'`).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}
