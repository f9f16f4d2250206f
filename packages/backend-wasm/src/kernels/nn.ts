// Softmax / log-softmax, LayerNorm / RMSNorm, dropout masks.
import { type AxisAttrs, type DropoutMaskAttrs, type NormAttrs } from '@webpeft/tensor';
import { DTYPE_CODE } from '../_codes.ts';
import { sizeOfShape, splitAt, wasmKernel } from './_util.ts';

for (const [name, log] of [
  ['softmax', 0],
  ['logSoftmax', 1],
] as const) {
  wasmKernel<AxisAttrs>(name, ({ b, inputs: [x], attrs, out }) => {
    const y = b.output(out, name);
    const [outer, size, inner] = splitAt(x!.shape, attrs.axis);
    if (outer * size * inner > 0) b.k.softmax(DTYPE_CODE[x!.dtype], log, x!.storage.ptr, y.ptr, outer, size, inner);
    return y;
  });
}

for (const [name, centre] of [
  ['layerNorm', 1],
  ['rmsNorm', 0],
] as const) {
  wasmKernel<NormAttrs>(name, ({ b, inputs: [x, w, bias], attrs, out }) => {
    const y = b.output(out, name);
    const d = x!.shape[x!.shape.length - 1]!;
    const n = sizeOfShape(x!.shape);
    if (n > 0) b.k.norm(DTYPE_CODE[x!.dtype], centre, x!.storage.ptr, w!.storage.ptr, bias ? bias.storage.ptr : 0, y.ptr, n / d, d, attrs.eps);
    return y;
  });
}

wasmKernel<DropoutMaskAttrs>('dropoutMask', ({ b, attrs, out }) => {
  const y = b.output(out, 'dropoutMask');
  const n = sizeOfShape(out.shape);
  const lo = attrs.offset % 2 ** 32;
  const hi = Math.floor(attrs.offset / 2 ** 32);
  b.k.dropoutMask(DTYPE_CODE[out.dtype], y.ptr, n, attrs.key[0], attrs.key[1], lo, hi, attrs.threshold, attrs.scale);
  return y;
});
