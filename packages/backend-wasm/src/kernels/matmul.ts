// Batched matmul with transposes on the SIMD GEMM (assembly/gemm.ts), split across threads.
import { type MatmulAttrs } from '@webpeft/tensor';
import type { WasmBackend } from '../backend.ts';
import { FN } from '../_worker-source.ts';
import { batchOffsets, sizeOfShape, wasmKernel } from './_util.ts';

interface Job {
  a: number;
  b: number;
  c: number;
}

/**
 * Chunks of C for `threads`: whole matrices when the batch covers the threads, else column bands
 * (two per thread when each stays ≥ 64 wide, so a thread slowed by other load has its share
 * taken by the others) or row bands for narrow outputs.
 */
export function planChunks(jobs: readonly Job[], m: number, n: number, threads: number): [number, number, number, number, number][] {
  const out: [number, number, number, number, number][] = [];
  if (jobs.length >= threads || threads === 1) {
    jobs.forEach((_, t) => out.push([t, 0, m, 0, n]));
    return out;
  }
  const per = Math.ceil(threads / jobs.length);
  jobs.forEach((_, t) => {
    if (n >= 16 * per) {
      // column bands (multiples of the 8-wide panels): each thread packs only its part of B
      const bands = n >= 128 * per ? 2 * per : per;
      const w = Math.ceil(n / bands / 8) * 8;
      for (let n0 = 0; n0 < n; n0 += w) out.push([t, 0, m, n0, Math.min(n, n0 + w)]);
    } else if (m >= 24) {
      // row bands (multiples of 12 rows): B is small here, each band packs it again
      const h = Math.ceil(m / per / 12) * 12;
      for (let m0 = 0; m0 < m; m0 += h) out.push([t, m0, Math.min(m, m0 + h), 0, n]);
    } else out.push([t, 0, m, 0, n]);
  });
  return out;
}

/**
 * C = op(A)·op(B) for one or more matrices (byte addresses), on every available thread. `bPre`: op(B)
 * packed whole (packBAll) when every job shares that B, else 0.
 */
export function runGemm(be: WasmBackend, jobs: readonly Job[], m: number, n: number, k: number, transA: boolean, transB: boolean, bPre = 0): void {
  const tA = transA ? 1 : 0;
  const tB = transB ? 1 : 0;
  const pool = be.pool;
  if (!pool || jobs.length * m * n * k < be.parallelMinMacs) {
    for (const j of jobs) be.k.gemm(j.a, j.b, j.c, m, n, k, tA, tB, 0, m, 0, n, be.scratch, bPre);
    return;
  }
  const chunks = planChunks(jobs, m, n, pool.threads).map(([t, m0, m1, n0, n1]) => [FN.GEMM, jobs[t]!.a, jobs[t]!.b, jobs[t]!.c, m, n, k, tA, tB, m0, m1, n0, n1, bPre]);
  pool.run(chunks, (I, r) => be.k.gemm(I[r + 1]!, I[r + 2]!, I[r + 3]!, I[r + 4]!, I[r + 5]!, I[r + 6]!, I[r + 7]!, I[r + 8]!, I[r + 9]!, I[r + 10]!, I[r + 11]!, I[r + 12]!, be.scratch, I[r + 13]!));
}

wasmKernel<MatmulAttrs>('matmul', ({ b, inputs: [x, w], attrs, out }) => {
  const y = b.output(out, 'matmul');
  const r = out.shape.length;
  const m = out.shape[r - 2]!;
  const n = out.shape[r - 1]!;
  const xs = x!.shape;
  const k = attrs.transA ? xs[xs.length - 2]! : xs[xs.length - 1]!;
  const batch = out.shape.slice(0, -2);
  if (m * n === 0) return y;
  const aOff = batchOffsets(batch, x!.shape.slice(0, -2));
  const bOff = batchOffsets(batch, w!.shape.slice(0, -2));
  const jobs = Array.from({ length: sizeOfShape(batch) }, (_, t) => ({
    a: x!.storage.ptr + aOff[t]! * m * k * 4,
    b: w!.storage.ptr + bOff[t]! * k * n * 4,
    c: y.ptr + t * m * n * 4,
  }));
  // one weight matrix shared by the whole batch (x·Wᵀ with x [.., N, in]): the packed-weight cache
  const single = bOff.every((o) => o === bOff[0]);
  const bPre = single ? b.packCache.lookup(w!.storage, bOff[0]! * k * n * 4, k, n, attrs.transB) : 0;
  runGemm(b, jobs, m, n, k, attrs.transA, attrs.transB, bPre);
  return y;
});
