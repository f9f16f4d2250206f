// Public surface of @webpeft/backend-wasm: importing it registers every wasm kernel.
import './kernels/elementwise.ts';
import './kernels/reduce.ts';
import './kernels/layout.ts';
import './kernels/indexing.ts';
import './kernels/nn.ts';
import './kernels/matmul.ts';

export { WASM, WasmBackend, wasmBackend, DEFAULT_PACK_CACHE_BYTES, CHUNKS_PER_THREAD, type WasmBackendOptions, type WasmMemoryInfo } from './backend.ts';
export { PackCache, packedBytes, type PackCacheStats } from './pack-cache.ts';
export { WasmLoadError, WasmMemoryError, WasmWorkerError } from './errors.ts';
export { Heap, sizeClass, WASM32_MAX_BYTES, type HeapStats, type WasmStorage } from './heap.ts';
export { WorkerPool, type PoolOptions } from './pool.ts';
export { type KernelExports, wasmFile, relaxedSimdSupported, enableNodeRelaxedSimd } from './module.ts';
export { runGemm, planChunks } from './kernels/matmul.ts';
export { selectBackend, isCpuAdapter, type BackendKind, type BackendChoice, type WebGPUProbe, type SelectOptions } from './select.ts';
