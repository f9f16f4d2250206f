// A one-node ONNX model (Gemm with transA/transB) encoded by hand: onnxruntime-node needs a model,
// and writing ten protobuf fields is simpler than adding the onnx toolchain.

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

const tag = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, v: number) => [...tag(field, 0), ...varint(v)];
const bytes = (field: number, b: number[]) => [...tag(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...new TextEncoder().encode(s)]);

function valueInfo(name: string, dims: readonly number[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, int(1, d))); // TensorShapeProto.dim { dim_value }
  const tensorType = [...int(1, 1), ...bytes(2, shape)]; // elem_type FLOAT, shape
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

/** Y = op(A)·op(B) as an ONNX Gemm; A is [M×K] or [K×M] (transA), B is [K×N] or [N×K] (transB). */
export function gemmModel(m: number, k: number, n: number, transA: boolean, transB: boolean): Uint8Array {
  const attr = (name: string, v: number) => [...str(1, name), ...int(3, v), ...int(20, 2)];
  const node = [...str(1, 'A'), ...str(1, 'B'), ...str(2, 'Y'), ...str(3, 'gemm'), ...str(4, 'Gemm'), ...bytes(5, attr('transA', transA ? 1 : 0)), ...bytes(5, attr('transB', transB ? 1 : 0))];
  const graph = [...bytes(1, node), ...str(2, 'g'), ...bytes(11, valueInfo('A', transA ? [k, m] : [m, k])), ...bytes(11, valueInfo('B', transB ? [n, k] : [k, n])), ...bytes(12, valueInfo('Y', [m, n]))];
  const model = [...int(1, 8), ...bytes(8, [...str(1, ''), ...int(2, 13)]), ...bytes(7, graph)];
  return new Uint8Array(model);
}
