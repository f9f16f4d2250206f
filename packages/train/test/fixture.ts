// A small, fully seeded training run shared by the in-process tests and the child process of the
// SIGKILL test: a 2-layer MLP with dropout (own generator), a frozen first-layer weight (so the
// checkpoint holds trainable parameters only and AdamW has parameters without state), AdamW with
// a warmup + cosine schedule, gradient accumulation over 2 micro-batches, epochs of 5 steps.
import { cpuBackend } from '@webpeft/backend-cpu';
import { Dropout, Linear, Module, mseLoss } from '@webpeft/nn';
import { AdamW, LRScheduler, cosineWarmupDecay } from '@webpeft/optim';
import { Generator, type Tensor, fromArray, mul, relu, setBackend } from '@webpeft/tensor';
import { ArrayDataset, type CheckpointStore, type MetricsSink, type ProgressReporter, type StepRecord, Trainer } from '../src/mod.ts';

export interface Example {
  readonly x: readonly number[];
  readonly y: number;
}

export interface Batch {
  readonly x: Tensor;
  readonly y: Tensor;
}

export const IN = 4;

/** y = sin(w·x) + small noise, from a seeded stream. */
export function examples(n: number, seed: number): Example[] {
  const g = new Generator(seed);
  const w = [0.7, -1.2, 0.4, 0.9];
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from(g.normal(IN));
    const y = Math.sin(x.reduce((s, v, j) => s + v * w[j]!, 0)) + 0.05 * g.normal(1)[0]!;
    out.push({ x, y });
  }
  return out;
}

export function collate(items: Example[]): Batch {
  return { x: fromArray(items.flatMap((e) => e.x), [items.length, IN]), y: fromArray(items.map((e) => e.y), [items.length, 1]) };
}

export class TinyNet extends Module {
  readonly fc1: Linear;
  readonly drop: Dropout;
  readonly fc2: Linear;

  constructor(init: Generator, dropout: Generator) {
    super();
    this.fc1 = this.registerModule('fc1', new Linear(IN, 16, { generator: init }));
    this.drop = this.registerModule('drop', new Dropout(0.1, { generator: dropout }));
    this.fc2 = this.registerModule('fc2', new Linear(16, 1, { generator: init }));
  }

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.drop.forward(relu(this.fc1.forward(x))));
  }
}

export interface RunOptions {
  readonly store?: CheckpointStore;
  readonly metricsLog?: MetricsSink;
  readonly progress?: ProgressReporter;
  readonly maxSteps?: number;
  readonly checkpointEvery?: number;
  readonly keep?: number;
  readonly evalEvery?: number;
  readonly accumulation?: number;
  readonly onStep?: (record: StepRecord) => void | Promise<void>;
  /** Return NaN as the loss of this (1-based) step's first micro-batch. */
  readonly nanAtStep?: number;
  readonly config?: unknown;
}

export function buildRun(opts: RunOptions = {}) {
  setBackend(cpuBackend());
  const maxSteps = opts.maxSteps ?? 60;
  const model = new TinyNet(new Generator(1), new Generator(99));
  const dropout = model.drop.generator!;
  model.fc1.weight.requiresGrad = false; // a frozen base weight, as with adapters
  const optimizer = new AdamW([...model.parameters()], { lr: 0.02, weightDecay: 0.01 });
  const scheduler = new LRScheduler(optimizer, cosineWarmupDecay({ warmupSteps: 5, totalSteps: maxSteps }));
  const data = new ArrayDataset(examples(40, 7), { batchSize: 4, seed: 3, collate });
  const evalData = new ArrayDataset(examples(12, 8), { batchSize: 5, shuffle: false, collate });
  let calls = 0;
  const accumulation = opts.accumulation ?? 2;
  const trainer = new Trainer<TinyNet, Batch>({
    model,
    optimizer,
    scheduler,
    data,
    maxSteps,
    gradientAccumulation: accumulation,
    maxGradNorm: 5,
    lossFn: (m, b) => {
      calls++;
      const loss = mseLoss(m.forward(b.x), b.y);
      const nanStep = opts.nanAtStep;
      return nanStep !== undefined && calls === (nanStep - 1) * accumulation + 1 ? mul(loss, Number.NaN) : loss;
    },
    generators: { dropout },
    config: opts.config ?? { task: 'tiny', maxSteps },
    ...(opts.store && { checkpoint: { store: opts.store, every: opts.checkpointEvery ?? 10, keep: opts.keep ?? 3 } }),
    evaluation: {
      data: evalData,
      every: opts.evalEvery ?? 10,
      predict: (m, b) => m.forward(b.x),
      metrics: {
        mae: (pred, b) => {
          const y = b.y.dataSync();
          let sum = 0;
          for (let i = 0; i < y.length; i++) sum += Math.abs(pred.data[i]! - y[i]!);
          return { sum, count: y.length };
        },
      },
    },
    ...(opts.metricsLog && { metricsLog: opts.metricsLog }),
    ...(opts.progress && { progress: opts.progress }),
    ...(opts.onStep && { onStep: opts.onStep }),
  });
  return { trainer, model, optimizer, scheduler, dropout };
}
