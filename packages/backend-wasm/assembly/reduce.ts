// Reductions over collapsed layouts [A, R, C] (reduce R), arg-reductions over [outer, size, inner],
// softmax / log-softmax, LayerNorm / RMSNorm. dt: 0 f32, 1 i32, 3 f64. op: 0 sum, 1 max, 2 min.

@inline function ld(dt: i32, p: usize, i: usize): f64 {
  return dt == 0 ? <f64>load<f32>(p + (i << 2)) : dt == 1 ? <f64>load<i32>(p + (i << 2)) : load<f64>(p + (i << 3));
}

@inline function st(dt: i32, p: usize, i: usize, v: f64): void {
  if (dt == 0) store<f32>(p + (i << 2), <f32>v);
  else if (dt == 1) store<i32>(p + (i << 2), <i32><i64>v);
  else store<f64>(p + (i << 3), v);
}

@inline function combine(op: i32, acc: f64, v: f64): f64 {
  if (op == 0) return acc + v;
  if (op == 1) return v > acc || v != v ? v : acc;
  return v < acc || v != v ? v : acc;
}

/** out[a, c] = reduce_r x[a, r, c]. Accumulates in f64 (i32 sums wrap like the reference). */
export function reduce(dt: i32, op: i32, x: usize, y: usize, A: i32, R: i32, C: i32): void {
  const init: f64 = op == 0 ? 0 : op == 1 ? -Infinity : Infinity;
  if (C == 1) {
    for (let a = 0; a < A; a++) {
      let acc = init;
      const base = <usize>a * <usize>R;
      if (dt == 0 && op == 0) {
        // four f32 lanes, each summed in f64 pairs: fast and accurate enough for long rows
        let r = 0;
        let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
        for (; r + 4 <= R; r += 4) {
          const p = x + ((base + <usize>r) << 2);
          s0 += <f64>load<f32>(p); s1 += <f64>load<f32>(p, 4); s2 += <f64>load<f32>(p, 8); s3 += <f64>load<f32>(p, 12);
        }
        for (; r < R; r++) s0 += <f64>load<f32>(x + ((base + <usize>r) << 2));
        acc = (s0 + s1) + (s2 + s3);
      } else if (dt == 1 && op == 0) {
        let s: i32 = 0;
        for (let r = 0; r < R; r++) s += load<i32>(x + ((base + <usize>r) << 2));
        acc = <f64>s;
      } else {
        for (let r = 0; r < R; r++) acc = combine(op, acc, ld(dt, x, base + <usize>r));
      }
      st(dt, y, <usize>a, acc);
    }
    return;
  }
  for (let a = 0; a < A; a++) {
    const out = <usize>a * <usize>C;
    for (let c = 0; c < C; c++) st(dt, y, out + <usize>c, init);
    for (let r = 0; r < R; r++) {
      const row = (<usize>a * <usize>R + <usize>r) * <usize>C;
      if (dt == 0 && op == 0) {
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          const py = y + ((out + <usize>c) << 2);
          v128.store(py, f32x4.add(v128.load(py), v128.load(x + ((row + <usize>c) << 2))));
        }
        for (; c < C; c++) st(dt, y, out + <usize>c, ld(dt, y, out + <usize>c) + ld(dt, x, row + <usize>c));
      } else if (dt == 1 && op == 0) {
        for (let c = 0; c < C; c++) {
          const py = y + ((out + <usize>c) << 2);
          store<i32>(py, load<i32>(py) + load<i32>(x + ((row + <usize>c) << 2)));
        }
      } else {
        for (let c = 0; c < C; c++) st(dt, y, out + <usize>c, combine(op, ld(dt, y, out + <usize>c), ld(dt, x, row + <usize>c)));
      }
    }
  }
}

/** Index (i32) of the first max (which = 0) or min (1) along the middle axis; NaN wins. */
export function argReduce(dt: i32, which: i32, x: usize, y: usize, outer: i32, size: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let bv = ld(dt, x, <usize>o * <usize>size * <usize>inner + <usize>i);
      for (let j = 1; j < size && bv == bv; j++) {
        const v = ld(dt, x, (<usize>o * <usize>size + <usize>j) * <usize>inner + <usize>i);
        if ((which == 0 ? v > bv : v < bv) || v != v) {
          bv = v;
          best = j;
        }
      }
      store<i32>(y + ((<usize>o * <usize>inner + <usize>i) << 2), best);
    }
  }
}

/** Softmax (log = 0) or log-softmax (log = 1) along the middle axis of [outer, size, inner]. */
export function softmax(dt: i32, log: i32, x: usize, y: usize, outer: i32, size: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = <usize>o * <usize>size * <usize>inner + <usize>i;
      const st_ = <usize>inner;
      let m: f64 = -Infinity;
      for (let j = 0; j < size; j++) {
        const v = ld(dt, x, base + <usize>j * st_);
        if (v > m || v != v) m = v;
      }
      let s: f64 = 0;
      for (let j = 0; j < size; j++) s += Math.exp(ld(dt, x, base + <usize>j * st_) - m);
      const logS = Math.log(s);
      for (let j = 0; j < size; j++) {
        const at = base + <usize>j * st_;
        const v = ld(dt, x, at);
        st(dt, y, at, log ? v - m - logS : Math.exp(v - m) / s);
      }
    }
  }
}

/** LayerNorm (centre = 1, bias b) or RMSNorm (centre = 0, b = 0) over rows of d. */
export function norm(dt: i32, centre: i32, x: usize, w: usize, b: usize, y: usize, rows: i32, d: i32, eps: f64): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * <usize>d;
    let mu: f64 = 0;
    if (centre) {
      for (let j = 0; j < d; j++) mu += ld(dt, x, base + <usize>j);
      mu /= <f64>d;
    }
    let v: f64 = 0;
    for (let j = 0; j < d; j++) {
      const t = ld(dt, x, base + <usize>j) - mu;
      v += t * t;
    }
    const rstd = 1 / Math.sqrt(v / <f64>d + eps);
    for (let j = 0; j < d; j++) {
      const bias: f64 = centre ? ld(dt, b, <usize>j) : 0;
      st(dt, y, base + <usize>j, (ld(dt, x, base + <usize>j) - mu) * rstd * ld(dt, w, <usize>j) + bias);
    }
  }
}
