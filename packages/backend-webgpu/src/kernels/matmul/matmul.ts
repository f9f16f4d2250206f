/// <reference types="@webgpu/types" />
// Matmul dispatch: picks a variant per device and shape (see select.ts), handles batching and split-K.
import { type MatmulAttrs, broadcastStrides } from '@webpeft/tensor';
import type { GpuStorage, WebGPUBackend } from '../../backend.ts';
import { gpuKernel, numel } from '../_wgsl.ts';
import { SUM_SLICES, blockedShader, tiledShader, tiledVec4 } from './matmul.wgsl.ts';
import { vec4Applies, vec4Shader } from './vec4.wgsl.ts';
import { wideApplies, wideShader } from './wide.wgsl.ts';
import { type MatmulPlan, type MatmulShape, planMatmul } from './select.ts';

export function runMatmul(backend: WebGPUBackend, a: GPUBuffer, b: GPUBuffer, shape: MatmulShape, plan: MatmulPlan, batchMeta: number[]): GpuStorage {
  const { m, n, k, batch, transA, transB } = shape;
  // vec4 needs aligned rows; otherwise the same 4×4 blocking with scalar loads
  let variant = plan.variant;
  if (variant === 'wide' && !wideApplies(m, n, k, transA, transB)) variant = 'vec4';
  if (variant === 'vec4' && !vec4Applies(m, n, k, transA, transB)) variant = 'blocked';
  const slices = plan.slices;
  // vec4 reads along k need every slice to start on a multiple of 4
  const vec = variant === 'tiled' ? tiledVec4(m, n, k, transA, transB) : { a: false, b: false };
  const kChunk = variant === 'vec4' || (vec.a && !transA) ? Math.ceil(k / slices / 4) * 4 : Math.ceil(k / slices);
  const tile = variant === 'tiled' ? 32 : 4;
  const perBatch = Math.ceil(m / tile) * Math.ceil(n / (variant === 'wide' ? 8 : tile));
  const units = perBatch * batch * slices;
  const target = slices > 1 ? backend.alloc(slices * batch * m * n, 'split-K partials') : backend.alloc(batch * m * n);
  if (k === 0) {
    backend.clear(target.buffer, target.bytes);
  } else {
    backend.run({
      key: `matmul:${variant}:${transA}:${transB}${variant === 'tiled' ? `:${vec.a}:${vec.b}` : ''}`,
      code: () => (variant === 'tiled' ? tiledShader(transA, transB, vec.a, vec.b) : variant === 'vec4' ? vec4Shader(transA, transB) : variant === 'wide' ? wideShader(transA) : blockedShader(transA, transB)),
      meta: [units, m, n, k, kChunk, slices, ...batchMeta],
      inputs: [a, b],
      output: target.buffer,
      threads: variant === 'tiled' ? units * 64 : units,
    });
  }
  if (slices === 1) return target;
  const out = backend.alloc(batch * m * n);
  backend.run({ key: 'matmul:sum-slices', code: () => SUM_SLICES, meta: [batch * m * n, slices], inputs: [target.buffer], output: out.buffer, threads: batch * m * n });
  backend.release(target);
  return out;
}

gpuKernel<MatmulAttrs>('matmul', ({ inputs: [a, b], attrs, out, backend }) => {
  const r = out.shape.length;
  const [m, n] = [out.shape[r - 2]!, out.shape[r - 1]!];
  const k = attrs.transA ? a!.shape[a!.shape.length - 2]! : a!.shape[a!.shape.length - 1]!;
  const batchShape = out.shape.slice(0, -2);
  const batch = numel({ shape: batchShape, dtype: 'f32' });
  const shape: MatmulShape = { m, n, k, batch, transA: attrs.transA, transB: attrs.transB };
  const batchMeta = [batchShape.length, ...batchShape, ...broadcastStrides(a!.shape.slice(0, -2), batchShape), ...broadcastStrides(b!.shape.slice(0, -2), batchShape)];
  return runMatmul(backend, a!.storage.buffer, b!.storage.buffer, shape, planMatmul(backend, shape), batchMeta);
});
