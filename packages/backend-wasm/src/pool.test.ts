// The worker pool fails loudly: a fault in a worker, a worker that dies holding work, and a worker
// that exits between ops are each a WasmWorkerError — never a hang — and the backend then goes on
// single-threaded with correct results.
import { describe, expect, it } from 'vitest';
import { Generator, fromArray, matmul, tidy } from '@webpeft/tensor';
import { WasmWorkerError, wasmBackend } from './mod.ts';
import { FN } from './_worker-source.ts';

const g = new Generator(11);
const a = g.normal(96 * 64);
const b = g.normal(64 * 80);

function product(backend: Awaited<ReturnType<typeof wasmBackend>>): Float32Array {
  return tidy(() => matmul(fromArray(a, [96, 64], { backend }), fromArray(b, [64, 80], { backend })).dataSync() as Float32Array);
}

async function pooled(stallTimeoutMs = 300) {
  const be = await wasmBackend({ threads: 2, stallTimeoutMs });
  be.parallelMinMacs = 0;
  expect(be.threads).toBe(2);
  return be;
}

describe('worker pool failures', () => {
  it('runs on 2 threads and matches 1 thread exactly', async () => {
    const one = await wasmBackend({ threads: 1 });
    const two = await pooled();
    expect(Array.from(product(two))).toEqual(Array.from(product(one)));
    two.dispose();
  });

  it('a fault inside a worker is an error naming the worker', async () => {
    const be = await pooled();
    // both chunks go to the worker when the fault fires first; run until the worker takes one
    let err: unknown = null;
    for (let i = 0; i < 50 && !err; i++) {
      be.pool!.injectFault(1);
      try {
        product(be);
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(WasmWorkerError);
    expect(String(err)).toMatch(/worker 0 failed: injected fault/);
    be.dispose();
  });

  it('a worker that dies holding a chunk is an error within the stall timeout, then single-threaded', async () => {
    const be = await pooled(300);
    const want = product(await wasmBackend({ threads: 1 }));
    let err: unknown = null;
    const t0 = performance.now();
    for (let i = 0; i < 50 && !err; i++) {
      be.pool!.injectFault(2);
      try {
        product(be);
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(WasmWorkerError);
    expect(String(err)).toMatch(/a worker died or hangs/);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(be.threads).toBe(1);
    expect(Array.from(product(be))).toEqual(Array.from(want));
  });

  it('a worker that exited between ops makes the next op an error, not a hang', async () => {
    const be = await pooled(300);
    be.pool!.injectFault(2);
    // the dying worker may not get a chunk (the main thread can take both): run until one dies
    let err: unknown = null;
    for (let i = 0; i < 50 && !err; i++) {
      try {
        product(be);
        await new Promise((r) => setTimeout(r, 20)); // let the exit event arrive
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(WasmWorkerError);
    expect(String(err)).toMatch(/worker 0 exited with code 70|a worker died or hangs/);
    expect(be.threads).toBe(1);
    expect(product(be)).toHaveLength(96 * 80);
  });

  it('the main thread claims chunks from the front of the table, the workers from the back, each once', async () => {
    const be = await wasmBackend({ threads: 3 });
    const pool = be.pool!;
    for (let round = 0; round < 200; round++) {
      const total = 1 + (round % 40);
      const mine: number[] = [];
      // empty elementwise chunks (n = 0): the workers' share depends on timing, the order must not
      // (word 5, unused by the kernel, carries the chunk's index)
      const chunks = Array.from({ length: total }, (_, i) => [FN.UNARY_F32, 0, 0, 0, 0, i]);
      pool.run(chunks, (I, rec) => mine.push(I[rec + 5]!));
      expect(mine).toEqual(mine.map((_, i) => i)); // a prefix 0, 1, 2, … of the table
    }
    be.dispose();
  });
});
