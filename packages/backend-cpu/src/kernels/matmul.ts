import { type MatmulAttrs, type TypedArray, allocArray, broadcastStrides } from '@webpeft/tensor';
import { cpuKernel } from '../backend.ts';
import { forEachStrided } from './_iter.ts';

const KB = 128;
const JB = 256;
const TILE = 32;

/**
 * C[M×N] = op(A)·op(B), accumulated in f64. Cache-blocked: rows of op(A) are packed
 * contiguous, then either an i-k-j sweep over B's rows (B as stored [K×N]) or dot products
 * of contiguous rows (B stored [N×K], nn.Linear's layout), in tiles.
 */
export function gemm(a: TypedArray, aOff: number, b: TypedArray, bOff: number, c: TypedArray, cOff: number, m: number, n: number, k: number, transA: boolean, transB: boolean): void {
  const ap = new Float64Array(m * k); // op(A) row-major
  if (transA) for (let kk = 0; kk < k; kk++) for (let i = 0; i < m; i++) ap[i * k + kk] = a[aOff + kk * m + i]!;
  else for (let i = 0; i < m * k; i++) ap[i] = a[aOff + i]!;
  const acc = new Float64Array(m * n);
  if (!transB) {
    for (let k0 = 0; k0 < k; k0 += KB) {
      const k1 = Math.min(k, k0 + KB);
      for (let j0 = 0; j0 < n; j0 += JB) {
        const j1 = Math.min(n, j0 + JB);
        for (let i = 0; i < m; i++) {
          const row = i * n;
          for (let kk = k0; kk < k1; kk++) {
            const av = ap[i * k + kk]!;
            if (av === 0) continue;
            const bRow = bOff + kk * n;
            for (let j = j0; j < j1; j++) acc[row + j] = acc[row + j]! + av * b[bRow + j]!;
          }
        }
      }
    }
  } else {
    const bp = new Float64Array(n * k);
    for (let i = 0; i < n * k; i++) bp[i] = b[bOff + i]!;
    for (let i0 = 0; i0 < m; i0 += TILE) {
      for (let j0 = 0; j0 < n; j0 += TILE) {
        for (let i = i0; i < Math.min(m, i0 + TILE); i++) {
          for (let j = j0; j < Math.min(n, j0 + TILE); j++) {
            let s0 = 0;
            let s1 = 0;
            let kk = 0;
            const ai = i * k;
            const bj = j * k;
            for (; kk + 1 < k; kk += 2) {
              s0 += ap[ai + kk]! * bp[bj + kk]!;
              s1 += ap[ai + kk + 1]! * bp[bj + kk + 1]!;
            }
            if (kk < k) s0 += ap[ai + kk]! * bp[bj + kk]!;
            acc[i * n + j] = s0 + s1;
          }
        }
      }
    }
  }
  for (let i = 0; i < m * n; i++) c[cOff + i] = acc[i]!;
}

cpuKernel<MatmulAttrs>('matmul', ({ inputs: [a, b], attrs, out }) => {
  const r = out.shape.length;
  const [m, n] = [out.shape[r - 2]!, out.shape[r - 1]!];
  const aShape = a!.shape;
  const k = attrs.transA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
  const batch = out.shape.slice(0, -2);
  const dst = allocArray(out.dtype, out.shape.reduce((p, d) => p * d, 1));
  // batch offsets (in matrices) of a and b under broadcasting
  const aMat = a!.shape.slice(0, -2);
  const bMat = b!.shape.slice(0, -2);
  const nb = batch.reduce((p, d) => p * d, 1);
  const ai = new Int32Array(nb);
  const bi = new Int32Array(nb);
  forEachStrided(batch, broadcastStrides(aMat, batch), (o, i) => (ai[o] = i));
  forEachStrided(batch, broadcastStrides(bMat, batch), (o, i) => (bi[o] = i));
  if (batch.length === 0) {
    ai[0] = 0;
    bi[0] = 0;
  }
  for (let t = 0; t < nb; t++) gemm(a!.storage, ai[t]! * m * k, b!.storage, bi[t]! * k * n, dst, t * m * n, m, n, k, attrs.transA, attrs.transB);
  return dst;
});
