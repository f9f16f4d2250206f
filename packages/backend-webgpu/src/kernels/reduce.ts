/// <reference types="@webgpu/types" />
// Reductions. One thread per (output, chunk): outputs with long reductions split into chunks
// (partials) and a second pass reduces the partials, so a full sum still spreads over threads.
import type { ArgReduceAttrs, ReduceAttrs } from '@webpeft/tensor';
import type { GpuStorage, WebGPUBackend } from '../backend.ts';
import { STRIDED, bindings, gpuKernel, main, numel, stridesOf, wgslType } from './_wgsl.ts';

const CHUNK = 1024;

// prm: [threads, P, chunk, R, keptRank, redRank, keptShape, keptStrides, redShape, redStrides]

function reduceShader(kind: 'sum' | 'max' | 'min', t: string): string {
  const combine = kind === 'sum' ? 'acc = acc + v;' : `acc = ${kind}(acc, v);`;
  return `${bindings([t], t)}
${STRIDED}
${main()}
  if (i >= prm[0]) { return; }
  let P = prm[1];
  let o = i / P;
  let p = i % P;
  let R = prm[3];
  let kr = prm[4];
  let rr = prm[5];
  let base = strided(o, kr, 6u, 6u + kr);
  let r0 = p * prm[2];
  let r1 = min(R, r0 + prm[2]);
  var acc = ${kind === 'sum' ? `${t}(0)` : `in0[base + strided(r0, rr, 6u + 2u * kr, 6u + 2u * kr + rr)]`};
  for (var r = r0; r < r1; r++) {
    let v = in0[base + strided(r, rr, 6u + 2u * kr, 6u + 2u * kr + rr)];
    ${combine}
  }
  out[i] = acc;
}`;
}

function reducePass(backend: WebGPUBackend, kind: 'sum' | 'max' | 'min', t: string, input: GPUBuffer, kept: [number[], number[]], red: [number[], number[]], nOut: number): GpuStorage {
  const R = red[0].reduce((a, d) => a * d, 1);
  const P = nOut < 256 && R > CHUNK ? Math.ceil(R / CHUNK) : 1;
  const chunk = P === 1 ? Math.max(R, 1) : CHUNK;
  const o = backend.alloc(nOut * P);
  backend.run({
    key: `reduce:${kind}:${t}`,
    code: () => reduceShader(kind, t),
    meta: [nOut * P, P, chunk, R, kept[0].length, red[0].length, ...kept[0], ...kept[1], ...red[0], ...red[1]],
    inputs: [input],
    output: o.buffer,
    threads: nOut * P,
  });
  if (P === 1) return o;
  const second = reducePass(backend, kind, t, o.buffer, [[nOut], [P]], [[P], [1]], nOut);
  backend.release(o);
  return second;
}

for (const kind of ['sum', 'max', 'min'] as const) {
  gpuKernel<ReduceAttrs>(kind, ({ inputs: [x], attrs, out, backend }) => {
    const st = stridesOf(x!.shape);
    const keptAxes = x!.shape.map((_, i) => i).filter((i) => !attrs.axes.includes(i));
    const kept: [number[], number[]] = [keptAxes.map((a) => x!.shape[a]!), keptAxes.map((a) => st[a]!)];
    const red: [number[], number[]] = [attrs.axes.map((a) => x!.shape[a]!), attrs.axes.map((a) => st[a]!)];
    const nOut = numel(out);
    if (numel(x!) === 0) {
      const o = backend.alloc(nOut);
      backend.clear(o.buffer, nOut * 4);
      return o;
    }
    return reducePass(backend, kind, wgslType(x!.dtype), x!.storage.buffer, kept, red, nOut);
  });
}

for (const [name, cmp] of [
  ['argmax', '>'],
  ['argmin', '<'],
] as const) {
  gpuKernel<ArgReduceAttrs>(name, ({ inputs: [x], attrs, out, backend }) => {
    const t = wgslType(x!.dtype);
    const size = x!.shape[attrs.axis]!;
    const inner = x!.shape.slice(attrs.axis + 1).reduce((a, d) => a * d, 1);
    const n = numel(out);
    const o = backend.alloc(n);
    backend.run({
      key: `${name}:${t}`,
      code: () => `${bindings([t], 'i32')}
${main()}
  if (i >= prm[0]) { return; }
  let size = prm[1];
  let inner = prm[2];
  let base = (i / inner) * size * inner + i % inner;
  var best = 0u;
  var bv = in0[base];
  for (var j = 1u; j < size; j++) {
    let v = in0[base + j * inner];
    if (v ${cmp} bv) { bv = v; best = j; }
  }
  out[i] = i32(best);
}`,
      meta: [n, size, inner],
      inputs: [x!.storage.buffer],
      output: o.buffer,
      threads: n,
    });
    return o;
  });
}
