// Batched matmul with transposes on the SIMD GEMM (assembly/gemm.ts), split across threads.
import { type MatmulAttrs } from '@webpeft/tensor';
import { CHUNKS_PER_THREAD, type WasmBackend } from '../backend.ts';
import { FN } from '../_worker-source.ts';
import { batchOffsets, sizeOfShape, wasmKernel } from './_util.ts';

interface Job {
  a: number;
  b: number;
  c: number;
}

/** Narrowest column band (4 panels of 8) and shortest row band a split makes. */
const MIN_BAND_COLS = 32;
const MIN_BAND_ROWS = 24;

/**
 * Chunks of C for `threads`: whole matrices when the batch covers the threads, else bands of one
 * matrix — column bands (multiples of the 8-wide panels: each chunk packs only its part of B) or
 * row bands (multiples of the 4-row panels; each packs B again, which is narrow there, and not at
 * all when it is a cached weight), whichever axis gives more, up to `grain` per thread while the
 * bands stay at least MIN_BAND_COLS wide / MIN_BAND_ROWS tall, one per thread at least.
 */
export function planChunks(jobs: readonly Job[], m: number, n: number, threads: number, grain = CHUNKS_PER_THREAD): [number, number, number, number, number][] {
  const out: [number, number, number, number, number][] = [];
  if (jobs.length >= threads || threads === 1) {
    jobs.forEach((_, t) => out.push([t, 0, m, 0, n]));
    return out;
  }
  const per = Math.ceil(threads / jobs.length);
  const bandsOf = (size: number, min: number) => Math.max(per, Math.min(per * grain, Math.floor(size / min)));
  const cols = n >= 16 * per ? bandsOf(n, MIN_BAND_COLS) : 0;
  const rows = m >= MIN_BAND_ROWS ? bandsOf(m, MIN_BAND_ROWS) : 0;
  jobs.forEach((_, t) => {
    if (cols > 0 && cols >= rows) {
      const w = Math.ceil(n / cols / 8) * 8;
      for (let n0 = 0; n0 < n; n0 += w) out.push([t, 0, m, n0, Math.min(n, n0 + w)]);
    } else if (rows > 0) {
      const h = Math.ceil(m / rows / 4) * 4;
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
  const chunks = planChunks(jobs, m, n, pool.threads, be.matmulChunksPerThread).map(([t, m0, m1, n0, n1]) => [FN.GEMM, jobs[t]!.a, jobs[t]!.b, jobs[t]!.c, m, n, k, tA, tB, m0, m1, n0, n1, bPre]);
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
