// Fixture op keys → calls of the public API (the same keys generate_ops.py uses).
import type { DType } from '../dtype.ts';
import { broadcastTo, reshape, sum, transpose } from '../ops/core.ts';
import * as ew from '../ops/elementwise.ts';
import { gather, scatterAdd, topk, topkIndices } from '../ops/indexing.ts';
import { concat, pad, slice, stack } from '../ops/layout.ts';
import { matmul } from '../ops/matmul.ts';
import { layerNorm, logSoftmax, rmsNorm, softmax } from '../ops/nn.ts';
import { argmax, argmin, logsumexp, max, mean, min, variance } from '../ops/reduce.ts';
import type { Tensor } from '../tensor.ts';

type Attrs = Record<string, unknown>;
/** `float` is the dtype the suite runs floats in (fixture 'f64' means "the float dtype"). */
type OpFn = (xs: Tensor[], attrs: Attrs, float: 'f32' | 'f64') => Tensor;

const num = (a: Attrs, k: string) => a[k] as number;
const nums = (a: Attrs, k: string) => a[k] as number[];
const bool = (a: Attrs, k: string) => a[k] as boolean;
const axes = (a: Attrs) => (a['axes'] === null || a['axes'] === undefined ? undefined : nums(a, 'axes'));

type Reduction = (x: Tensor, axes?: number | readonly number[], keepDims?: boolean) => Tensor;
const reduction = (f: Reduction): OpFn => ([x], a) => f(x!, axes(a), bool(a, 'keepDims'));

const table: Record<string, OpFn> = {
  cast: ([x], a, float) => ew.cast(x!, a['dtype'] === 'f64' ? float : (a['dtype'] as DType)),
  where: ([c, x, y]) => ew.where(c!, x!, y!),
  sum: reduction(sum),
  mean: reduction(mean),
  max: reduction(max),
  min: reduction(min),
  variance: reduction(variance),
  logsumexp: reduction(logsumexp),
  argmax: ([x], a) => argmax(x!, num(a, 'axis'), bool(a, 'keepDims')),
  argmin: ([x], a) => argmin(x!, num(a, 'axis'), bool(a, 'keepDims')),
  matmul: ([x, y], a) => matmul(x!, y!, { transA: bool(a, 'transA'), transB: bool(a, 'transB') }),
  transpose: ([x], a) => transpose(x!, nums(a, 'perm')),
  reshape: ([x], a) => reshape(x!, nums(a, 'shape')),
  broadcastTo: ([x], a) => broadcastTo(x!, nums(a, 'shape')),
  slice: ([x], a) => slice(x!, nums(a, 'begin'), nums(a, 'end')),
  pad: ([x], a) => pad(x!, a['pads'] as [number, number][], num(a, 'value')),
  concat: (xs, a) => concat(xs, num(a, 'axis')),
  stack: (xs, a) => stack(xs, num(a, 'axis')),
  gather: ([x, i], a) => gather(x!, i!, num(a, 'axis')),
  scatterAdd: ([u, i], a) => scatterAdd(u!, i!, num(a, 'axis'), num(a, 'dimSize')),
  topk: ([x], a) => topk(x!, num(a, 'k'), { largest: bool(a, 'largest') }).values,
  topkIndices: ([x], a) => topkIndices(x!, num(a, 'k'), bool(a, 'largest')),
  softmax: ([x], a) => softmax(x!, num(a, 'axis')),
  logSoftmax: ([x], a) => logSoftmax(x!, num(a, 'axis')),
  layerNorm: ([x, w, b], a) => layerNorm(x!, w!, b!, num(a, 'eps')),
  rmsNorm: ([x, w], a) => rmsNorm(x!, w!, num(a, 'eps')),
  // the LoRA layer of the paper: y = x·W0ᵀ + b + s·(x·Aᵀ)·Bᵀ
  loraLinear: ([x, w0, b, A, B], a) => ew.add(ew.add(matmul(x!, w0!, { transB: true }), b!), ew.mul(matmul(matmul(x!, A!, { transB: true }), B!, { transB: true }), num(a, 'scaling'))),
};

for (const name of ew.UNARY_OPS) table[name] = ([x]) => ew[name](x!);
for (const name of [...ew.BINARY_OPS, ...ew.COMPARE_OPS]) table[name] = ([x, y]) => ew[name](x!, y!);

export const OP_TABLE: Readonly<Record<string, OpFn>> = table;
