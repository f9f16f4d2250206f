// Dropout masks from Philox4x32-10 (Salmon et al., SC'11), bit-identical to the host stream:
// element i uses block counter offset + ⌊i/4⌋ (64-bit, stream 0), lane i mod 4.

const M0: u64 = 0xd2511f53;
const M1: u64 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

/** y[i] = 0 where (bits >>> 8) < threshold, else scale. dt: 0 f32, 3 f64. */
export function dropoutMask(dt: i32, y: usize, n: i32, k0: u32, k1: u32, offLo: u32, offHi: u32, threshold: u32, scale: f64): void {
  const offset = (<u64>offHi << 32) | <u64>offLo;
  for (let blk = 0; blk * 4 < n; blk++) {
    const ctr = offset + <u64>blk;
    let c0 = <u32>ctr, c1 = <u32>(ctr >> 32), c2: u32 = 0, c3: u32 = 0;
    let ka = k0, kb = k1;
    for (let round = 0; round < 10; round++) {
      if (round > 0) { ka += W0; kb += W1; }
      const p0 = M0 * <u64>c0;
      const p1 = M1 * <u64>c2;
      const n0 = (<u32>(p1 >> 32)) ^ c1 ^ ka;
      const n2 = (<u32>(p0 >> 32)) ^ c3 ^ kb;
      c1 = <u32>p1;
      c3 = <u32>p0;
      c0 = n0;
      c2 = n2;
    }
    for (let j = 0; j < 4; j++) {
      const i = blk * 4 + j;
      if (i >= n) break;
      const bits = j == 0 ? c0 : j == 1 ? c1 : j == 2 ? c2 : c3;
      const v: f64 = (bits >>> 8) < threshold ? 0 : scale;
      if (dt == 0) store<f32>(y + (<usize>i << 2), <f32>v);
      else store<f64>(y + (<usize>i << 3), v);
    }
  }
}
