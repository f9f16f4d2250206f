// transpose, broadcastTo, slice, pad, concat: all through the one strided-copy kernel.
import { type BroadcastToAttrs, BYTES_PER_ELEMENT, type ConcatAttrs, type PadAttrs, type SliceAttrs, type TransposeAttrs, broadcastStrides } from '@webpeft/tensor';
import { sizeOfShape, stridedCopy, stridesOf, wasmKernel } from './_util.ts';

wasmKernel<TransposeAttrs>('transpose', ({ b, inputs: [x], attrs, out }) => {
  const y = b.output(out, 'transpose');
  const st = stridesOf(x!.shape);
  stridedCopy(b, BYTES_PER_ELEMENT[out.dtype], x!.storage.ptr, attrs.perm.map((p) => st[p]!), y.ptr, stridesOf(out.shape), out.shape);
  return y;
});

wasmKernel<BroadcastToAttrs>('broadcastTo', ({ b, inputs: [x], out }) => {
  const y = b.output(out, 'broadcastTo');
  stridedCopy(b, BYTES_PER_ELEMENT[out.dtype], x!.storage.ptr, broadcastStrides(x!.shape, out.shape), y.ptr, stridesOf(out.shape), out.shape);
  return y;
});

wasmKernel<SliceAttrs>('slice', ({ b, inputs: [x], attrs, out }) => {
  const y = b.output(out, 'slice');
  const es = BYTES_PER_ELEMENT[out.dtype];
  const st = stridesOf(x!.shape);
  const base = attrs.begin.reduce((a, v, i) => a + v * st[i]!, 0);
  stridedCopy(b, es, x!.storage.ptr + base * es, st, y.ptr, stridesOf(out.shape), out.shape);
  return y;
});

wasmKernel<PadAttrs>('pad', ({ b, inputs: [x], attrs, out }) => {
  const y = b.output(out, 'pad');
  const n = sizeOfShape(out.shape);
  const buf = b.heap.memory.buffer;
  const es = BYTES_PER_ELEMENT[out.dtype];
  const view = out.dtype === 'f32' ? new Float32Array(buf, y.ptr, n) : out.dtype === 'i32' ? new Int32Array(buf, y.ptr, n) : out.dtype === 'f64' ? new Float64Array(buf, y.ptr, n) : new Uint8Array(buf, y.ptr, n);
  view.fill(out.dtype === 'bool' ? (attrs.value ? 1 : 0) : attrs.value);
  const ost = stridesOf(out.shape);
  const base = attrs.pads.reduce((a, [before], i) => a + before * ost[i]!, 0);
  stridedCopy(b, es, x!.storage.ptr, stridesOf(x!.shape), y.ptr + base * es, ost, x!.shape);
  return y;
});

wasmKernel<ConcatAttrs>('concat', ({ b, inputs, attrs, out }) => {
  const y = b.output(out, 'concat');
  const es = BYTES_PER_ELEMENT[out.dtype];
  const outer = sizeOfShape(out.shape.slice(0, attrs.axis));
  const inner = sizeOfShape(out.shape.slice(attrs.axis + 1));
  const rowOut = out.shape[attrs.axis]! * inner;
  let at = 0;
  for (const x of inputs) {
    const row = x.shape[attrs.axis]! * inner;
    stridedCopy(b, es, x.storage.ptr, [row, 1], y.ptr + at * es, [rowOut, 1], [outer, row]);
    at += row;
  }
  return y;
});
