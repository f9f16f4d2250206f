import { ArgumentError, type GatherAttrs, type ScatterAddAttrs, type TopkAttrs, allocArray } from '@webpeft/tensor';
import { cpuKernel } from '../backend.ts';
import { splitAt } from './_iter.ts';

function checkIndex(op: string, v: number, size: number, at: number): void {
  if (v < 0 || v >= size) throw new ArgumentError(`${op}: index ${v} at position ${at} is out of range [0, ${size})`);
}

cpuKernel<GatherAttrs>('gather', ({ inputs: [x, idx], attrs, out }) => {
  const [outer, size, inner] = splitAt(x!.shape, attrs.axis);
  const ids = idx!.storage;
  const src = x!.storage;
  const dst = allocArray(out.dtype, outer * ids.length * inner);
  for (let j = 0; j < ids.length; j++) checkIndex('gather', ids[j]!, size, j);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < ids.length; j++) {
      const from = (o * size + ids[j]!) * inner;
      dst.set(src.subarray(from, from + inner), (o * ids.length + j) * inner);
    }
  }
  return dst;
});

cpuKernel<ScatterAddAttrs>('scatterAdd', ({ inputs: [u, idx], attrs, out }) => {
  const ids = idx!.storage;
  const outer = u!.shape.slice(0, attrs.axis).reduce((a, d) => a * d, 1);
  const inner = u!.shape.slice(attrs.axis + idx!.shape.length).reduce((a, d) => a * d, 1);
  const size = attrs.dimSize;
  for (let j = 0; j < ids.length; j++) checkIndex('scatterAdd', ids[j]!, size, j);
  const acc = new Float64Array(outer * size * inner);
  const src = u!.storage;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < ids.length; j++) {
      const from = (o * ids.length + j) * inner;
      const to = (o * size + ids[j]!) * inner;
      for (let i = 0; i < inner; i++) acc[to + i] = acc[to + i]! + src[from + i]!;
    }
  }
  const dst = allocArray(out.dtype, acc.length);
  dst.set(acc);
  return dst;
});

cpuKernel<TopkAttrs>('topkIndices', ({ inputs: [x], attrs }) => {
  const n = x!.shape[x!.shape.length - 1]!;
  const rows = n === 0 ? 0 : x!.storage.length / n;
  const src = x!.storage;
  const dst = new Int32Array(rows * attrs.k);
  const order = Array.from({ length: n }, (_, i) => i);
  const sgn = attrs.largest ? -1 : 1;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    // NaN counts as the largest value (as in PyTorch); ties keep the lower index first
    const key = (i: number) => {
      const v = src[base + i]!;
      return Number.isNaN(v) ? Infinity : v;
    };
    order.sort((i, j) => {
      const d = sgn * (key(i) - key(j));
      return d !== 0 && !Number.isNaN(d) ? d : i - j;
    });
    for (let t = 0; t < attrs.k; t++) dst[r * attrs.k + t] = order[t]!;
    order.sort((i, j) => i - j);
  }
  return dst;
});

