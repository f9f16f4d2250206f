// LoRA-FA (Zhang et al. 2023), the paper's B̂0A_km row: A frozen at its kaiming-uniform init, B trained
// from zero.
import { type LoraConfig, loraVariant } from '../lora/config.ts';
import type { AdapterMethod } from '../method.ts';

export const loraFa: AdapterMethod<LoraConfig> = loraVariant({
  name: 'lora-fa',
  summary: 'LoRA-FA (B̂0A_km): A frozen kaiming-uniform, B trained from zero',
  a: { init: 'kaiming-uniform', trainable: false },
  b: { init: 'zero', trainable: true },
  trainabilityFixed: true,
});
