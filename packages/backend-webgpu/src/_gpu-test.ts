// Shared by the GPU tests: one backend per test file, or a visible reason to skip.
import type { WebGPUBackend } from './backend.ts';
import { nodeWebGPUBackend } from './node.ts';

export async function tryBackend(): Promise<{ backend: WebGPUBackend | null; reason: string }> {
  try {
    const backend = await nodeWebGPUBackend();
    return { backend, reason: '' };
  } catch (e) {
    const reason = `no WebGPU adapter: ${(e as Error).message}`;
    console.warn(`[backend-webgpu] skipping GPU tests — ${reason}`);
    return { backend: null, reason };
  }
}
