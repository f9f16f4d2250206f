// Index helpers shared by the CPU kernels.
import { stridesOf } from '@webpeft/tensor';

/** Calls `fn(outIndex, inIndex)` for every element of `outShape`, mapping through `inStrides` (0 = broadcast). */
export function forEachStrided(outShape: readonly number[], inStrides: readonly number[], fn: (o: number, i: number) => void): void {
  const rank = outShape.length;
  const n = outShape.reduce((a, d) => a * d, 1);
  if (n === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    fn(o, src);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += inStrides[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= inStrides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/** Split `shape` at `axis` into (outer, size, inner) element counts. */
export function splitAt(shape: readonly number[], axis: number): [number, number, number] {
  const outer = shape.slice(0, axis).reduce((a, d) => a * d, 1);
  const inner = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  return [outer, shape[axis] ?? 1, inner];
}

export { stridesOf };
