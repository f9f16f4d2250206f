// `npm run bench -w @webpeft/adapters [-- --webgpu] [--d=256] [--layers=4] [--batch=64] [--r=8] [--steps=20]`
// One training step (forward, backward, AdamW) of LoRA vs B-only (B̂0A_rand) vs A-only at the same
// rank, side by side in one process and interleaved, on CPU (default) or WebGPU (Dawn). Not a test:
// compare the ratios of one run. Reports median step time, kernel launches, trainable parameters and
// optimizer-state bytes per method.
import { cpuBackend } from '@webpeft/backend-cpu';
import { nodeWebGPUBackend } from '@webpeft/backend-webgpu/node';
import { Linear, Module, mseLoss } from '@webpeft/nn';
import { AdamW } from '@webpeft/optim';
import { type Backend, Generator, type Tensor, countKernels, fromArray, relu, setBackend, tidy } from '@webpeft/tensor';
import { injectAdapter, trainableReport } from '../src/mod.ts';

const args = process.argv.slice(2);
const num = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const D = num('d', 256);
const LAYERS = num('layers', 4);
const BATCH = num('batch', 64);
const R = num('r', 8);
const STEPS = num('steps', 20);

class Stack extends Module {
  readonly layers: Linear[] = [];
  constructor() {
    super();
    const generator = new Generator(1);
    for (let i = 0; i < LAYERS; i++) this.layers.push(this.registerModule(`l${i}`, new Linear(D, D, { generator })));
  }
  forward(x: Tensor): Tensor {
    let h = x;
    this.layers.forEach((_, i) => (h = relu((this.getSubmodule(`l${i}`) as unknown as { forward(t: Tensor): Tensor }).forward(h))));
    return h;
  }
}

async function backend(): Promise<Backend> {
  // Dawn loads only when a WebGPU backend is requested
  return args.includes('--webgpu') ? nodeWebGPUBackend() : cpuBackend();
}

const b = await backend();
setBackend(b);
const g = new Generator(2);
const x = fromArray(g.normal(BATCH * D), [BATCH, D]);
const y = fromArray(g.normal(BATCH * D, 0, 0.1), [BATCH, D]);
const methods = ['lora', 'b-only', 'a-only'];
const runs = await Promise.all(
  methods.map(async (method) => {
    const model = new Stack();
    await injectAdapter(model, { method, r: R, targetModules: 'l\\d+' });
    const opt = new AdamW([...model.parameters()], { lr: 1e-3 });
    const step = async () => {
      const loss = tidy(() => {
        const l = mseLoss(model.forward(x), y);
        l.backward();
        return l;
      });
      opt.step();
      opt.zeroGrad();
      await loss.data(); // wait for the device
      loss.dispose();
    };
    return { method, model, opt, step, times: [] as number[] };
  }),
);
for (const r of runs) await r.step(); // warm-up
for (let i = 0; i < STEPS; i++) {
  for (const r of runs) {
    const t0 = performance.now();
    await r.step();
    r.times.push(performance.now() - t0);
  }
}
const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)]!;
const base = median(runs[0]!.times);
console.log(`backend ${b.name}: ${LAYERS} × Linear(${D}, ${D}), batch ${BATCH}, r = ${R}, ${STEPS} steps`);
console.log('| method | step ms (median) | vs LoRA | kernels / step | trainable | optimizer state bytes |');
console.log('|---|---|---|---|---|---|');
for (const r of runs) {
  let launches = 0;
  const counts = countKernels(() => {
    tidy(() => mseLoss(r.model.forward(x), y).backward());
    r.model.zeroGrad();
  });
  for (const v of counts.values()) launches += v;
  const state = r.opt.stateDict().state;
  const bytes = Object.values(state).reduce((s, bufs) => s + Object.values(bufs).reduce((t, u) => t + u.size * 4, 0), 0);
  const ms = median(r.times);
  console.log(`| ${r.method} | ${ms.toFixed(2)} | ${(ms / base).toFixed(2)}× | ${launches} | ${trainableReport(r.model).trainable} | ${bytes} |`);
}
process.exit(0);
