// Node entry: the WebGPU probe goes through Dawn (the `webgpu` package).
import type { BackendKind } from '@webpeft/backend-wasm';
import { getNodeDevice } from '@webpeft/backend-webgpu/node';
import { type ActiveBackend, type UseBackendOptions, useBackendWith } from './use.ts';

export * from './mod.ts';

/** Pick (auto: WebGPU on a real GPU, WASM on llvmpipe/SwiftShader or without an adapter), create and install the default backend. */
export function useNodeBackend(kind: BackendKind | 'auto' = 'auto', opts: UseBackendOptions = {}): Promise<ActiveBackend> {
  return useBackendWith(() => getNodeDevice(), kind, opts);
}
