// The same adapters on WebGPU (Dawn; llvmpipe on a CPU-only machine): factors are drawn on the host, so
// a seed gives bit-identical factors on both backends, and a seed-only file regenerates them on WebGPU.
// Skips with a printed reason when no WebGPU adapter exists.
import { cpuBackend } from '@webpeft/backend-cpu';
import { nodeWebGPUBackend } from '@webpeft/backend-webgpu/node';
import { mseLoss } from '@webpeft/nn';
import { type Backend, type Tensor, countKernels, fromArray, keep, setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TwoLayerMLP, wave } from './_test-models.ts';
import type { AdaptedLinear } from './adapted-linear.ts';
import { injectAdapter } from './adapter-model.ts';
import type { LoraBranch } from './lora/layer.ts';
import { deserializeAdapter, serializeAdapter } from './peft-io.ts';

const cpu = cpuBackend();
let gpu: Backend | null = null;
let reason = '';
try {
  gpu = await nodeWebGPUBackend();
} catch (e) {
  reason = `no WebGPU adapter: ${(e as Error).message}`;
  console.warn(`[adapters] skipping WebGPU tests — ${reason}`);
}

const bits = async (t: Tensor) => Array.from(new Uint32Array(Float32Array.from(await t.data()).buffer));
const factorA = (m: TwoLayerMLP) => ((m.fc1 as AdaptedLinear).branch('default') as LoraBranch).loraA;
const options = { method: 'b-only', r: 4, targetModules: ['fc1', 'fc2'], seed: 21 };

async function model(backend: Backend) {
  setBackend(backend);
  const m = new TwoLayerMLP(12, 8, 6, { seed: 2 });
  const am = await injectAdapter(m, options);
  return { m, am };
}

describe.skipIf(!gpu)(`adapters on WebGPU${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('frozen random A is bit-identical on CPU and WebGPU, and regenerated bit-identically from its seed', async () => {
    const c = await model(cpu);
    const g = await model(gpu!);
    expect(await bits(factorA(g.m))).toEqual(await bits(factorA(c.m)));
    // save on CPU as seeds only, load on WebGPU
    const saved = await serializeAdapter(c.am, { frozenFactors: 'seed' });
    setBackend(gpu!);
    const fresh = new TwoLayerMLP(12, 8, 6, { seed: 2 });
    await deserializeAdapter(fresh, { config: saved.configJson, weights: saved.weights });
    expect(fresh.fc1.forward).toBeDefined();
    expect(await bits(factorA(fresh))).toEqual(await bits(factorA(c.m)));
  });

  it('a B-only backward on WebGPU computes no gradient for A and launches fewer matmuls than LoRA', async () => {
    const run = async (method: string) => {
      setBackend(gpu!);
      const m = new TwoLayerMLP(12, 8, 6, { seed: 2 });
      await injectAdapter(m, { ...options, method });
      const x = fromArray(wave(5 * 12), [5, 12]);
      const y = fromArray(wave(5 * 6, 1), [5, 6]);
      const loss = keep(mseLoss(m.forward(x), y));
      const kernels = countKernels(() => loss.backward());
      return { m, kernels, value: await loss.item() };
    };
    const lora = await run('lora');
    const bOnly = await run('b-only');
    expect(factorA(bOnly.m).grad).toBeNull();
    expect(factorA(lora.m).grad).not.toBeNull();
    expect(bOnly.kernels.get('matmul')!).toBeLessThan(lora.kernels.get('matmul')!);
    // and the loss equals the CPU one
    setBackend(cpu);
    const c = new TwoLayerMLP(12, 8, 6, { seed: 2 });
    await injectAdapter(c, options);
    const cpuLoss = await mseLoss(c.forward(fromArray(wave(5 * 12), [5, 12])), fromArray(wave(5 * 6, 1), [5, 6])).item();
    expect(bOnly.value).toBeCloseTo(cpuLoss, 5);
  });
});
