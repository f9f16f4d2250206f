// Deno smoke test: the tensor core and the CPU backend, imported from their sources through
// the Deno workspace (root deno.json), train a linear layer for a few SGD steps.
// Run it with `npm run test:deno` (tooling/scripts/deno-smoke.mjs); exits non-zero on failure.
import { Generator, keep, matmul, mean, mul, noGrad, randn, setBackend, square, sub, type Tensor, tidy } from '@webpeft/tensor';
import { cpuBackend } from '@webpeft/backend-cpu';

const runtime = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
if (!runtime) throw new Error('deno-smoke.ts is meant to run under Deno (npm run test:deno)');

setBackend(cpuBackend());

const dIn = 8;
const dOut = 4;
const batch = 32;
const steps = 20;
const lr = 0.1;
const generator = new Generator(1234);

// Regression target y = x·W*ᵀ; the model W starts at zero.
const wTarget = keep(randn([dOut, dIn], { generator }));
const x = keep(randn([batch, dIn], { generator }));
const y = keep(matmul(x, wTarget, { transB: true }));
let w: Tensor = keep(randn([dOut, dIn], { generator, std: 0.01 }));
w.requiresGrad = true;

function lossOf(weight: Tensor): Tensor {
  return mean(square(sub(matmul(x, weight, { transB: true }), y)));
}

const losses: number[] = [];
for (let step = 0; step < steps; step++) {
  const loss = tidy(() => {
    const l = lossOf(w);
    l.backward();
    return l.dataSync()[0]!;
  });
  losses.push(loss);
  // Plain SGD: W ← W − lr·∇W, computed without recording history; the result is a new leaf.
  const next = noGrad(() => keep(sub(w, mul(w.grad!, lr))));
  w.dispose();
  next.requiresGrad = true;
  w = next;
}

const first = losses[0]!;
const last = losses[losses.length - 1]!;
const ok = Number.isFinite(last) && last < first * 0.5 && losses.every((l, i) => i === 0 || l <= losses[i - 1]! + 1e-6);
console.log(`deno ${runtime.version.deno}: linear layer, ${steps} SGD steps, loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
for (const t of [wTarget, x, y, w]) t.dispose();
if (!ok) {
  console.error(`deno smoke FAILED: the loss did not decrease as expected: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
  (globalThis as unknown as { Deno: { exit(code: number): never } }).Deno.exit(1);
}
console.log('deno smoke OK');
