// Fused forward kernels for softmax and norms; their gradients are written in primitive ops.
import { fromArray, runOp } from '../engine.ts';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.ts';
import { type OpDef, defineOp } from '../op.ts';
import { normalizeAxis, shapesEqual } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { sum, sumTo } from './core.ts';
import { add, exp, mul, rsqrt, sub } from './elementwise.ts';
import { mean } from './reduce.ts';

export interface AxisAttrs {
  readonly axis: number;
}

function floatInfer(name: string) {
  return ([x]: readonly { shape: readonly number[]; dtype: string }[], { axis }: AxisAttrs) => {
    if (x!.dtype !== 'f32' && x!.dtype !== 'f64') throw new DTypeError(`${name}: dtype ${x!.dtype} is not supported (f32 or f64 expected)`);
    if (axis < 0 || axis >= x!.shape.length) throw new ArgumentError(`${name}: axis ${axis} out of range for ${fmtShape(x!.shape)}`);
    return x as { shape: readonly number[]; dtype: 'f32' | 'f64' };
  };
}

export const softmaxOp: OpDef<AxisAttrs> = defineOp<AxisAttrs>({
  name: 'softmax',
  infer: floatInfer('softmax'),
  grad: (dy, { output: y, attrs }) => [mul(y, sub(dy, sum(mul(dy, y), attrs.axis, true)))],
});

export const logSoftmaxOp: OpDef<AxisAttrs> = defineOp<AxisAttrs>({
  name: 'logSoftmax',
  infer: floatInfer('logSoftmax'),
  grad: (dy, { output: y, attrs }) => [sub(dy, mul(exp(y), sum(dy, attrs.axis, true)))],
});

export function softmax(x: Tensor, axis = -1): Tensor {
  return runOp(softmaxOp, [x], { axis: normalizeAxis(axis, x.rank, 'softmax') });
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return runOp(logSoftmaxOp, [x], { axis: normalizeAxis(axis, x.rank, 'logSoftmax') });
}

export interface NormAttrs {
  readonly eps: number;
}

function normInfer(name: string, nParams: number) {
  return (inputs: readonly { shape: readonly number[]; dtype: string }[]) => {
    const x = inputs[0]!;
    if (x.dtype !== 'f32' && x.dtype !== 'f64') throw new DTypeError(`${name}: dtype ${x.dtype} is not supported (f32 or f64 expected)`);
    const d = x.shape[x.shape.length - 1];
    if (d === undefined) throw new ShapeError(`${name}: input needs rank ≥ 1`);
    for (const p of inputs.slice(1, 1 + nParams)) {
      if (!shapesEqual(p.shape, [d])) throw new ShapeError(`${name}: parameter shape ${fmtShape(p.shape)} must be [${d}] for input ${fmtShape(x.shape)}`);
      if (p.dtype !== x.dtype) throw new DTypeError(`${name}: parameter dtype ${p.dtype} differs from input dtype ${x.dtype}`);
    }
    return x as { shape: readonly number[]; dtype: 'f32' | 'f64' };
  };
}

/** Normalised input and 1/σ, recomputed for the gradient. */
function standardise(x: Tensor, eps: number, centre: boolean): { xhat: Tensor; rstd: Tensor } {
  const xc = centre ? sub(x, mean(x, -1, true)) : x;
  const rstd = rsqrt(add(mean(mul(xc, xc), -1, true), eps));
  return { xhat: mul(xc, rstd), rstd };
}

function normGrad(dy: Tensor, x: Tensor, w: Tensor, eps: number, centre: boolean, needX: boolean): { dx: Tensor | null; xhat: Tensor } {
  const { xhat, rstd } = standardise(x, eps, centre);
  if (!needX) return { dx: null, xhat };
  const g = mul(dy, w);
  let inner = sub(g, mul(xhat, mean(mul(g, xhat), -1, true)));
  if (centre) inner = sub(inner, mean(g, -1, true));
  return { dx: mul(rstd, inner), xhat };
}

export const layerNormOp: OpDef<NormAttrs> = defineOp<NormAttrs>({
  name: 'layerNorm',
  infer: normInfer('layerNorm', 2),
  grad(dy, { inputs, attrs, needsGrad }) {
    const [x, w, b] = inputs as [Tensor, Tensor, Tensor];
    const { dx, xhat } = normGrad(dy, x, w, attrs.eps, true, needsGrad[0]!);
    return [dx, needsGrad[1] ? sumTo(mul(dy, xhat), w.shape) : null, needsGrad[2] ? sumTo(dy, b.shape) : null];
  },
});

export const rmsNormOp: OpDef<NormAttrs> = defineOp<NormAttrs>({
  name: 'rmsNorm',
  infer: normInfer('rmsNorm', 1),
  grad(dy, { inputs, attrs, needsGrad }) {
    const [x, w] = inputs as [Tensor, Tensor];
    const { dx, xhat } = normGrad(dy, x, w, attrs.eps, false, needsGrad[0]!);
    return [dx, needsGrad[1] ? sumTo(mul(dy, xhat), w.shape) : null];
  },
});

function filled(like: Tensor, n: number, v: number): Tensor {
  return fromArray(new Array<number>(n).fill(v), [n], { dtype: like.dtype, backend: like.backend });
}

/** LayerNorm over the last axis: (x − μ)/√(σ² + eps)·weight + bias (weight 1, bias 0 when omitted). */
export function layerNorm(x: Tensor, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const d = x.shape[x.rank - 1] ?? 0;
  return runOp(layerNormOp, [x, weight ?? filled(x, d, 1), bias ?? filled(x, d, 0)], { eps });
}

/** RMSNorm over the last axis: x/√(mean(x²) + eps)·weight (LLaMA). */
export function rmsNorm(x: Tensor, weight?: Tensor | null, eps = 1e-6): Tensor {
  const d = x.shape[x.rank - 1] ?? 0;
  return runOp(rmsNormOp, [x, weight ?? filled(x, d, 1)], { eps });
}
