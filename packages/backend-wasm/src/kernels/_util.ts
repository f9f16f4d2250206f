// Helpers shared by the kernel bindings: registration, stride collapsing, index walks.
import { type DType, type Kernel, type TensorMeta, registerKernel, stridesOf } from '@webpeft/tensor';
import { WASM, type WasmBackend } from '../backend.ts';
import type { WasmStorage } from '../heap.ts';

export interface WasmInput {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly storage: WasmStorage;
}

export interface WasmKernelArgs<A> {
  readonly b: WasmBackend;
  readonly inputs: readonly WasmInput[];
  readonly attrs: A;
  readonly out: TensorMeta;
}

/** Register a kernel under the wasm backend's name. */
export function wasmKernel<A>(op: string, fn: (args: WasmKernelArgs<A>) => WasmStorage): void {
  const k: Kernel<A, WasmStorage> = ({ inputs, attrs, out, backend }) => fn({ b: backend as WasmBackend, inputs, attrs, out });
  registerKernel(WASM, op, k);
}

export const sizeOfShape = (s: readonly number[]): number => s.reduce((a, d) => a * d, 1);

/**
 * Merge adjacent axes that every operand walks contiguously, and drop size-1 axes, so the kernels'
 * inner loops run as long as possible. `strides[j]` are operand j's element strides over `shape`.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  shape.forEach((d, i) => {
    if (d === 1) return;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((st, j) => outStrides[j]![last] === st[i]! * d)) {
      outShape[last] = outShape[last]! * d;
      outStrides.forEach((o, j) => (o[last] = strides[j]![i]!));
    } else {
      outShape.push(d);
      outStrides.forEach((o, j) => o.push(strides[j]![i]!));
    }
  });
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((o) => o.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/** Copy `shape` from src (element strides) to dst (element strides) with the strided-copy kernel. */
export function stridedCopy(b: WasmBackend, es: number, src: number, srcStrides: readonly number[], dst: number, dstStrides: readonly number[], shape: readonly number[]): void {
  if (sizeOfShape(shape) === 0) return;
  const c = collapse(shape, [srcStrides, dstStrides]);
  const meta = b.putMeta([...c.shape, ...c.strides[0]!, ...c.strides[1]!]);
  b.k.stridedCopy(es, src, dst, c.shape.length, meta);
}

/** Split `shape` at `axis` into (outer, size, inner) element counts. */
export function splitAt(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOfShape(shape.slice(0, axis)), shape[axis] ?? 1, sizeOfShape(shape.slice(axis + 1))];
}

/** Flat offsets (in elements of each operand's matrices) for every index of a broadcast batch. */
export function batchOffsets(batch: readonly number[], operand: readonly number[]): number[] {
  const n = sizeOfShape(batch);
  const st = stridesOf(operand);
  const off = batch.length - operand.length;
  const out = new Array<number>(n);
  for (let t = 0; t < n; t++) {
    let rem = t;
    let o = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const idx = rem % batch[d]!;
      rem = Math.floor(rem / batch[d]!);
      const j = d - off;
      if (j >= 0 && operand[j] !== 1) o += idx * st[j]!;
    }
    out[t] = o;
  }
  return out;
}

export { stridesOf };
