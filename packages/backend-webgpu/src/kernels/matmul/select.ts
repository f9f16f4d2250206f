/// <reference types="@webgpu/types" />
// Variant choice per device and shape. Defaults come from measurements (docs/benchmarks.md):
// CPU drivers (llvmpipe, SwiftShader) are fastest with register-blocked global loads, real GPUs
// with workgroup tiles; long reductions with a small output split K so more threads work.
// `setMatmulPlan` overrides (the autotuner writes its measured winners here).
import type { WebGPUBackend } from '../../backend.ts';

export type MatmulVariant = 'blocked' | 'tiled';

export interface MatmulShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

export interface MatmulPlan {
  readonly variant: MatmulVariant;
  /** K slices (split-K) summed by a second pass; 1 = no split. */
  readonly slices: number;
}

const overrides = new WeakMap<WebGPUBackend, Map<string, MatmulPlan>>();

/** Shape class used as the cache key (exact dims; autotune records per shape). */
export function shapeKey(s: MatmulShape): string {
  return `${s.batch}x${s.m}x${s.n}x${s.k}:${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`;
}

export function setMatmulPlan(backend: WebGPUBackend, shape: MatmulShape, plan: MatmulPlan): void {
  let m = overrides.get(backend);
  if (!m) overrides.set(backend, (m = new Map()));
  m.set(shapeKey(shape), plan);
}

export function isCpuDriver(backend: WebGPUBackend): boolean {
  const r = backend.report;
  const text = `${r.vendor} ${r.architecture} ${r.device} ${r.description}`.toLowerCase();
  return r.isFallback || /llvmpipe|swiftshader|lavapipe|softpipe|software/.test(text);
}

export function planMatmul(backend: WebGPUBackend, s: MatmulShape): MatmulPlan {
  const o = overrides.get(backend)?.get(shapeKey(s));
  if (o) return o;
  const variant: MatmulVariant = !isCpuDriver(backend) && s.m >= 32 && s.n >= 32 ? 'tiled' : 'blocked';
  const tile = variant === 'tiled' ? 32 : 4;
  const units = s.batch * Math.ceil(s.m / tile) * Math.ceil(s.n / tile) * (variant === 'tiled' ? 64 : 1);
  // split K when the output alone cannot occupy the device and K is long: Gᵀ·(x·Aᵀ) = [r×N]·[N×d]
  const want = isCpuDriver(backend) ? 256 : 8192;
  let slices = 1;
  if (units < want && s.k >= 512) slices = Math.min(64, Math.max(1, Math.floor(s.k / 256)), Math.ceil(want / Math.max(units, 1)));
  return { variant, slices };
}
