import { describe, expect, it } from 'vitest';
import { tryBackend } from './_gpu-test.ts';
import { autotuneCache, autotuneMatmul, importAutotune, planMatmul } from './mod.ts';

const { backend, reason } = await tryBackend();

describe.skipIf(!backend)(`matmul autotune (${backend?.report.via ?? reason})`, () => {
  it('times every candidate, installs the fastest and round-trips through JSON', async () => {
    const shape = { m: 64, n: 8, k: 256, batch: 1, transA: false, transB: true };
    const entry = await autotuneMatmul(backend!, shape, 3);
    expect(Object.keys(entry.timings).length).toBeGreaterThanOrEqual(2);
    const fastest = Object.entries(entry.timings).sort((a, b) => a[1] - b[1])[0]![0];
    expect(`${entry.plan.variant}/${entry.plan.slices}`).toBe(fastest);
    expect(planMatmul(backend!, shape)).toEqual(entry.plan);
    const saved = JSON.parse(JSON.stringify(autotuneCache(backend!)));
    expect(importAutotune(backend!, saved)).toBe(1);
    expect(importAutotune(backend!, { ...saved, adapter: 'some other GPU' })).toBe(0);
  });
});
