import { describe, expect, it } from 'vitest';
import type { WebGPUBackend } from './backend.ts';
import { type MatmulShape, planMatmul } from './kernels/matmul/select.ts';

// planMatmul reads only the adapter report (and the override table), so a report stands in for a device.
const fake = (vendor: string, device: string, isFallback = false) => ({ report: { vendor, architecture: '', device, description: '', isFallback } }) as unknown as WebGPUBackend;
const shape = (m: number, k: number, n: number, transA = false, transB = false): MatmulShape => ({ m, n, k, batch: 1, transA, transB });

describe('planMatmul', () => {
  it('on a real GPU picks workgroup tiles, splitting K only for a small output with K ≥ 768 (H200 measurements)', () => {
    const gpu = fake('nvidia', 'nvidia-h200');
    expect(planMatmul(gpu, shape(512, 768, 768))).toEqual({ variant: 'tiled', slices: 1 }); // x·W
    expect(planMatmul(gpu, shape(512, 768, 8, false, true))).toEqual({ variant: 'tiled', slices: 3 }); // x·Aᵀ
    expect(planMatmul(gpu, shape(512, 1024, 64, false, true))).toEqual({ variant: 'tiled', slices: 4 });
    expect(planMatmul(gpu, shape(8, 512, 768, true, false))).toEqual({ variant: 'tiled', slices: 1 }); // Gᵀ·x, K = 512
    expect(planMatmul(gpu, shape(1, 1, 1))).toEqual({ variant: 'tiled', slices: 1 });
  });

  it('on a CPU driver picks the register-blocked kernels and no split', () => {
    const cpu = fake('mesa', 'llvmpipe (LLVM 15.0.6, 256 bits)');
    expect(planMatmul(cpu, shape(512, 768, 768))).toEqual({ variant: 'wide', slices: 1 });
    expect(planMatmul(cpu, shape(512, 768, 8, false, true))).toEqual({ variant: 'vec4', slices: 1 });
    expect(planMatmul(cpu, shape(37, 53, 29))).toEqual({ variant: 'blocked', slices: 1 });
    expect(planMatmul(fake('nvidia', 'some-gpu', true), shape(512, 768, 768)).variant).toBe('wide'); // a fallback adapter counts as a CPU driver
  });
});
