import { type AxisAttrs, type DropoutMaskAttrs, type NormAttrs, allocArray, philoxBits } from '@webpeft/tensor';
import { cpuKernel } from '../backend.ts';
import { splitAt } from './_iter.ts';

for (const log of [false, true]) {
  cpuKernel<AxisAttrs>(log ? 'logSoftmax' : 'softmax', ({ inputs: [x], attrs, out }) => {
    const [outer, size, inner] = splitAt(x!.shape, attrs.axis);
    const src = x!.storage;
    const dst = allocArray(out.dtype, src.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at = (j: number) => (o * size + j) * inner + i;
        let m = -Infinity;
        for (let j = 0; j < size; j++) m = Math.max(m, src[at(j)]!);
        let s = 0;
        for (let j = 0; j < size; j++) s += Math.exp(src[at(j)]! - m);
        // shift by the max only: m + log(s) would lose log(s) when m is ~-1e308 (fully masked rows)
        const logS = Math.log(s);
        for (let j = 0; j < size; j++) dst[at(j)] = log ? src[at(j)]! - m - logS : Math.exp(src[at(j)]! - m) / s;
      }
    }
    return dst;
  });
}

for (const centre of [true, false]) {
  cpuKernel<NormAttrs>(centre ? 'layerNorm' : 'rmsNorm', ({ inputs, attrs, out }) => {
    const [x, w, b] = inputs;
    const d = x!.shape[x!.shape.length - 1]!;
    const src = x!.storage;
    const ws = w!.storage;
    const bs = b?.storage;
    const dst = allocArray(out.dtype, src.length);
    for (let r = 0; r * d < src.length; r++) {
      const base = r * d;
      let mu = 0;
      if (centre) {
        for (let j = 0; j < d; j++) mu += src[base + j]!;
        mu /= d;
      }
      let v = 0;
      for (let j = 0; j < d; j++) v += (src[base + j]! - mu) ** 2;
      const rstd = 1 / Math.sqrt(v / d + attrs.eps);
      for (let j = 0; j < d; j++) dst[base + j] = (src[base + j]! - mu) * rstd * ws[j]! + (bs ? bs[j]! : 0);
    }
    return dst;
  });
}

cpuKernel<DropoutMaskAttrs>('dropoutMask', ({ inputs: [x], attrs, out }) => {
  const n = x!.storage.length;
  const bits = philoxBits(attrs.key, attrs.offset, n);
  const dst = allocArray(out.dtype, n);
  for (let i = 0; i < n; i++) dst[i] = bits[i]! >>> 8 < attrs.threshold ? 0 : attrs.scale;
  return dst;
});
