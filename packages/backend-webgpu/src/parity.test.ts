// WebGPU against the CPU reference beyond the fixtures: every matmul variant over awkward and
// LoRA-sized shapes, training-loop memory, and typed errors.
import { describe, expect, it } from 'vitest';
import { DTypeError, zeros } from '@webpeft/tensor';
import { runLoraMemoryLoop } from '@webpeft/tensor/testing';
import { tryBackend } from './_gpu-test.ts';
import { GpuMemoryError } from './mod.ts';
import { LAYOUTS, PARITY_PLANS, PARITY_SHAPES, checkMatmulParity, parityCaseName } from './_parity-cases.ts';

const { backend, reason } = await tryBackend();

describe.skipIf(!backend)(`WebGPU parity with CPU (${backend?.report.via ?? reason})`, () => {
  for (const dims of PARITY_SHAPES) {
    for (const plan of PARITY_PLANS) {
      for (const [transA, transB] of LAYOUTS) {
        it(parityCaseName(dims, plan, transA, transB), async () => {
          await checkMatmulParity(backend!, dims, plan, transA, transB);
        });
      }
    }
  }

  it('a 1,000-step LoRA training loop keeps GPU memory flat', async () => {
    const { firstLoss, lastLoss, before, after } = await runLoraMemoryLoop(backend!, { settle: () => backend!.sync() });
    expect(after.bytes).toBe(before.bytes);
    expect(after.allocations).toBe(before.allocations);
    expect(after.ownedBytes).toBe(before.ownedBytes);
    expect(lastLoss).toBeLessThan(firstLoss * 0.9);
  });

  it('refuses f64 and tensors larger than one binding, naming the sizes', () => {
    expect(() => zeros([2], { dtype: 'f64', backend: backend! })).toThrow(DTypeError);
    const max = backend!.limits.maxStorageBufferBindingSize;
    const n = Math.floor(max / 4) + 1024;
    expect(() => backend!.alloc(n)).toThrow(GpuMemoryError);
    expect(() => backend!.alloc(n)).toThrow(new RegExp(`needs ${n * 4} bytes; this device binds at most ${max} bytes`));
  });
});
