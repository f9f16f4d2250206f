// Finite-difference gradient checks: the independent oracle for every op's gradient.
import type { Backend } from '../backend.ts';
import { fromArray, noGrad, tidy } from '../engine.ts';
import { mul } from '../ops/elementwise.ts';
import { sum } from '../ops/core.ts';
import { Generator } from '../rng.ts';
import type { Tensor } from '../tensor.ts';
import { type Tolerance, assertClose } from './compare.ts';

export interface GradCheckOptions extends Partial<Tolerance> {
  /** Central-difference step (default 1e-6, for f64). */
  readonly eps?: number;
  /** Check at most this many elements per input (sampled), default 48. */
  readonly maxElements?: number;
  readonly seed?: number;
  /** Which inputs to differentiate (default: every floating input). */
  readonly wrt?: readonly number[];
  readonly label?: string;
}

/**
 * Compare autograd gradients of L = Σ f(inputs)·R (R a fixed random projection) with
 * central differences. Inputs must be f64 host values on a backend with f64 and sync readback.
 */
export function gradCheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly { values: Float64Array | number[]; shape: readonly number[]; dtype?: 'f64' | 'i32' | 'bool' }[], backend: Backend, opts: GradCheckOptions = {}): void {
  const eps = opts.eps ?? 1e-6;
  const tol: Tolerance = { rtol: opts.rtol ?? 1e-5, atol: opts.atol ?? 1e-7 };
  const gen = new Generator(opts.seed ?? 1234);
  const wrt = opts.wrt ?? inputs.flatMap((x, i) => ((x.dtype ?? 'f64') === 'f64' ? [i] : []));
  const make = (i: number, values: ArrayLike<number>, requiresGrad: boolean) =>
    fromArray(values, inputs[i]!.shape, { dtype: inputs[i]!.dtype ?? 'f64', backend, requiresGrad: requiresGrad && wrt.includes(i) });
  let projection: Float64Array | null = null;
  const loss = (vals: ArrayLike<number>[]): number =>
    tidy(() =>
      noGrad(() => {
        const y = f(...vals.map((v, i) => make(i, v, false)));
        return sum(mul(y, fromArray(projection!, y.shape, { dtype: 'f64', backend }))).dataSync()[0]!;
      }),
    );
  const base = inputs.map((x) => Float64Array.from(x.values));
  const analytic = tidy(() => {
    const leaves = base.map((v, i) => make(i, v, true));
    const y = f(...leaves);
    projection = gen.normal(y.size);
    sum(mul(y, fromArray(projection, y.shape, { dtype: 'f64', backend }))).backward();
    return wrt.map((i) => {
      const g = leaves[i]!.grad;
      return g ? Float64Array.from(g.dataSync()) : new Float64Array(base[i]!.length);
    });
  });
  wrt.forEach((i, w) => {
    const n = base[i]!.length;
    const picks = n <= (opts.maxElements ?? 48) ? Array.from({ length: n }, (_, j) => j) : Array.from(gen.bits(opts.maxElements ?? 48), (b) => b % n);
    const numeric: number[] = [];
    const expected: number[] = [];
    for (const j of picks) {
      const plus = base.map((v) => v.slice());
      const minus = base.map((v) => v.slice());
      plus[i]![j] = plus[i]![j]! + eps;
      minus[i]![j] = minus[i]![j]! - eps;
      numeric.push((loss(plus) - loss(minus)) / (2 * eps));
      expected.push(analytic[w]![j]!);
    }
    assertClose(`${opts.label ?? 'gradCheck'}: d/d input ${i} (autograd vs finite differences)`, inputs[i]!.shape, expected, numeric, tol);
  });
}
