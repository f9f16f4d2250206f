// Matmul shaders. `A(i,k)` / `B(k,j)` read the stored layouts directly, so transposed operands
// (nn.Linear's W [out×in]) cost no copy.
//   blocked: one thread computes a 4×4 block of C from global memory (fast on CPU drivers such as llvmpipe)
//   tiled:   a workgroup computes a 32×32 tile through workgroup memory holding vec4s (fast on real GPUs)
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

/** Whether the tiled kernel reads A / B as vec4 along their contiguous axis (A [M×K] along k, A [K×M] along i, B [K×N] along j; B [N×K] stays scalar). */
export function tiledVec4(m: number, n: number, k: number, transA: boolean, transB: boolean): { readonly a: boolean; readonly b: boolean } {
  return { a: transA ? m % 4 === 0 : k % 4 === 0, b: !transB && n % 4 === 0 };
}

/**
 * A workgroup of 64 threads computes a 32×32 tile of C, each thread a 4×4 block, through
 * workgroup memory that holds vec4s, 32 k-steps per tile. A sits there as rows of k-vectors when
 * it is stored [M×K] and as k-rows of i-vectors when stored [K×M] (Gᵀ·x), B always as k-rows of
 * j-vectors, so every tile is copied with the threads running along the operand's contiguous axis
 * (a warp's global reads coalesce) and, where that axis is a multiple of 4 (`tiledVec4`), with one
 * vec4 read per 4 elements. Per 4 k-steps a thread reads 8 vec4 from workgroup memory for 64
 * multiply-adds.
 */
export function tiledShader(transA: boolean, transB: boolean, vecA: boolean, vecB: boolean): string {
  const at = transA ? 'k * prm[1] + i' : 'i * prm[3] + k';
  const bt = transB ? 'j * prm[3] + k' : 'k * prm[2] + j';
  // scalar element reads, zero outside [0, M) × [k0, k1) (resp. [k0, k1) × [0, N))
  const elemA = vecA ? '' : `fn eA(off: u32, i: u32, k: u32, M: u32, k1: u32) -> f32 { return select(0.0, A(off, min(i, M - 1u), min(k, k1 - 1u)), i < M && k < k1); }
fn A(off: u32, i: u32, k: u32) -> f32 { return in0[off + ${at}]; }`;
  const elemB = vecB ? '' : `fn eB(off: u32, k: u32, j: u32, N: u32, k1: u32) -> f32 { return select(0.0, B(off, min(k, k1 - 1u), min(j, N - 1u)), k < k1 && j < N); }
fn B(off: u32, k: u32, j: u32) -> f32 { return in1[off + ${bt}]; }`;
  // one vec4 of the A tile per (idx): [M×K] → As[r·8 + k4] (k-vector), [K×M] → As[kr·8 + i4] (i-vector)
  const loadA = transA
    ? `let i4 = idx % 8u; let kr = idx / 8u; let i = row0 + i4 * 4u; let k = kt + kr;
        As[idx] = ${vecA ? 'select(vec4f(0.0), in0[(aOff + min(k, K - 1u) * M + min(i, M - 4u)) / 4u], i < M && k < k1)' : 'vec4f(eA(aOff, i, k, M, k1), eA(aOff, i + 1u, k, M, k1), eA(aOff, i + 2u, k, M, k1), eA(aOff, i + 3u, k, M, k1))'};`
    : `let r = idx / 8u; let k4 = idx % 8u; let i = row0 + r; let k = kt + k4 * 4u;
        As[idx] = ${vecA ? 'select(vec4f(0.0), in0[(aOff + min(i, M - 1u) * K + min(k, K - 4u)) / 4u], i < M && k < k1)' : 'vec4f(eA(aOff, i, k, M, k1), eA(aOff, i, k + 1u, M, k1), eA(aOff, i, k + 2u, M, k1), eA(aOff, i, k + 3u, M, k1))'};`;
  // B tile: Bs[kr·8 + c4] = B(kt + kr, col0 + 4·c4 + 0..3); [N×K] is read with consecutive threads along k
  const loadB = vecB
    ? `let c4 = idx % 8u; let kr = idx / 8u; let j = col0 + c4 * 4u; let k = kt + kr;
        Bs[idx] = select(vec4f(0.0), in1[(bOff + min(k, K - 1u) * N + min(j, N - 4u)) / 4u], k < k1 && j < N);`
    : `let kr = ${transB ? 'idx % 32u; let c4 = idx / 32u;' : 'idx / 8u; let c4 = idx % 8u;'} let j = col0 + c4 * 4u; let k = kt + kr;
        Bs[kr * 8u + c4] = vec4f(eB(bOff, k, j, N, k1), eB(bOff, k, j + 1u, N, k1), eB(bOff, k, j + 2u, N, k1), eB(bOff, k, j + 3u, N, k1));`;
  const inner = transA
    ? // A as i-vectors: an outer product per k-step
      `for (var kr = 0u; kr < 32u; kr++) {
      let a = As[kr * 8u + ty];
      let b = Bs[kr * 8u + tx];
      acc[0] = fma(vec4f(a.x), b, acc[0]);
      acc[1] = fma(vec4f(a.y), b, acc[1]);
      acc[2] = fma(vec4f(a.z), b, acc[2]);
      acc[3] = fma(vec4f(a.w), b, acc[3]);
    }`
    : // A as k-vectors: 4 k-rows of B per vec4 of A
      `for (var k4 = 0u; k4 < 8u; k4++) {
      let b0 = Bs[k4 * 32u + tx];
      let b1 = Bs[k4 * 32u + 8u + tx];
      let b2 = Bs[k4 * 32u + 16u + tx];
      let b3 = Bs[k4 * 32u + 24u + tx];
      for (var rr = 0u; rr < 4u; rr++) {
        let a = As[(ty * 4u + rr) * 8u + k4];
        acc[rr] = fma(vec4f(a.x), b0, fma(vec4f(a.y), b1, fma(vec4f(a.z), b2, fma(vec4f(a.w), b3, acc[rr]))));
      }
    }`;
  return `@group(0) @binding(0) var<storage, read> prm: array<u32>;
@group(0) @binding(1) var<storage, read> in0: array<${vecA ? 'vec4f' : 'f32'}>;
@group(0) @binding(2) var<storage, read> in1: array<${vecB ? 'vec4f' : 'f32'}>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${STRIDED}
${elemA}
${elemB}
var<workgroup> As: array<vec4f, 256>;
var<workgroup> Bs: array<vec4f, 256>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x;
  let inRange = g < prm[0];
  let unit = min(g, prm[0] - 1u);
  ${LOCATE(32)}
  let ty = lid / 8u;
  let tx = lid % 8u;
  var acc: array<vec4f, 4>;
  for (var kt = k0; kt < k1; kt += 32u) {
    for (var e = 0u; e < 4u; e++) {
      let idx = lid + e * 64u;
      {
        ${loadA}
      }
      {
        ${loadB}
      }
    }
    workgroupBarrier();
    ${inner}
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
