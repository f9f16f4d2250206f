// Batched matmuls with more (batch × head) matrices than the pool's chunk table holds.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator, fromArray, matmul, tidy } from '@webpeft/tensor';
import { assertClose } from '@webpeft/tensor/testing';
import { wasmBackend } from './mod.ts';

describe('worker pool', () => {
  it('runs a batched matmul of 1,024 matrices (4× the chunk table) on every thread', async () => {
    const wasm = await wasmBackend({ threads: 2, notice: false });
    wasm.parallelMinMacs = 0; // force the pool
    const g = new Generator(4);
    const [batch, m, k, n] = [1024, 3, 5, 4];
    const a = g.normal(batch * m * k);
    const b = g.normal(batch * k * n);
    const want = tidy(() => matmul(fromArray(a, [batch, m, k], { backend: cpuBackend() }), fromArray(b, [batch, k, n], { backend: cpuBackend() })).dataSync());
    let got: Promise<ArrayLike<number>> = Promise.resolve([]);
    tidy(() => {
      got = matmul(fromArray(a, [batch, m, k], { backend: wasm }), fromArray(b, [batch, k, n], { backend: wasm })).data();
    });
    assertClose('batched matmul', [batch, m, n], await got, want, { rtol: 1e-5, atol: 1e-5 });
    expect(wasm.pool).not.toBeNull();
  });
});
