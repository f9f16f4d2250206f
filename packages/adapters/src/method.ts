// What an adapter method is: how it reads its options, which layers it needs, and the branch it adds
// to each target layer. One `defineAdapter` per folder; registry.ts lists them (tfjs-style registry,
// HF PEFT's one-folder-per-tuner without the per-model target maps).
import type { Backend, Tensor } from '@webpeft/tensor';
import type { Linear } from '@webpeft/nn';
import { didYouMean } from './_closest.ts';
import { AdapterConfigError } from './errors.ts';
import type { FactorRecipe } from './factor-init.ts';
import type { RoleResolver } from './inject.ts';

/** PEFT's `bias`: which biases of the model train with the adapter. */
export type BiasMode = 'none' | 'all' | 'lora_only';

/** Options every method accepts. Method options extend it; unknown keys are rejected. */
export interface CommonAdapterOptions {
  /** Registered method name (default 'lora'): 'lora', 'b-only', 'a-only', 'lora-fa', 'vera', 'ia3', 'adalora', 'linear-probe', 'full', … */
  readonly method?: string;
  /**
   * Which Linear layers to adapt (PEFT semantics): a list of names, each matching a module path
   * exactly or as a dotted suffix (`q_proj` matches `layers.0.attn.q_proj`); a string is a regex that
   * must match the whole path; 'all-linear' is every Linear except the output head / modulesToSave.
   */
  readonly targetModules?: readonly string[] | string | RegExp;
  /** Roles (`q`, `k`, `v`, `o`, `fc1`, `fc2`, `gate`, `up`, `down`) resolved through the model family's targets. */
  readonly targetRoles?: readonly string[];
  /** Modules never adapted (same matching as targetModules). */
  readonly excludeModules?: readonly string[] | string;
  /** Modules trained in full and saved with the adapter (e.g. the classifier head). */
  readonly modulesToSave?: readonly string[];
  /** Seed of every random init and dropout mask of this adapter (default 0). */
  readonly seed?: number;
  /** PEFT's `base_model_name_or_path`. */
  readonly baseModelName?: string | null;
  /** PEFT's `task_type` ('SEQ_CLS', 'CAUSAL_LM', …). */
  readonly taskType?: string | null;
}

/** Validated common options; method configs extend it. Plain JSON, and valid input to `resolve` again. */
export interface ResolvedAdapterConfig {
  readonly method: string;
  /** Names (exact or suffix match) or a regex source (full match); null when only roles are used. */
  readonly targetModules: readonly string[] | string | null;
  readonly targetRoles: readonly string[];
  readonly excludeModules: readonly string[] | string | null;
  readonly modulesToSave: readonly string[];
  readonly bias: BiasMode;
  readonly seed: number;
  readonly baseModelName: string | null;
  readonly taskType: string | null;
}

/** A Linear layer chosen as a target. */
export interface TargetInfo {
  /** Dotted module path, e.g. `encoder.layer.0.attention.self.query`. */
  readonly path: string;
  readonly base: Linear;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/** One tensor of a branch, registered on the wrapper as `<container>.<adapter>[.<key>]`, PEFT's in-model layout. */
export interface BranchEntry {
  /** PEFT's attribute name: `lora_A`, `lora_B`, `lora_E`, `vera_lambda_b`, `ia3_l`, … */
  readonly container: string;
  /** `weight` for module-style entries (`lora_A.default.weight`), null for parameter-style ones (`ia3_l.default`). */
  readonly key: string | null;
  readonly tensor: Tensor;
  /** Frozen factors get no gradient, no gradient kernels and no optimizer state. */
  readonly trainable: boolean;
  /** How to rebuild it bit for bit (frozen random factors may be saved as this alone). */
  readonly recipe?: FactorRecipe;
}

/** An adapter's contribution to one layer. */
export interface AdapterBranch {
  readonly adapterName: string;
  readonly method: string;
  readonly entries: readonly BranchEntry[];
  /** The layer's output with this adapter applied (`base.forward` inside). */
  forward(x: Tensor, base: Linear, training: boolean): Tensor;
  /** Fold the adapter into W0 (and b), in place. */
  merge(base: Linear): void;
  /** Undo `merge`. */
  unmerge(base: Linear): void;
  /** Entries as saved, when they differ from `entries` (AdaLoRA drops pruned ranks); new tensors are disposed by the caller. */
  exportEntries?(): readonly BranchEntry[];
  /** Release tensors that are not entries (cached slices, buffers). */
  dispose?(): void;
}

/** Model-level tensors shared by all layers of one adapter (VeRA's projections). */
export interface SharedTensors {
  /** Checkpoint name (saved as `base_model.<name>`) → tensor, and whether it is saved in full. */
  readonly tensors: ReadonlyMap<string, { readonly tensor: Tensor; readonly save: boolean; readonly recipe?: FactorRecipe }>;
}

export interface BranchContext<C> {
  readonly adapterName: string;
  readonly config: C;
  readonly target: TargetInfo;
  readonly shared: SharedTensors | null;
  readonly dtype: 'f32' | 'f64';
  readonly backend: Backend;
  /** W0 of the target on the host, row-major [out, in]; only when the method's `needsWeight` says so. */
  readonly weight: (() => Float64Array) | null;
}

export interface AdapterMethod<C extends ResolvedAdapterConfig = ResolvedAdapterConfig> {
  readonly name: string;
  /** PEFT's `peft_type` ('LORA', 'VERA', 'IA3', 'ADALORA'); null for webpeft-only methods. */
  readonly peftType: string | null;
  /** One line for listings and docs. */
  readonly summary: string;
  /** False for methods that add no layer branches (linear probe, full fine-tuning). */
  readonly wrapsLayers: boolean;
  /** Full fine-tuning: every base parameter is owned (trained and saved) by the adapter. */
  readonly ownsAllParameters?: boolean;
  /** Validate options and fill defaults; throws AdapterConfigError. Touches no weight. */
  resolve(options: Readonly<Record<string, unknown>>): C;
  /** Fill in what depends on the model once targets are known (e.g. IA3's feed-forward roles → names). */
  finalize?(config: C, ctx: { readonly targets: readonly TargetInfo[]; readonly roles: RoleResolver | undefined }): C;
  /** Check one target before anything is created (e.g. r ≤ min(in, out) for orthogonal/svd). */
  checkTarget?(config: C, target: TargetInfo): void;
  /** Whether branches need W0 on the host (svd init). */
  needsWeight?(config: C): boolean;
  /** Shared tensors for all targets (VeRA). */
  prepare?(config: C, targets: readonly TargetInfo[], env: { readonly dtype: 'f32' | 'f64'; readonly backend: Backend }): SharedTensors;
  createBranch?(ctx: BranchContext<C>): AdapterBranch;
  /** The config as saved, with training state folded in (AdaLoRA's rank pattern from its branches). */
  savedConfig?(config: C, branches: readonly AdapterBranch[]): C;
  /** Method-specific adapter_config.json fields (PEFT names); common fields are added by peft-io. */
  toPeft(config: C): Record<string, unknown>;
  /** Options from a PEFT adapter_config.json written by PEFT itself (no `webpeft` field). */
  fromPeft(json: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

/** Type a method definition (identity at runtime). */
export function defineAdapter<C extends ResolvedAdapterConfig>(method: AdapterMethod<C>): AdapterMethod<C> {
  return method;
}

export const COMMON_OPTION_KEYS: readonly string[] = ['method', 'targetModules', 'targetRoles', 'excludeModules', 'modulesToSave', 'seed', 'baseModelName', 'taskType'];

function stringList(value: unknown, where: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) throw new AdapterConfigError(`${where} must be a list of non-empty strings, got ${JSON.stringify(value)}`);
  return [...value] as string[];
}

function patternOption(value: unknown, where: string): readonly string[] | string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof RegExp) return value.source;
  if (typeof value === 'string') {
    try {
      new RegExp(value);
    } catch (e) {
      throw new AdapterConfigError(`${where}: ${JSON.stringify(value)} is not a valid regular expression (${(e as Error).message})`);
    }
    return value;
  }
  return stringList(value, where);
}

/**
 * Validate the common options of `method` and reject keys neither common nor in `methodKeys`.
 * `bias` is read when the method supports it (PEFT: LoRA, VeRA, AdaLoRA).
 */
export function resolveCommon(method: string, options: Readonly<Record<string, unknown>>, methodKeys: readonly string[], opts: { bias?: boolean } = {}): ResolvedAdapterConfig {
  if (typeof options !== 'object' || options === null) throw new AdapterConfigError(`${method}: options must be an object, got ${JSON.stringify(options)}`);
  const known = [...COMMON_OPTION_KEYS, ...methodKeys, 'bias'];
  if (!opts.bias && options['bias'] !== undefined && options['bias'] !== 'none') throw new AdapterConfigError(`${method}: bias ${JSON.stringify(options['bias'])} is not supported by this method (only 'none')`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key) && options[key] !== undefined) throw new AdapterConfigError(`${method}: unknown option '${key}'${didYouMean(key, known)} (options: ${known.join(', ')})`);
  }
  const seed = options['seed'] ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new AdapterConfigError(`${method}: seed must be a non-negative integer, got ${JSON.stringify(seed)}`);
  const bias = options['bias'] ?? 'none';
  if (bias !== 'none' && bias !== 'all' && bias !== 'lora_only') throw new AdapterConfigError(`${method}: bias must be 'none', 'all' or 'lora_only', got ${JSON.stringify(bias)}`);
  const optionalString = (key: string): string | null => {
    const v = options[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new AdapterConfigError(`${method}: ${key} must be a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const roles = options['targetRoles'] === undefined ? [] : stringList(options['targetRoles'], `${method}: targetRoles`);
  return {
    method,
    targetModules: patternOption(options['targetModules'], `${method}: targetModules`),
    targetRoles: roles,
    excludeModules: patternOption(options['excludeModules'], `${method}: excludeModules`),
    modulesToSave: options['modulesToSave'] === undefined || options['modulesToSave'] === null ? [] : stringList(options['modulesToSave'], `${method}: modulesToSave`),
    bias,
    seed,
    baseModelName: optionalString('baseModelName'),
    taskType: optionalString('taskType'),
  };
}

/** A number option in a range, or its default. */
export function numberOption(method: string, options: Readonly<Record<string, unknown>>, key: string, fallback: number, check: { integer?: boolean; min?: number; max?: number; minExclusive?: number; maxExclusive?: number } = {}): number {
  const v = options[key] ?? fallback;
  const fail = (what: string) => new AdapterConfigError(`${method}: ${key} must be ${what}, got ${JSON.stringify(v)}`);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fail('a finite number');
  if (check.integer && !Number.isInteger(v)) throw fail('an integer');
  if (check.min !== undefined && v < check.min) throw fail(`≥ ${check.min}`);
  if (check.max !== undefined && v > check.max) throw fail(`≤ ${check.max}`);
  if (check.minExclusive !== undefined && v <= check.minExclusive) throw fail(`> ${check.minExclusive}`);
  if (check.maxExclusive !== undefined && v >= check.maxExclusive) throw fail(`< ${check.maxExclusive}`);
  return v;
}

export function booleanOption(method: string, options: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const v = options[key] ?? fallback;
  if (typeof v !== 'boolean') throw new AdapterConfigError(`${method}: ${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** PEFT's target_modules / modules_to_save / exclude_modules as written to adapter_config.json. */
export function peftPattern(value: readonly string[] | string | null): string[] | string | null {
  return value === null ? null : typeof value === 'string' ? value : [...value];
}
