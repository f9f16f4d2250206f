// The PyTorch-fixture conformance suite the CPU and WebGPU backends pass, in f32 on wasm
// (single-threaded and with the worker pool), plus bit-exact dropout masks; once for the portable
// SIMD128 build and once for the Relaxed SIMD (FMA) build.
import { describe, expect, it } from 'vitest';
import fixtures from '@webpeft/tensor/fixtures/ops.json' with { type: 'json' };
import { type OpFixtureFile, checkDropoutMasks, checkOpCase } from '@webpeft/tensor/testing';
import { countKernels, kernelNames, opNames } from '@webpeft/tensor';
import { WASM, enableNodeRelaxedSimd, wasmBackend } from './mod.ts';

const file = fixtures as unknown as OpFixtureFile;
await enableNodeRelaxedSimd();

for (const relaxedSimd of [false, true]) {
const covered = new Set<string>();
const backend = await wasmBackend({ threads: 1, relaxedSimd });

describe(`wasm op conformance (f32, PyTorch fixtures, ${relaxedSimd ? 'Relaxed SIMD' : 'SIMD128'})`, () => {
  it('runs the build asked for', () => {
    expect(backend.relaxedSimd).toBe(relaxedSimd);
  });

  it('has a kernel for every op in the registry (views need none)', () => {
    expect(opNames().filter((op) => op !== 'reshape' && !kernelNames(WASM).includes(op))).toEqual([]);
  });

  for (const c of file.cases) {
    it(c.name, async () => {
      let done: Promise<void> = Promise.resolve();
      const counts = countKernels(() => {
        done = checkOpCase(c, { backend, float: 'f32' });
      });
      await done;
      for (const k of counts.keys()) covered.add(k);
    });
  }

  it('dropout masks equal the host Philox stream bit for bit', async () => {
    let done: Promise<void> = Promise.resolve();
    const counts = countKernels(() => {
      done = checkDropoutMasks(backend, 'f32');
    });
    await done;
    for (const k of counts.keys()) covered.add(k);
  });

  it('exercises every op', () => {
    expect(opNames().filter((op) => op !== 'reshape' && !covered.has(op))).toEqual([]);
  });

  it('frees every temporary: live storage is back to the baseline', () => {
    // scratch, metadata: the two blocks the backend itself holds
    expect(backend.memory().allocations).toBe(2);
  });
});
}
