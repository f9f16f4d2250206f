// Test helper: the numpy/torch fixtures of fixtures/analysis.json (written by fixtures/generate.py).
import fixtures from '../fixtures/analysis.json' with { type: 'json' };
import type { Matrix } from './matrix.ts';
import type { LayerShape, Tuned } from './bounds.ts';

export interface SvdCase {
  readonly name: string;
  readonly a: Matrix;
  readonly S: number[];
  readonly rank: number;
  readonly projectors: { readonly k: number; readonly left: Matrix; readonly right: Matrix }[];
}

export interface LinalgCase {
  readonly name: string;
  readonly a: Matrix;
  readonly b: Matrix;
  readonly cholesky: Matrix | null;
  readonly solve: Matrix;
  readonly inverse: Matrix;
  readonly det: number;
}

export interface LemmaCase {
  readonly name: string;
  readonly d_in: number;
  readonly d_out: number;
  readonly r: number;
  readonly sigma2: number;
  readonly Sigma: Matrix;
  readonly Delta: Matrix;
  readonly Q: Matrix;
  readonly U: Matrix;
  readonly B_star: Matrix;
  readonly loss_freeze_A: number;
  readonly A_star: Matrix;
  readonly loss_freeze_B: number;
  readonly A_rand: Matrix;
  readonly B_rand: Matrix;
  readonly loss_rand: number;
  readonly grad_A: Matrix;
  readonly grad_B: Matrix;
  readonly mc_samples: number;
  readonly mc_loss_freeze_A: number;
  readonly mc_se_freeze_A: number;
  readonly mc_loss_freeze_B: number;
  readonly mc_se_freeze_B: number;
}

export interface FixtureFile {
  readonly numpy: string;
  readonly torch: string;
  readonly svd: SvdCase[];
  readonly linalg: LinalgCase[];
  readonly similarity: {
    readonly pairs: { readonly name: string; readonly x: Matrix; readonly y: Matrix; readonly similarity: number }[];
    readonly factors: { readonly name: string; readonly A1: Matrix; readonly A2: Matrix; readonly B1: Matrix; readonly B2: Matrix; readonly A: number; readonly B: number }[];
  };
  readonly lemmas: LemmaCase[];
  readonly bounds: { readonly name: string; readonly r: number; readonly q: number; readonly sigma: number; readonly n: number; readonly layers: LayerShape[]; readonly tuned: Tuned; readonly bound: number }[];
}

export const FIXTURES = fixtures as unknown as FixtureFile;

/** Largest |a − b| relative to the largest |b| (absolute when b is tiny). */
export function relErr(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let d = 0;
  let big = 0;
  for (let i = 0; i < b.length; i++) {
    for (let j = 0; j < b[i]!.length; j++) {
      d = Math.max(d, Math.abs(a[i]![j]! - b[i]![j]!));
      big = Math.max(big, Math.abs(b[i]![j]!));
    }
  }
  return d / Math.max(big, 1e-300);
}
