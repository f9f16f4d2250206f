// LoRA factors from Hugging Face PEFT checkpoint keys: `base_model.model.<path>.lora_A.weight`
// (r×d_in) and `….lora_B.weight` (d_out×r); an adapter-name segment (`lora_A.default.weight`, as
// in an in-memory state dict) is accepted too. Pure: feed it tensors from any reader.
import { AnalysisError } from './errors.ts';
import type { Matrix } from './matrix.ts';
import type { AdapterFactors, LoraFactors } from './similarity.ts';

const KEY = /^(?:base_model\.model\.)?(.+)\.lora_([AB])(?:\.[^.]+)?\.weight$/;

/** The layer path and factor of a PEFT LoRA key, or null for any other key. */
export function parseLoraKey(key: string): { layer: string; factor: 'A' | 'B' } | null {
  const m = KEY.exec(key);
  return m ? { layer: m[1]!, factor: m[2] as 'A' | 'B' } : null;
}

/** A 2-D tensor as read from a checkpoint (row-major data). */
export interface Tensor2D {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** Row-major data of the given [rows, cols] as number[][]. */
export function toMatrix(t: Tensor2D, name = 'tensor'): Matrix {
  if (t.shape.length !== 2) throw new AnalysisError(`${name}: expected a 2-D tensor, got shape [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape as [number, number];
  if (t.data.length !== rows * cols) throw new AnalysisError(`${name}: shape [${rows}, ${cols}] needs ${rows * cols} values, got ${t.data.length}`);
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => t.data[i * cols + j]!));
}

/**
 * Per-layer {A, B} from named tensors (non-LoRA keys are ignored), in the order the layers first
 * appear. Throws `AnalysisError` when a layer lacks a factor, a factor is not 2-D, the ranks of A
 * and B differ, or there are no LoRA keys at all.
 */
export function adapterFactorsFromTensors(tensors: Iterable<readonly [string, Tensor2D]>): Record<string, { A: Matrix; B: Matrix }> {
  const found = new Map<string, { A?: Matrix; B?: Matrix }>();
  const other: string[] = [];
  for (const [key, t] of tensors) {
    const k = parseLoraKey(key);
    if (!k) {
      other.push(key);
      continue;
    }
    const entry = found.get(k.layer) ?? {};
    if (entry[k.factor]) throw new AnalysisError(`layer '${k.layer}' has two lora_${k.factor} tensors (is there more than one adapter name in the file?)`);
    entry[k.factor] = toMatrix(t, key);
    found.set(k.layer, entry);
  }
  if (found.size === 0) throw new AnalysisError(`no LoRA factors (keys like base_model.model.<path>.lora_A.weight) among ${other.length} tensors${other.length ? `: ${other.slice(0, 3).join(', ')}${other.length > 3 ? ', …' : ''}` : ''}`);
  const out: Record<string, { A: Matrix; B: Matrix }> = {};
  for (const [layer, { A, B }] of found) {
    if (!A || !B) throw new AnalysisError(`layer '${layer}' has lora_${A ? 'A' : 'B'} but no lora_${A ? 'B' : 'A'}`);
    if (A.length !== B[0]!.length) throw new AnalysisError(`layer '${layer}': lora_A is ${A.length}×${A[0]!.length} (r×d_in) but lora_B is ${B.length}×${B[0]!.length} (d_out×r); the ranks differ`);
    out[layer] = { A, B };
  }
  return out;
}

/** Check that a value is usable as `AdapterFactors` (for data read from JSON). */
export function isAdapterFactors(x: unknown): x is AdapterFactors {
  if (typeof x !== 'object' || x === null) return false;
  return Object.values(x).every((f: unknown) => typeof f === 'object' && f !== null && Array.isArray((f as LoraFactors).A) && Array.isArray((f as LoraFactors).B));
}
