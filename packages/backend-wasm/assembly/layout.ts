// Layout and indexing: one strided copy (transpose, broadcastTo, slice, pad, concat), gather,
// scatter-add and top-k. `es` is the element size in bytes (1, 4 or 8).

@inline function copyOne(es: i32, src: usize, dst: usize): void {
  if (es == 4) store<u32>(dst, load<u32>(src));
  else if (es == 1) store<u8>(dst, load<u8>(src));
  else store<u64>(dst, load<u64>(src));
}

/**
 * For every index of `shape`: dst[Σ idx·dstStride] = src[Σ idx·srcStride] (element strides).
 * meta = [shape[rank], srcStride[rank], dstStride[rank]].
 */
export function stridedCopy(es: i32, src: usize, dst: usize, rank: i32, meta: usize): void {
  if (rank == 0) {
    copyOne(es, src, dst);
    return;
  }
  const last = rank - 1;
  const inner = load<i32>(meta + (<usize>last << 2));
  const ss = load<i32>(meta + (<usize>(rank + last) << 2));
  const ds = load<i32>(meta + (<usize>(2 * rank + last) << 2));
  let outer = 1;
  for (let d = 0; d < rank; d++) outer *= load<i32>(meta + (<usize>d << 2));
  if (outer == 0) return;
  outer /= inner;
  const e = <usize>es;
  for (let o = 0; o < outer; o++) {
    let rem = o;
    let os = 0, od = 0;
    for (let d = last - 1; d >= 0; d--) {
      const size = load<i32>(meta + (<usize>d << 2));
      const idx = rem % size;
      rem /= size;
      os += idx * load<i32>(meta + (<usize>(rank + d) << 2));
      od += idx * load<i32>(meta + (<usize>(2 * rank + d) << 2));
    }
    const ps = src + <usize>os * e;
    const pd = dst + <usize>od * e;
    if (ss == 1 && ds == 1) memory.copy(pd, ps, <usize>inner * e);
    else if (es == 4) for (let i = 0; i < inner; i++) store<u32>(pd + <usize>(i * ds) * 4, load<u32>(ps + <usize>(i * ss) * 4));
    else for (let i = 0; i < inner; i++) copyOne(es, ps + <usize>(i * ss) * e, pd + <usize>(i * ds) * e);
  }
}

/** out[o, j, :] = x[o, ids[j], :] over [outer, size, inner]; ids are checked by the caller. */
export function gather(es: i32, x: usize, ids: usize, y: usize, outer: i32, size: i32, inner: i32, nIds: i32): void {
  const row = <usize>inner * <usize>es;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < nIds; j++) {
      const id = load<i32>(ids + (<usize>j << 2));
      memory.copy(y + (<usize>o * <usize>nIds + <usize>j) * row, x + (<usize>o * <usize>size + <usize>id) * row, row);
    }
  }
}

/** y = zeros [outer, size, inner]; y[o, ids[j], :] += u[o, j, :]. dt: 0 f32, 1 i32, 3 f64. */
export function scatterAdd(dt: i32, u: usize, ids: usize, y: usize, outer: i32, size: i32, inner: i32, nIds: i32): void {
  const es: usize = dt == 3 ? 8 : 4;
  memory.fill(y, 0, <usize>outer * <usize>size * <usize>inner * es);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < nIds; j++) {
      const id = load<i32>(ids + (<usize>j << 2));
      const from = u + (<usize>o * <usize>nIds + <usize>j) * <usize>inner * es;
      const to = y + (<usize>o * <usize>size + <usize>id) * <usize>inner * es;
      if (dt == 0) for (let i = 0; i < inner; i++) store<f32>(to + (<usize>i << 2), load<f32>(to + (<usize>i << 2)) + load<f32>(from + (<usize>i << 2)));
      else if (dt == 1) for (let i = 0; i < inner; i++) store<i32>(to + (<usize>i << 2), load<i32>(to + (<usize>i << 2)) + load<i32>(from + (<usize>i << 2)));
      else for (let i = 0; i < inner; i++) store<f64>(to + (<usize>i << 3), load<f64>(to + (<usize>i << 3)) + load<f64>(from + (<usize>i << 3)));
    }
  }
}

@inline function key(dt: i32, row: usize, i: i32): f64 {
  const v: f64 = dt == 0 ? <f64>load<f32>(row + (<usize>i << 2)) : dt == 1 ? <f64>load<i32>(row + (<usize>i << 2)) : load<f64>(row + (<usize>i << 3));
  return v != v ? Infinity : v; // NaN sorts as the largest value (PyTorch)
}

/** i before j in the output order: larger (or smaller) key first, ties by lower index. */
@inline function before(dt: i32, row: usize, largest: i32, i: i32, j: i32): bool {
  const a = key(dt, row, i);
  const b = key(dt, row, j);
  if (a == b) return i < j;
  return largest ? a > b : a < b;
}

/** Indices of the k largest/smallest per row of n; stable merge sort of indices in `scratch` (2n i32). */
export function topk(dt: i32, x: usize, y: usize, rows: i32, n: i32, k: i32, largest: i32, scratch: usize): void {
  const es: usize = dt == 3 ? 8 : 4;
  let buf = scratch;
  let tmp = scratch + (<usize>n << 2);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * <usize>n * es;
    for (let i = 0; i < n; i++) store<i32>(buf + (<usize>i << 2), i);
    for (let width = 1; width < n; width <<= 1) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = min(lo + width, n);
        const hi = min(lo + 2 * width, n);
        let i = lo, j = mid, t = lo;
        while (i < mid && j < hi) {
          const ii = load<i32>(buf + (<usize>i << 2));
          const jj = load<i32>(buf + (<usize>j << 2));
          if (before(dt, row, largest, jj, ii)) {
            store<i32>(tmp + (<usize>t << 2), jj);
            j++;
          } else {
            store<i32>(tmp + (<usize>t << 2), ii);
            i++;
          }
          t++;
        }
        for (; i < mid; i++, t++) store<i32>(tmp + (<usize>t << 2), load<i32>(buf + (<usize>i << 2)));
        for (; j < hi; j++, t++) store<i32>(tmp + (<usize>t << 2), load<i32>(buf + (<usize>j << 2)));
      }
      const sw = buf; buf = tmp; tmp = sw;
    }
    memory.copy(y + (<usize>r * <usize>k << 2), buf, <usize>k << 2);
  }
}
