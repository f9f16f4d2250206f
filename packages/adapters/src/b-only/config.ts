// B̂0A_rand, the paper's recommended asymmetric adapter (§4, Tables 1–5): A frozen random orthonormal,
// B trained from zero. Half LoRA's trainable parameters at the same rank (r = 2·r_LoRA matches a
// LoRA budget when d_in = d_out).
import { type LoraConfig, loraVariant } from '../lora/config.ts';
import type { AdapterMethod } from '../method.ts';

export const bOnly: AdapterMethod<LoraConfig> = loraVariant({
  name: 'b-only',
  summary: 'B̂0A_rand: A frozen random orthonormal (seeded), B trained from zero',
  a: { init: 'orthogonal', trainable: false },
  b: { init: 'zero', trainable: true },
  trainabilityFixed: true,
});
