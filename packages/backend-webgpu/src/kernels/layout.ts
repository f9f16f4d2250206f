/// <reference types="@webgpu/types" />
// Data movement: one strided-gather kernel serves transpose, broadcastTo and slice; pad and concat write regions.
import type { BroadcastToAttrs, ConcatAttrs, PadAttrs, SliceAttrs, TransposeAttrs } from '@webpeft/tensor';
import { broadcastStrides } from '@webpeft/tensor';
import type { GpuStorage, WebGPUBackend } from '../backend.ts';
import { STRIDED, bindings, gpuKernel, main, numel, stridesOf, wgslType } from './_wgsl.ts';
import type { DType } from '@webpeft/tensor';

/** out[i] = in[base + Σ idx_d·stride_d] over `outShape`. */
function stridedCopy(backend: WebGPUBackend, dtype: DType, input: GPUBuffer, outShape: readonly number[], strides: readonly number[], base: number): GpuStorage {
  const n = outShape.reduce((a, d) => a * d, 1);
  const o = backend.alloc(n);
  const t = wgslType(dtype);
  backend.run({
    key: `strided:${t}`,
    code: () => `${bindings([t], t)}\n${STRIDED}\n${main()}\n  if (i >= prm[0]) { return; }\n  out[i] = in0[prm[2] + strided(i, prm[1], 3u, 3u + prm[1])];\n}`,
    meta: [n, outShape.length, base, ...outShape, ...strides],
    inputs: [input],
    output: o.buffer,
    threads: n,
  });
  return o;
}

gpuKernel<TransposeAttrs>('transpose', ({ inputs: [x], attrs, out, backend }) => {
  const st = stridesOf(x!.shape);
  return stridedCopy(
    backend,
    out.dtype,
    x!.storage.buffer,
    out.shape,
    attrs.perm.map((p) => st[p]!),
    0,
  );
});

gpuKernel<BroadcastToAttrs>('broadcastTo', ({ inputs: [x], out, backend }) => stridedCopy(backend, out.dtype, x!.storage.buffer, out.shape, broadcastStrides(x!.shape, out.shape), 0));

gpuKernel<SliceAttrs>('slice', ({ inputs: [x], attrs, out, backend }) => {
  const st = stridesOf(x!.shape);
  return stridedCopy(
    backend,
    out.dtype,
    x!.storage.buffer,
    out.shape,
    st,
    attrs.begin.reduce((a, b, i) => a + b * st[i]!, 0),
  );
});

gpuKernel<PadAttrs>('pad', ({ inputs: [x], attrs, out, backend }) => {
  const n = numel(out);
  const o = backend.alloc(n);
  const t = wgslType(out.dtype);
  const r = out.shape.length;
  const value = t === 'f32' ? new Uint32Array(new Float32Array([attrs.value]).buffer)[0]! : attrs.value >>> 0;
  // prm: [n, rank, value, outShape, before, inShape, inStrides]
  backend.run({
    key: `pad:${t}`,
    code: () => `${bindings([t], t)}
${main()}
  if (i >= prm[0]) { return; }
  let r = prm[1];
  var rem = i;
  var off = 0u;
  var inside = true;
  for (var d = i32(r) - 1; d >= 0; d--) {
    let s = prm[3u + u32(d)];
    let c = rem % s;
    rem = rem / s;
    let before = prm[3u + r + u32(d)];
    let size = prm[3u + 2u * r + u32(d)];
    if (c < before || c >= before + size) { inside = false; }
    off += (c - before) * prm[3u + 3u * r + u32(d)];
  }
  out[i] = select(bitcast<${t}>(prm[2]), in0[select(0u, off, inside)], inside);
}`,
    meta: [n, r, value, ...out.shape, ...attrs.pads.map((p) => p[0]), ...x!.shape, ...stridesOf(x!.shape)],
    inputs: [x!.storage.buffer],
    output: o.buffer,
    threads: n,
  });
  return o;
});

gpuKernel<ConcatAttrs>('concat', ({ inputs, attrs, out, backend }) => {
  const o = backend.alloc(numel(out));
  const t = wgslType(out.dtype);
  const inner = out.shape.slice(attrs.axis + 1).reduce((a, d) => a * d, 1);
  const rowOut = out.shape[attrs.axis]! * inner;
  let at = 0;
  for (const x of inputs) {
    const row = x.shape[attrs.axis]! * inner;
    const n = numel(x);
    // out[(i / row) * rowOut + at + i % row] = in[i]
    backend.run({
      key: `concat:${t}`,
      code: () => `@group(0) @binding(0) var<storage, read> prm: array<u32>;
@group(0) @binding(1) var<storage, read> in0: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${main()}
  if (i >= prm[0]) { return; }
  out[(i / prm[1]) * prm[2] + prm[3] + i % prm[1]] = in0[i];
}`,
      meta: [n, Math.max(row, 1), rowOut, at],
      inputs: [x.storage.buffer],
      output: o.buffer,
      threads: n,
    });
    at += row;
  }
  return o;
});
