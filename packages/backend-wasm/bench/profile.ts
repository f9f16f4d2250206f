// Where the LoRA layer train step's time goes (not a test): every kernel the main thread calls is
// timed, one thread, so the shares are exact. Usage (packages/backend-wasm):
//   node --conditions=@webpeft/source --import tsx bench/profile.ts [--portable]
import { enableNodeRelaxedSimd, wasmBackend } from '@webpeft/backend-wasm';
import { setBackend } from '@webpeft/tensor';
import { webpeftTrainStep } from './train.ts';

const portable = process.argv.includes('--portable');
if (!portable) await enableNodeRelaxedSimd();
const be = await wasmBackend({ threads: 1, relaxedSimd: !portable });
setBackend(be);
const times: Record<string, number> = {};
const k = be.k as unknown as Record<string, unknown>;
const timed: Record<string, unknown> = {};
for (const [name, f] of Object.entries(k)) {
  timed[name] =
    typeof f === 'function'
      ? (...a: number[]) => {
          const t0 = performance.now();
          const r = (f as (...x: number[]) => unknown)(...a);
          times[name] = (times[name] ?? 0) + performance.now() - t0;
          return r;
        }
      : f;
}
(be as unknown as { k: unknown }).k = timed;
const { step } = webpeftTrainStep(be, { n: 512, d: 768, r: 8 });
for (let i = 0; i < 10; i++) step();
for (const key of Object.keys(times)) times[key] = 0;
const N = 50;
const t0 = performance.now();
for (let i = 0; i < N; i++) step();
const total = (performance.now() - t0) / N;
console.log(`${be.summary}: LoRA train step N=512 d=768 r=8, ${total.toFixed(2)} ms`);
let inKernels = 0;
for (const [n, t] of Object.entries(times).sort((a, b) => b[1] - a[1])) {
  if (t <= 0) continue;
  inKernels += t / N;
  console.log(`  ${n.padEnd(12)} ${(t / N).toFixed(3)} ms  ${((100 * t) / N / total).toFixed(1)}%`);
}
console.log(`  ${'host (JS)'.padEnd(12)} ${(total - inKernels).toFixed(3)} ms  ${((100 * (total - inKernels)) / total).toFixed(1)}%`);
process.exit(0);
