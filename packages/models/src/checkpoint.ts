// The load boundary: checkpoint keys → module names (base-model prefix, tied weights, ignored
// buffers), validated from tensor headers before any data is read; then tensors are streamed
// one at a time (read → decode to f32 → upload → assign), so host memory holds one tensor.
import { type TensorInput } from '@webpeft/safetensors';
import { type Tensor, fromArray, noGrad, tidy } from '@webpeft/tensor';
import { CheckpointError, type MisshapedWeight } from './errors.ts';
import type { PretrainedModel } from './family.ts';

/** What the loader needs of a checkpoint (a SafetensorsFile or ShardedSafetensors fits). */
export interface TensorReader {
  names(): string[];
  info(name: string): { readonly dtype: string; readonly shape: readonly number[] } | Promise<{ readonly dtype: string; readonly shape: readonly number[] }>;
  readAsF32(name: string): Promise<Float32Array>;
}

export interface LoadReport {
  /** Model keys filled from the checkpoint. */
  readonly loaded: number;
  /** Head weights the checkpoint lacked, left freshly initialised (e.g. `classifier.*`). */
  readonly newlyInitialised: readonly string[];
  /** Checkpoint keys the model has no place for (ignored, as transformers does). */
  readonly unexpected: readonly string[];
  /** Elements read per checkpoint dtype. */
  readonly dtypes: Readonly<Record<string, number>>;
  /** Elements loaded. */
  readonly elements: number;
}

/** Parameters and persistent buffers by key, without tied aliases (each tensor once). */
export function modelTensors(model: PretrainedModel): Map<string, Tensor> {
  const tied = model.checkpoint.tied;
  return new Map(Object.entries(model.stateDict()).filter(([k]) => !Object.hasOwn(tied, k)));
}

/** Validate every key and shape, then stream the tensors into the model. Throws CheckpointError before loading anything. */
export async function loadCheckpoint(model: PretrainedModel, reader: TensorReader, file: string): Promise<LoadReport> {
  const spec = model.checkpoint;
  const targets = modelTensors(model);
  const raw = reader.names().filter((k) => !spec.ignore.some((re) => re.test(k)));
  // checkpoints of the bare base model (ViTModel, RobertaModel, …) lack the base prefix
  const prefix = `${spec.basePrefix}.`;
  const needsPrefix = !raw.some((k) => k.startsWith(prefix)) && raw.some((k) => targets.has(prefix + k));
  const byModelKey = new Map<string, string>();
  for (const k of raw) byModelKey.set(needsPrefix && !targets.has(k) ? prefix + k : k, k);
  const missing: string[] = [];
  const newlyInitialised: string[] = [];
  const misshaped: MisshapedWeight[] = [];
  const plan: [Tensor, string][] = [];
  const used = new Set<string>();
  for (const [key, target] of targets) {
    let source = byModelKey.get(key);
    if (source === undefined) {
      // a tied weight may be stored under one of its aliases only (lm_head.weight, embed_tokens)
      const alias = Object.entries(spec.tied).find(([a, s]) => s === key && byModelKey.has(a));
      if (alias) source = byModelKey.get(alias[0]);
    }
    if (source === undefined) {
      if (spec.headPrefixes.some((p) => key.startsWith(p))) newlyInitialised.push(key);
      else missing.push(key);
      continue;
    }
    used.add(source);
    const info = await reader.info(source);
    if (info.shape.length !== target.shape.length || info.shape.some((d, i) => d !== target.shape[i])) misshaped.push({ key: source, expected: target.shape, got: info.shape });
    else plan.push([target, source]);
  }
  if (missing.length || misshaped.length) throw new CheckpointError(file, missing, misshaped);
  const tiedAliases = new Set(Object.keys(spec.tied));
  const unexpected = raw.filter((k) => !used.has(k) && !tiedAliases.has(byModelKey.has(k) ? k : prefix + k) && !tiedAliases.has(k));
  const dtypes: Record<string, number> = {};
  let elements = 0;
  for (const [target, source] of plan) {
    const info = await reader.info(source);
    const values = await reader.readAsF32(source); // f16/bf16 upcast exactly to f32
    dtypes[info.dtype] = (dtypes[info.dtype] ?? 0) + values.length;
    elements += values.length;
    tidy(() => noGrad(() => target.assign(fromArray(values, target.shape, { dtype: target.dtype, backend: target.backend }))));
  }
  return { loaded: plan.length, newlyInitialised, unexpected, dtypes, elements };
}

/** Storage dtypes `savePretrained` can write. */
export type SaveDType = 'f32' | 'f16' | 'bf16';

/** One tensor read back and ready for safetensors (f32 values; f16/bf16 are rounded by the writer). */
export async function tensorForSave(tensor: Tensor, dtype: SaveDType): Promise<TensorInput> {
  const data = await tensor.data();
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  return { dtype, shape: [...tensor.shape], data: f32 };
}
