// The ops every other op's gradient leans on: reshape, transpose, broadcastTo, sum.
import type { TensorMeta } from '../backend.ts';
import { runOp } from '../engine.ts';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.ts';
import { type OpDef, defineOp } from '../op.ts';
import { type Shape, broadcastShapes, normalizeAxes, reducedAxes, shapesEqual, sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

export interface ReshapeAttrs {
  readonly shape: Shape;
}

export const reshapeOp: OpDef<ReshapeAttrs> = defineOp<ReshapeAttrs>({
  name: 'reshape',
  view: true,
  infer([x], { shape }) {
    if (sizeOf(shape) !== sizeOf(x!.shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`reshape: cannot reshape ${fmtShape(x!.shape)} (${sizeOf(x!.shape)} elements) to ${fmtShape(shape)}`);
    }
    return { shape, dtype: x!.dtype };
  },
  grad: (dy, { inputs }) => [reshape(dy, inputs[0]!.shape)],
});

/** Same data, new shape; one dimension may be -1 (inferred). Shares storage. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const free = shape.indexOf(-1);
  let target = shape;
  if (free >= 0) {
    const known = shape.reduce((a, d, i) => (i === free ? a : a * d), 1);
    if (known === 0 || x.size % known !== 0 || shape.lastIndexOf(-1) !== free) throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
    target = shape.map((d, i) => (i === free ? x.size / known : d));
  }
  if (shapesEqual(target, x.shape)) return runOp(reshapeOp, [x], { shape: x.shape });
  return runOp(reshapeOp, [x], { shape: target });
}

export interface TransposeAttrs {
  readonly perm: readonly number[];
}

export const transposeOp: OpDef<TransposeAttrs> = defineOp<TransposeAttrs>({
  name: 'transpose',
  infer([x], { perm }) {
    const r = x!.shape.length;
    if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
      throw new ArgumentError(`transpose: perm [${perm.join(', ')}] is not a permutation of the ${r} axes of ${fmtShape(x!.shape)}`);
    }
    return { shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype };
  },
  grad: (dy, { attrs }) => {
    const inv = new Array<number>(attrs.perm.length);
    attrs.perm.forEach((p, i) => (inv[p] = i));
    return [transpose(dy, inv)];
  },
});

/** Permute axes (default: swap the last two). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const r = x.rank;
  const axes = Array.from({ length: r }, (_, i) => i);
  const p = perm ?? (r < 2 ? axes : [...axes.slice(0, r - 2), r - 1, r - 2]);
  return runOp(transposeOp, [x], { perm: p.map((a) => (a < 0 ? a + r : a)) });
}

export interface BroadcastToAttrs {
  readonly shape: Shape;
}

export const broadcastToOp: OpDef<BroadcastToAttrs> = defineOp<BroadcastToAttrs>({
  name: 'broadcastTo',
  infer([x], { shape }) {
    const b = broadcastShapes('broadcastTo', x!.shape, shape);
    if (!shapesEqual(b, shape)) throw new ShapeError(`broadcastTo: ${fmtShape(x!.shape)} cannot be broadcast to ${fmtShape(shape)}`);
    return { shape, dtype: x!.dtype };
  },
  grad: (dy, { inputs }) => [sumTo(dy, inputs[0]!.shape)],
});

export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  return runOp(broadcastToOp, [x], { shape });
}

export interface ReduceAttrs {
  /** Sorted, non-negative, unique axes to reduce. */
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

/** Output meta of a reduction over `axes`. */
export function reduceMeta(op: string, x: TensorMeta, { axes, keepDims }: ReduceAttrs, dtype = x.dtype): TensorMeta {
  for (const a of axes) if (a < 0 || a >= x.shape.length) throw new ArgumentError(`${op}: axis ${a} out of range for ${fmtShape(x.shape)}`);
  const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return { shape, dtype };
}

export const sumOp: OpDef<ReduceAttrs> = defineOp<ReduceAttrs>({
  name: 'sum',
  infer([x], attrs) {
    if (x!.dtype === 'bool') throw new DTypeError(`sum: bool tensors cannot be summed; cast to i32 or f32 first`);
    return reduceMeta('sum', x!, attrs);
  },
  grad: (dy, { inputs, attrs }) => [broadcastTo(reshape(dy, keptShape(inputs[0]!.shape, attrs.axes)), inputs[0]!.shape)],
});

/** `shape` with `axes` set to 1 (the keepDims shape of a reduction). */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Sum over `axes` (all by default). */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return runOp(sumOp, [x], { axes: normalizeAxes(axes, x.rank, 'sum'), keepDims });
}

/** Sum a broadcast result back down to `shape` (the gradient of broadcasting). */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const axes = reducedAxes(shape, x.shape);
  const s = axes.length ? sum(x, axes, true) : x;
  return reshape(s, shape);
}
