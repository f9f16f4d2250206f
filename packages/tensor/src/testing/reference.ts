// A plain float64 matmul on the host: the reference for kernels checked where the CPU backend is
// not at hand (browser pages, Deno scripts).

/** op(A)·op(B) per batch, row-major: A [batch, m, k] (or [batch, k, m] when transA), B [batch, k, n] (or [batch, n, k]). */
export function referenceMatmul(a: ArrayLike<number>, b: ArrayLike<number>, [batch, m, k, n]: readonly [number, number, number, number], transA = false, transB = false): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const ao = p * m * k;
    const bo = p * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += a[ao + (transA ? l * m + i : i * k + l)]! * b[bo + (transB ? j * k + l : l * n + j)]!;
        out[p * m * n + i * n + j] = s;
      }
    }
  }
  return out;
}
