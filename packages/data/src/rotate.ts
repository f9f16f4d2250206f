// Bilinear rotation that reproduces Pillow's `Image.rotate(angle, BILINEAR, fillcolor=0)` on an
// 8-bit grayscale image bit for bit — what torchvision's `rotate(pil, angle, BILINEAR, fill=(0,))`
// calls, and so what DomainBed's RotatedMNIST computes (Pillow Image.py `rotate` builds the
// inverse affine matrix; libImaging/Geometry.c `affine_transform` + `bilinear_filter8` sample it).

/** Python's `round(x, 15)` (correctly rounded to 15 decimals, as Pillow rounds cos/sin). */
function round15(x: number): number {
  return Number(x.toFixed(15));
}

/** Pillow's inverse affine matrix [a, b, c, d, e, f] for a counter-clockwise rotation by `angleDeg` about the centre. */
export function pilRotationMatrix(angleDeg: number, width: number, height: number): [number, number, number, number, number, number] {
  const cx = width / 2;
  const cy = height / 2;
  const angle = -((angleDeg % 360) * Math.PI) / 180;
  const a = round15(Math.cos(angle));
  const b = round15(Math.sin(angle));
  const d = round15(-Math.sin(angle));
  const e = round15(Math.cos(angle));
  const c = a * -cx + b * -cy + 0 + cx;
  const f = d * -cx + e * -cy + 0 + cy;
  return [a, b, c, d, e, f];
}

/**
 * Rotate a `height`×`width` uint8 image counter-clockwise by `angleDeg` degrees about its centre,
 * same size, bilinear, zero fill — identical to Pillow (angle 0 is a copy, as in Pillow).
 */
export function rotateBilinear(src: Uint8Array, width: number, height: number, angleDeg: number, out: Uint8Array = new Uint8Array(width * height)): Uint8Array {
  if (angleDeg % 360 === 0) {
    out.set(src.subarray(0, width * height));
    return out;
  }
  const [a0, a1, a2, a3, a4, a5] = pilRotationMatrix(angleDeg, width, height);
  for (let y = 0; y < height; y++) {
    const yc = y + 0.5;
    for (let x = 0; x < width; x++) {
      const xc = x + 0.5;
      let xin = a0 * xc + a1 * yc + a2;
      let yin = a3 * xc + a4 * yc + a5;
      const o = y * width + x;
      if (xin < 0 || xin >= width || yin < 0 || yin >= height) {
        out[o] = 0;
        continue;
      }
      xin -= 0.5;
      yin -= 0.5;
      const xi = Math.floor(xin);
      const yi = Math.floor(yin);
      const dx = xin - xi;
      const dy = yin - yi;
      const x0 = xi < 0 ? 0 : xi < width ? xi : width - 1;
      const x1 = xi + 1 < 0 ? 0 : xi + 1 < width ? xi + 1 : width - 1;
      const row = (yi < 0 ? 0 : yi < height ? yi : height - 1) * width;
      const p = src[row + x0]!;
      let v1 = p + (src[row + x1]! - p) * dx;
      let v2 = v1;
      if (yi + 1 >= 0 && yi + 1 < height) {
        const row2 = (yi + 1) * width;
        const q = src[row2 + x0]!;
        v2 = q + (src[row2 + x1]! - q) * dx;
      }
      v1 = v1 + (v2 - v1) * dy;
      out[o] = v1; // Uint8Array store truncates like the C cast `(UINT8)v1` (v1 ∈ [0, 255])
    }
  }
  return out;
}
