// Packing for the GEMM (assembly/gemm.ts): op(A) into MR-row panels (AEL bytes per element), op(B)
// into NR-column panels, transposes included, so the micro-kernels read both at unit stride.
import { AEL, MR, NR } from './gemm-kernels';

/** Pack rows [i0, i0+mc) × k [p0, p0+kc) of op(A) into panels of MR rows, AEL bytes per element (zero rows past mc). */
export function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
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
export function packB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
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
