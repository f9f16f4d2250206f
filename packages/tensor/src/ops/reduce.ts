// Reductions beyond `sum` (which lives in core.ts): mean, max/min, argmax/argmin, logsumexp.
import { noGrad, runOp } from '../engine.ts';
import { DTypeError } from '../errors.ts';
import { type OpDef, defineOp } from '../op.ts';
import { normalizeAxes, normalizeAxis } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { type ReduceAttrs, broadcastTo, keptShape, reduceMeta, reshape, sum } from './core.ts';
import { add, cast, div, equal, exp, log, mul, sub } from './elementwise.ts';

function extremum(name: 'max' | 'min'): OpDef<ReduceAttrs> {
  return defineOp<ReduceAttrs>({
    name,
    infer([x], attrs) {
      if (x!.dtype === 'bool') throw new DTypeError(`${name}: bool tensors are not supported`);
      if (attrs.axes.some((a) => x!.shape[a] === 0)) throw new DTypeError(`${name}: cannot reduce an empty axis of a tensor of shape [${x!.shape.join(', ')}]`);
      return reduceMeta(name, x!, attrs);
    },
    // the gradient is shared evenly between tied extremes (like torch.amax)
    grad(dy, { inputs, output, attrs }) {
      const x = inputs[0]!;
      const kept = keptShape(x.shape, attrs.axes);
      const hit = cast(equal(x, broadcastTo(reshape(output, kept), x.shape)), dy.dtype);
      const count = sum(hit, attrs.axes, true);
      return [mul(hit, broadcastTo(div(reshape(dy, kept), count), x.shape))];
    },
  });
}

export const maxOp: OpDef<ReduceAttrs> = extremum('max');
export const minOp: OpDef<ReduceAttrs> = extremum('min');

export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return runOp(maxOp, [x], { axes: normalizeAxes(axes, x.rank, 'max'), keepDims });
}

export function min(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return runOp(minOp, [x], { axes: normalizeAxes(axes, x.rank, 'min'), keepDims });
}

export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank, 'mean');
  const n = ax.reduce((acc, a) => acc * x.shape[a]!, 1);
  return div(sum(x, ax, keepDims), n);
}

/** Mean of squared deviations (biased, as LayerNorm uses). */
export function variance(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank, 'variance');
  const m = mean(x, ax, true);
  const d = sub(x, m);
  return mean(mul(d, d), ax, keepDims);
}

export interface ArgReduceAttrs {
  readonly axis: number;
  readonly keepDims: boolean;
}

function argExtremum(name: 'argmax' | 'argmin'): OpDef<ArgReduceAttrs> {
  return defineOp<ArgReduceAttrs>({
    name,
    infer([x], { axis, keepDims }) {
      if (x!.dtype === 'bool') throw new DTypeError(`${name}: bool tensors are not supported`);
      if (x!.shape[axis] === 0) throw new DTypeError(`${name}: axis ${axis} of [${x!.shape.join(', ')}] is empty`);
      return reduceMeta(name, x!, { axes: [axis], keepDims }, 'i32');
    },
  });
}

export const argmaxOp: OpDef<ArgReduceAttrs> = argExtremum('argmax');
export const argminOp: OpDef<ArgReduceAttrs> = argExtremum('argmin');

/** Index of the largest value along `axis` (first one on ties), as i32. */
export function argmax(x: Tensor, axis = -1, keepDims = false): Tensor {
  return runOp(argmaxOp, [x], { axis: normalizeAxis(axis, x.rank, 'argmax'), keepDims });
}

export function argmin(x: Tensor, axis = -1, keepDims = false): Tensor {
  return runOp(argminOp, [x], { axis: normalizeAxis(axis, x.rank, 'argmin'), keepDims });
}

/** log Σ exp(x) along `axes`, stabilised by the (constant) maximum. */
export function logsumexp(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank, 'logsumexp');
  const m = noGrad(() => max(x, ax, true));
  const s = add(log(sum(exp(sub(x, m)), ax, true)), m);
  return keepDims ? s : reshape(s, x.shape.filter((_, i) => !ax.includes(i)));
}
