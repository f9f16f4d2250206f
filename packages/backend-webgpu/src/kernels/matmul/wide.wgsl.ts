// A 4×8 register block per thread with vec4 loads, for operands whose B is contiguous along N
// (plain layouts and Gᵀ·x): 32 multiply-adds per 3 (TN) or 6 (NN) loads, twice the reuse of the
// 4×4 block. `wideApplies` says when; same prm layout and split-K contract as the other variants.
import { STRIDED } from '../_wgsl.ts';
import { LOCATE } from './matmul.wgsl.ts';

export function wideApplies(m: number, n: number, _k: number, transA: boolean, transB: boolean): boolean {
  return !transB && n % 8 === 0 && (!transA || m % 4 === 0);
}

export function wideShader(transA: boolean): string {
  const body = transA
    ? `for (var k = k0; k < k1; k++) {
    let a = in0[(aOff + k * M + row0) / 4u];
    let b0 = in1[(bOff + k * N + col0) / 4u];
    let b1 = in1[(bOff + k * N + col0) / 4u + 1u];
    lo[0] += a.x * b0; lo[1] += a.y * b0; lo[2] += a.z * b0; lo[3] += a.w * b0;
    hi[0] += a.x * b1; hi[1] += a.y * b1; hi[2] += a.z * b1; hi[3] += a.w * b1;
  }`
    : `for (var k = k0; k < k1; k++) {
    let b0 = in1[(bOff + k * N + col0) / 4u];
    let b1 = in1[(bOff + k * N + col0) / 4u + 1u];
    for (var r = 0u; r < 4u; r++) {
      let a = in0[aOff + min(row0 + r, M - 1u) * K + k];
      lo[r] += a * b0;
      hi[r] += a * b1;
    }
  }`;
  return `@group(0) @binding(0) var<storage, read> prm: array<u32>;
@group(0) @binding(1) var<storage, read> in0: array<${transA ? 'vec4f' : 'f32'}>;
@group(0) @binding(2) var<storage, read> in1: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4f>;
${STRIDED}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  let inRange = flat < prm[0];
  let unit = min(flat, prm[0] - 1u);
  ${LOCATE(4, 8)}
  var lo: array<vec4f, 4>;
  var hi: array<vec4f, 4>;
  ${body}
  for (var rr = 0u; rr < 4u; rr++) {
    let row = row0 + rr;
    if (row < M && inRange) {
      out[(cOff + row * N + col0) / 4u] = lo[rr];
      out[(cOff + row * N + col0) / 4u + 1u] = hi[rr];
    }
  }
}`;
}
