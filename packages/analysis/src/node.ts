// Node entry (`@webpeft/analysis/node`): everything in the main entry, plus loading the LoRA
// factors of a saved Hugging Face PEFT adapter from disk.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openSafetensorsFile } from '@webpeft/safetensors/node';
import type { Matrix } from './matrix.ts';
import { type Tensor2D, adapterFactorsFromTensors, parseLoraKey } from './peft.ts';

export * from './mod.ts';

/** Name of the weights file in a PEFT adapter folder. */
export const ADAPTER_WEIGHTS_NAME = 'adapter_model.safetensors';

/**
 * The per-layer LoRA factors of a PEFT adapter: reads `<dir>/adapter_model.safetensors` (or the
 * .safetensors file `dir` names), keys `base_model.model.<path>.lora_A.weight` (A, r×d_in) and
 * `….lora_B.weight` (B, d_out×r), and returns `{ [path]: { A, B } }` as f64 `number[][]`
 * (f16/bf16/f32 are decoded exactly; other keys are ignored).
 */
export async function loadAdapterFactors(dir: string): Promise<Record<string, { A: Matrix; B: Matrix }>> {
  const path = (await stat(dir)).isDirectory() ? join(dir, ADAPTER_WEIGHTS_NAME) : dir;
  const file = await openSafetensorsFile(path);
  try {
    const tensors: [string, Tensor2D][] = [];
    for (const name of file.names()) {
      if (!parseLoraKey(name)) continue;
      const t = await file.read(name);
      const data: ArrayLike<number> = t.dtype === 'f64' ? t.data : await file.readAsF32(name);
      tensors.push([name, { shape: t.shape, data }]);
    }
    return adapterFactorsFromTensors(tensors);
  } finally {
    await file.close();
  }
}
