// Elementwise ops with NumPy broadcasting. Operands must share a dtype: no silent promotion.
import type { TensorMeta } from '../backend.ts';
import type { DType } from '../dtype.ts';
import { fromArray, runOp } from '../engine.ts';
import { DTypeError } from '../errors.ts';
import { type OpDef, defineOp } from '../op.ts';
import { broadcastShapes } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { sumTo } from './core.ts';

export type Operand = Tensor | number;
export type UnaryFn = (x: Tensor) => Tensor;
export type BinaryFn = (a: Operand, b: Operand) => Tensor;

/** A number becomes a scalar tensor of `like`'s dtype and backend. */
export function scalarLike(x: Operand, like: Tensor): Tensor {
  if (typeof x !== 'number') return x;
  return fromArray([x], [], { dtype: like.dtype, backend: like.backend });
}

// ---- unary ----

export const UNARY_OPS = ['neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'reciprocal', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'gelu', 'geluTanh', 'silu', 'erf', 'floor'] as const;
export type UnaryOpName = (typeof UNARY_OPS)[number];

/** Unary ops that also accept i32 (the rest are float-only). */
const INT_UNARY = new Set<UnaryOpName>(['neg', 'abs', 'sign', 'square']);

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

type UnaryGrad = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

const unaryGrads: Record<UnaryOpName, UnaryGrad> = {
  neg: (dy) => neg(dy),
  abs: (dy, x) => mul(dy, sign(x)),
  sign: (dy) => mul(dy, 0),
  square: (dy, x) => mul(dy, mul(x, 2)),
  sqrt: (dy, _x, y) => div(mul(dy, 0.5), y),
  rsqrt: (dy, _x, y) => mul(dy, mul(mul(y, square(y)), -0.5)),
  reciprocal: (dy, _x, y) => neg(mul(dy, square(y))),
  exp: (dy, _x, y) => mul(dy, y),
  log: (dy, x) => div(dy, x),
  sin: (dy, x) => mul(dy, cos(x)),
  cos: (dy, x) => neg(mul(dy, sin(x))),
  tanh: (dy, _x, y) => mul(dy, sub(1, square(y))),
  sigmoid: (dy, _x, y) => mul(dy, mul(y, sub(1, y))),
  relu: (dy, x) => mul(dy, cast(greater(x, 0), dy.dtype)),
  // d/dx x·Φ(x) = Φ(x) + x·φ(x)
  gelu: (dy, x) => {
    const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
    return mul(dy, add(cdf, mul(x, pdf)));
  },
  // y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)
  geluTanh: (dy, x) => {
    const x2 = square(x);
    const t = tanh(mul(add(x, mul(mul(x2, x), 0.044715)), SQRT_2_OVER_PI));
    const du = mul(add(mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
    const d = add(mul(add(t, 1), 0.5), mul(mul(mul(x, sub(1, square(t))), du), 0.5));
    return mul(dy, d);
  },
  silu: (dy, x) => {
    const s = sigmoid(x);
    return mul(dy, mul(s, add(mul(x, sub(1, s)), 1)));
  },
  erf: (dy, x) => mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))),
  floor: (dy) => mul(dy, 0),
};

export const unaryOps = Object.fromEntries(
  UNARY_OPS.map((name) => {
    const g = unaryGrads[name];
    const def: OpDef<Record<string, never>> = {
      name,
      infer([x]) {
        const ok = x!.dtype === 'f32' || x!.dtype === 'f64' || (x!.dtype === 'i32' && INT_UNARY.has(name));
        if (!ok) throw new DTypeError(`${name}: dtype ${x!.dtype} is not supported (${INT_UNARY.has(name) ? 'f32, f64 or i32' : 'f32 or f64'} expected)`);
        return x!;
      },
      grad: (dy, { inputs, output }) => [g(dy, inputs[0]!, output)],
    };
    return [name, defineOp(def)];
  }),
) as Record<UnaryOpName, OpDef<Record<string, never>>>;

const unary = (name: UnaryOpName) => (x: Tensor) => runOp(unaryOps[name], [x], {});
export const neg: UnaryFn = unary('neg');
export const abs: UnaryFn = unary('abs');
export const sign: UnaryFn = unary('sign');
export const square: UnaryFn = unary('square');
export const sqrt: UnaryFn = unary('sqrt');
export const rsqrt: UnaryFn = unary('rsqrt');
export const reciprocal: UnaryFn = unary('reciprocal');
export const exp: UnaryFn = unary('exp');
export const log: UnaryFn = unary('log');
export const sin: UnaryFn = unary('sin');
export const cos: UnaryFn = unary('cos');
export const tanh: UnaryFn = unary('tanh');
export const sigmoid: UnaryFn = unary('sigmoid');
export const relu: UnaryFn = unary('relu');
/** GELU with the exact erf form (BERT/RoBERTa/ViT `gelu`). */
export const gelu: UnaryFn = unary('gelu');
/** GELU with the tanh approximation (`gelu_new`, `gelu_pytorch_tanh`). */
export const geluTanh: UnaryFn = unary('geluTanh');
/** SiLU / swish: x·σ(x) (LLaMA's MLP). */
export const silu: UnaryFn = unary('silu');
export const erf: UnaryFn = unary('erf');
export const floor: UnaryFn = unary('floor');

// ---- binary ----

export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
export type BinaryOpName = (typeof BINARY_OPS)[number];
export const COMPARE_OPS = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const;
export type CompareOpName = (typeof COMPARE_OPS)[number];

function binaryMeta(op: string, a: TensorMeta, b: TensorMeta, floatOnly: boolean): TensorMeta {
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: dtypes differ (${a.dtype} and ${b.dtype}); cast one operand explicitly`);
  if (a.dtype === 'bool' && (BINARY_OPS as readonly string[]).includes(op)) throw new DTypeError(`${op}: bool operands are not supported; cast to i32 or f32 first`);
  if (floatOnly && a.dtype === 'i32') throw new DTypeError(`${op}: dtype i32 is not supported (f32 or f64 expected)`);
  return { shape: broadcastShapes(op, a.shape, b.shape), dtype: a.dtype };
}

type BinaryGrad = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

const binaryGrads: Record<BinaryOpName, BinaryGrad> = {
  add: (dy) => [dy, dy],
  sub: (dy) => [dy, neg(dy)],
  mul: (dy, a, b) => [mul(dy, b), mul(dy, a)],
  div: (dy, _a, b, y) => [div(dy, b), neg(div(mul(dy, y), b))],
  pow: (dy, a, b, y) => [mul(dy, mul(b, pow(a, sub(b, 1)))), mul(dy, mul(y, log(a)))],
  // ties split the gradient evenly, as PyTorch does
  maximum: (dy, a, b) => splitByMask(dy, greater(a, b), equal(a, b)),
  minimum: (dy, a, b) => splitByMask(dy, less(a, b), equal(a, b)),
};

function splitByMask(dy: Tensor, firstWins: Tensor, tie: Tensor): [Tensor, Tensor] {
  const wa = add(cast(firstWins, dy.dtype), mul(cast(tie, dy.dtype), 0.5));
  return [mul(dy, wa), mul(dy, sub(1, wa))];
}

export const binaryOps = Object.fromEntries(
  BINARY_OPS.map((name) => [
    name,
    defineOp<Record<string, never>>({
      name,
      infer: ([a, b]) => binaryMeta(name, a!, b!, name === 'pow'),
      grad(dy, { inputs, output, needsGrad }) {
        const [a, b] = inputs as [Tensor, Tensor];
        // only compute what is needed: skip the frozen side entirely
        const [ga, gb] = needsGrad[0] && needsGrad[1] ? binaryGrads[name](dy, a, b, output) : needsGrad[0] ? [binaryGrads[name](dy, a, b, output)[0], null] : [null, onlySecond(name, dy, a, b, output)];
        return [ga && sumTo(ga, a.shape), gb && sumTo(gb, b.shape)];
      },
    }),
  ]),
) as Record<BinaryOpName, OpDef<Record<string, never>>>;

/** Gradient of the second operand alone, without computing the first one's. */
function onlySecond(name: BinaryOpName, dy: Tensor, a: Tensor, b: Tensor, y: Tensor): Tensor | null {
  switch (name) {
    case 'add':
      return dy;
    case 'sub':
      return neg(dy);
    case 'mul':
      return mul(dy, a);
    case 'div':
      return neg(div(mul(dy, y), b));
    default:
      return binaryGrads[name](dy, a, b, y)[1];
  }
}

const compareOps = Object.fromEntries(
  COMPARE_OPS.map((name) => [
    name,
    defineOp<Record<string, never>>({
      name,
      infer: ([a, b]) => ({ shape: binaryMeta(name, a!, b!, false).shape, dtype: 'bool' }),
    }),
  ]),
) as Record<CompareOpName, OpDef<Record<string, never>>>;

function binaryArgs(a: Operand, b: Operand, op: string): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new DTypeError(`${op}: at least one operand must be a tensor`);
  const ta = typeof a === 'number' ? scalarLike(a, b as Tensor) : a;
  return [ta, scalarLike(b, ta)];
}

const binary = (name: BinaryOpName) => (a: Operand, b: Operand) => runOp(binaryOps[name], binaryArgs(a, b, name), {});
const compare = (name: CompareOpName) => (a: Operand, b: Operand) => runOp(compareOps[name], binaryArgs(a, b, name), {});

export const add: BinaryFn = binary('add');
export const sub: BinaryFn = binary('sub');
export const mul: BinaryFn = binary('mul');
export const div: BinaryFn = binary('div');
export const pow: BinaryFn = binary('pow');
export const maximum: BinaryFn = binary('maximum');
export const minimum: BinaryFn = binary('minimum');
export const equal: BinaryFn = compare('equal');
export const notEqual: BinaryFn = compare('notEqual');
export const less: BinaryFn = compare('less');
export const lessEqual: BinaryFn = compare('lessEqual');
export const greater: BinaryFn = compare('greater');
export const greaterEqual: BinaryFn = compare('greaterEqual');

// ---- cast and where ----

export interface CastAttrs {
  readonly dtype: DType;
}

const isFloatDType = (d: DType) => d === 'f32' || d === 'f64';

export const castOp: OpDef<CastAttrs> = defineOp<CastAttrs>({
  name: 'cast',
  infer: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
  grad: (dy, { inputs }) => [isFloatDType(inputs[0]!.dtype) && isFloatDType(dy.dtype) ? cast(dy, inputs[0]!.dtype) : null],
});

/** Convert dtype: float→i32 truncates toward zero, anything→bool is `x != 0`, bool→number is 0/1. */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return runOp(castOp, [x], { dtype });
}

export const whereOp: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'where',
  infer([c, a, b]) {
    if (c!.dtype !== 'bool') throw new DTypeError(`where: condition must be bool, got ${c!.dtype}`);
    if (a!.dtype !== b!.dtype) throw new DTypeError(`where: branches differ in dtype (${a!.dtype} and ${b!.dtype})`);
    return { shape: broadcastShapes('where', c!.shape, a!.shape, b!.shape), dtype: a!.dtype };
  },
  grad(dy, { inputs, needsGrad }) {
    const [c, a, b] = inputs as [Tensor, Tensor, Tensor];
    const zero = scalarLike(0, dy);
    return [null, needsGrad[1] ? sumTo(where(c, dy, zero), a.shape) : null, needsGrad[2] ? sumTo(where(c, zero, dy), b.shape) : null];
  },
});

/** `cond ? a : b` elementwise, with broadcasting. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const [ta, tb] = binaryArgs(a, b, 'where');
  return runOp(whereOp, [cond, ta, tb], {});
}

// ---- logic on bool masks (composites of where/equal: no extra kernels) ----

function checkBool(op: string, ...xs: Tensor[]): void {
  for (const x of xs) if (x.dtype !== 'bool') throw new DTypeError(`${op}: bool operands expected, got ${x.dtype}`);
}

/** Elementwise `a && b` on bool masks, with broadcasting. */
export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  checkBool('logicalAnd', a, b);
  return where(a, b, scalarLike(0, b));
}

/** Elementwise `a || b` on bool masks, with broadcasting. */
export function logicalOr(a: Tensor, b: Tensor): Tensor {
  checkBool('logicalOr', a, b);
  return where(a, scalarLike(1, b), b);
}

/** Elementwise `!a` on a bool mask. */
export function logicalNot(a: Tensor): Tensor {
  checkBool('logicalNot', a);
  return equal(a, scalarLike(0, a));
}
