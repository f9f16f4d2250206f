// @webpeft/backends: `useBackend()` — auto selection for browsers and Deno (navigator.gpu).
// Node users import '@webpeft/backends/node' (Dawn).
import type { BackendKind } from '@webpeft/backend-wasm';
import { acquireDevice } from '@webpeft/backend-webgpu';
import { type ActiveBackend, type UseBackendOptions, useBackendWith } from './use.ts';

export { type ActiveBackend, type UseBackendOptions, type AcquireDevice, useBackendWith } from './use.ts';
export { type BackendKind, selectBackend, isCpuAdapter } from '@webpeft/backend-wasm';

/** Pick (auto: WebGPU on a real GPU, WASM otherwise), create and install the default backend. */
export function useBackend(kind: BackendKind | 'auto' = 'auto', opts: UseBackendOptions = {}): Promise<ActiveBackend> {
  return useBackendWith(() => acquireDevice(), kind, opts);
}
