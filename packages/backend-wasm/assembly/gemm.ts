// Single-precision GEMM with SIMD128: C[m0:m1, n0:n1] = op(A)·op(B) over K, row-major C.
// Goto/BLIS structure: B is packed in KC×NC blocks (panels of NR columns), A in MC×KC blocks
// (panels of MR rows), and a 4×8 register-blocked f32x4 micro-kernel runs over them: 8 accumulators
// + 2 B vectors + 1 A vector (+ 1 product without FMA) = 11–12 of the 16 v128 registers.
// Two builds from this source (ASC_FEATURE_RELAXED_SIMD): the portable one multiplies and adds;
// under Node 20's V8 its loop is bound by instruction dispatch, so A is packed pre-broadcast. The
// Relaxed SIMD one uses FMA and is bound by the FMA pipes (≈ 53 GFLOP/s in L1 on the AVX-512
// host, 14.5 of 16 flop/cycle), so A is packed compactly. Measured alternatives, all slower: 5×8,
// 6×8 and 7×8 tiles (spills; with FMA too: 34, 38, 29 GFLOP/s), k unrolled (TurboFan hoists the
// loads and spills).
// LoRA's skinny products read an operand in place instead of packing it: B stored [K×N] when few
// row panels reuse it (Gᵀ·(x·Aᵀ)), A stored [M×K] when few B panels do (x·Aᵀ, N = r).
// Transposed operands are handled by the packing routines, so x·Wᵀ (nn.Linear) costs one pack, and
// a weight the host has packed once (packBAll, cached per tensor in src/pack-cache.ts) costs none:
// small-M products then stream its panels in order (33–35 → 50–51 GFLOP/s at [8|16×512]·[512×1024]).
// Micro-kernels in gemm-kernels.ts, packing in gemm-pack.ts; this file holds the blocked drivers.
import { AEL, MR, NR, kernel4x8, kernel4x8s } from './gemm-kernels';
import { packA, packB } from './gemm-pack';

export const KC: i32 = 256;
export const MC: i32 = 64; // a multiple of MR
export const NC: i32 = 512;
/** With FMA, column blocks at most this wide run k blocks of 4·KC (fewer passes over C, longer kernel runs). */
const NC_LONG_K: i32 = 128;

/** Bytes of per-thread scratch gemm needs: packed A block (pre-broadcast at most), packed B block, an edge panel and a C tile. */
export function gemmScratchBytes(): i32 {
  return (4 * MC * KC + KC * NC + 4 * KC * NR + 8 * NR) * 4 + 256;
}

/**
 * Pack all of op(B) (B [K×N], or [N×K] when transB) for gemm's bPre: panels of NR columns over the
 * whole of k, in order (zeros past N), so panel j's k-step p is at float (j·K + p)·NR — any k
 * block of it is contiguous. Needs 4·K·N8 bytes at dst (N8 = N rounded up to NR; 16-aligned).
 */
export function packBAll(b: usize, N: i32, K: i32, transB: bool, dst: usize): void {
  packB(b, transB ? K : N, transB, 0, K, 0, N, dst);
}

// ---- the blocked drivers ----

/**
 * C[m0:m1, n0:n1] = op(A)·op(B). A is [M×K] (or [K×M] when transA), B is [K×N] (or [N×K] when
 * transB), C is [M×N]; all f32, row-major. `scratch` holds gemmScratchBytes() bytes, 16-aligned.
 * `bPre` is 0, or the address of op(B) packed whole by packBAll (a cached weight: no packing here,
 * and the kernels stream its panels in order); then n0 must be a multiple of NR.
 */
export function gemm(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, transA: bool, transB: bool, m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize, bPre: usize): void {
  const mRows = m1 - m0;
  if (mRows <= 0 || n1 <= n0) return;
  const ldc = <usize>N * 4;
  if (K == 0) {
    for (let i = m0; i < m1; i++) memory.fill(c + (<usize>i * <usize>N + <usize>n0) * 4, 0, <usize>(n1 - n0) * 4);
    return;
  }
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  const aPack = (scratch + 15) & ~(<usize>15);
  const bPack = aPack + <usize>(4 * MC * KC) * 4;
  const edge = bPack + <usize>(KC * NC) * 4;
  const cTile = edge + <usize>(4 * KC * NR) * 4;
  // B prepacked whole by packBAll (a cached weight): panels at bPre, n0 a multiple of NR
  const pre = bPre != 0;
  // B read in place (row stride N) when it is stored [K×N] and reused by few row panels
  const packAllB = !pre && (transB || mRows > 4 * MR);
  // A read in place when few B panels reuse it (LoRA's x·Aᵀ, N = r, and column bands of a split
  // product): packing costs a pass over A, repeated by every column band. Measured on the AVX-512
  // host (V8 11.3, 1 thread): in place 48–51 GFLOP/s at N = 8…128 against 46–49.6 packed (portable
  // build: 38.6–39 against 32.5–34 at N = 64–128); at N = 256 and beyond packed A wins (49.9 vs 48.9).
  // A stored [K×M] (transA, LoRA's dB = Gᵀ·(x·Aᵀ) with M = d) is the exception in the FMA build: read
  // in place, a row panel's k steps are M·4 bytes apart, which with M = 512 or 768 map to 2–4 L1
  // sets, so each panel re-reads from L2 what the panel beside it just read. Packed four panels at
  // a time (packA) it is past one B panel: [512×768]ᵀ·[512×64] 37.5 → 46–48 GFLOP/s,
  // [1024×512]ᵀ·[1024×64] 23–30 → 34–39 (1 thread, noisy host); at N = 8 in place stays ahead
  // (40 against 35.5). The portable build packs A pre-broadcast, which costs more than it saves here.
  const packAllA = n1 - n0 > (ASC_FEATURE_RELAXED_SIMD && transA ? NR : 16 * NR);
  for (let jc = n0; jc < n1; jc += NC) {
    const nc = min(NC, n1 - jc);
    const kcb = ASC_FEATURE_RELAXED_SIMD && nc <= NC_LONG_K ? 4 * KC : KC;
    for (let pc = 0; pc < K; pc += kcb) {
      const kc = min(kcb, K - pc);
      const acc = pc > 0;
      if (packAllB) packB(b, ldb, transB, pc, kc, jc, nc, bPack);
      // B read in place: its partial last panel (if any) is packed into `edge` once per block
      const tail = nc & (NR - 1);
      if (!pre && !packAllB && tail != 0) packB(b, ldb, false, pc, kc, jc + nc - tail, tail, edge);
      for (let ic = m0; ic < m1; ic += MC) {
        const mcc = min(MC, m1 - ic);
        if (packAllA) {
          packA(a, lda, transA, ic, mcc, pc, kc, aPack);
          // each B panel (kc × NR) stays in L1 across the block's row panels
          for (let jr = 0; jr < nc; jr += NR) {
            for (let ir = 0; ir < mcc; ir += MR) {
              tile(a, b, c, M, N, K, transA, ldb, pc, kc, jc, jr, nc, ic, ir, mcc, acc, pre, bPre, packAllB, packAllA, aPack, bPack, edge, cTile, ldc);
            }
          }
        } else {
          // A read in place: each row panel's rows stay in L1 across the B panels; the last rows
          // are packed (zero rows past M) rather than read past A
          for (let ir = 0; ir < mcc; ir += MR) {
            if (mcc - ir < MR) packA(a, lda, transA, ic + ir, mcc - ir, pc, kc, aPack);
            for (let jr = 0; jr < nc; jr += NR) {
              tile(a, b, c, M, N, K, transA, ldb, pc, kc, jc, jr, nc, ic, ir, mcc, acc, pre, bPre, packAllB, packAllA, aPack, bPack, edge, cTile, ldc);
            }
          }
        }
      }
    }
  }
}

/** One MR×NR tile of C: rows ic+ir, columns jc+jr, k block [pc, pc+kc). */
// @ts-ignore: decorator
@inline
function tile(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, transA: bool, ldb: i32, pc: i32, kc: i32, jc: i32, jr: i32, nc: i32, ic: i32, ir: i32, mcc: i32, acc: bool,
  pre: bool, bPre: usize, packAllB: bool, packAllA: bool, aPack: usize, bPack: usize, edge: usize, cTile: usize, ldc: usize): void {
  const cols = min(NR, nc - jr);
  const rows = min(MR, mcc - ir);
  let bp: usize;
  let bks: usize = 32;
  if (pre) bp = bPre + (<usize>(jc + jr) * <usize>K + <usize>(pc * NR)) * 4;
  else if (packAllB) bp = bPack + <usize>(jr * kc) * 4;
  else if (cols == NR) {
    bp = b + (<usize>pc * <usize>ldb + <usize>(jc + jr)) * 4;
    bks = <usize>ldb * 4;
  } else bp = edge;
  const direct = !packAllA && rows == MR;
  const ap = packAllA ? aPack + <usize>(ir * kc) * <usize>AEL : aPack;
  const cAt = c + (<usize>(ic + ir) * <usize>N + <usize>(jc + jr)) * 4;
  const aAt = a + (transA ? <usize>pc * <usize>M + <usize>(ic + ir) : <usize>(ic + ir) * <usize>K + <usize>pc) * 4;
  const ars: usize = transA ? 4 : <usize>K * 4;
  const aks: usize = transA ? <usize>M * 4 : 4;
  if (rows == MR && cols == NR) {
    if (direct) kernel4x8s(aAt, ars, aks, bp, bks, kc, cAt, ldc, acc);
    else kernel4x8(ap, bp, bks, kc, cAt, ldc, acc);
  } else {
    // partial tile: compute the full block into scratch, then write the valid part
    if (direct) kernel4x8s(aAt, ars, aks, bp, bks, kc, cTile, 32, false);
    else kernel4x8(ap, bp, bks, kc, cTile, 32, false);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const dst = cAt + <usize>i * ldc + <usize>(j << 2);
        const v = load<f32>(cTile + <usize>((i * NR + j) << 2));
        store<f32>(dst, acc ? load<f32>(dst) + v : v);
      }
    }
  }
}
