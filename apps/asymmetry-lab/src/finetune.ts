// One fine-tuning run of the miniature Table 5: the pretrained ViT, a fresh head, one method, one
// seed. A finished run leaves result.json (written last, atomically) and is skipped next time; an
// interrupted one resumes from its latest Trainer checkpoint.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AdapterModel, injectAdapter, trainableReport } from '@webpeft/adapters';
import { saveAdapter } from '@webpeft/adapters/node';
import type { DomainDataset } from '@webpeft/data';
import type { ViTForImageClassification } from '@webpeft/models';
import { fromPretrained } from '@webpeft/models/node';
import { Linear } from '@webpeft/nn';
import { Generator } from '@webpeft/tensor';
import type { ProgressReporter } from '@webpeft/train';
import { writeFileAtomic } from '@webpeft/train/node';
import { accuracy, fitClassifier } from './fit.ts';
import { HEAD, type MethodSpec } from './methods.ts';
import { domainByName, evalIndices, trainIndices } from './task.ts';

export interface FinetuneSettings {
  /** Folder of the pretrained ViT (config.json + model.safetensors). */
  readonly checkpoint: string;
  /** The fine-tuning domain (RotatedMNIST angle). */
  readonly domain: string;
  readonly trainSize: number;
  readonly evalPerDomain: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly checkpointEvery: number;
}

export interface RunResult {
  readonly method: string;
  readonly seed: number;
  readonly trainable: number;
  readonly totalParams: number;
  readonly trainAcc: number;
  readonly idAcc: number;
  /** Mean over the other domains. */
  readonly oodAcc: number;
  readonly perDomain: Readonly<Record<string, number>>;
  readonly finalLoss: number;
  readonly seconds: number;
  readonly resumedFrom: number | null;
  /** Folder of the saved PEFT adapter (LoRA-shaped methods), relative to the run folder. */
  readonly adapterDir: string | null;
}

export const RESULT_FILE = 'result.json';

export async function readFinished(dir: string): Promise<RunResult | null> {
  const file = join(dir, RESULT_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

/** Load the pretrained model and replace its head by a fresh, seeded one (the new task's head, as in the paper's DomainBed runs). */
export async function pretrainedWithFreshHead(checkpoint: string, seed: number): Promise<ViTForImageClassification> {
  const { model } = await fromPretrained(checkpoint, { imageProcessor: false, log: null });
  const vit = model as ViTForImageClassification;
  const head = new Linear(vit.config.hiddenSize, vit.config.labels.length, { generator: new Generator(10_000 + seed) });
  vit.setSubmodule(HEAD, head)?.dispose();
  return vit;
}

export async function finetuneRun(data: DomainDataset, method: MethodSpec, seed: number, s: FinetuneSettings, dir: string, progress: ProgressReporter): Promise<RunResult> {
  const done = await readFinished(dir);
  if (done) return done;
  const started = performance.now();
  const model = await pretrainedWithFreshHead(s.checkpoint, seed);
  const am: AdapterModel<ViTForImageClassification> = await injectAdapter(model, { ...method.options, seed });
  const counts = trainableReport(model);
  const train = domainByName(data, s.domain);
  const trainIdx = trainIndices(train, s.trainSize, s.evalPerDomain);
  const config = { method: method.id, options: method.options, seed, lr: method.lr, ...s };
  const fit = await fitClassifier({
    model, domain: train, indices: trainIdx, steps: s.steps, batchSize: s.batchSize, lr: method.lr, weightDecay: 0.01, seed,
    dir, config, progress, checkpointEvery: s.checkpointEvery,
  });
  const perDomain: Record<string, number> = {};
  for (const d of data.domains) perDomain[d.name] = await accuracy(model, d, evalIndices(d, s.evalPerDomain));
  const trainAcc = await accuracy(model, train, trainIdx.subarray(0, Math.min(trainIdx.length, s.evalPerDomain)));
  const others = data.domains.filter((d) => d.name !== s.domain).map((d) => perDomain[d.name]!);
  let adapterDir: string | null = null;
  if (method.factors) {
    await saveAdapter(am, join(dir, 'adapter'));
    adapterDir = 'adapter';
  }
  const result: RunResult = {
    method: method.id, seed, trainable: counts.trainable, totalParams: counts.all, trainAcc, idAcc: perDomain[s.domain]!,
    oodAcc: others.reduce((a, b) => a + b, 0) / others.length, perDomain, finalLoss: fit.losses.at(-1) ?? Number.NaN,
    seconds: (performance.now() - started) / 1000, resumedFrom: fit.resumedFrom, adapterDir,
  };
  await writeFileAtomic(join(dir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
  model.dispose();
  return result;
}
