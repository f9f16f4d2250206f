// The packed-weight cache: admitted on a weight's second use, freed with it, bounded by its budget,
// never stale (assign swaps storage), and the products it serves match the CPU reference.
import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator, fromArray, matmul, tidy } from '@webpeft/tensor';
import { assertClose } from '@webpeft/tensor/testing';
import { packedBytes, wasmBackend } from './mod.ts';

const cpu = cpuBackend();
const backend = await wasmBackend({ threads: 2 });
backend.parallelMinMacs = 0;
afterAll(() => backend.dispose());

const g = new Generator(11);
const [M, K, N] = [6, 70, 20];
const xv = g.normal(M * K);
const wv = g.normal(N * K);
const ref = (w: Float64Array) => tidy(() => matmul(fromArray(xv, [M, K], { dtype: 'f64', backend: cpu }), fromArray(w, [N, K], { dtype: 'f64', backend: cpu }), { transB: true }).dataSync());
const tol = { rtol: 1e-4, atol: 1e-4 };

describe('packed-weight cache', () => {
  it('packs a weight on its second use, serves the third, frees it with the weight', () => {
    backend.packCache.clear();
    const before = backend.memory();
    const x = fromArray(xv, [M, K], { backend });
    const w = fromArray(wv, [N, K], { backend });
    const s0 = backend.packCache.stats();
    for (let i = 0; i < 3; i++) tidy(() => assertClose(`x·Wᵀ, use ${i + 1}`, [M, N], matmul(x, w, { transB: true }).dataSync(), ref(wv), tol));
    const s1 = backend.packCache.stats();
    expect(s1.packs - s0.packs).toBe(1);
    expect(s1.hits - s0.hits).toBe(1);
    expect(s1.entries).toBe(1);
    expect(s1.bytes).toBe(packedBytes(K, N));
    expect(packedBytes(K, N)).toBe(K * 24 * 4); // N = 20 rounded up to whole 8-column panels
    expect(backend.memory().bytes).toBe(before.bytes + 4 * M * K + 4 * N * K + packedBytes(K, N));
    w.dispose();
    x.dispose();
    expect(backend.packCache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect(backend.memory().bytes).toBe(before.bytes);
  });

  it('is never stale: assign() gives the weight new storage, which is packed afresh', () => {
    const x = fromArray(xv, [M, K], { backend });
    const w = fromArray(wv, [N, K], { backend });
    for (let i = 0; i < 3; i++) tidy(() => matmul(x, w, { transB: true }).dispose());
    const w2v = g.normal(N * K);
    tidy(() => w.assign(fromArray(w2v, [N, K], { backend })));
    expect(backend.packCache.stats().entries).toBe(0); // the old storage went, and its panels with it
    for (let i = 0; i < 3; i++) tidy(() => assertClose(`after assign, use ${i + 1}`, [M, N], matmul(x, w, { transB: true }).dataSync(), ref(w2v), tol));
    expect(backend.packCache.stats().entries).toBe(1);
    w.dispose();
    x.dispose();
  });

  it('keeps separate entries for the two layouts of one weight (x·Wᵀ forward, g·W backward)', () => {
    const x = fromArray(xv, [M, K], { backend });
    const w = fromArray(wv, [N, K], { backend });
    const gy = fromArray(g.normal(M * N), [M, N], { backend });
    for (let i = 0; i < 2; i++) {
      tidy(() => matmul(x, w, { transB: true }).dispose());
      tidy(() => matmul(gy, w).dispose());
    }
    expect(backend.packCache.stats().entries).toBe(2);
    const want = tidy(() => matmul(fromArray(gy.dataSync(), [M, N], { backend: cpu }), fromArray(wv, [N, K], { backend: cpu })).dataSync());
    tidy(() => assertClose('g·W from the cache', [M, K], matmul(gy, w).dataSync(), want, tol));
    for (const t of [x, w, gy]) t.dispose();
    expect(backend.packCache.stats().entries).toBe(0);
  });

  it('does not cache a batch of distinct right operands', () => {
    const a = fromArray(g.normal(3 * M * K), [3, M, K], { backend });
    const b = fromArray(g.normal(3 * K * N), [3, K, N], { backend });
    const packs = backend.packCache.stats().packs;
    for (let i = 0; i < 3; i++) tidy(() => matmul(a, b).dispose());
    expect(backend.packCache.stats().packs).toBe(packs);
    a.dispose();
    b.dispose();
  });

  it('stops admitting at its budget (no eviction, no thrash) and can be turned off', async () => {
    const small = await wasmBackend({ threads: 1, packCacheBytes: packedBytes(K, N) });
    const x = fromArray(xv, [M, K], { backend: small });
    const ws = [0, 1].map(() => fromArray(wv, [N, K], { backend: small }));
    for (let i = 0; i < 3; i++) for (const w of ws) tidy(() => assertClose('budgeted', [M, N], matmul(x, w, { transB: true }).dataSync(), ref(wv), tol));
    expect(small.packCache.stats()).toMatchObject({ entries: 1, packs: 1, refused: 2, hits: 1 });
    // room frees up with the first weight: the refused one is admitted on its next use
    ws[0]!.dispose();
    tidy(() => assertClose('admitted later', [M, N], matmul(x, ws[1]!, { transB: true }).dataSync(), ref(wv), tol));
    expect(small.packCache.stats()).toMatchObject({ entries: 1, packs: 2, refused: 2 });
    small.packCache.maxBytes = 0;
    ws[1]!.dispose();
    const w3 = fromArray(wv, [N, K], { backend: small });
    for (let i = 0; i < 3; i++) tidy(() => matmul(x, w3, { transB: true }).dispose());
    expect(small.packCache.stats()).toMatchObject({ entries: 0, packs: 2 });
    expect(() => (small.packCache.maxBytes = -1)).toThrow(RangeError);
    await expect(wasmBackend({ threads: 1, packCacheBytes: Number.NaN })).rejects.toThrow(/packCacheBytes must be ≥ 0, got NaN/);
  });
});
