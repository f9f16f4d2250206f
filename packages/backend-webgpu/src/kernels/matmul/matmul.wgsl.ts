// Matmul shaders. `A(i,k)` / `B(k,j)` read the stored layouts directly, so transposed operands
// (nn.Linear's W [out×in]) cost no copy.
//   blocked: one thread computes a 4×4 block of C from global memory (fast on CPU drivers such as llvmpipe)
//   tiled:   a workgroup computes a 32×32 tile through workgroup memory (fast on real GPUs)
// Both take a K range per z-slice (split-K writes partial products that a reduction sums).
// prm: [units, M, N, K, kChunk, slices, batchRank, batchShape, aBatchStrides, bBatchStrides]

import { STRIDED } from '../_wgsl.ts';

function access(transA: boolean, transB: boolean): string {
  return `
fn A(off: u32, i: u32, k: u32) -> f32 { return in0[off + ${transA ? 'k * prm[1] + i' : 'i * prm[3] + k'}]; }
fn B(off: u32, k: u32, j: u32) -> f32 { return in1[off + ${transB ? 'j * prm[3] + k' : 'k * prm[2] + j'}]; }`;
}

const HEADER = `@group(0) @binding(0) var<storage, read> prm: array<u32>;
@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;`;

/** Decode a unit index into (slice, batch, tile of tileM×tileN) and the batch operand offsets (shared by every variant). */
export const LOCATE = (tileM: number, tileN = tileM): string => `
  let M = prm[1]; let N = prm[2]; let K = prm[3];
  let tilesM = (M + ${tileM - 1}u) / ${tileM}u;
  let tilesN = (N + ${tileN - 1}u) / ${tileN}u;
  let perBatch = tilesM * tilesN;
  let batches = prm[0] / (perBatch * prm[5]);
  let slice = unit / (perBatch * batches);
  let bt = (unit / perBatch) % batches;
  let r = unit % perBatch;
  let row0 = (r / tilesN) * ${tileM}u;
  let col0 = (r % tilesN) * ${tileN}u;
  let br = prm[6];
  let aOff = strided(bt, br, 7u, 7u + br) * M * K;
  let bOff = strided(bt, br, 7u, 7u + 2u * br) * K * N;
  let cOff = (slice * batches + bt) * M * N;
  let k0 = slice * prm[4];
  let k1 = min(K, k0 + prm[4]);`;

/** Write the 4×4 accumulator block `acc` (rows from rowExpr, columns from colExpr), skipping the ragged edge. */
export const STORE = (rowExpr: string, colExpr: string): string => `
  for (var rr = 0u; rr < 4u; rr++) {
    let row = ${rowExpr} + rr;
    if (row >= M) { break; }
    for (var c = 0u; c < 4u; c++) {
      let col = ${colExpr} + c;
      if (col < N && inRange) { out[cOff + row * N + col] = acc[rr][c]; }
    }
  }`;

export function blockedShader(transA: boolean, transB: boolean): string {
  return `${HEADER}
${STRIDED}
${access(transA, transB)}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  let inRange = flat < prm[0];
  let unit = min(flat, prm[0] - 1u);
  ${LOCATE(4)}
  var acc: array<vec4f, 4>;
  let cols = vec4u(min(col0, N - 1u), min(col0 + 1u, N - 1u), min(col0 + 2u, N - 1u), min(col0 + 3u, N - 1u));
  let rows = vec4u(min(row0, M - 1u), min(row0 + 1u, M - 1u), min(row0 + 2u, M - 1u), min(row0 + 3u, M - 1u));
  for (var k = k0; k < k1; k++) {
    let b = vec4f(B(bOff, k, cols.x), B(bOff, k, cols.y), B(bOff, k, cols.z), B(bOff, k, cols.w));
    acc[0] += A(aOff, rows.x, k) * b;
    acc[1] += A(aOff, rows.y, k) * b;
    acc[2] += A(aOff, rows.z, k) * b;
    acc[3] += A(aOff, rows.w, k) * b;
  }
  ${STORE('row0', 'col0')}
}`;
}

export function tiledShader(transA: boolean, transB: boolean): string {
  return `${HEADER}
${STRIDED}
${access(transA, transB)}
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x;
  let inRange = g < prm[0];
  let unit = min(g, prm[0] - 1u);
  ${LOCATE(32)}
  let ty = lid / 8u;
  let tx = lid % 8u;
  var acc: array<vec4f, 4>;
  for (var kt = k0; kt < k1; kt += 32u) {
    for (var e = 0u; e < 16u; e++) {
      let idx = lid + e * 64u;
      let r = idx / 32u;
      let c = idx % 32u;
      let ai = row0 + r; let ak = kt + c;
      As[idx] = select(0.0, A(aOff, min(ai, M - 1u), min(ak, K - 1u)), ai < M && ak < k1);
      let bk = kt + r; let bj = col0 + c;
      Bs[idx] = select(0.0, B(bOff, min(bk, K - 1u), min(bj, N - 1u)), bk < k1 && bj < N);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 32u; kk++) {
      let b = vec4f(Bs[kk * 32u + tx * 4u], Bs[kk * 32u + tx * 4u + 1u], Bs[kk * 32u + tx * 4u + 2u], Bs[kk * 32u + tx * 4u + 3u]);
      for (var rr = 0u; rr < 4u; rr++) { acc[rr] += As[(ty * 4u + rr) * 32u + kk] * b; }
    }
    workgroupBarrier();
  }
  ${STORE('row0 + ty * 4u', 'col0 + tx * 4u')}
}`;
}

/** out[j] = Σ_s partial[s·n + j] (split-K epilogue). prm: [n, slices] */
export const SUM_SLICES = `@group(0) @binding(0) var<storage, read> prm: array<u32>;
@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= prm[0]) { return; }
  var s = 0.0;
  for (var k = 0u; k < prm[1]; k++) { s += in0[k * prm[0] + i]; }
  out[i] = s;
}`;
