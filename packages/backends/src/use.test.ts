import { describe, expect, it } from 'vitest';
import { getBackend, tensor, add } from '@webpeft/tensor';
import type { AcquiredDevice } from '@webpeft/backend-webgpu';
import { useBackendWith } from './use.ts';
import { useNodeBackend } from './node.ts';

const fake = (isFallback: boolean, description: string) => async (): Promise<AcquiredDevice> => {
  let destroyed = false;
  return {
    device: { destroy: () => (destroyed = true), get destroyed() { return destroyed; } } as unknown as GPUDevice,
    adapter: {} as GPUAdapter,
    keepAlive: null,
    report: { vendor: '', architecture: '', device: '', description, featureLevel: 'core', isFallback, via: 'test' },
  };
};

describe('useBackend', () => {
  it('auto picks WASM when the only WebGPU adapter is a CPU rasteriser, and says so', async () => {
    const active = await useBackendWith(fake(false, 'llvmpipe (LLVM 15.0.6, 256 bits)'), 'auto', { env: {}, wasm: { threads: 1 } });
    expect(active.kind).toBe('wasm');
    expect(active.summary).toMatch(/^backend: wasm — auto: the WebGPU adapter is a CPU fallback \(llvmpipe/);
    expect(active.summary).toMatch(/\[WebAssembly (Relaxed SIMD \(FMA\)|SIMD128), 1 thread\]/);
    expect(getBackend()).toBe(active.backend);
    expect(Array.from(await add(tensor([1, 2]), 1).data())).toEqual([2, 3]);
  });

  it('auto picks WASM without an adapter; an explicit kind and WEBPEFT_BACKEND win', async () => {
    const none = await useBackendWith(() => Promise.reject(new Error('no adapter')), 'auto', { env: {}, wasm: { threads: 1 }, setDefault: false });
    expect(none.kind).toBe('wasm');
    expect(none.reason).toMatch(/no WebGPU adapter: no adapter/);
    const cpu = await useBackendWith(fake(false, 'NVIDIA H100'), 'cpu', { env: {}, setDefault: false });
    expect(cpu.kind).toBe('cpu');
    const forced = await useBackendWith(fake(false, 'NVIDIA H100'), 'auto', { env: { WEBPEFT_BACKEND: 'cpu' }, setDefault: false });
    expect(forced.summary).toMatch(/forced by WEBPEFT_BACKEND=cpu/);
  });

  it('on this machine (Dawn on llvmpipe or no adapter) auto never picks WebGPU; --backend webgpu still works when an adapter exists', async () => {
    const auto = await useNodeBackend('auto', { env: {}, wasm: { threads: 1 }, setDefault: false });
    expect(['wasm', 'webgpu']).toContain(auto.kind);
    if (auto.adapter && /llvmpipe|swiftshader/i.test(auto.adapter.description + auto.adapter.device)) expect(auto.kind).toBe('wasm');
    if (auto.adapter) {
      const gpu = await useNodeBackend('webgpu', { env: {}, setDefault: false });
      expect(gpu.kind).toBe('webgpu');
      expect(Array.from(await add(tensor([1, 2], undefined, { backend: gpu.backend }), 1).data())).toEqual([2, 3]);
    }
  });
});
