// The "1,000-step LoRA training loop keeps memory flat" check every backend runs: one loop,
// memory snapshots around it, so each backend's test only asserts on its own memory fields.
import type { Backend } from '../backend.ts';
import { keep, noGrad, tidy } from '../engine.ts';
import { randn, zeros } from '../create.ts';
import { add, mul, square, sub } from '../ops/elementwise.ts';
import { matmul } from '../ops/matmul.ts';
import { mean } from '../ops/reduce.ts';
import { Generator } from '../rng.ts';
import type { Tensor } from '../tensor.ts';

export interface LoraLoopResult<M> {
  readonly firstLoss: number;
  readonly lastLoss: number;
  /** `backend.memory()` after warm-up and after the timed steps (both after `settle`). */
  readonly before: M;
  readonly after: M;
}

export interface LoraLoopOptions {
  readonly steps?: number;
  readonly warmup?: number;
  /** Wait for queued device work before a memory snapshot (e.g. WebGPU's `sync()`). */
  readonly settle?: () => Promise<void>;
}

/**
 * Train y = x·W0ᵀ + 2·(x·Aᵀ)·Bᵀ (LoRA, A and B trained with SGD) for `steps` steps on `backend`,
 * every step inside `tidy`, and report the loss and memory before/after. All tensors are freed.
 */
export async function runLoraMemoryLoop<B extends Backend>(backend: B, opts: LoraLoopOptions = {}): Promise<LoraLoopResult<ReturnType<B['memory']>>> {
  const settle = opts.settle ?? (async () => {});
  const g = new Generator(3);
  const o = { generator: g, backend };
  const w0 = keep(randn([64, 64], o));
  const A = keep(randn([8, 64], { ...o, std: 0.1 }));
  const B = keep(zeros([64, 8], { backend }));
  A.requiresGrad = true;
  B.requiresGrad = true;
  const x = keep(randn([32, 64], o));
  const y = keep(randn([32, 64], o));
  const step = (): Tensor =>
    tidy(() => {
      const pred = add(matmul(x, w0, { transB: true }), mul(matmul(matmul(x, A, { transB: true }), B, { transB: true }), 2));
      const loss = mean(square(sub(pred, y)));
      loss.backward();
      noGrad(() => {
        for (const p of [A, B]) {
          p.assign(sub(p, mul(p.grad!, 0.05)));
          p.grad!.dispose();
          p.grad = null;
        }
      });
      return loss;
    });
  try {
    const first = step();
    const firstLoss = await first.item();
    first.dispose();
    for (let i = 0; i < (opts.warmup ?? 20); i++) step().dispose();
    await settle();
    const before = backend.memory() as ReturnType<B['memory']>;
    let last: Tensor | null = null;
    for (let i = 0; i < (opts.steps ?? 1000); i++) {
      last?.dispose();
      last = step();
    }
    const lastLoss = await last!.item();
    last!.dispose();
    await settle();
    const after = backend.memory() as ReturnType<B['memory']>;
    return { firstLoss, lastLoss, before, after };
  } finally {
    for (const t of [w0, A, B, x, y]) t.dispose();
  }
}
