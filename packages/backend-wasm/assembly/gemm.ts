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

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 64; // a multiple of MR
export const NC: i32 = 512;
/** With FMA, column blocks at most this wide run k blocks of 4·KC (fewer passes over C, longer kernel runs). */
const NC_LONG_K: i32 = 128;

/** Bytes of per-thread scratch gemm needs: packed A block (pre-broadcast at most), packed B block, an edge panel and a C tile. */
export function gemmScratchBytes(): i32 {
  return (4 * MC * KC + KC * NC + 4 * KC * NR + 8 * NR) * 4 + 256;
}

// ---- micro-kernels: acc[MR×NR] = Σ_k Ap[k][0..MR) ⊗ Bp[k][0..NR), then C (+)= acc ----

/**
 * acc + a·b per lane. Built twice (scripts/build-wasm.mjs): the relaxed variant uses Relaxed SIMD's
 * f32x4.relaxed_madd, which V8 lowers to one FMA instruction where the CPU has FMA (x64 FMA3,
 * arm64), and the portable variant a mul and an add. The host picks the relaxed module only when
 * the engine validates it (module.ts). Measured on the 4×8 kernel in L1, AVX-512 host, V8 11.3:
 * 53 GFLOP/s with FMA, 40–41 with mul + add: the mul + add form is bound by instruction throughput.
 */
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * Bytes per packed A element. The portable build packs A pre-broadcast (each element stored as a
 * full f32x4, so the kernel uses plain loads with immediate offsets: V8 emitted an extra lea for
 * every load32_splat at an added offset, and without FMA the kernel is bound by instruction count;
 * measured before loadA0–3 gave the splats constant offsets, not since).
 * With FMA the kernel is bound by the FMA pipes and the lea is free, so the relaxed build packs A
 * compactly (4 bytes per element, a quarter of the packing stores and of the A traffic) and splats
 * in the kernel: 53.7–54.3 GFLOP/s against 51.4–52.7 pre-broadcast, measured over 64-row A blocks.
 */
const AEL: i32 = ASC_FEATURE_RELAXED_SIMD ? 4 : 16;

/**
 * Rows 0–3 of a packed A panel at k-step `ap`, each as an f32x4 of one value. The row is the load's
 * constant offset (AssemblyScript wants it a literal): V8 then keeps base + offset in a register
 * for the whole loop, where an added offset cost an lea per load.
 */
// @ts-ignore: decorator
@inline
function loadA0(ap: usize): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? v128.load32_splat(ap) : v128.load(ap);
}
// @ts-ignore: decorator
@inline
function loadA1(ap: usize): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? v128.load32_splat(ap, 4) : v128.load(ap, 16);
}
// @ts-ignore: decorator
@inline
function loadA2(ap: usize): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? v128.load32_splat(ap, 8) : v128.load(ap, 32);
}
// @ts-ignore: decorator
@inline
function loadA3(ap: usize): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? v128.load32_splat(ap, 12) : v128.load(ap, 48);
}

/** C tile (4 rows of 8 at c, row stride ldc) = the accumulators, or += them when acc. */
// @ts-ignore: decorator
@inline
function storeTile(c: usize, ldc: usize, acc: bool, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16)); c += ldc;
    c10 = f32x4.add(c10, v128.load(c)); c11 = f32x4.add(c11, v128.load(c, 16)); c += ldc;
    c20 = f32x4.add(c20, v128.load(c)); c21 = f32x4.add(c21, v128.load(c, 16)); c += ldc;
    c30 = f32x4.add(c30, v128.load(c)); c31 = f32x4.add(c31, v128.load(c, 16));
    c -= 3 * ldc;
  }
  v128.store(c, c00); v128.store(c, c01, 16); c += ldc;
  v128.store(c, c10); v128.store(c, c11, 16); c += ldc;
  v128.store(c, c20); v128.store(c, c21, 16); c += ldc;
  v128.store(c, c30); v128.store(c, c31, 16);
}

/**
 * `p` (an f32 address, so a multiple of 4) with its two low bits cleared: a no-op that V8 can see
 * through. A wasm32 address must be zero-extended to 64 bits before x64 uses it, and V8 11.3 emits
 * that extension (a movl) for every load from a loop variable unless it can prove the value is
 * already zero-extended — which it can for a loop variable whose start is an And and whose step
 * is an add. Two to three instructions fewer per k step in the micro-kernels.
 */
// @ts-ignore: decorator
@inline
function f32ptr(p: usize): usize {
  return p & ~(<usize>3);
}

/**
 * 4×8 tile over packed A (AEL bytes per element, MR elements per k) and B at bp with bks bytes per
 * k (32 when packed, the row stride when read in place). One k per iteration: TurboFan hoists every
 * load of an unrolled body above the arithmetic, which spills (unrolled by 2 or 4 measured 0.7×).
 * Its loop is 19 x64 instructions per k under V8 11.3 (`--print-wasm-code`): 8 FMAs, 6 loads, 2
 * adds, the stack check and the loop branch; before f32ptr and loadA0–3 it was 25 (2 zero-extending
 * movl, 3 leal). In L1 (a 4×256 A panel, 256×8 B) 50.3 → 52.5 GFLOP/s, medians of 15 rounds, against
 * 58 for bench/ceiling.ts's pure-FMA loop; whole GEMMs on a quiet host moved by 0–2%. The gain is
 * meant for the rounds where the host's other load leaves a core fewer instruction slots: there the
 * GEMMs fall to 55–60% of the ceiling while the FMA loop, with fewer instructions per FMA, holds.
 */
function kernel4x8(ap: usize, bp: usize, bks: usize, kc: i32, c: usize, ldc: usize, acc: bool): void {
  ap = f32ptr(ap);
  bp = f32ptr(bp);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = ap + <usize>kc * <usize>(MR * AEL);
  do {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = loadA0(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = loadA1(ap);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = loadA2(ap);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = loadA3(ap);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += MR * AEL;
    bp += bks;
  } while (ap < end);
  storeTile(c, ldc, acc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * The same 4×8 tile with A read in place: row r at ap + r·ars, k steps of aks bytes (no packing).
 * One A pointer, rows addressed as ap + r·ars, instead of a pointer per row: 48–50 GFLOP/s at
 * [512×1024]·[1024×8] under V8 11.3 (Node 20) against 42–43, A/B over many runs. Cause not pinned
 * down: both loops are 25 x64 instructions per k (`--print-wasm-code`: 4 addl there, 1 addl + 3
 * leal here; the same loads, FMAs, zero-extension moves and stack check). The old loop ran 49.8
 * with `--no-wasm-stack-checks`, this one 48.0, so the old arrangement stalled on the check.
 * Two k steps per iteration by hand ran at 25: Binaryen interleaves them, keeping four B vectors live.
 * With f32ptr the zero-extension moves are gone: 22 instructions per k (the 3 leal remain: the row
 * stride is not a constant).
 */
function kernel4x8s(ap: usize, ars: usize, aks: usize, bp: usize, bks: usize, kc: i32, c: usize, ldc: usize, acc: bool): void {
  ap = f32ptr(ap);
  bp = f32ptr(bp);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const r2 = ars + ars;
  const r3 = r2 + ars;
  const bend = bp + <usize>kc * bks;
  do {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap + ars);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap + r2);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap + r3);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += aks;
    bp += bks;
  } while (bp < bend);
  storeTile(c, ldc, acc, c00, c01, c10, c11, c20, c21, c30, c31);
}


// ---- packing ----

/** Pack rows [i0, i0+mc) × k [p0, p0+kc) of op(A) into panels of MR rows, AEL bytes per element (zero rows past mc). */
function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const ks = <usize>(MR * AEL); // bytes per k in a panel
  for (let r = 0; r < mc; r += MR) {
    const rows = min(MR, mc - r);
    if (ASC_FEATURE_RELAXED_SIMD && transA && mc - r >= 4 * MR) {
      // A stored [K×M], four panels at once: each k reads one 64-byte run of 16 rows whole. Panel
      // by panel, each run was read four times, and with M a multiple of 512 the runs of a k block
      // share a few L1 sets, so those re-reads came from L2.
      let s = a + (<usize>p0 * <usize>lda + <usize>(i0 + r)) * 4;
      const st = <usize>lda * 4;
      const ps = <usize>kc * ks; // bytes per packed panel
      let d = dst;
      for (let k = 0; k < kc; k++, d += 16, s += st) {
        v128.store(d, v128.load(s));
        v128.store(d + ps, v128.load(s, 16));
        v128.store(d + 2 * ps, v128.load(s, 32));
        v128.store(d + 3 * ps, v128.load(s, 48));
      }
      dst += 4 * ps;
      r += 3 * MR;
      continue;
    }
    if (ASC_FEATURE_RELAXED_SIMD && transA && rows == MR) {
      // A stored [K×M]: the panel's 4 rows are 4 consecutive floats at every k
      let s = a + (<usize>p0 * <usize>lda + <usize>(i0 + r)) * 4;
      const st = <usize>lda * 4;
      let d = dst;
      for (let k = 0; k < kc; k++, d += 16, s += st) v128.store(d, v128.load(s));
      dst += <usize>kc * ks;
      continue;
    }
    if (ASC_FEATURE_RELAXED_SIMD && !transA && rows == MR) {
      // A stored [M×K]: 4 k-steps of the 4 rows at a time, transposed in registers
      const st = <usize>lda * 4;
      let s0 = a + (<usize>(i0 + r) * <usize>lda + <usize>p0) * 4;
      let d = dst;
      let k = 0;
      for (; k + 4 <= kc; k += 4, s0 += 16, d += 64) {
        const r0 = v128.load(s0);
        const r1 = v128.load(s0 + st);
        const r2 = v128.load(s0 + 2 * st);
        const r3 = v128.load(s0 + 3 * st);
        const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
        v128.store(d, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7), 16);
        v128.store(d, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), 32);
        v128.store(d, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7), 48);
      }
      for (; k < kc; k++, s0 += 4, d += 16) {
        store<f32>(d, load<f32>(s0));
        store<f32>(d, load<f32>(s0 + st), 4);
        store<f32>(d, load<f32>(s0 + 2 * st), 8);
        store<f32>(d, load<f32>(s0 + 3 * st), 12);
      }
      dst += <usize>kc * ks;
      continue;
    }
    for (let ii = 0; ii < MR; ii++) {
      let d = dst + <usize>(ii * AEL);
      if (ii >= rows) {
        for (let k = 0; k < kc; k++, d += ks) {
          if (ASC_FEATURE_RELAXED_SIMD) store<f32>(d, 0);
          else v128.store(d, f32x4.splat(0));
        }
        continue;
      }
      const i = i0 + r + ii;
      // A stored [M×K]: row i is contiguous in k; stored [K×M]: column i, stride lda (= M)
      let s = a + (transA ? <usize>p0 * <usize>lda + <usize>i : <usize>i * <usize>lda + <usize>p0) * 4;
      const st: usize = transA ? <usize>lda * 4 : 4;
      for (let k = 0; k < kc; k++, d += ks, s += st) {
        if (ASC_FEATURE_RELAXED_SIMD) store<f32>(d, load<f32>(s));
        else v128.store(d, v128.load32_splat(s));
      }
    }
    dst += <usize>kc * ks;
  }
}

/** Pack k [p0, p0+kc) × columns [j0, j0+nc) of op(B) into panels of NR columns (zeros past nc). */
function packB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let q = 0; q < nc; q += NR) {
    const cols = min(NR, nc - q);
    if (!transB && cols == NR) {
      let s = b + (<usize>p0 * <usize>ldb + <usize>(j0 + q)) * 4;
      const st = <usize>ldb * 4;
      let d = dst;
      for (let k = 0; k < kc; k++, s += st, d += 32) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      }
    } else {
      for (let jj = 0; jj < NR; jj++) {
        let d = dst + <usize>(jj << 2);
        if (jj >= cols) {
          for (let k = 0; k < kc; k++, d += 32) store<f32>(d, 0);
          continue;
        }
        const j = j0 + q + jj;
        if (transB) {
          // B stored [N×K]: row j is contiguous in k
          let s = b + (<usize>j * <usize>ldb + <usize>p0) * 4;
          for (let k = 0; k < kc; k++, d += 32, s += 4) store<f32>(d, load<f32>(s));
        } else {
          let s = b + (<usize>p0 * <usize>ldb + <usize>j) * 4;
          const st = <usize>ldb * 4;
          for (let k = 0; k < kc; k++, d += 32, s += st) store<f32>(d, load<f32>(s));
        }
      }
    }
    dst += <usize>(kc * NR) << 2;
  }
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
