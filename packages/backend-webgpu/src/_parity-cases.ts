// Matmul parity cases shared by parity.test.ts, bench/gpu-check.ts (a real-GPU run outside vitest),
// the browser test's page (tooling/scripts/browser-webgpu.entry.ts) and the Deno check
// (tooling/scripts/deno-webgpu.ts).
import { Generator, fromArray, matmul, tidy } from '@webpeft/tensor';
import { assertClose, maxAbs, referenceMatmul } from '@webpeft/tensor/testing';
import type { WebGPUBackend } from './backend.ts';
import { type MatmulPlan, setMatmulPlan } from './kernels/matmul/select.ts';

/** [batch, M, K, N]: awkward sizes and LoRA products. */
export const PARITY_SHAPES: readonly (readonly [number, number, number, number])[] = [
  [1, 1, 1, 1],
  [1, 37, 53, 29],
  [2, 33, 65, 35],
  [1, 64, 768, 8], // x·Aᵀ
  [1, 8, 512, 96], // Gᵀ·(x·Aᵀ): long K, small output
  [3, 5, 7, 130],
  [2, 12, 20, 16], // every dimension a multiple of 4 (N of 8): vec4 and wide run on their layouts
  [1, 8, 768, 64],
];

/** Every kernel variant, with and without split-K. */
export const PARITY_PLANS: readonly MatmulPlan[] = [
  { variant: 'blocked', slices: 1 },
  { variant: 'vec4', slices: 1 },
  { variant: 'vec4', slices: 5 },
  { variant: 'wide', slices: 1 },
  { variant: 'wide', slices: 3 },
  { variant: 'tiled', slices: 1 },
  { variant: 'blocked', slices: 7 },
  { variant: 'tiled', slices: 3 },
];

/** The four operand layouts [transA, transB]. */
export const LAYOUTS: readonly (readonly [boolean, boolean])[] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

/** The case name the checks report: `matmul 2×33×65×35 tiled/3 NT`. */
export function parityCaseName(dims: readonly number[], plan: MatmulPlan, transA: boolean, transB: boolean): string {
  return `matmul ${dims.join('×')} ${plan.variant}/${plan.slices} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
}

/** Run one shape × plan × layout on `backend` and throw (naming the case and the worst entry) unless it matches the float64 reference. */
export async function checkMatmulParity(backend: WebGPUBackend, dims: readonly [number, number, number, number], plan: MatmulPlan, transA: boolean, transB: boolean): Promise<void> {
  const [batch, m, k, n] = dims;
  const g = new Generator(m * 1000 + k);
  const a = g.normal(batch * m * k);
  const b = g.normal(batch * k * n);
  const want = referenceMatmul(a, b, dims, transA, transB);
  setMatmulPlan(backend, { m, n, k, batch, transA, transB }, plan);
  let got: Promise<ArrayLike<number>> = Promise.resolve([]);
  tidy(() => {
    const ta = fromArray(a, [batch, ...(transA ? [k, m] : [m, k])], { backend });
    const tb = fromArray(b, [batch, ...(transB ? [n, k] : [k, n])], { backend });
    got = matmul(ta, tb, { transA, transB }).data();
  });
  assertClose(parityCaseName(dims, plan, transA, transB), [batch, m, n], await got, want, { rtol: 1e-4, atol: 1e-5 * Math.sqrt(k) * (1 + maxAbs(want)) });
}

/** Every shape × plan × layout outside a test runner: the cases that passed, and one message per failure (each naming its case). */
export async function runMatmulParity(backend: WebGPUBackend, shapes: readonly (readonly [number, number, number, number])[] = PARITY_SHAPES): Promise<{ passed: number; failed: string[] }> {
  let passed = 0;
  const failed: string[] = [];
  for (const dims of shapes)
    for (const plan of PARITY_PLANS)
      for (const [transA, transB] of LAYOUTS) {
        try {
          await checkMatmulParity(backend, dims, plan, transA, transB);
          passed++;
        } catch (e) {
          const name = parityCaseName(dims, plan, transA, transB);
          const msg = (e as Error).message;
          failed.push(msg.startsWith(name) ? msg : `${name}: ${msg}`);
        }
      }
  return { passed, failed };
}
