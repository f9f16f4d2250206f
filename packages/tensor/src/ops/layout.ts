// Slicing, padding and joining: slice ↔ pad are each other's gradients; concat's is slices.
import { runOp } from '../engine.ts';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.ts';
import { type OpDef, defineOp } from '../op.ts';
import { normalizeAxis } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { reshape } from './core.ts';

export interface SliceAttrs {
  readonly begin: readonly number[];
  readonly size: readonly number[];
}

export const sliceOp: OpDef<SliceAttrs> = defineOp<SliceAttrs>({
  name: 'slice',
  infer([x], { begin, size }) {
    const s = x!.shape;
    if (begin.length !== s.length || size.length !== s.length) throw new ShapeError(`slice: begin/size need ${s.length} entries for ${fmtShape(s)}`);
    s.forEach((d, i) => {
      if (begin[i]! < 0 || size[i]! < 0 || begin[i]! + size[i]! > d) throw new ShapeError(`slice: [${begin[i]}, ${begin[i]! + size[i]!}) is out of range for axis ${i} of ${fmtShape(s)}`);
    });
    return { shape: [...size], dtype: x!.dtype };
  },
  grad: (dy, { inputs, attrs }) => [pad(dy, inputs[0]!.shape.map((d, i) => [attrs.begin[i]!, d - attrs.begin[i]! - attrs.size[i]!] as const))],
});

/**
 * Contiguous slice. `begin`/`end` per axis (missing axes are taken whole, negative
 * values count from the end, `end` is exclusive).
 */
export function slice(x: Tensor, begin: readonly number[], end?: readonly (number | undefined)[]): Tensor {
  const b: number[] = [];
  const size: number[] = [];
  x.shape.forEach((d, i) => {
    const lo = begin[i] ?? 0;
    const hi = end?.[i] ?? d;
    const l = lo < 0 ? lo + d : lo;
    const h = hi < 0 ? hi + d : hi;
    if (l < 0 || h > d || l > h) throw new ShapeError(`slice: [${lo}, ${hi}) is out of range for axis ${i} of ${fmtShape(x.shape)}`);
    b.push(l);
    size.push(h - l);
  });
  return runOp(sliceOp, [x], { begin: b, size });
}

export interface PadAttrs {
  readonly pads: readonly (readonly [number, number])[];
  readonly value: number;
}

export const padOp: OpDef<PadAttrs> = defineOp<PadAttrs>({
  name: 'pad',
  infer([x], { pads }) {
    if (pads.length !== x!.shape.length) throw new ShapeError(`pad: ${pads.length} (before, after) pairs given for a tensor of shape ${fmtShape(x!.shape)}`);
    if (pads.some(([a, b]) => !Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0)) throw new ArgumentError(`pad: paddings must be non-negative integers`);
    return { shape: x!.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]), dtype: x!.dtype };
  },
  grad: (dy, { inputs, attrs }) => [runOp(sliceOp, [dy], { begin: attrs.pads.map((p) => p[0]), size: [...inputs[0]!.shape] })],
});

/** Pad each axis with `pads[i] = [before, after]` copies of `value`. */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  return runOp(padOp, [x], { pads, value });
}

export interface ConcatAttrs {
  readonly axis: number;
}

export const concatOp: OpDef<ConcatAttrs> = defineOp<ConcatAttrs>({
  name: 'concat',
  infer(xs, { axis }) {
    const first = xs[0]!;
    let total = 0;
    for (const x of xs) {
      if (x.dtype !== first.dtype) throw new DTypeError(`concat: dtypes differ (${first.dtype} and ${x.dtype})`);
      if (x.shape.length !== first.shape.length || x.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        throw new ShapeError(`concat: shapes ${xs.map((t) => fmtShape(t.shape)).join(', ')} differ outside axis ${axis}`);
      }
      total += x.shape[axis]!;
    }
    return { shape: first.shape.map((d, i) => (i === axis ? total : d)), dtype: first.dtype };
  },
  grad(dy, { inputs, attrs, needsGrad }) {
    let at = 0;
    return inputs.map((x, i) => {
      const begin = x.shape.map((_, j) => (j === attrs.axis ? at : 0));
      at += x.shape[attrs.axis]!;
      return needsGrad[i] ? runOp(sliceOp, [dy], { begin, size: [...x.shape] }) : null;
    });
  },
});

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ArgumentError('concat: needs at least one tensor');
  return runOp(concatOp, xs, { axis: normalizeAxis(axis, xs[0]!.rank, 'concat') });
}

/** Join tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ArgumentError('stack: needs at least one tensor');
  const r = xs[0]!.rank + 1;
  const a = normalizeAxis(axis, r, 'stack');
  return concat(
    xs.map((x) => unsqueeze(x, a)),
    a,
  );
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis(axis, x.rank, 'squeeze');
  if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${axis} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

export function flatten(x: Tensor): Tensor {
  return reshape(x, [x.size]);
}
