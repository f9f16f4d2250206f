// Dropout from a counter-based stream: the keep mask is an integer comparison of Philox
// bits, so CPU and GPU kernels produce the same mask bit for bit.
import { runOp } from '../engine.ts';
import { ArgumentError, DTypeError } from '../errors.ts';
import { type OpDef, defineOp } from '../op.ts';
import { type Generator, defaultGenerator } from '../rng.ts';
import type { Tensor } from '../tensor.ts';
import { mul } from './elementwise.ts';

export interface DropoutMaskAttrs {
  /** Philox key words. */
  readonly key: readonly [number, number];
  /** First block counter of this draw (element i uses block offset + ⌊i/4⌋, lane i mod 4). */
  readonly offset: number;
  /** Drop an element when (bits >>> 8) < threshold; threshold = round(p·2²⁴). */
  readonly threshold: number;
  /** Value of kept elements, 1/(1 − p), rounded to the output dtype. */
  readonly scale: number;
}

/** Output: 0 where dropped, `scale` where kept, with the shape and dtype of the input (only its metadata is read). */
export const dropoutMaskOp: OpDef<DropoutMaskAttrs> = defineOp<DropoutMaskAttrs>({
  name: 'dropoutMask',
  infer([x]) {
    if (x!.dtype !== 'f32' && x!.dtype !== 'f64') throw new DTypeError(`dropout: dtype ${x!.dtype} is not supported (f32 or f64 expected)`);
    return x!;
  },
});

export function dropoutMask(like: Tensor, p: number, generator: Generator = defaultGenerator()): Tensor {
  if (!(p >= 0 && p < 1)) throw new ArgumentError(`dropout: p must be in [0, 1), got ${p}`);
  const scale = like.dtype === 'f32' ? Math.fround(1 / (1 - p)) : 1 / (1 - p);
  return runOp(dropoutMaskOp, [like], { key: [generator.key[0], generator.key[1]], offset: generator.take(like.size), threshold: Math.round(p * 2 ** 24), scale });
}

/** Inverted dropout: zero each element with probability p, scale the rest by 1/(1 − p). */
export function dropout(x: Tensor, p: number, opts: { training?: boolean; generator?: Generator } = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout: p must be in [0, 1], got ${p}`);
  if (p === 0 || opts.training === false) return x;
  if (p === 1) return mul(x, 0); // everything dropped (as torch), without an infinite scale
  return mul(x, dropoutMask(x, p, opts.generator));
}
