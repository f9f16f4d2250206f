// The GEMM's micro-kernels (assembly/gemm.ts drives them): one MR×NR tile of C over a k range, from
// packed or in-place panels, with FMA (Relaxed SIMD build) or mul + add (portable build).

/** Rows of a register tile (A panels are MR rows tall). */
export const MR: i32 = 4;
/** Columns of a register tile (B panels are NR columns wide). */
export const NR: i32 = 8;

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
export const AEL: i32 = ASC_FEATURE_RELAXED_SIMD ? 4 : 16;

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
export function kernel4x8(ap: usize, bp: usize, bks: usize, kc: i32, c: usize, ldc: usize, acc: bool): void {
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
export function kernel4x8s(ap: usize, ars: usize, aks: usize, bp: usize, bks: usize, kc: i32, c: usize, ldc: usize, acc: bool): void {
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
