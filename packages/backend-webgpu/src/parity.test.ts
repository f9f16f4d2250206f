// WebGPU against the CPU reference beyond the fixtures: every matmul variant over awkward and
// LoRA-sized shapes, training-loop memory, and typed errors.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { DTypeError, Generator, fromArray, matmul, tidy, zeros } from '@webpeft/tensor';
import { assertClose, maxAbs, runLoraMemoryLoop } from '@webpeft/tensor/testing';
import { tryBackend } from './_gpu-test.ts';
import { GpuMemoryError, type MatmulPlan, setMatmulPlan } from './mod.ts';

const { backend, reason } = await tryBackend();
const cpu = cpuBackend();

const shapes: [number, number, number, number][] = [
  // [batch, M, K, N]
  [1, 1, 1, 1],
  [1, 37, 53, 29],
  [2, 33, 65, 35],
  [1, 64, 768, 8], // x·Aᵀ
  [1, 8, 512, 96], // Gᵀ·(x·Aᵀ): long K, small output
  [3, 5, 7, 130],
  [2, 12, 20, 16], // every dimension a multiple of 4 (N of 8): vec4 and wide run on their layouts
  [1, 8, 768, 64],
];
const plans: MatmulPlan[] = [
  { variant: 'blocked', slices: 1 },
  { variant: 'vec4', slices: 1 },
  { variant: 'vec4', slices: 5 },
  { variant: 'wide', slices: 1 },
  { variant: 'wide', slices: 3 },
  { variant: 'tiled', slices: 1 },
  { variant: 'blocked', slices: 7 },
  { variant: 'tiled', slices: 3 },
];

function hostMatmul(a: Float64Array, b: Float64Array, [batch, m, k, n]: number[], transA: boolean, transB: boolean): ArrayLike<number> {
  return tidy(() => {
    const ta = fromArray(a, [batch!, ...(transA ? [k!, m!] : [m!, k!])], { dtype: 'f64', backend: cpu });
    const tb = fromArray(b, [batch!, ...(transB ? [n!, k!] : [k!, n!])], { dtype: 'f64', backend: cpu });
    return matmul(ta, tb, { transA, transB }).dataSync();
  });
}

describe.skipIf(!backend)(`WebGPU parity with CPU (${backend?.report.via ?? reason})`, () => {
  for (const dims of shapes) {
    for (const plan of plans) {
      for (const [transA, transB] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ] as const) {
        it(`matmul ${dims.join('×')} ${plan.variant}/${plan.slices} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, async () => {
          const [batch, m, k, n] = dims;
          const g = new Generator(m * 1000 + k);
          const a = g.normal(batch * m * k);
          const b = g.normal(batch * k * n);
          const want = hostMatmul(a, b, dims, transA, transB);
          setMatmulPlan(backend!, { m, n, k, batch, transA, transB }, plan);
          let got: Promise<ArrayLike<number>> = Promise.resolve([]);
          tidy(() => {
            const ta = fromArray(a, [batch, ...(transA ? [k, m] : [m, k])], { backend: backend! });
            const tb = fromArray(b, [batch, ...(transB ? [n, k] : [k, n])], { backend: backend! });
            got = matmul(ta, tb, { transA, transB }).data();
          });
          assertClose(`matmul ${dims}`, [batch, m, n], await got, want, { rtol: 1e-4, atol: 1e-5 * Math.sqrt(k) * (1 + maxAbs(want)) });
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
