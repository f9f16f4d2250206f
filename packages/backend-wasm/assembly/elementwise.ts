// Elementwise kernels: unary, broadcasting binary and comparisons, cast, where.
// Op codes follow the order of UNARY_OPS / BINARY_OPS / COMPARE_OPS in @webpeft/tensor
// (src/_codes.ts mirrors them and a test checks the order). Broadcasting arrives as collapsed
// shapes and element strides (0 on broadcast axes) in an i32 `meta` block:
// [shape[rank], strideA[rank], strideB[rank], (strideC[rank])].

import { erf64 } from './math';

const SQRT_2_OVER_PI: f64 = 0.7978845608028654;
const SQRT1_2: f64 = 0.7071067811865476;

@inline function unaryF<T>(op: i32, x: T): T {
  switch (op) {
    case 0: return -x;
    case 1: return <T>Math.abs(x);
    case 2: return x > 0 ? <T>1 : x < 0 ? <T>-1 : x;
    case 3: return x * x;
    case 4: return <T>Math.sqrt(x);
    case 5: return <T>(1.0 / Math.sqrt(<f64>x));
    case 6: return <T>(1.0 / <f64>x);
    case 7: return <T>Math.exp(<f64>x);
    case 8: return <T>Math.log(<f64>x);
    case 9: return <T>Math.sin(<f64>x);
    case 10: return <T>Math.cos(<f64>x);
    case 11: return <T>Math.tanh(<f64>x);
    case 12: { const v = <f64>x; return <T>(v >= 0 ? 1.0 / (1.0 + Math.exp(-v)) : Math.exp(v) / (1.0 + Math.exp(v))); }
    case 13: return x > 0 ? x : <T>0;
    case 14: { const v = <f64>x; return <T>(0.5 * v * (1.0 + erf64(v * SQRT1_2))); }
    case 15: { const v = <f64>x; return <T>(0.5 * v * (1.0 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)))); }
    case 16: { const v = <f64>x; return <T>(v >= 0 ? v / (1.0 + Math.exp(-v)) : (v * Math.exp(v)) / (1.0 + Math.exp(v))); }
    case 17: return <T>erf64(<f64>x);
    case 18: return <T>Math.floor(<f64>x);
  }
  return x;
}

@inline function unaryI(op: i32, x: i32): i32 {
  switch (op) {
    case 0: return -x;
    case 1: return x < 0 ? -x : x;
    case 2: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 3: return x * x;
  }
  return x;
}

export function unaryF32(op: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (op == 0 || op == 3 || op == 13 || op == 1) {
    const z = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      const r = op == 0 ? f32x4.neg(v) : op == 3 ? f32x4.mul(v, v) : op == 1 ? f32x4.abs(v) : f32x4.max(v, z);
      v128.store(y + (<usize>i << 2), r);
    }
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), unaryF<f32>(op, load<f32>(x + (<usize>i << 2))));
}

export function unaryF64(op: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(y + (<usize>i << 3), unaryF<f64>(op, load<f64>(x + (<usize>i << 3))));
}

export function unaryI32(op: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<i32>(y + (<usize>i << 2), unaryI(op, load<i32>(x + (<usize>i << 2))));
}

@inline function binaryF<T>(op: i32, a: T, b: T): T {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return <T>Math.pow(<f64>a, <f64>b);
    case 5: return a != a || b != b ? <T>NaN : a > b ? a : b;
    case 6: return a != a || b != b ? <T>NaN : a < b ? a : b;
  }
  return a;
}

@inline function binaryI(op: i32, a: i32, b: i32): i32 {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return b == 0 ? 0 : b == -1 ? -a : a / b; // truncating, x/0 = 0, no INT_MIN/-1 trap
    case 5: return a > b ? a : b;
    case 6: return a < b ? a : b;
  }
  return a;
}

@inline function compare<T>(op: i32, a: T, b: T): u8 {
  switch (op) {
    case 0: return <u8>(a == b);
    case 1: return <u8>(a != b);
    case 2: return <u8>(a < b);
    case 3: return <u8>(a <= b);
    case 4: return <u8>(a > b);
    case 5: return <u8>(a >= b);
  }
  return 0;
}

@inline function simdBinary(op: i32, a: v128, b: v128): v128 {
  return op == 0 ? f32x4.add(a, b) : op == 1 ? f32x4.sub(a, b) : op == 2 ? f32x4.mul(a, b) : f32x4.div(a, b);
}

/** f32 add/sub/mul/div over contiguous runs; sa/sb ∈ {0, 1} (0: a broadcast scalar). */
function binaryF32Run(op: i32, a: usize, sa: i32, b: usize, sb: i32, y: usize, n: i32): void {
  let i = 0;
  if (op <= 3) {
    if (sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), simdBinary(op, v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
    } else if (sa == 1 && sb == 0) {
      const bv = v128.load32_splat(b);
      for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), simdBinary(op, v128.load(a + (<usize>i << 2)), bv));
    } else if (sa == 0 && sb == 1) {
      const av = v128.load32_splat(a);
      for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), simdBinary(op, av, v128.load(b + (<usize>i << 2))));
    }
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), binaryF<f32>(op, load<f32>(a + (<usize>(i * sa) << 2)), load<f32>(b + (<usize>(i * sb) << 2))));
}

/**
 * Walk the collapsed output shape; for each run of the last axis call `run`. kind: 0 arithmetic,
 * 1 comparison. dt: 0 f32, 1 i32, 2 bool (u8), 3 f64.
 */
export function binary(kind: i32, dt: i32, op: i32, a: usize, b: usize, y: usize, rank: i32, meta: usize): void {
  const last = rank - 1;
  const inner = load<i32>(meta + (<usize>last << 2));
  const sa = load<i32>(meta + (<usize>(rank + last) << 2));
  const sb = load<i32>(meta + (<usize>(2 * rank + last) << 2));
  let outer = 1;
  for (let d = 0; d < last; d++) outer *= load<i32>(meta + (<usize>d << 2));
  if (inner == 0) return;
  const es: usize = dt == 2 ? 1 : dt == 3 ? 8 : 4;
  const ys: usize = kind == 1 ? 1 : es;
  for (let o = 0; o < outer; o++) {
    // offsets of this run from the odometer over the outer axes
    let rem = o;
    let oa = 0, ob = 0;
    for (let d = last - 1; d >= 0; d--) {
      const size = load<i32>(meta + (<usize>d << 2));
      const idx = rem % size;
      rem /= size;
      oa += idx * load<i32>(meta + (<usize>(rank + d) << 2));
      ob += idx * load<i32>(meta + (<usize>(2 * rank + d) << 2));
    }
    const pa = a + <usize>oa * es;
    const pb = b + <usize>ob * es;
    const py = y + <usize>o * <usize>inner * ys;
    if (kind == 0) {
      if (dt == 0) binaryF32Run(op, pa, sa, pb, sb, py, inner);
      else if (dt == 3) for (let i = 0; i < inner; i++) store<f64>(py + (<usize>i << 3), binaryF<f64>(op, load<f64>(pa + (<usize>(i * sa) << 3)), load<f64>(pb + (<usize>(i * sb) << 3))));
      else for (let i = 0; i < inner; i++) store<i32>(py + (<usize>i << 2), binaryI(op, load<i32>(pa + (<usize>(i * sa) << 2)), load<i32>(pb + (<usize>(i * sb) << 2))));
    } else {
      if (dt == 0) for (let i = 0; i < inner; i++) store<u8>(py + <usize>i, compare<f32>(op, load<f32>(pa + (<usize>(i * sa) << 2)), load<f32>(pb + (<usize>(i * sb) << 2))));
      else if (dt == 1) for (let i = 0; i < inner; i++) store<u8>(py + <usize>i, compare<i32>(op, load<i32>(pa + (<usize>(i * sa) << 2)), load<i32>(pb + (<usize>(i * sb) << 2))));
      else if (dt == 3) for (let i = 0; i < inner; i++) store<u8>(py + <usize>i, compare<f64>(op, load<f64>(pa + (<usize>(i * sa) << 3)), load<f64>(pb + (<usize>(i * sb) << 3))));
      else for (let i = 0; i < inner; i++) store<u8>(py + <usize>i, compare<u8>(op, load<u8>(pa + <usize>(i * sa)), load<u8>(pb + <usize>(i * sb))));
    }
  }
}

@inline function readAs(dt: i32, p: usize, i: i32): f64 {
  if (dt == 0) return <f64>load<f32>(p + (<usize>i << 2));
  if (dt == 1) return <f64>load<i32>(p + (<usize>i << 2));
  if (dt == 2) return <f64>load<u8>(p + <usize>i);
  return load<f64>(p + (<usize>i << 3));
}

/** Convert n values: float→i32 truncates toward zero (non-finite → 0, wraps like `| 0`), →bool is x != 0. */
export function cast(from: i32, to: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = readAs(from, x, i);
    if (to == 0) store<f32>(y + (<usize>i << 2), <f32>v);
    else if (to == 1) store<i32>(y + (<usize>i << 2), isFinite(v) ? <i32><i64>v : 0);
    else if (to == 2) store<u8>(y + <usize>i, <u8>(v != 0));
    else store<f64>(y + (<usize>i << 3), v);
  }
}

/** y = c ? a : b with broadcasting; meta = [shape, strideC, strideA, strideB]; es bytes per value. */
export function where(es: i32, c: usize, a: usize, b: usize, y: usize, rank: i32, meta: usize): void {
  let n = 1;
  for (let d = 0; d < rank; d++) n *= load<i32>(meta + (<usize>d << 2));
  for (let o = 0; o < n; o++) {
    let rem = o;
    let oc = 0, oa = 0, ob = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const size = load<i32>(meta + (<usize>d << 2));
      const idx = rem % size;
      rem /= size;
      oc += idx * load<i32>(meta + (<usize>(rank + d) << 2));
      oa += idx * load<i32>(meta + (<usize>(2 * rank + d) << 2));
      ob += idx * load<i32>(meta + (<usize>(3 * rank + d) << 2));
    }
    const src = load<u8>(c + <usize>oc) ? a + <usize>oa * <usize>es : b + <usize>ob * <usize>es;
    const dst = y + <usize>o * <usize>es;
    if (es == 4) store<u32>(dst, load<u32>(src));
    else if (es == 1) store<u8>(dst, load<u8>(src));
    else store<u64>(dst, load<u64>(src));
  }
}
