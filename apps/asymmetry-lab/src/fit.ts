// Training and evaluation shared by `pretrain`, `demo` and `similarity`: the Trainer with atomic
// checkpoints (resume continues a killed run exactly), a JSONL metrics log and progress.
import type { ImageDomain } from '@webpeft/data';
import type { ViTForImageClassification } from '@webpeft/models';
import { AdamW, LRScheduler, cosineWarmupDecay } from '@webpeft/optim';
import { type Tensor, argmax, noGrad, tensor, tidy } from '@webpeft/tensor';
import { ArrayDataset, type ProgressReporter, Trainer } from '@webpeft/train';
import { runDirectory } from '@webpeft/train/node';
import { chunks } from './task.ts';

export interface ImageTensors {
  readonly x: Tensor;
  readonly y: Tensor;
}

export interface FitSpec {
  readonly model: ViTForImageClassification;
  readonly domain: ImageDomain;
  readonly indices: Int32Array;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly weightDecay: number;
  /** Seed of the data order. */
  readonly seed: number;
  /** Checkpoints and metrics.jsonl go here. */
  readonly dir: string;
  /** Saved with checkpoints: resuming with another configuration is refused. */
  readonly config: unknown;
  readonly progress: ProgressReporter;
  /** Checkpoint every this many steps (plus at the end). */
  readonly checkpointEvery: number;
  /** Checkpoint every parameter (pretraining) or only the trainable ones (adapters). */
  readonly params?: 'trainable' | 'all';
}

export interface FitOutcome {
  readonly losses: readonly number[];
  readonly resumedFrom: number | null;
}

/** Train the model's trainable parameters with AdamW (cosine schedule, 10% warm-up); resumes from the run folder's latest checkpoint. */
export async function fitClassifier(spec: FitSpec): Promise<FitOutcome> {
  const params = [...spec.model.parameters()].filter((p) => p.requiresGrad);
  const optimizer = new AdamW(params, { lr: spec.lr, weightDecay: spec.weightDecay });
  const scheduler = new LRScheduler(optimizer, cosineWarmupDecay({ warmupSteps: Math.max(1, Math.round(spec.steps / 10)), totalSteps: spec.steps }));
  const { domain } = spec;
  const data = new ArrayDataset(Array.from(spec.indices), {
    batchSize: spec.batchSize,
    seed: spec.seed,
    dropLast: spec.indices.length >= spec.batchSize,
    collate: (items: number[]): ImageTensors => imageTensors(domain, items),
  });
  const run = runDirectory(spec.dir);
  const trainer = new Trainer<ViTForImageClassification, ImageTensors>({
    model: spec.model,
    optimizer,
    scheduler,
    data,
    maxSteps: spec.steps,
    maxGradNorm: 1,
    lossFn: (m, b) => m.loss(m.forward(b.x), b.y),
    checkpoint: { store: run.checkpoints, every: spec.checkpointEvery, keep: 1, params: spec.params ?? 'trainable' },
    metricsLog: run.metrics,
    progress: spec.progress,
    seed: spec.seed,
    config: spec.config,
  });
  const resume = (await run.checkpoints.latest()) !== null;
  const result = await trainer.fit({ resume, fallback: true });
  return { losses: result.losses, resumedFrom: result.resumedFrom };
}

export function imageTensors(domain: ImageDomain, indices: ArrayLike<number>): ImageTensors {
  const b = domain.batch(indices);
  return { x: tensor(b.x, [...b.xShape]), y: tensor(b.y, [b.y.length], { dtype: 'i32' }) };
}

/** Top-1 accuracy of `model` on `indices` of `domain`, in eval mode and without gradients. */
export async function accuracy(model: ViTForImageClassification, domain: ImageDomain, indices: Int32Array, batchSize = 64): Promise<number> {
  // 64, not more: backend-wasm refuses batched matmuls of more than 256 chunks (batch × heads)
  model.eval();
  let correct = 0;
  for (const part of chunks(indices, batchSize)) {
    const pred = noGrad(() =>
      tidy(() => {
        const { x } = imageTensors(domain, part);
        return argmax(model.forward(x), -1);
      }),
    );
    const ids = await pred.data();
    pred.dispose();
    for (let i = 0; i < part.length; i++) if (Number(ids[i]) === domain.labels[part[i]!]) correct++;
  }
  model.train();
  return correct / indices.length;
}
