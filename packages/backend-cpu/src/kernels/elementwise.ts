import { BINARY_OPS, COMPARE_OPS, type CastAttrs, type DType, UNARY_OPS, allocArray, broadcastStrides, shapesEqual } from '@webpeft/tensor';
import { cpuKernel } from '../backend.ts';
import { forEachStrided } from './_iter.ts';
import { binaryFns, intBinaryFns, intUnaryFns, unaryFns } from './_math.ts';

for (const name of UNARY_OPS) {
  cpuKernel(name, ({ inputs: [x], out }) => {
    const f = (x!.dtype === 'i32' ? intUnaryFns[name] : undefined) ?? unaryFns[name]!;
    const src = x!.storage;
    const dst = allocArray(out.dtype, src.length);
    for (let i = 0; i < src.length; i++) dst[i] = f(src[i]!);
    return dst;
  });
}

for (const name of [...BINARY_OPS, ...COMPARE_OPS]) {
  cpuKernel(name, ({ inputs: [a, b], out }) => {
    const f = (a!.dtype === 'i32' ? intBinaryFns[name] : undefined) ?? binaryFns[name]!;
    const dst = allocArray(out.dtype, out.shape.reduce((p, d) => p * d, 1));
    const x = a!.storage;
    const y = b!.storage;
    if (shapesEqual(a!.shape, b!.shape)) {
      for (let i = 0; i < dst.length; i++) dst[i] = f(x[i]!, y[i]!);
    } else if (y.length === 1 && shapesEqual(a!.shape, out.shape)) {
      const s = y[0]!;
      for (let i = 0; i < dst.length; i++) dst[i] = f(x[i]!, s);
    } else {
      const sa = broadcastStrides(a!.shape, out.shape);
      const sb = broadcastStrides(b!.shape, out.shape);
      // walk b's broadcast index alongside a's
      const ib = new Int32Array(dst.length);
      forEachStrided(out.shape, sb, (o, i) => (ib[o] = i));
      forEachStrided(out.shape, sa, (o, i) => (dst[o] = f(x[i]!, y[ib[o]!]!)));
    }
    return dst;
  });
}

function converter(from: DType, to: DType): (v: number) => number {
  if (to === 'bool') return (v) => (v !== 0 ? 1 : 0);
  if (to === 'i32' && from !== 'bool') return (v) => (Number.isFinite(v) ? Math.trunc(v) | 0 : 0);
  return (v) => v;
}

cpuKernel<CastAttrs>('cast', ({ inputs: [x], attrs }) => {
  const f = converter(x!.dtype, attrs.dtype);
  const src = x!.storage;
  const dst = allocArray(attrs.dtype, src.length);
  for (let i = 0; i < src.length; i++) dst[i] = f(src[i]!);
  return dst;
});

cpuKernel('where', ({ inputs: [c, a, b], out }) => {
  const n = out.shape.reduce((p, d) => p * d, 1);
  const dst = allocArray(out.dtype, n);
  const ic = new Int32Array(n);
  const ia = new Int32Array(n);
  forEachStrided(out.shape, broadcastStrides(c!.shape, out.shape), (o, i) => (ic[o] = i));
  forEachStrided(out.shape, broadcastStrides(a!.shape, out.shape), (o, i) => (ia[o] = i));
  const cs = c!.storage;
  const as = a!.storage;
  const bs = b!.storage;
  forEachStrided(out.shape, broadcastStrides(b!.shape, out.shape), (o, i) => (dst[o] = cs[ic[o]!] ? as[ia[o]!]! : bs[i]!));
  return dst;
});
