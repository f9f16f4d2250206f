/// <reference types="@webgpu/types" />
// Public surface of @webpeft/backend-webgpu (runtime-neutral: navigator.gpu or a GPU you pass in).
// Node users import '@webpeft/backend-webgpu/node' for Dawn.
import './kernels/elementwise.ts';
import './kernels/reduce.ts';
import './kernels/layout.ts';
import './kernels/indexing.ts';
import './kernels/nn.ts';
import './kernels/matmul/matmul.ts';

import { createWebGPUBackend, type WebGPUBackend } from './backend.ts';
import { type DeviceOptions, acquireDevice } from './device.ts';

export { WEBGPU, WebGPUBackend, createWebGPUBackend, f32Bits, type GpuStorage, type Dispatch } from './backend.ts';
export { acquireDevice, allLimits, type AcquiredDevice, type AdapterReport, type DeviceOptions, type FeatureLevel } from './device.ts';
export { NoAdapterError, DeviceLostError, GpuMemoryError, GpuValidationError } from './errors.ts';
export { sizeClass, type PoolStats } from './pool.ts';
export { planMatmul, setMatmulPlan, isCpuDriver, shapeKey, type MatmulPlan, type MatmulShape, type MatmulVariant } from './kernels/matmul/select.ts';

/** A WebGPU backend on navigator.gpu (browsers, Deno) or on the GPU object you pass. */
export async function webgpuBackend(opts: DeviceOptions = {}): Promise<WebGPUBackend> {
  return createWebGPUBackend(await acquireDevice(opts));
}
export { autotuneMatmul, autotuneCache, importAutotune, type AutotuneCache, type AutotuneEntry } from './kernels/matmul/autotune.ts';
