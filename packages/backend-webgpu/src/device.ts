/// <reference types="@webgpu/types" />
// Acquire a GPUDevice from any WebGPU implementation: Dawn's Node bindings, Deno's or a browser's navigator.gpu.
import { NoAdapterError } from './errors.ts';

export type FeatureLevel = 'core' | 'compatibility';

export interface DeviceOptions {
  /** A GPU entry point (navigator.gpu, or the object `create()` from the `webgpu` package returns). */
  readonly gpu?: GPU;
  readonly powerPreference?: GPUPowerPreference;
  /** Ask for this feature level only (default: core, then compatibility). */
  readonly featureLevel?: FeatureLevel;
  /** Accept a software/fallback adapter (default true: CI and CPU-only machines need it). */
  readonly allowFallback?: boolean;
}

export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly featureLevel: FeatureLevel;
  readonly isFallback: boolean;
  /** Which WebGPU implementation and backend (e.g. "dawn/opengles", "navigator.gpu"). */
  readonly via: string;
}

export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter;
  readonly report: AdapterReport;
  /** Keep this referenced for the device's whole life (Dawn crashes if its instance is collected). */
  readonly keepAlive: unknown;
}

/** Every limit the adapter offers: compatibility defaults are below what the kernels use. */
export function allLimits(adapter: GPUAdapter): Record<string, number> {
  const out: Record<string, number> = {};
  const limits = adapter.limits as unknown as Record<string, number>;
  for (const k in limits) {
    const v = limits[k];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}

export async function requestAdapter(gpu: GPU, opts: DeviceOptions): Promise<{ adapter: GPUAdapter; featureLevel: FeatureLevel } | null> {
  const levels: FeatureLevel[] = opts.featureLevel ? [opts.featureLevel] : ['core', 'compatibility'];
  for (const featureLevel of levels) {
    const req: GPURequestAdapterOptions & { featureLevel?: string } = { featureLevel };
    if (opts.powerPreference) req.powerPreference = opts.powerPreference;
    let adapter: GPUAdapter | null = null;
    try {
      adapter = await gpu.requestAdapter(req);
    } catch {
      adapter = null;
    }
    if (!adapter) continue;
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    if (opts.allowFallback === false && info?.isFallbackAdapter) continue;
    const isCore = featureLevel === 'core' && !(adapter as unknown as { featureLevel?: string }).featureLevel?.startsWith('compat');
    return { adapter, featureLevel: isCore ? 'core' : 'compatibility' };
  }
  return null;
}

/** Request a device with every adapter limit, and report what was found. */
export async function deviceFromGpu(gpu: GPU, opts: DeviceOptions, via: string, keepAlive: unknown): Promise<AcquiredDevice | null> {
  const found = await requestAdapter(gpu, opts);
  if (!found) return null;
  const { adapter, featureLevel } = found;
  const device = await adapter.requestDevice({ requiredLimits: allLimits(adapter) });
  const info = (adapter.info ?? {}) as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    device,
    adapter,
    keepAlive,
    report: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      featureLevel,
      isFallback: !!info.isFallbackAdapter,
      via,
    },
  };
}

/** navigator.gpu (browsers, Deno), or a GPU passed in. */
export async function acquireDevice(opts: DeviceOptions = {}): Promise<AcquiredDevice> {
  const gpu = opts.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new NoAdapterError('WebGPU is not available here: no navigator.gpu (in Node, use getNodeDevice() from @webpeft/backend-webgpu/node)');
  const got = await deviceFromGpu(gpu, opts, opts.gpu ? 'gpu' : 'navigator.gpu', gpu);
  if (!got) throw new NoAdapterError(`no WebGPU adapter found${opts.featureLevel ? ` at feature level '${opts.featureLevel}'` : ''}${opts.allowFallback === false ? ' (fallback adapters excluded)' : ''}`);
  return got;
}
