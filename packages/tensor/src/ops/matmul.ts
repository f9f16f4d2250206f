// Batched matmul with transposed operands, so nn.Linear's x·Wᵀ (W stored [out×in]) needs no copy.
import { runOp } from '../engine.ts';
import { DTypeError, ShapeError, fmtShape } from '../errors.ts';
import { type OpDef, defineOp } from '../op.ts';
import { broadcastShapes } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { sumTo } from './core.ts';

export interface MatmulAttrs {
  /** Read `a` as its transpose: a is [..., K, M]. */
  readonly transA: boolean;
  /** Read `b` as its transpose: b is [..., N, K]. */
  readonly transB: boolean;
}

export const matmulOp: OpDef<MatmulAttrs> = defineOp<MatmulAttrs>({
  name: 'matmul',
  infer([a, b], { transA, transB }) {
    const what = `matmul(${fmtShape(a!.shape)}${transA ? 'ᵀ' : ''}, ${fmtShape(b!.shape)}${transB ? 'ᵀ' : ''})`;
    if (a!.dtype !== b!.dtype) throw new DTypeError(`${what}: dtypes differ (${a!.dtype} and ${b!.dtype})`);
    if (a!.dtype !== 'f32' && a!.dtype !== 'f64') throw new DTypeError(`${what}: dtype ${a!.dtype} is not supported (f32 or f64 expected)`);
    if (a!.shape.length < 2 || b!.shape.length < 2) throw new ShapeError(`${what}: both operands need rank ≥ 2`);
    const [ra, ca] = a!.shape.slice(-2) as [number, number];
    const [rb, cb] = b!.shape.slice(-2) as [number, number];
    const [m, k] = transA ? [ca, ra] : [ra, ca];
    const [k2, n] = transB ? [cb, rb] : [rb, cb];
    if (k !== k2) throw new ShapeError(`${what}: inner dimensions differ (${k} vs ${k2})`);
    const batch = broadcastShapes(what, a!.shape.slice(0, -2), b!.shape.slice(0, -2));
    return { shape: [...batch, m, n], dtype: a!.dtype };
  },
  grad(dy, { inputs, attrs, needsGrad }) {
    const [a, b] = inputs as [Tensor, Tensor];
    const { transA, transB } = attrs;
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    // Y = op(A)·op(B): each case keeps the stored layouts, so no transpose is materialised
    if (needsGrad[0]) {
      da = transA ? matmul(b, dy, { transA: transB, transB: true }) : matmul(dy, b, { transB: !transB });
      da = sumTo(da, a.shape);
    }
    if (needsGrad[1]) {
      db = transB ? matmul(dy, a, { transA: true, transB: transA }) : matmul(a, dy, { transA: !transA });
      db = sumTo(db, b.shape);
    }
    return [da, db];
  },
});

/** `op(a)·op(b)` over the last two axes, broadcasting the leading (batch) axes. */
export function matmul(a: Tensor, b: Tensor, opts: Partial<MatmulAttrs> = {}): Tensor {
  return runOp(matmulOp, [a, b], { transA: opts.transA ?? false, transB: opts.transB ?? false });
}
