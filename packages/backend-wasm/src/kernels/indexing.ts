// gather, scatterAdd (indices checked here: out-of-range is an ArgumentError, as on the CPU), top-k.
import { ArgumentError, BYTES_PER_ELEMENT, type GatherAttrs, type ScatterAddAttrs, type TopkAttrs } from '@webpeft/tensor';
import { DTYPE_CODE } from '../_codes.ts';
import type { WasmBackend } from '../backend.ts';
import type { WasmStorage } from '../heap.ts';
import { sizeOfShape, splitAt, wasmKernel } from './_util.ts';

function checkIndices(op: string, b: WasmBackend, ids: WasmStorage, n: number, size: number): void {
  const v = new Int32Array(b.heap.memory.buffer, ids.ptr, n);
  for (let j = 0; j < n; j++) {
    const i = v[j]!;
    if (i < 0 || i >= size) throw new ArgumentError(`${op}: index ${i} at position ${j} is out of range [0, ${size})`);
  }
}

wasmKernel<GatherAttrs>('gather', ({ b, inputs: [x, idx], attrs, out }) => {
  const [outer, size, inner] = splitAt(x!.shape, attrs.axis);
  const nIds = sizeOfShape(idx!.shape);
  checkIndices('gather', b, idx!.storage, nIds, size);
  const y = b.output(out, 'gather');
  if (outer * inner * nIds > 0) b.k.gather(BYTES_PER_ELEMENT[out.dtype], x!.storage.ptr, idx!.storage.ptr, y.ptr, outer, size, inner, nIds);
  return y;
});

wasmKernel<ScatterAddAttrs>('scatterAdd', ({ b, inputs: [u, idx], attrs, out }) => {
  const nIds = sizeOfShape(idx!.shape);
  checkIndices('scatterAdd', b, idx!.storage, nIds, attrs.dimSize);
  const outer = sizeOfShape(u!.shape.slice(0, attrs.axis));
  const inner = sizeOfShape(u!.shape.slice(attrs.axis + idx!.shape.length));
  const y = b.output(out, 'scatterAdd');
  b.k.scatterAdd(DTYPE_CODE[out.dtype], u!.storage.ptr, idx!.storage.ptr, y.ptr, outer, attrs.dimSize, inner, nIds);
  return y;
});

wasmKernel<TopkAttrs>('topkIndices', ({ b, inputs: [x], attrs, out }) => {
  const y = b.output(out, 'topkIndices');
  const n = x!.shape[x!.shape.length - 1]!;
  const rows = n === 0 ? 0 : sizeOfShape(x!.shape) / n;
  if (rows * attrs.k === 0) return y;
  const scratch = b.alloc(8 * n, 'top-k scratch');
  try {
    b.k.topk(DTYPE_CODE[x!.dtype], x!.storage.ptr, y.ptr, rows, n, attrs.k, attrs.largest ? 1 : 0, scratch.ptr);
  } finally {
    b.heap.release(scratch);
  }
  return y;
});
