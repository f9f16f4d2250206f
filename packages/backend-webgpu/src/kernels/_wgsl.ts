/// <reference types="@webgpu/types" />
// Shared WGSL building blocks and the kernel registration helper.
import { type DType, type KernelArgs, type TensorMeta, registerKernel } from '@webpeft/tensor';
import { type GpuStorage, WEBGPU, type WebGPUBackend } from '../backend.ts';

export const WG = 64;

/** WGSL element type of a dtype's storage (bool is stored as u32). */
export function wgslType(d: DType): 'f32' | 'i32' | 'u32' {
  return d === 'f32' ? 'f32' : d === 'i32' ? 'i32' : 'u32';
}

/** Binding declarations: meta at 0, inputs read-only, output read_write last. */
export function bindings(inputs: readonly string[], output: string, outAtomic = false): string {
  const lines = ['@group(0) @binding(0) var<storage, read> prm: array<u32>;'];
  inputs.forEach((t, i) => lines.push(`@group(0) @binding(${i + 1}) var<storage, read> in${i}: array<${t}>;`));
  lines.push(`@group(0) @binding(${inputs.length + 1}) var<storage, read_write> out: array<${outAtomic ? `atomic<${output}>` : output}>;`);
  return lines.join('\n');
}

/** Entry point header: `i` is the flat invocation index (x spills into y past 65535 groups). */
export function main(wg = WG): string {
  return `@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * ${wg}u;`;
}

/** Offset of flat output index `i` in an input read through strides (0 = broadcast). */
export const STRIDED = `
fn strided(i: u32, rank: u32, shapeAt: u32, strideAt: u32) -> u32 {
  var rem = i;
  var off = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let s = prm[shapeAt + u32(d)];
    off += (rem % s) * prm[strideAt + u32(d)];
    rem = rem / s;
  }
  return off;
}`;

export type GpuKernelArgs<A> = KernelArgs<A, GpuStorage> & { readonly backend: WebGPUBackend };

export function gpuKernel<A>(op: string, fn: (args: GpuKernelArgs<A>) => GpuStorage): void {
  registerKernel<A, GpuStorage>(WEBGPU, op, (args) => fn(args as GpuKernelArgs<A>));
}

export function numel(t: TensorMeta): number {
  return t.shape.reduce((a, d) => a * d, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}
