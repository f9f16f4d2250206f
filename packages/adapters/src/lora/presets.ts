// The paper's Table 2 rows (both factors trained, inits differ): all LoRA with other factor inits.
import type { AdapterMethod } from '../method.ts';
import { type LoraConfig, loraVariant } from './config.ts';

/** B̂0Â_V: A from the top-r right singular vectors of W0, B from zero, both trained. */
export const loraASvd: AdapterMethod<LoraConfig> = loraVariant({
  name: 'lora-a-svd',
  summary: 'B̂0Â_V (Table 2): A = top-r right singular vectors of W0, B = 0, both trained',
  a: { init: 'svd', trainable: true },
  b: { init: 'zero', trainable: true },
  trainabilityFixed: true,
});

/** B̂_UÂ0: B from the top-r left singular vectors of W0, A from zero, both trained. */
export const loraBSvd: AdapterMethod<LoraConfig> = loraVariant({
  name: 'lora-b-svd',
  summary: 'B̂_UÂ0 (Table 2): B = top-r left singular vectors of W0, A = 0, both trained',
  a: { init: 'zero', trainable: true },
  b: { init: 'svd', trainable: true },
  trainabilityFixed: true,
});

/** B̂0Â_rand: A random orthonormal, B zero, both trained. */
export const loraARand: AdapterMethod<LoraConfig> = loraVariant({
  name: 'lora-a-rand',
  summary: 'B̂0Â_rand (Table 2): A random orthonormal, B = 0, both trained',
  a: { init: 'orthogonal', trainable: true },
  b: { init: 'zero', trainable: true },
  trainabilityFixed: true,
});

/** B̂_randÂ0: B random orthonormal, A zero, both trained. */
export const loraBRand: AdapterMethod<LoraConfig> = loraVariant({
  name: 'lora-b-rand',
  summary: 'B̂_randÂ0 (Table 2): B random orthonormal, A = 0, both trained',
  a: { init: 'zero', trainable: true },
  b: { init: 'orthogonal', trainable: true },
  trainabilityFixed: true,
});

/** The paper's row symbols → method names (Tables 1–5). */
export const PAPER_ROWS: Readonly<Record<string, string>> = {
  'B̂0Â_km': 'lora',
  'B̂0A_rand': 'b-only',
  'B_randÂ0': 'a-only',
  'B̂0A_km': 'lora-fa',
  'B̂0Â_V': 'lora-a-svd',
  'B̂_UÂ0': 'lora-b-svd',
  'B̂0Â_rand': 'lora-a-rand',
  'B̂_randÂ0': 'lora-b-rand',
};
