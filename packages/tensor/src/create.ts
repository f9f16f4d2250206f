// Creation functions. Random values are drawn on the host from Philox and uploaded, so a
// seed gives the same tensor on every backend.
import type { DType, TypedArray } from './dtype.ts';
import { type CreateOptions, fromArray, zerosOf } from './engine.ts';
import { ArgumentError, ShapeError } from './errors.ts';
import { orthogonalFromGaussian } from './linalg.ts';
import { type Generator, defaultGenerator } from './rng.ts';
import { type Shape, sizeOf } from './shape.ts';
import type { Tensor } from './tensor.ts';

export type { CreateOptions } from './engine.ts';

export interface RandomOptions extends CreateOptions {
  readonly generator?: Generator;
}

type Nested = number | boolean | readonly Nested[];

function flattenNested(x: Nested, shape: number[], out: number[], depth = 0): void {
  if (typeof x === 'number' || typeof x === 'boolean') {
    if (depth !== shape.length) throw new ShapeError(`tensor: ragged nested array (a scalar at depth ${depth}, expected depth ${shape.length})`);
    out.push(Number(x));
    return;
  }
  if (depth === shape.length) shape.push(x.length);
  else if (shape[depth] !== x.length) throw new ShapeError(`tensor: ragged nested array (length ${x.length} at depth ${depth}, expected ${shape[depth]})`);
  for (const v of x) flattenNested(v, shape, out, depth + 1);
}

/**
 * A tensor from values: a nested array (shape inferred) or flat values plus a shape.
 * Numbers default to f32; pass `dtype` for others.
 */
export function tensor(values: Nested | TypedArray, shape?: Shape, opts: CreateOptions = {}): Tensor {
  if (ArrayBuffer.isView(values)) return fromArray(values, shape ?? [values.length], opts);
  if (shape) {
    const flat: number[] = [];
    const s: number[] = [];
    flattenNested(values, s, flat);
    return fromArray(flat, shape, opts);
  }
  const s: number[] = [];
  const flat: number[] = [];
  flattenNested(values, s, flat);
  return fromArray(flat, s, opts);
}

export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return fromArray([value], [], opts);
}

export function zeros(shape: Shape, opts: CreateOptions = {}): Tensor {
  return zerosOf(shape, opts);
}

export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  return fromArray(new Array<number>(sizeOf(shape)).fill(value), shape, opts);
}

export function ones(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

export function zerosLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  return zerosOf(x.shape, { dtype: x.dtype, backend: x.backend, ...opts });
}

export function onesLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  return full(x.shape, 1, { dtype: x.dtype, backend: x.backend, ...opts });
}

/** [start, stop) in steps of `step` (i32 unless `dtype` says otherwise). */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions = {}): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new ArgumentError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  return fromArray(
    Array.from({ length: n }, (_, i) => lo + i * step),
    [n],
    { dtype: 'i32' as DType, ...opts },
  );
}

/** Standard normal values times `std` plus `mean`. */
export function randn(shape: Shape, opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const g = opts.generator ?? defaultGenerator();
  return fromArray(g.normal(sizeOf(shape), opts.mean ?? 0, opts.std ?? 1), shape, withoutGenerator(opts));
}

/** Uniform values in [low, high). */
export function rand(shape: Shape, opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const g = opts.generator ?? defaultGenerator();
  return fromArray(g.uniform(sizeOf(shape), opts.low ?? 0, opts.high ?? 1), shape, withoutGenerator(opts));
}

/**
 * A random [rows × cols] matrix with orthonormal rows (rows ≤ cols) or columns (rows > cols),
 * uniform on the Stiefel manifold: the paper's "rand" init for a frozen A or B.
 */
export function orthogonal(shape: readonly [number, number], opts: RandomOptions & { gain?: number } = {}): Tensor {
  const [rows, cols] = shape;
  const g = opts.generator ?? defaultGenerator();
  const q = orthogonalFromGaussian(g.normal(rows * cols), rows, cols);
  const gain = opts.gain ?? 1;
  if (gain !== 1) for (let i = 0; i < q.length; i++) q[i] = q[i]! * gain;
  return fromArray(q, shape, withoutGenerator(opts));
}

function withoutGenerator(opts: RandomOptions): CreateOptions {
  const out: { -readonly [K in keyof CreateOptions]: CreateOptions[K] } = {};
  if (opts.dtype !== undefined) out.dtype = opts.dtype;
  if (opts.backend !== undefined) out.backend = opts.backend;
  if (opts.requiresGrad !== undefined) out.requiresGrad = opts.requiresGrad;
  if (opts.name !== undefined) out.name = opts.name;
  return out;
}
