/// <reference types="@webgpu/types" />
// Variant choice per device and shape. Defaults come from measurements (docs/benchmarks.md):
// on llvmpipe the best blocked plan beat the best tiled plan at every benchmarked shape (2–8×);
// on a real GPU (an H200) workgroup tiles won at every benchmarked shape; long reductions with a
// small output split K so more threads work.
// `setMatmulPlan` overrides (the autotuner writes its measured winners here).
import type { WebGPUBackend } from '../../backend.ts';
import { vec4Applies } from './vec4.wgsl.ts';
import { wideApplies } from './wide.wgsl.ts';

/** blocked: 4×4 per thread, scalar loads; vec4: the same with vec4 loads (aligned shapes); wide: 4×8 with vec4 loads (B contiguous along N); tiled: workgroup tiles. */
export type MatmulVariant = 'blocked' | 'vec4' | 'wide' | 'tiled';

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
  const aligned = vec4Applies(s.m, s.n, s.k, s.transA, s.transB);
  if (isCpuDriver(backend)) {
    // llvmpipe (docs/benchmarks.md): 4×8 'wide' beat 4×4 'vec4' by 1.4–1.6× on Gᵀ·x and x·W, vec4
    // beat scalar loads by 1.3–2.3×; with these kernels split-K no longer paid (0.85–0.95×).
    const variant: MatmulVariant = wideApplies(s.m, s.n, s.k, s.transA, s.transB) ? 'wide' : aligned ? 'vec4' : 'blocked';
    return { variant, slices: 1 };
  }
  // real GPUs (measured on an H200, docs/benchmarks.md): workgroup tiles won every shape, the skinny
  // ones too (the 4×4 vec4 plan ran Gᵀ·x = [r×N]·[N×d] 1.5× slower); split K only while the output
  // cannot fill the device and K ≥ 768: at K = 512 two slices lost (up to 25%), at K = 768–1024
  // three or four won up to 38% (x·Aᵀ, r ≥ 16).
  const units = s.batch * Math.ceil(s.m / 32) * Math.ceil(s.n / 32) * 64;
  return { variant: 'tiled', slices: splitKSlices(units, s.k, GPU_SPLIT.want, GPU_SPLIT.minK) };
}

/** Real GPUs: split K while the output's work items are fewer than `want` and K ≥ `minK` (see planMatmul). */
export const GPU_SPLIT = { want: 8192, minK: 768 } as const;

/**
 * Split-K slices for an output of `units` work items: enough slices to reach `want` items while
 * K ≥ `minK`, at most ⌊K/256⌋ and 64; 1 when the output alone reaches `want` or K is shorter.
 */
export function splitKSlices(units: number, k: number, want: number, minK: number): number {
  return units < want && k >= minK ? Math.min(64, Math.floor(k / 256), Math.ceil(want / Math.max(units, 1))) : 1;
}
