// `pretrain`: the project's "foundation model" in miniature. A small ViT trained from scratch on
// upright digits (the RotatedMNIST 0° domain), then saved as a Hugging Face directory
// (config.json + model.safetensors). Fine-tuning later moves it to a rotated domain with a fresh
// head, as the paper moves an ImageNet ViT to one DomainBed domain.
import { join } from 'node:path';
import { ViTForImageClassification } from '@webpeft/models';
import { savePretrained } from '@webpeft/models/node';
import { Generator } from '@webpeft/tensor';
import type { ProgressReporter } from '@webpeft/train';
import { accuracy, fitClassifier } from './fit.ts';
import { domainByName, evalIndices, labVitConfig, rotatedMnist, trainIndices } from './task.ts';

export interface PretrainSettings {
  readonly out: string;
  /** Scratch folder for checkpoints and metrics.jsonl (resumable). */
  readonly workDir: string;
  readonly domain: string;
  readonly trainSize: number;
  readonly evalPerDomain: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
}

export const PRETRAIN_DEFAULTS: Omit<PretrainSettings, 'out' | 'workDir'> = { domain: '0', trainSize: 10_000, evalPerDomain: 600, steps: 1500, batchSize: 64, lr: 2e-3, seed: 0 };

export async function pretrain(s: PretrainSettings, progress: ProgressReporter, log: (line: string) => void): Promise<Record<string, number>> {
  const data = await rotatedMnist();
  const domain = domainByName(data, s.domain);
  const model = new ViTForImageClassification(labVitConfig(), { generator: new Generator(s.seed) });
  log(`pretraining a ViT (${model.numParameters()} parameters) on ${s.trainSize} images of the ${s.domain}° domain, ${s.steps} steps of ${s.batchSize}`);
  await fitClassifier({
    model, domain, indices: trainIndices(domain, s.trainSize, s.evalPerDomain), steps: s.steps, batchSize: s.batchSize, lr: s.lr, weightDecay: 0.05,
    seed: s.seed, dir: s.workDir, config: s, progress, checkpointEvery: 250, params: 'all',
  });
  const acc: Record<string, number> = {};
  for (const d of data.domains) acc[d.name] = await accuracy(model, d, evalIndices(d, s.evalPerDomain));
  await savePretrained(model, s.out);
  log(`held-out accuracy per domain: ${Object.entries(acc).map(([k, v]) => `${k}°: ${(100 * v).toFixed(1)}%`).join(', ')}`);
  log(`saved ${join(s.out, 'config.json')} and model.safetensors`);
  return acc;
}
