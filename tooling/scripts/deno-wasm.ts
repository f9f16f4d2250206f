// The WASM backend under Deno: the shipped module loads through fetch(file:), the worker pool runs
// on Deno's Worker over one shared WebAssembly.Memory, and Deno's V8 validates Relaxed SIMD, so
// `auto` picks the FMA build. Matmuls in all four layouts (split across threads) are compared
// with the CPU backend, then a LoRA layer trains for a few SGD steps.
// Run it with `node tooling/scripts/deno-smoke.mjs deno-wasm.ts`; exits non-zero on failure.
import { Generator, add, fromArray, keep, matmul, mean, mul, noGrad, square, sub, type Tensor, tidy } from '@webpeft/tensor';
import { cpuBackend } from '@webpeft/backend-cpu';
import { wasmBackend } from '@webpeft/backend-wasm';

const runtime = (globalThis as { Deno?: { version: { deno: string; v8: string }; exit(code: number): never } }).Deno;
if (!runtime) throw new Error('deno-wasm.ts is meant to run under Deno');
const fail = (msg: string): never => {
  console.error(`deno wasm FAILED: ${msg}`);
  return runtime.exit(1);
};

const cpu = cpuBackend();
const wasm = await wasmBackend({ threads: 2 });
wasm.parallelMinMacs = 0; // split every matmul across the pool
console.log(`deno ${runtime.version.deno} (V8 ${runtime.version.v8}): ${wasm.summary}`);
if (wasm.threads !== 2) fail(`expected 2 threads, got ${wasm.threads} (${wasm.singleThreadReason})`);
if (!wasm.relaxedSimd) fail('Deno validates Relaxed SIMD, but the portable build was loaded');

const g = new Generator(3);
let worst = 0;
for (const [m, k, n] of [[37, 53, 29], [64, 300, 8], [8, 257, 96]] as const) {
  for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    const a = g.normal(m * k);
    const b = g.normal(k * n);
    const sa = transA ? [k, m] : [m, k];
    const sb = transB ? [n, k] : [k, n];
    const want = tidy(() => matmul(fromArray(a, sa, { dtype: 'f64', backend: cpu }), fromArray(b, sb, { dtype: 'f64', backend: cpu }), { transA, transB }).dataSync());
    const got = tidy(() => matmul(fromArray(a, sa, { backend: wasm }), fromArray(b, sb, { backend: wasm }), { transA, transB }).dataSync());
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.sqrt(k));
  }
}
console.log(`matmul vs CPU f64, 12 cases on 2 threads: max |Δ|/√K = ${worst.toExponential(2)}`);
if (!(worst < 1e-5)) fail(`matmul differs from the CPU reference by ${worst}`);

// LoRA layer y = x·W0ᵀ + (x·Aᵀ)·Bᵀ (B starts at zero), only A and B train
const [N, d, r] = [64, 48, 4];
const t = (shape: number[], std: number) => keep(fromArray(g.normal(shape[0]! * shape[1]!, 0, std), shape, { backend: wasm }));
const x = t([N, d], 1);
const w0 = t([d, d], 0.2);
const target = keep(tidy(() => add(matmul(x, w0, { transB: true }), matmul(matmul(x, t([r, d], 0.3), { transB: true }), t([d, r], 0.3), { transB: true }))));
const A = t([r, d], 0.3);
const B = keep(fromArray(new Float32Array(d * r), [d, r], { backend: wasm }));
A.requiresGrad = true;
B.requiresGrad = true;
const losses: number[] = [];
for (let step = 0; step < 30; step++) {
  losses.push(
    tidy(() => {
      const loss = mean(square(sub(add(matmul(x, w0, { transB: true }), matmul(matmul(x, A, { transB: true }), B, { transB: true })), target)));
      loss.backward();
      noGrad(() => {
        for (const p of [A, B] as Tensor[]) {
          p.assign(sub(p, mul(p.grad!, 0.5)));
          p.grad!.dispose();
          p.grad = null;
        }
      });
      return loss.dataSync()[0]!;
    }),
  );
}
console.log(`LoRA layer, 30 SGD steps on wasm: loss ${losses[0]!.toFixed(4)} -> ${losses.at(-1)!.toFixed(4)}`);
if (!(losses.at(-1)! < losses[0]! * 0.5)) fail(`the loss did not fall: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
wasm.dispose();
console.log('deno wasm OK');
runtime.exit(0);
