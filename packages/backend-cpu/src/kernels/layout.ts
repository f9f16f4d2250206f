import { type BroadcastToAttrs, type ConcatAttrs, type PadAttrs, type SliceAttrs, type TransposeAttrs, allocArray, broadcastStrides, stridesOf } from '@webpeft/tensor';
import { cpuKernel } from '../backend.ts';
import { forEachStrided } from './_iter.ts';

const size = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

cpuKernel<TransposeAttrs>('transpose', ({ inputs: [x], attrs, out }) => {
  const st = stridesOf(x!.shape);
  const src = x!.storage;
  const dst = allocArray(out.dtype, src.length);
  forEachStrided(
    out.shape,
    attrs.perm.map((p) => st[p]!),
    (o, i) => (dst[o] = src[i]!),
  );
  return dst;
});

cpuKernel<BroadcastToAttrs>('broadcastTo', ({ inputs: [x], out }) => {
  const src = x!.storage;
  const dst = allocArray(out.dtype, size(out.shape));
  forEachStrided(out.shape, broadcastStrides(x!.shape, out.shape), (o, i) => (dst[o] = src[i]!));
  return dst;
});

cpuKernel<SliceAttrs>('slice', ({ inputs: [x], attrs, out }) => {
  const st = stridesOf(x!.shape);
  const base = attrs.begin.reduce((a, b, i) => a + b * st[i]!, 0);
  const src = x!.storage;
  const dst = allocArray(out.dtype, size(out.shape));
  forEachStrided(out.shape, st, (o, i) => (dst[o] = src[base + i]!));
  return dst;
});

cpuKernel<PadAttrs>('pad', ({ inputs: [x], attrs, out }) => {
  const ost = stridesOf(out.shape);
  const base = attrs.pads.reduce((a, [before], i) => a + before * ost[i]!, 0);
  const src = x!.storage;
  const dst = allocArray(out.dtype, size(out.shape));
  if (attrs.value !== 0) dst.fill(attrs.value);
  // walk the input; place each element at its padded position
  forEachStrided(x!.shape, ost, (i, o) => (dst[base + o] = src[i]!));
  return dst;
});

cpuKernel<ConcatAttrs>('concat', ({ inputs, attrs, out }) => {
  const dst = allocArray(out.dtype, size(out.shape));
  const outer = out.shape.slice(0, attrs.axis).reduce((a, d) => a * d, 1);
  const inner = out.shape.slice(attrs.axis + 1).reduce((a, d) => a * d, 1);
  const rowOut = out.shape[attrs.axis]! * inner;
  let at = 0;
  for (const x of inputs) {
    const row = x.shape[attrs.axis]! * inner;
    for (let o = 0; o < outer; o++) dst.set(x.storage.subarray(o * row, (o + 1) * row), o * rowOut + at);
    at += row;
  }
  return dst;
});
