// wasm against the CPU reference beyond the fixtures: the GEMM over awkward and LoRA shapes in all
// four transpose combinations, single-threaded and split across the worker pool, for the portable
// SIMD128 build and the Relaxed SIMD (FMA) build; each product three times with the same weight, so
// the third runs on the packed-weight cache (src/pack-cache.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator, add, fromArray, matmul, mul, sum, tidy } from '@webpeft/tensor';
import { assertClose, maxAbs } from '@webpeft/tensor/testing';
import { CHUNKS_PER_THREAD, enableNodeRelaxedSimd, planChunks, wasmBackend } from './mod.ts';

const cpu = cpuBackend();
expect(await enableNodeRelaxedSimd()).toBe(true);
const single = await wasmBackend({ threads: 1, relaxedSimd: false });
const threaded = await wasmBackend({ threads: 2, relaxedSimd: false });
const singleFma = await wasmBackend({ threads: 1, relaxedSimd: true });
const threadedFma = await wasmBackend({ threads: 2, relaxedSimd: true });
for (const b of [threaded, threadedFma]) {
  b.parallelMinMacs = 0; // split even the small ones
  b.parallelMinElements = 0;
}
afterAll(() => {
  threaded.dispose();
  threadedFma.dispose();
});

const shapes: [number, number, number, number][] = [
  // [batch, M, K, N]
  [1, 1, 1, 1],
  [1, 1, 97, 13],
  [1, 37, 53, 29],
  [2, 33, 65, 35],
  [1, 64, 768, 8], // x·Aᵀ
  [1, 8, 512, 96], // Gᵀ·(x·Aᵀ): long K, small output
  [3, 5, 7, 130],
  [1, 131, 300, 257], // crosses KC = 256 and a partial NC block edge
  [1, 7, 1, 9], // K = 1
  [1, 9, 1100, 24], // FMA build: k blocks of 4·KC over a narrow output, and their tail
  [1, 6, 1030, 130], // wider than the long-k blocks
  [1, 70, 520, 128], // the widest output whose A is read in place (16 panels), partial row panel
];

function host(a: Float64Array, b: Float64Array, [batch, m, k, n]: number[], transA: boolean, transB: boolean): ArrayLike<number> {
  return tidy(() => {
    const ta = fromArray(a, [batch!, ...(transA ? [k!, m!] : [m!, k!])], { dtype: 'f64', backend: cpu });
    const tb = fromArray(b, [batch!, ...(transB ? [n!, k!] : [k!, n!])], { dtype: 'f64', backend: cpu });
    return matmul(ta, tb, { transA, transB }).dataSync();
  });
}

describe('matmul parity with the CPU reference', () => {
  for (const [label, backend] of [
    ['1 thread', single],
    ['2 threads', threaded],
    ['FMA 1 thread', singleFma],
    ['FMA 2 threads', threadedFma],
  ] as const) {
    for (const dims of shapes) {
      for (const [transA, transB] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ] as const) {
        it(`${label} ${dims.join('×')} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, () => {
          const [batch, m, k, n] = dims;
          const g = new Generator(m * 1000 + k + n);
          const a = g.normal(batch * m * k);
          const b = g.normal(batch * k * n);
          const want = host(a, b, dims, transA, transB);
          const hits = backend.packCache.stats().hits;
          tidy(() => {
            const ta = fromArray(a, [batch, ...(transA ? [k, m] : [m, k])], { backend });
            const tb = fromArray(b, [batch, ...(transB ? [n, k] : [k, n])], { backend });
            for (const use of ['first', 'second', 'cached']) {
              const got = matmul(ta, tb, { transA, transB }).dataSync();
              assertClose(`matmul ${dims} (${use} use of the weight)`, [batch, m, n], got, want, { rtol: 1e-4, atol: 1e-5 * Math.sqrt(k) * (1 + maxAbs(want)) });
            }
          });
          // one weight matrix (batch 1) is packed on its second use and read packed on the third
          expect(backend.packCache.stats().hits - hits).toBe(batch === 1 ? 1 : 0);
        });
      }
    }
  }

  it('broadcasts batch axes ([2,1,M,K]·[3,K,N])', () => {
    const g = new Generator(5);
    const a = g.normal(2 * 6 * 5);
    const b = g.normal(3 * 5 * 4);
    const want = tidy(() => matmul(fromArray(a, [2, 1, 6, 5], { dtype: 'f64', backend: cpu }), fromArray(b, [3, 5, 4], { dtype: 'f64', backend: cpu })).dataSync());
    for (const backend of [single, threaded, singleFma, threadedFma]) {
      const got = tidy(() => matmul(fromArray(a, [2, 1, 6, 5], { backend }), fromArray(b, [3, 5, 4], { backend })).dataSync());
      assertClose('batched broadcast', [2, 3, 6, 4], got, want, { rtol: 1e-4, atol: 1e-5 });
    }
  });

  it('splits big elementwise ops across threads with the same result', () => {
    const g = new Generator(9);
    const x = g.normal(10_001);
    const y = g.normal(10_001);
    const run = (backend: typeof single) => tidy(() => mul(add(fromArray(x, [10_001], { backend }), fromArray(y, [10_001], { backend })), 3).dataSync());
    expect(Array.from(run(threaded))).toEqual(Array.from(run(single)));
    const s = tidy(() => sum(fromArray(x, [10_001], { backend: threaded })).dataSync()[0]!);
    expect(s).toBeCloseTo(x.reduce((p, v) => p + v, 0), 2);
  });

  it('loads the build it was asked for', () => {
    expect([single.relaxedSimd, threaded.relaxedSimd, singleFma.relaxedSimd, threadedFma.relaxedSimd]).toEqual([false, false, true, true]);
  });

  it('plans column bands for wide outputs and row bands for narrow ones, several per thread', () => {
    const job = [{ a: 0, b: 0, c: 0 }];
    const bands = (m: number, n: number, grain?: number) => planChunks(job, m, n, 2, grain).map(([, m0, m1, n0, n1]) => [m0, m1, n0, n1]);
    // CHUNKS_PER_THREAD (4) × 2 threads: 8 bands, whole 8-column panels / 4-row panels
    expect(CHUNKS_PER_THREAD).toBe(4);
    expect(bands(512, 768)).toEqual(Array.from({ length: 8 }, (_, i) => [0, 512, 96 * i, 96 * i + 96]));
    expect(bands(512, 8)).toEqual(Array.from({ length: 8 }, (_, i) => [64 * i, 64 * i + 64, 0, 8]));
    // [512×64]: more row bands (8) than 32-wide column bands (2) → rows
    expect(bands(512, 64)).toEqual(Array.from({ length: 8 }, (_, i) => [64 * i, 64 * i + 64, 0, 64]));
    // bands stay ≥ 32 columns / ≥ 24 rows: fewer than grain × threads, never fewer than the threads
    expect(bands(8, 96)).toEqual([[0, 8, 0, 32], [0, 8, 32, 64], [0, 8, 64, 96]]);
    expect(bands(30, 40)).toEqual([[0, 30, 0, 24], [0, 30, 24, 40]]);
    expect(bands(20, 20)).toEqual([[0, 20, 0, 20]]);
    // grain 1: one band per thread
    expect(bands(512, 768, 1)).toEqual([[0, 512, 0, 384], [0, 512, 384, 768]]);
    expect(bands(512, 8, 1)).toEqual([[0, 256, 0, 8], [256, 512, 0, 8]]);
    expect(() => {
      threaded.matmulChunksPerThread = 0;
    }).toThrow(/matmulChunksPerThread must be a positive integer, got 0/);
    expect(() => {
      threaded.matmulChunksPerThread = Number.NaN;
    }).toThrow(RangeError);
    expect(threaded.matmulChunksPerThread).toBe(CHUNKS_PER_THREAD);
    // every band list tiles C exactly once
    for (const [m, n] of [[512, 768], [37, 1000], [1000, 37], [100, 100], [8, 4096]] as const) {
      const cover = new Uint8Array(m * n);
      for (const [m0, m1, n0, n1] of bands(m, n)) for (let i = m0!; i < m1!; i++) for (let j = n0!; j < n1!; j++) cover[i * n + j]!++;
      expect(cover.every((c) => c === 1)).toBe(true);
    }
    expect(planChunks([job[0]!, job[0]!], 8, 8, 2)).toHaveLength(2);
  });
});
