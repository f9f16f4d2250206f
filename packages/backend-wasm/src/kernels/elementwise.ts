// Unary, binary (with broadcasting), comparisons, cast and where.
import { BINARY_OPS, BYTES_PER_ELEMENT, COMPARE_OPS, type CastAttrs, UNARY_OPS, broadcastStrides } from '@webpeft/tensor';
import { BINARY_CODES, COMPARE_CODES, DTYPE_CODE, UNARY_CODES, code } from '../_codes.ts';
import { FN } from '../_worker-source.ts';
import { collapse, sizeOfShape, wasmKernel } from './_util.ts';

for (const name of UNARY_OPS) {
  const op = code(UNARY_CODES, name);
  wasmKernel(name, ({ b, inputs: [x], out }) => {
    const y = b.output(out, name);
    const n = sizeOfShape(out.shape);
    const xp = x!.storage.ptr;
    if (x!.dtype === 'i32') b.k.unaryI32(op, xp, y.ptr, n);
    else if (x!.dtype === 'f64') b.k.unaryF64(op, xp, y.ptr, n);
    else {
      const pool = b.pool;
      if (pool && n >= b.parallelMinElements) {
        // contiguous slices, multiples of 16 elements
        const per = Math.ceil(n / pool.threads / 16) * 16;
        const chunks: number[][] = [];
        for (let s = 0; s < n; s += per) chunks.push([FN.UNARY_F32, op, xp + s * 4, y.ptr + s * 4, Math.min(per, n - s)]);
        pool.run(chunks, (I, r) => b.k.unaryF32(I[r + 1]!, I[r + 2]!, I[r + 3]!, I[r + 4]!));
      } else b.k.unaryF32(op, xp, y.ptr, n);
    }
    return y;
  });
}

for (const [names, kind, codes] of [
  [BINARY_OPS, 0, BINARY_CODES],
  [COMPARE_OPS, 1, COMPARE_CODES],
] as const) {
  for (const name of names) {
    const op = code(codes, name);
    wasmKernel(name, ({ b, inputs: [a, c], out }) => {
      const y = b.output(out, name);
      const n = sizeOfShape(out.shape);
      if (n === 0) return y;
      const dt = DTYPE_CODE[a!.dtype];
      const col = collapse(out.shape, [broadcastStrides(a!.shape, out.shape), broadcastStrides(c!.shape, out.shape)]);
      const pool = b.pool;
      if (pool && kind === 0 && dt === 0 && col.shape.length === 1 && n >= b.parallelMinElements) {
        const [sa, sb] = [col.strides[0]![0]!, col.strides[1]![0]!];
        const per = Math.ceil(n / pool.threads / 16) * 16;
        const chunks: number[][] = [];
        for (let s = 0, k = 0; s < n; s += per, k++) {
          const len = Math.min(per, n - s);
          const meta = b.meta + k * 16;
          new Int32Array(b.heap.memory.buffer, meta, 3).set([len, sa, sb]);
          chunks.push([FN.BINARY, 0, 0, op, a!.storage.ptr + s * sa * 4, c!.storage.ptr + s * sb * 4, y.ptr + s * 4, 1, meta]);
        }
        pool.run(chunks, (I, r) => b.k.binary(I[r + 1]!, I[r + 2]!, I[r + 3]!, I[r + 4]!, I[r + 5]!, I[r + 6]!, I[r + 7]!, I[r + 8]!));
        return y;
      }
      const meta = b.putMeta([...col.shape, ...col.strides[0]!, ...col.strides[1]!]);
      b.k.binary(kind, dt, op, a!.storage.ptr, c!.storage.ptr, y.ptr, col.shape.length, meta);
      return y;
    });
  }
}

wasmKernel<CastAttrs>('cast', ({ b, inputs: [x], attrs, out }) => {
  const y = b.output(out, 'cast');
  b.k.cast(DTYPE_CODE[x!.dtype], DTYPE_CODE[attrs.dtype], x!.storage.ptr, y.ptr, sizeOfShape(out.shape));
  return y;
});

wasmKernel('where', ({ b, inputs: [c, x, z], out }) => {
  const y = b.output(out, 'where');
  if (sizeOfShape(out.shape) === 0) return y;
  const col = collapse(out.shape, [c!, x!, z!].map((t) => broadcastStrides(t.shape, out.shape)));
  const meta = b.putMeta([...col.shape, ...col.strides.flat()]);
  b.k.where(BYTES_PER_ELEMENT[out.dtype], c!.storage.ptr, x!.storage.ptr, z!.storage.ptr, y.ptr, col.shape.length, meta);
  return y;
});
