// Elementwise kernels: unary, binary (broadcasting), comparisons, cast, where.
import { BINARY_OPS, COMPARE_OPS, type CastAttrs, type DType, UNARY_OPS, broadcastStrides, shapesEqual } from '@webpeft/tensor';
import { STRIDED, bindings, gpuKernel, main, numel, wgslType } from './_wgsl.ts';

// erf: Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below f32 resolution near 1)
const MATH = `
fn erf_(x: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-x * x);
  return select(-y, y, x >= 0.0);
}
fn tanh_(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn sigmoid_(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}`;

const F32_UNARY: Record<string, string> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'sign(x)',
  square: 'x * x',
  sqrt: 'sqrt(x)',
  rsqrt: 'inverseSqrt(x)',
  reciprocal: '1.0 / x',
  exp: 'exp(x)',
  log: 'log(x)',
  sin: 'sin(x)',
  cos: 'cos(x)',
  tanh: 'tanh_(x)',
  sigmoid: 'sigmoid_(x)',
  relu: 'max(x, 0.0)',
  gelu: '0.5 * x * (1.0 + erf_(x * 0.70710678118654752))',
  geluTanh: '0.5 * x * (1.0 + tanh_(0.79788456080286536 * (x + 0.044715 * x * x * x)))',
  silu: 'x * sigmoid_(x)',
  erf: 'erf_(x)',
  floor: 'floor(x)',
};
const I32_UNARY: Record<string, string> = { neg: '-x', abs: 'abs(x)', sign: 'sign(x)', square: 'x * x' };

for (const name of UNARY_OPS) {
  gpuKernel(name, ({ inputs: [x], out, backend }) => {
    const t = wgslType(x!.dtype);
    const expr = (t === 'i32' ? I32_UNARY : F32_UNARY)[name]!;
    const n = numel(out);
    const o = backend.alloc(n);
    backend.run({
      key: `unary:${name}:${t}`,
      code: () => `${bindings([t], t)}\n${MATH}\n${main()}\n  if (i >= prm[0]) { return; }\n  let x = in0[i];\n  out[i] = ${expr};\n}`,
      meta: [n],
      inputs: [x!.storage.buffer],
      output: o.buffer,
      threads: n,
    });
    return o;
  });
}

const F32_BINARY: Record<string, string> = { add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'pow(a, b)', maximum: 'max(a, b)', minimum: 'min(a, b)' };
const I32_BINARY: Record<string, string> = { add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'select(a / b, 0, b == 0)', maximum: 'max(a, b)', minimum: 'min(a, b)' };
const COMPARE: Record<string, string> = { equal: '==', notEqual: '!=', less: '<', lessEqual: '<=', greater: '>', greaterEqual: '>=' };

for (const name of [...BINARY_OPS, ...COMPARE_OPS]) {
  gpuKernel(name, ({ inputs: [a, b], out, backend }) => {
    const t = wgslType(a!.dtype);
    const cmp = COMPARE[name];
    const expr = cmp ? `select(0u, 1u, a ${cmp} b)` : (t === 'i32' ? I32_BINARY : F32_BINARY)[name]!;
    const ot = wgslType(out.dtype);
    const n = numel(out);
    const o = backend.alloc(n);
    const same = shapesEqual(a!.shape, b!.shape);
    const rank = out.shape.length;
    const load = same ? ['in0[i]', 'in1[i]'] : [`in0[strided(i, prm[1], 2u, ${2 + rank}u)]`, `in1[strided(i, prm[1], 2u, ${2 + 2 * rank}u)]`];
    backend.run({
      key: `binary:${name}:${t}:${same}:${rank}`,
      code: () => `${bindings([t, t], ot)}\n${STRIDED}\n${main()}\n  if (i >= prm[0]) { return; }\n  let a = ${load[0]};\n  let b = ${load[1]};\n  out[i] = ${expr};\n}`,
      meta: same ? [n] : [n, rank, ...out.shape, ...broadcastStrides(a!.shape, out.shape), ...broadcastStrides(b!.shape, out.shape)],
      inputs: [a!.storage.buffer, b!.storage.buffer],
      output: o.buffer,
      threads: n,
    });
    return o;
  });
}

function convert(from: DType, to: DType): string {
  if (to === 'bool') return from === 'f32' ? 'select(0u, 1u, x != 0.0)' : from === 'i32' ? 'select(0u, 1u, x != 0)' : 'x';
  if (to === 'f32') return 'f32(x)';
  if (to === 'i32') return from === 'f32' ? 'select(i32(x), 0, x != x)' : 'i32(x)';
  return 'x';
}

gpuKernel<CastAttrs>('cast', ({ inputs: [x], attrs, out, backend }) => {
  const n = numel(out);
  const o = backend.alloc(n);
  const [ft, tt] = [wgslType(x!.dtype), wgslType(attrs.dtype)];
  backend.run({
    key: `cast:${x!.dtype}:${attrs.dtype}`,
    code: () => `${bindings([ft], tt)}\n${main()}\n  if (i >= prm[0]) { return; }\n  let x = in0[i];\n  out[i] = ${convert(x!.dtype, attrs.dtype)};\n}`,
    meta: [n],
    inputs: [x!.storage.buffer],
    output: o.buffer,
    threads: n,
  });
  return o;
});

gpuKernel('where', ({ inputs: [c, a, b], out, backend }) => {
  const n = numel(out);
  const o = backend.alloc(n);
  const t = wgslType(out.dtype);
  const r = out.shape.length;
  backend.run({
    key: `where:${t}:${r}`,
    code: () =>
      `${bindings(['u32', t, t], t)}\n${STRIDED}\n${main()}\n  if (i >= prm[0]) { return; }\n  let c = in0[strided(i, prm[1], 2u, ${2 + r}u)];\n  let a = in1[strided(i, prm[1], 2u, ${2 + 2 * r}u)];\n  let b = in2[strided(i, prm[1], 2u, ${2 + 3 * r}u)];\n  out[i] = select(b, a, c != 0u);\n}`,
    meta: [n, r, ...out.shape, ...broadcastStrides(c!.shape, out.shape), ...broadcastStrides(a!.shape, out.shape), ...broadcastStrides(b!.shape, out.shape)],
    inputs: [c!.storage.buffer, a!.storage.buffer, b!.storage.buffer],
    output: o.buffer,
    threads: n,
  });
  return o;
});
