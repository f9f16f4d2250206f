// Softmax / log-softmax along an axis, LayerNorm / RMSNorm over the last axis, dropout masks.
import type { AxisAttrs, DropoutMaskAttrs, NormAttrs } from '@webpeft/tensor';
import { f32Bits } from '../backend.ts';
import { bindings, gpuKernel, main, numel } from './_wgsl.ts';

for (const log of [false, true]) {
  gpuKernel<AxisAttrs>(log ? 'logSoftmax' : 'softmax', ({ inputs: [x], attrs, out, backend }) => {
    const size = x!.shape[attrs.axis]!;
    const inner = x!.shape.slice(attrs.axis + 1).reduce((a, d) => a * d, 1);
    const lines = numel(x!) / Math.max(size, 1);
    const o = backend.alloc(numel(out));
    backend.run({
      key: `softmax:${log}`,
      code: () => `${bindings(['f32'], 'f32')}
${main()}
  if (i >= prm[0]) { return; }
  let size = prm[1];
  let inner = prm[2];
  let base = (i / inner) * size * inner + i % inner;
  var m = in0[base];
  for (var j = 1u; j < size; j++) { m = max(m, in0[base + j * inner]); }
  var s = 0.0;
  for (var j = 0u; j < size; j++) { s += exp(in0[base + j * inner] - m); }
  let logS = log(s);
  for (var j = 0u; j < size; j++) {
    let v = in0[base + j * inner] - m;
    out[base + j * inner] = ${log ? 'v - logS' : 'exp(v) / s'};
  }
}`,
      meta: [lines, size, inner],
      inputs: [x!.storage.buffer],
      output: o.buffer,
      threads: lines,
    });
    return o;
  });
}

for (const centre of [true, false]) {
  gpuKernel<NormAttrs>(centre ? 'layerNorm' : 'rmsNorm', ({ inputs, attrs, out, backend }) => {
    const [x, w, b] = inputs;
    const d = x!.shape[x!.shape.length - 1]!;
    const rows = numel(x!) / Math.max(d, 1);
    const o = backend.alloc(numel(out));
    backend.run({
      key: `norm:${centre}`,
      code: () => `${bindings(centre ? ['f32', 'f32', 'f32'] : ['f32', 'f32'], 'f32')}
${main()}
  if (i >= prm[0]) { return; }
  let d = prm[1];
  let base = i * d;
  var mu = 0.0;
  ${centre ? 'for (var j = 0u; j < d; j++) { mu += in0[base + j]; }\n  mu = mu / f32(d);' : ''}
  var v = 0.0;
  for (var j = 0u; j < d; j++) { let c = in0[base + j] - mu; v += c * c; }
  let rstd = inverseSqrt(v / f32(d) + bitcast<f32>(prm[2]));
  for (var j = 0u; j < d; j++) {
    out[base + j] = (in0[base + j] - mu) * rstd * in1[j]${centre ? ' + in2[j]' : ''};
  }
}`,
      meta: [rows, d, f32Bits(attrs.eps)],
      inputs: centre ? [x!.storage.buffer, w!.storage.buffer, b!.storage.buffer] : [x!.storage.buffer, w!.storage.buffer],
      output: o.buffer,
      threads: rows,
    });
    return o;
  });
}

// Philox4x32-10 in WGSL, bit-identical to rng.ts (32×32→64 products from 16-bit halves).
const PHILOX = `
fn mulhilo(a: u32, b: u32) -> vec2u {
  let aL = a & 0xffffu; let aH = a >> 16u; let bL = b & 0xffffu; let bH = b >> 16u;
  let ll = aL * bL; let lh = aL * bH; let hl = aH * bL; let hh = aH * bH;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return vec2u(hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u), a * b);
}
fn philox(ctr: vec4u, key: vec2u) -> vec4u {
  var c = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    if (r > 0u) { k = k + vec2u(0x9e3779b9u, 0xbb67ae85u); }
    let p0 = mulhilo(0xd2511f53u, c.x);
    let p1 = mulhilo(0xcd9e8d57u, c.z);
    c = vec4u(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
  }
  return c;
}`;

gpuKernel<DropoutMaskAttrs>('dropoutMask', ({ inputs: [x], attrs, backend }) => {
  const n = numel(x!);
  const o = backend.alloc(n);
  const lo = attrs.offset % 2 ** 32 >>> 0;
  const hi = Math.floor(attrs.offset / 2 ** 32) >>> 0;
  backend.run({
    key: 'dropoutMask',
    code: () => `${bindings(['f32'], 'f32')}
${PHILOX}
${main()}
  if (i >= min(prm[0], arrayLength(&in0))) { return; }
  // block counter = offset + i/4 as a 64-bit (lo, hi) pair
  let add = i / 4u;
  let lo = prm[1] + add;
  let hi = prm[2] + select(0u, 1u, lo < add);
  let bits = philox(vec4u(lo, hi, 0u, 0u), vec2u(prm[3], prm[4]));
  let lane = i % 4u;
  let b = select(select(select(bits.w, bits.z, lane == 2u), bits.y, lane == 1u), bits.x, lane == 0u);
  out[i] = select(bitcast<f32>(prm[6]), 0.0, (b >> 8u) < prm[5]);
}`,
    meta: [n, lo, hi, attrs.key[0], attrs.key[1], attrs.threshold, f32Bits(attrs.scale)],
    inputs: [x!.storage.buffer],
    output: o.buffer,
    threads: n,
  });
  return o;
});
