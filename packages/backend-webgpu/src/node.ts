/// <reference types="@webgpu/types" />
// Node entry point: Dawn through the `webgpu` package. A real GPU uses Dawn's default backend
// (Vulkan/Metal/D3D12, core); a CPU-only Linux machine falls back to OpenGL ES on Mesa llvmpipe
// (compatibility feature level). Node-only APIs stay in this file.
import { type AcquiredDevice, type DeviceOptions, deviceFromGpu } from './device.ts';
import { NoAdapterError } from './errors.ts';
import { type WebGPUBackend, createWebGPUBackend } from './backend.ts';

export type DawnBackend = 'default' | 'vulkan' | 'opengles' | 'metal' | 'd3d12';

export interface NodeDeviceOptions extends DeviceOptions {
  /** Force one Dawn backend (default: try 'default', then 'opengles'). Env WEBPEFT_DAWN_BACKEND also works. */
  readonly dawnBackend?: DawnBackend;
  /** Extra Dawn toggles passed to `create()`. */
  readonly dawnFlags?: readonly string[];
}

interface WebGPUModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let dawn: WebGPUModule | null = null;
const instances: unknown[] = []; // Dawn instances must outlive their devices

async function loadDawn(): Promise<WebGPUModule> {
  if (dawn) return dawn;
  // Mesa's EGL needs these on a headless machine; set before Dawn loads.
  process.env['XDG_RUNTIME_DIR'] ??= '/tmp';
  process.env['EGL_PLATFORM'] ??= 'surfaceless';
  try {
    const name = 'webgpu';
    dawn = (await import(name)) as WebGPUModule;
  } catch (e) {
    throw new NoAdapterError(`the 'webgpu' package (Dawn for Node) could not be loaded: ${(e as Error).message}; install it with npm install webgpu`);
  }
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  return dawn;
}

/** A device from Dawn, trying the native backend first and OpenGL ES (llvmpipe) second. */
export async function getNodeDevice(opts: NodeDeviceOptions = {}): Promise<AcquiredDevice> {
  const mod = await loadDawn();
  const forced = opts.dawnBackend ?? (process.env['WEBPEFT_DAWN_BACKEND'] as DawnBackend | undefined);
  const order: DawnBackend[] = forced ? [forced] : ['default', 'opengles'];
  const tried: string[] = [];
  for (const backend of order) {
    const flags = [...(backend === 'default' ? [] : [`backend=${backend}`]), ...(opts.dawnFlags ?? [])];
    const gpu = mod.create(flags);
    instances.push(gpu);
    const featureLevel = opts.featureLevel ?? (backend === 'opengles' ? 'compatibility' : undefined);
    const got = await deviceFromGpu(gpu, { ...opts, ...(featureLevel ? { featureLevel } : {}) }, `dawn/${backend}`, gpu);
    if (got) return got;
    tried.push(backend);
  }
  throw new NoAdapterError(`Dawn found no WebGPU adapter (tried backends: ${tried.join(', ')}). On a CPU-only Linux machine install Mesa: apt-get install libvulkan1 mesa-vulkan-drivers libegl1 libegl-mesa0 libgles2`);
}

/** A WebGPU backend on Dawn in Node. */
export async function nodeWebGPUBackend(opts: NodeDeviceOptions = {}): Promise<WebGPUBackend> {
  return createWebGPUBackend(await getNodeDevice(opts));
}

export * from './mod.ts';
