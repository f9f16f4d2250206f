import { type ArgReduceAttrs, type ReduceAttrs, allocArray, stridesOf } from '@webpeft/tensor';
import { cpuKernel } from '../backend.ts';
import { forEachStrided, splitAt } from './_iter.ts';

/** For each input element, the flat index of the output element it reduces into. */
function reduceTargets(shape: readonly number[], axes: readonly number[]): { outSize: number; target: Int32Array } {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const ks = stridesOf(kept);
  const strides = shape.map((_, i) => (axes.includes(i) ? 0 : ks[i]!));
  const n = shape.reduce((a, d) => a * d, 1);
  const target = new Int32Array(n);
  forEachStrided(shape, strides, (o, t) => (target[o] = t));
  return { outSize: kept.reduce((a, d) => a * d, 1), target };
}

cpuKernel<ReduceAttrs>('sum', ({ inputs: [x], attrs, out }) => {
  const { outSize, target } = reduceTargets(x!.shape, attrs.axes);
  const acc = new Float64Array(outSize);
  const src = x!.storage;
  for (let i = 0; i < src.length; i++) { const t = target[i]!; acc[t] = acc[t]! + src[i]!; }
  const dst = allocArray(out.dtype, outSize);
  if (out.dtype === 'i32') for (let i = 0; i < outSize; i++) dst[i] = acc[i]! | 0;
  else dst.set(acc);
  return dst;
});

for (const [name, better] of [
  ['max', (a: number, b: number) => a > b],
  ['min', (a: number, b: number) => a < b],
] as const) {
  cpuKernel<ReduceAttrs>(name, ({ inputs: [x], attrs, out }) => {
    const { outSize, target } = reduceTargets(x!.shape, attrs.axes);
    const acc = new Float64Array(outSize).fill(name === 'max' ? -Infinity : Infinity);
    const src = x!.storage;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      const t = target[i]!;
      if (better(v, acc[t]!) || Number.isNaN(v)) acc[t] = v;
    }
    const dst = allocArray(out.dtype, outSize);
    dst.set(acc);
    return dst;
  });
}

for (const [name, better] of [
  ['argmax', (a: number, b: number) => a > b],
  ['argmin', (a: number, b: number) => a < b],
] as const) {
  cpuKernel<ArgReduceAttrs>(name, ({ inputs: [x], attrs }) => {
    const [outer, size, inner] = splitAt(x!.shape, attrs.axis);
    const src = x!.storage;
    const dst = new Int32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = 0;
        let bv = src[o * size * inner + i]!;
        for (let j = 1; j < size && !Number.isNaN(bv); j++) {
          const v = src[(o * size + j) * inner + i]!;
          if (better(v, bv) || Number.isNaN(v)) {
            bv = v;
            best = j;
          }
        }
        dst[o * inner + i] = best;
      }
    }
    return dst;
  });
}
