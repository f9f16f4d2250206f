// Gather / scatter-add (each the other's gradient), top-k and take-along-axis.
import { fromArray, runOp } from '../engine.ts';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.ts';
import { type OpDef, defineOp } from '../op.ts';
import { normalizeAxis, shapesEqual } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { reshape, transpose } from './core.ts';
import { add, cast, equal, mul } from './elementwise.ts';

export interface GatherAttrs {
  readonly axis: number;
}

export const gatherOp: OpDef<GatherAttrs> = defineOp<GatherAttrs>({
  name: 'gather',
  infer([x, idx], { axis }) {
    if (idx!.dtype !== 'i32') throw new DTypeError(`gather: indices must be i32, got ${idx!.dtype}`);
    if (axis < 0 || axis >= x!.shape.length) throw new ArgumentError(`gather: axis ${axis} out of range for ${fmtShape(x!.shape)}`);
    return { shape: [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)], dtype: x!.dtype };
  },
  grad: (dy, { inputs, attrs, needsGrad }) => [needsGrad[0] ? scatterAdd(dy, inputs[1]!, attrs.axis, inputs[0]!.shape[attrs.axis]!) : null, null],
});

/**
 * `numpy.take(x, indices, axis)`: out = x[..., indices, ...]. Indices outside
 * [0, x.shape[axis]) are an error on backends that can check (CPU); others clamp.
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  return runOp(gatherOp, [x, indices], { axis: normalizeAxis(axis, x.rank, 'gather') });
}

export interface ScatterAddAttrs {
  readonly axis: number;
  /** Size of the output along `axis`. */
  readonly dimSize: number;
}

export const scatterAddOp: OpDef<ScatterAddAttrs> = defineOp<ScatterAddAttrs>({
  name: 'scatterAdd',
  infer([u, idx], { axis, dimSize }) {
    if (idx!.dtype !== 'i32') throw new DTypeError(`scatterAdd: indices must be i32, got ${idx!.dtype}`);
    const r = idx!.shape.length;
    if (!shapesEqual(u!.shape.slice(axis, axis + r), idx!.shape)) {
      throw new ShapeError(`scatterAdd: updates ${fmtShape(u!.shape)} do not hold indices ${fmtShape(idx!.shape)} at axis ${axis}`);
    }
    return { shape: [...u!.shape.slice(0, axis), dimSize, ...u!.shape.slice(axis + r)], dtype: u!.dtype };
  },
  grad: (dy, { inputs, attrs, needsGrad }) => [needsGrad[0] ? gather(dy, inputs[1]!, attrs.axis) : null, null],
});

/** Inverse of {@link gather}: zeros of size `dimSize` along `axis`, then `out[.., idx, ..] += updates`. */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, dimSize: number): Tensor {
  if (!Number.isInteger(dimSize) || dimSize < 0) throw new ArgumentError(`scatterAdd: dimSize must be a non-negative integer, got ${dimSize}`);
  return runOp(scatterAddOp, [updates, indices], { axis, dimSize });
}

export interface TopkAttrs {
  readonly k: number;
  readonly largest: boolean;
}

export const topkIndicesOp: OpDef<TopkAttrs> = defineOp<TopkAttrs>({
  name: 'topkIndices',
  infer([x], { k }) {
    const n = x!.shape[x!.shape.length - 1];
    if (n === undefined) throw new ShapeError('topk: needs rank ≥ 1');
    if (!Number.isInteger(k) || k < 0 || k > n) throw new ArgumentError(`topk: k = ${k} is out of range for a last axis of ${n}`);
    if (x!.dtype === 'bool') throw new DTypeError('topk: bool tensors are not supported');
    return { shape: [...x!.shape.slice(0, -1), k], dtype: 'i32' };
  },
});

/** Indices of the `k` largest (or smallest) values along the last axis, sorted; ties keep the lower index first. */
export function topkIndices(x: Tensor, k: number, largest = true): Tensor {
  return runOp(topkIndicesOp, [x], { k, largest });
}

/** `numpy.take_along_axis` along the last axis (differentiable in `x`). */
export function takeAlongLastAxis(x: Tensor, indices: Tensor): Tensor {
  const n = x.shape[x.rank - 1]!;
  const k = indices.shape[indices.rank - 1]!;
  if (indices.rank !== x.rank || !shapesEqual(indices.shape.slice(0, -1), x.shape.slice(0, -1))) {
    throw new ShapeError(`takeAlongLastAxis: indices ${fmtShape(indices.shape)} do not match ${fmtShape(x.shape)} outside the last axis`);
  }
  const rows = x.size / n;
  const offsets = fromArray(
    Array.from({ length: rows }, (_, i) => i * n),
    [rows, 1],
    { dtype: 'i32', backend: x.backend },
  );
  const flatIdx = add(reshape(indices, [rows, k]), offsets);
  return reshape(gather(reshape(x, [rows * n]), flatIdx, 0), indices.shape);
}

/** Top-k values and indices along `axis` (default last). */
export function topk(x: Tensor, k: number, opts: { axis?: number; largest?: boolean } = {}): { values: Tensor; indices: Tensor } {
  const axis = normalizeAxis(opts.axis ?? -1, x.rank, 'topk');
  const last = x.rank - 1;
  if (axis !== last) {
    const perm = x.shape.map((_, i) => (i === axis ? last : i === last ? axis : i));
    const r = topk(transpose(x, perm), k, { largest: opts.largest ?? true });
    return { values: transpose(r.values, perm), indices: transpose(r.indices, perm) };
  }
  const indices = topkIndices(x, k, opts.largest ?? true);
  return { values: takeAlongLastAxis(x, indices), indices };
}

/** One-hot rows of `depth` for i32 class ids, in `dtype` (f32 by default). */
export function oneHot(indices: Tensor, depth: number, dtype: 'f32' | 'f64' = 'f32'): Tensor {
  if (indices.dtype !== 'i32') throw new DTypeError(`oneHot: indices must be i32, got ${indices.dtype}`);
  const classes = fromArray(
    Array.from({ length: depth }, (_, i) => i),
    [depth],
    { dtype: 'i32', backend: indices.backend },
  );
  return cast(equal(reshape(indices, [...indices.shape, 1]), classes), dtype);
}

/** Mask-multiply helper used by losses: x·mask with mask cast to x's dtype. */
export function applyMask(x: Tensor, mask: Tensor): Tensor {
  return mul(x, cast(mask, x.dtype));
}
