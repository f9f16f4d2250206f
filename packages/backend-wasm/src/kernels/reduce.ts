// sum / max / min over any axes, argmax / argmin.
import { type ArgReduceAttrs, type ReduceAttrs, BYTES_PER_ELEMENT } from '@webpeft/tensor';
import { DTYPE_CODE } from '../_codes.ts';
import { sizeOfShape, splitAt, stridedCopy, stridesOf, wasmKernel } from './_util.ts';

const REDUCE_OP = { sum: 0, max: 1, min: 2 } as const;

for (const name of ['sum', 'max', 'min'] as const) {
  wasmKernel<ReduceAttrs>(name, ({ b, inputs: [x], attrs, out }) => {
    const y = b.output(out, name);
    const shape = x!.shape;
    if (sizeOfShape(out.shape) === 0) return y;
    const dt = DTYPE_CODE[x!.dtype];
    // runs of kept (K) / reduced (R) axes, size-1 axes dropped
    const runs: { red: boolean; size: number }[] = [];
    shape.forEach((d, i) => {
      if (d === 1) return;
      const red = attrs.axes.includes(i);
      const last = runs[runs.length - 1];
      if (last && last.red === red) last.size *= d;
      else runs.push({ red, size: d });
    });
    const pattern = runs.map((r) => (r.red ? 'R' : 'K')).join('');
    const direct = /^K?R?K?$/.test(pattern);
    if (direct) {
      const ri = pattern.indexOf('R');
      const A = ri < 0 ? sizeOfShape(runs.map((r) => r.size)) : sizeOfShape(runs.slice(0, ri).map((r) => r.size));
      const R = ri < 0 ? 1 : runs[ri]!.size;
      const C = ri < 0 ? 1 : sizeOfShape(runs.slice(ri + 1).map((r) => r.size));
      b.k.reduce(dt, REDUCE_OP[name], x!.storage.ptr, y.ptr, A, R, C);
      return y;
    }
    // interleaved axes: move the reduced axes last, then reduce contiguous rows
    const kept = shape.map((_, i) => i).filter((i) => !attrs.axes.includes(i));
    const perm = [...kept, ...attrs.axes];
    const es = BYTES_PER_ELEMENT[x!.dtype];
    const tmp = b.alloc(sizeOfShape(shape) * es, `a ${name} transpose buffer`);
    try {
      const st = stridesOf(shape);
      const permShape = perm.map((p) => shape[p]!);
      stridedCopy(b, es, x!.storage.ptr, perm.map((p) => st[p]!), tmp.ptr, stridesOf(permShape), permShape);
      const A = sizeOfShape(kept.map((i) => shape[i]!));
      b.k.reduce(dt, REDUCE_OP[name], tmp.ptr, y.ptr, A, sizeOfShape(shape) / A, 1);
    } finally {
      b.heap.release(tmp);
    }
    return y;
  });
}

for (const [name, which] of [
  ['argmax', 0],
  ['argmin', 1],
] as const) {
  wasmKernel<ArgReduceAttrs>(name, ({ b, inputs: [x], attrs, out }) => {
    const y = b.output(out, name);
    const [outer, size, inner] = splitAt(x!.shape, attrs.axis);
    if (outer * inner > 0) b.k.argReduce(DTYPE_CODE[x!.dtype], which, x!.storage.ptr, y.ptr, outer, size, inner);
    return y;
  });
}
