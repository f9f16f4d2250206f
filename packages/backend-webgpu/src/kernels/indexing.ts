// gather, scatterAdd (f32 atomics by compare-exchange on the bit pattern), topk indices.
import type { GatherAttrs, ScatterAddAttrs, TopkAttrs } from '@webpeft/tensor';
import { bindings, gpuKernel, main, numel, wgslType } from './_wgsl.ts';

// Element i of the (outer, index, inner) grid → o, j, k and its clamped row; prm: [n, inner, nIdx, size]
const LOCATE_ROW = `let inner = prm[1];
  let nIdx = prm[2];
  let size = prm[3];
  let k = i % inner;
  let j = (i / inner) % nIdx;
  let o = i / (inner * nIdx);
  let row = u32(clamp(in1[j], 0, i32(size) - 1));`;

gpuKernel<GatherAttrs>('gather', ({ inputs: [x, idx], attrs, out, backend }) => {
  const t = wgslType(out.dtype);
  const size = x!.shape[attrs.axis]!;
  const inner = x!.shape.slice(attrs.axis + 1).reduce((a, d) => a * d, 1);
  const nIdx = numel(idx!);
  const n = numel(out);
  const o = backend.alloc(n);
  // out[(o, j, k)] = x[(o, clamp(idx[j]), k)]; out-of-range indices clamp (the CPU backend throws)
  backend.run({
    key: `gather:${t}`,
    code: () => `${bindings([t, 'i32'], t)}
${main()}
  if (i >= prm[0]) { return; }
${LOCATE_ROW}
  out[i] = in0[(o * size + row) * inner + k];
}`,
    meta: [n, inner, nIdx, size],
    inputs: [x!.storage.buffer, idx!.storage.buffer],
    output: o.buffer,
    threads: n,
  });
  return o;
});

gpuKernel<ScatterAddAttrs>('scatterAdd', ({ inputs: [u, idx], attrs, out, backend }) => {
  const t = wgslType(out.dtype);
  const nIdx = numel(idx!);
  const inner = u!.shape.slice(attrs.axis + idx!.shape.length).reduce((a, d) => a * d, 1);
  const n = numel(u!);
  const o = backend.alloc(numel(out));
  backend.clear(o.buffer, numel(out) * 4);
  const add =
    t === 'i32'
      ? 'atomicAdd(&out[dst], in0[i]);'
      : `var old = atomicLoad(&out[dst]);
  loop {
    let next = bitcast<u32>(bitcast<f32>(old) + in0[i]);
    let r = atomicCompareExchangeWeak(&out[dst], old, next);
    if (r.exchanged) { break; }
    old = r.old_value;
  }`;
  backend.run({
    key: `scatterAdd:${t}`,
    code: () => `${bindings([t, 'i32'], t === 'i32' ? 'i32' : 'u32', true)}
${main()}
  if (i >= prm[0]) { return; }
${LOCATE_ROW}
  let dst = (o * size + row) * inner + k;
  ${add}
}`,
    meta: [n, inner, nIdx, attrs.dimSize],
    inputs: [u!.storage.buffer, idx!.storage.buffer],
    output: o.buffer,
    threads: n,
  });
  return o;
});

gpuKernel<TopkAttrs>('topkIndices', ({ inputs: [x], attrs, out, backend }) => {
  const t = wgslType(x!.dtype);
  const n = x!.shape[x!.shape.length - 1]!;
  const rows = n === 0 ? 0 : numel(x!) / n;
  const o = backend.alloc(numel(out));
  const better = attrs.largest ? '>' : '<';
  // one thread per row: k selection passes; the previous pick bounds the next (ties: lower index first)
  backend.run({
    key: `topk:${t}:${attrs.largest}`,
    code: () => `${bindings([t], 'i32')}
${main()}
  if (i >= prm[0]) { return; }
  let n = prm[1];
  let k = prm[2];
  let base = i * n;
  var prevV = in0[base];
  var prevJ = 0xffffffffu;
  for (var t = 0u; t < k; t++) {
    var bestJ = 0xffffffffu;
    var bestV = in0[base];
    for (var j = 0u; j < n; j++) {
      let v = in0[base + j];
      // candidates come strictly after the previous pick in (value, index) order
      let after = prevJ == 0xffffffffu || (v ${better === '>' ? '<' : '>'} prevV) || (v == prevV && j > prevJ);
      if (after && (bestJ == 0xffffffffu || v ${better} bestV)) { bestV = v; bestJ = j; }
    }
    out[i * k + t] = i32(bestJ);
    prevV = bestV;
    prevJ = bestJ;
  }
}`,
    meta: [rows, n, attrs.k],
    inputs: [x!.storage.buffer],
    output: o.buffer,
    threads: rows,
  });
  return o;
});
