// Init schemes of one adapter factor (the paper's subscripts, §3 and Table 2), drawn on the host in f64
// from a seeded Philox Generator and uploaded once: the same (scheme, seed, shape) gives the same
// bits on every backend, which is what lets a frozen random factor be stored as its seed alone.
import { type Backend, Generator, type Tensor, fromArray, orthogonalFromGaussian } from '@webpeft/tensor';
import { didYouMean } from './_closest.ts';
import { AdapterConfigError } from './errors.ts';
import { topSingular } from './svd.ts';

/**
 * - `zero`: all zeros (the trained factor's "0").
 * - `orthogonal`: uniform on the Stiefel manifold (QR of a Gaussian, signs fixed by diag R): A gets
 *   orthonormal rows, B orthonormal columns — the paper's "rand".
 * - `kaiming-uniform`: U(±bound), bound = √(2/(1+a²))·√(3/fan_in) with a = √5, as PEFT's
 *   `nn.init.kaiming_uniform_(lora_A.weight, a=math.sqrt(5))` — the paper's "km".
 * - `gaussian`: N(0, (1/r)²), PEFT's `init_lora_weights="gaussian"` (std = 1/r).
 * - `svd`: from W0 = U·S·Vᵀ: A = the top-r right singular vectors as rows ("V"), B = the top-r left
 *   ones as columns ("U"); no seed.
 */
export type FactorInit = 'zero' | 'orthogonal' | 'kaiming-uniform' | 'gaussian' | 'svd';

export const FACTOR_INITS: readonly FactorInit[] = ['zero', 'orthogonal', 'kaiming-uniform', 'gaussian', 'svd'];

/** Which factor of B·A: A is [r, in], B is [out, r]. */
export type FactorName = 'A' | 'B';

/** Everything needed to rebuild a factor bit for bit (stored in adapter_config.json's `webpeft` field). */
export interface FactorRecipe {
  readonly init: FactorInit;
  /** Philox seed (decimal string of a 64-bit value); empty for `zero` and `svd`. */
  readonly seed: string;
  readonly shape: readonly [number, number];
  readonly factor: FactorName;
}

export function checkFactorInit(value: unknown, where: string): FactorInit {
  if (typeof value !== 'string' || !(FACTOR_INITS as readonly string[]).includes(value)) {
    const hint = typeof value === 'string' ? didYouMean(value, FACTOR_INITS) : '';
    throw new AdapterConfigError(`${where}: unknown init ${JSON.stringify(value)}; expected one of ${FACTOR_INITS.join(', ')}${hint}`);
  }
  return value as FactorInit;
}

/** kaiming_uniform_(a = √5) bound for a weight whose fan_in is `fanIn`: √(2/(1+5))·√(3/fanIn) = 1/√fanIn. */
export function kaimingBound(fanIn: number, a: number = Math.sqrt(5)): number {
  return Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3 / fanIn);
}

/**
 * Host values of a factor. `weight` (W0, row-major [out, in]) is needed only by `svd`; `r` is the
 * rank (gaussian's std is 1/r).
 */
export function factorValues(recipe: FactorRecipe, r: number, weight?: () => Float64Array): Float64Array {
  const [rows, cols] = recipe.shape;
  const n = rows * cols;
  const g = recipe.seed === '' ? null : new Generator(BigInt(recipe.seed));
  switch (recipe.init) {
    case 'zero':
      return new Float64Array(n);
    case 'orthogonal':
      return orthogonalFromGaussian(g!.normal(n), rows, cols);
    case 'kaiming-uniform': {
      // torch's fan_in of a [rows, cols] weight is cols: in for A [r, in], r for B [out, r]
      const bound = kaimingBound(cols);
      return g!.uniform(n, -bound, bound);
    }
    case 'gaussian':
      return g!.normal(n, 0, 1 / r);
    case 'svd': {
      if (!weight) throw new AdapterConfigError(`svd init of factor ${recipe.factor} needs the base weight W0`);
      const [dOut, dIn] = recipe.factor === 'A' ? [NaN, cols] : [rows, NaN];
      const w = weight();
      const out = Number.isNaN(dOut) ? w.length / dIn : dOut;
      const inp = Number.isNaN(dIn) ? w.length / out : dIn;
      const { u, vt } = topSingular(w, out, inp, r);
      return recipe.factor === 'A' ? vt : u;
    }
  }
}

/** A factor as a tensor of the base weight's dtype and backend. */
export function factorTensor(recipe: FactorRecipe, r: number, opts: { dtype: 'f32' | 'f64'; backend: Backend; weight?: () => Float64Array }): Tensor {
  return fromArray(factorValues(recipe, r, opts.weight), recipe.shape, { dtype: opts.dtype, backend: opts.backend });
}
