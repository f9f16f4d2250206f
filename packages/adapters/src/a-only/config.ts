// B_randÂ0 (the paper's contrast to B-only, Theorem 4.3): B frozen random orthonormal, A trained from
// zero. Generalises worse than B-only (Tables 1, 3, 4).
import { type LoraConfig, loraVariant } from '../lora/config.ts';
import type { AdapterMethod } from '../method.ts';

export const aOnly: AdapterMethod<LoraConfig> = loraVariant({
  name: 'a-only',
  summary: 'B_randÂ0: B frozen random orthonormal (seeded), A trained from zero',
  a: { init: 'zero', trainable: true },
  b: { init: 'orthogonal', trainable: false },
  trainabilityFixed: true,
});
