// WebGPU against the CPU reference beyond the fixtures: every matmul variant over awkward and
// LoRA-sized shapes, training-loop memory, and typed errors.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { DTypeError, Generator, type Tensor, add, fromArray, keep, matmul, mean, mul, noGrad, randn, square, sub, tidy, zeros } from '@webpeft/tensor';
import { assertClose, maxAbs } from '@webpeft/tensor/testing';
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
    const g = new Generator(3);
    const opts = { generator: g, backend: backend! };
    const w0 = keep(randn([64, 64], opts));
    const A = keep(randn([8, 64], { ...opts, std: 0.1 }));
    const B = keep(zeros([64, 8], { backend: backend! }));
    B.requiresGrad = true;
    A.requiresGrad = true;
    const x = keep(randn([32, 64], opts));
    const y = keep(randn([32, 64], opts));
    const step = () =>
      tidy(() => {
        const pred = add(matmul(x, w0, { transB: true }), mul(matmul(matmul(x, A, { transB: true }), B, { transB: true }), 2));
        const loss = mean(square(sub(pred, y)));
        loss.backward();
        noGrad(() => {
          for (const p of [A, B] as Tensor[]) {
            p.assign(sub(p, mul(p.grad!, 0.05)));
            p.grad!.dispose();
            p.grad = null;
          }
        });
        return loss;
      });
    const first = step();
    const firstLoss = await first.item();
    first.dispose();
    for (let i = 0; i < 20; i++) step().dispose();
    await backend!.sync();
    const before = backend!.memory();
    let last: Tensor | null = null;
    for (let i = 0; i < 1000; i++) {
      last?.dispose();
      last = step();
    }
    const lastLoss = await last!.item();
    last!.dispose();
    await backend!.sync();
    const after = backend!.memory();
    expect(after.bytes).toBe(before.bytes);
    expect(after.allocations).toBe(before.allocations);
    expect(after.ownedBytes).toBe(before.ownedBytes);
    expect(lastLoss).toBeLessThan(firstLoss * 0.9);
    for (const t of [w0, A, B, x, y]) t.dispose();
  });

  it('refuses f64 and tensors larger than one binding, naming the sizes', () => {
    expect(() => zeros([2], { dtype: 'f64', backend: backend! })).toThrow(DTypeError);
    const max = backend!.limits.maxStorageBufferBindingSize;
    const n = Math.floor(max / 4) + 1024;
    expect(() => backend!.alloc(n)).toThrow(GpuMemoryError);
    expect(() => backend!.alloc(n)).toThrow(new RegExp(`needs ${n * 4} bytes; this device binds at most ${max} bytes`));
  });
});
