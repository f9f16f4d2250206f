// Register-blocked 4×4 matmul with vec4 loads along the contiguous axis of each operand
// (llvmpipe and other CPU drivers vectorise these well). Needs 4-aligned rows along the loaded
// axis; `vec4Applies` says when. Same prm layout and split-K contract as matmul.wgsl.ts.
import { STRIDED } from '../_wgsl.ts';
import { LOCATE, STORE } from './matmul.wgsl.ts';

/** vec4 loads need the loaded axis to be a multiple of 4 (and so every row offset). */
export function vec4Applies(m: number, n: number, k: number, transA: boolean, transB: boolean): boolean {
  if (transA && transB) return false;
  if (!transB) return n % 4 === 0 && (!transA || m % 4 === 0);
  return k % 4 === 0;
}

export function vec4Shader(transA: boolean, transB: boolean): string {
  const aVec = transA || transB; // A read as vec4 along i (transA) or along k (NT)
  const bVec = true;
  const body = transB
    ? // NT: x·Wᵀ — both operands contiguous along k: 4×4 block of dot products per 4 k-steps
      `for (var k = k0; k < k1; k += 4u) {
    var a: array<vec4f, 4>;
    var b: array<vec4f, 4>;
    for (var r = 0u; r < 4u; r++) { a[r] = in0[(aOff + min(row0 + r, M - 1u) * K + k) / 4u]; }
    for (var c = 0u; c < 4u; c++) { b[c] = in1[(bOff + min(col0 + c, N - 1u) * K + k) / 4u]; }
    for (var r = 0u; r < 4u; r++) {
      acc[r] += vec4f(dot(a[r], b[0]), dot(a[r], b[1]), dot(a[r], b[2]), dot(a[r], b[3]));
    }
  }`
    : transA
      ? // TN: Gᵀ·x — A contiguous along i, B along j: an outer product per k
        `for (var k = k0; k < k1; k++) {
    let a = in0[(aOff + k * M + row0) / 4u];
    let b = in1[(bOff + k * N + col0) / 4u];
    acc[0] += a.x * b; acc[1] += a.y * b; acc[2] += a.z * b; acc[3] += a.w * b;
  }`
      : // NN: B contiguous along j; A scalar per row
        `for (var k = k0; k < k1; k++) {
    let b = in1[(bOff + k * N + col0) / 4u];
    for (var r = 0u; r < 4u; r++) { acc[r] += in0[aOff + min(row0 + r, M - 1u) * K + k] * b; }
  }`;
  return `@group(0) @binding(0) var<storage, read> prm: array<u32>;
@group(0) @binding(1) var<storage, read> in0: array<${aVec ? 'vec4f' : 'f32'}>;
@group(0) @binding(2) var<storage, read> in1: array<${bVec ? 'vec4f' : 'f32'}>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${STRIDED}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  let inRange = flat < prm[0];
  let unit = min(flat, prm[0] - 1u);
  ${LOCATE(4)}
  var acc: array<vec4f, 4>;
  ${body}
  ${STORE('row0', 'col0')}
}`;
}
