// The backend decision table: auto picks WebGPU only on a real GPU; CPU fallbacks and no adapter
// mean wasm; a request or WEBPEFT_BACKEND forces one.
import { describe, expect, it } from 'vitest';
import { type WebGPUProbe, selectBackend } from './mod.ts';
import { isCpuAdapter } from './select.ts';

const gpu: WebGPUProbe = { isFallbackAdapter: false, vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' };
const llvmpipe: WebGPUProbe = { isFallbackAdapter: false, vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.7, 256 bits)' };
const swiftshader: WebGPUProbe = { isFallbackAdapter: false, vendor: 'google', description: 'SwiftShader Device (Subzero)' };
const fallback: WebGPUProbe = { isFallbackAdapter: true };

const probe = (a: WebGPUProbe | null | Error) => async () => {
  if (a instanceof Error) throw a;
  return a;
};

describe('selectBackend', () => {
  const table: [string, WebGPUProbe | null | Error, string][] = [
    ['a real GPU', gpu, 'webgpu'],
    ['llvmpipe', llvmpipe, 'wasm'],
    ['SwiftShader', swiftshader, 'wasm'],
    ['isFallbackAdapter', fallback, 'wasm'],
    ['no adapter', null, 'wasm'],
    ['a probe that throws', new Error('no navigator.gpu'), 'wasm'],
  ];
  for (const [what, adapter, kind] of table) {
    it(`auto with ${what} → ${kind}`, async () => {
      const c = await selectBackend('auto', { probeWebGPU: probe(adapter), env: {} });
      expect(c.kind).toBe(kind);
      expect(c.reason).toMatch(/^auto: /);
    });
  }

  it('a request is obeyed without probing', async () => {
    let probed = false;
    for (const kind of ['cpu', 'wasm', 'webgpu'] as const) {
      const c = await selectBackend(kind, { probeWebGPU: async () => ((probed = true), gpu), env: {} });
      expect(c).toMatchObject({ kind, adapter: null });
    }
    expect(probed).toBe(false);
  });

  it('WEBPEFT_BACKEND wins over the request and auto', async () => {
    expect((await selectBackend('webgpu', { env: { WEBPEFT_BACKEND: 'cpu' } })).kind).toBe('cpu');
    expect((await selectBackend('auto', { probeWebGPU: probe(gpu), env: { WEBPEFT_BACKEND: 'WASM' } })).reason).toBe('forced by WEBPEFT_BACKEND=wasm');
    expect((await selectBackend('auto', { probeWebGPU: probe(gpu), env: { WEBPEFT_BACKEND: 'auto' } })).kind).toBe('webgpu');
    await expect(selectBackend('auto', { env: { WEBPEFT_BACKEND: 'tpu' } })).rejects.toThrow(/WEBPEFT_BACKEND=tpu is not one of auto, cpu, wasm, webgpu/);
  });

  it('auto without a probe runs on wasm and says why', async () => {
    expect(await selectBackend('auto', { env: {} })).toEqual({ kind: 'wasm', reason: 'auto: no WebGPU probe given', adapter: null });
  });

  it('recognises CPU drivers by name', () => {
    expect([gpu, llvmpipe, swiftshader, fallback, { isFallbackAdapter: false, description: 'lavapipe' }].map(isCpuAdapter)).toEqual([false, true, true, true, true]);
  });
});
