// LoRA options with per-factor control (init scheme + trainable flag for each of A and B), and the
// factory every LoRA-shaped preset (b-only, a-only, lora-fa, Table 2 rows) is defined with.
import { AdapterConfigError, AdapterLoadError } from '../errors.ts';
import { type FactorInit, checkFactorInit } from '../factor-init.ts';
import { type AdapterMethod, type BiasMode, type CommonAdapterOptions, type ResolvedAdapterConfig, booleanOption, defineAdapter, numberOption, peftPattern, resolveCommon } from '../method.ts';
import { LoraBranch } from './layer.ts';

/** Init and trainability of one factor. */
export interface FactorOptions {
  readonly init?: FactorInit;
  readonly trainable?: boolean;
}

export interface LoraOptions extends CommonAdapterOptions {
  /** Rank (default 8, PEFT's default). */
  readonly r?: number;
  /** α (default 2r, as in the paper, so s = α/r = 2). */
  readonly alpha?: number;
  /** Scale by α/√r instead of α/r (rsLoRA). */
  readonly rsLora?: boolean;
  /** Dropout on the adapter input (default 0). */
  readonly dropout?: number;
  readonly bias?: BiasMode;
  /** Factor A [r, in] (default: kaiming-uniform, trained). */
  readonly a?: FactorOptions;
  /** Factor B [out, r] (default: zero, trained). */
  readonly b?: FactorOptions;
}

export interface ResolvedFactor {
  readonly init: FactorInit;
  readonly trainable: boolean;
}

export interface LoraConfig extends ResolvedAdapterConfig {
  readonly r: number;
  readonly alpha: number;
  readonly rsLora: boolean;
  readonly dropout: number;
  readonly a: ResolvedFactor;
  readonly b: ResolvedFactor;
}

/** A LoRA-shaped method: fixed trainability of A and B (the paper's rows), default inits. */
export interface LoraPreset {
  readonly name: string;
  readonly summary: string;
  readonly a: ResolvedFactor;
  readonly b: ResolvedFactor;
  /** Whether options may change which factor trains (only plain 'lora'). */
  readonly trainabilityFixed: boolean;
}

const LORA_KEYS = ['r', 'alpha', 'rsLora', 'dropout', 'a', 'b'];

function resolveFactor(method: string, name: 'a' | 'b', value: unknown, preset: ResolvedFactor, fixed: boolean): ResolvedFactor {
  if (value === undefined) return preset;
  if (typeof value !== 'object' || value === null) throw new AdapterConfigError(`${method}: ${name} must be { init?, trainable? }, got ${JSON.stringify(value)}`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'init' && k !== 'trainable') throw new AdapterConfigError(`${method}: unknown option '${name}.${k}' (expected init, trainable)`);
  const trainable = o['trainable'] ?? preset.trainable;
  if (typeof trainable !== 'boolean') throw new AdapterConfigError(`${method}: ${name}.trainable must be true or false, got ${JSON.stringify(trainable)}`);
  if (fixed && trainable !== preset.trainable) {
    throw new AdapterConfigError(`${method}: conflicting options: '${method}' ${preset.trainable ? 'trains' : 'freezes'} ${name.toUpperCase()}, but ${name}.trainable is ${trainable}; use method 'lora' with explicit a/b settings instead`);
  }
  return { init: o['init'] === undefined ? preset.init : checkFactorInit(o['init'], `${method}: ${name}.init`), trainable };
}

export function resolveLora(preset: LoraPreset, options: Readonly<Record<string, unknown>>): LoraConfig {
  const method = preset.name;
  const common = resolveCommon(method, options, LORA_KEYS, { bias: true });
  const r = numberOption(method, options, 'r', 8, { integer: true });
  if (r <= 0) throw new AdapterConfigError(`${method}: r must be a positive integer, got ${r}`);
  const alpha = numberOption(method, options, 'alpha', 2 * r, { minExclusive: 0 });
  const dropout = numberOption(method, options, 'dropout', 0, { min: 0, maxExclusive: 1 });
  const rsLora = booleanOption(method, options, 'rsLora', false);
  const a = resolveFactor(method, 'a', options['a'], preset.a, preset.trainabilityFixed);
  const b = resolveFactor(method, 'b', options['b'], preset.b, preset.trainabilityFixed);
  if (!a.trainable && !b.trainable) throw new AdapterConfigError(`${method}: conflicting options: both A and B are frozen, so nothing would train`);
  if (a.init === 'zero' && b.init === 'zero') throw new AdapterConfigError(`${method}: conflicting options: A and B both start at zero, so both gradients stay zero forever; give one factor a non-zero init`);
  for (const [n, f] of [['A', a], ['B', b]] as const) {
    if (!f.trainable && f.init === 'zero') throw new AdapterConfigError(`${method}: conflicting options: ${n} is frozen at zero, so B·A stays zero; freeze a non-zero init (e.g. 'orthogonal') or train ${n}`);
  }
  return { ...common, r, alpha, rsLora, dropout, a, b };
}

/** PEFT's `init_lora_weights` for our factor inits: true (A km, B 0), "gaussian" (A gaussian, B 0), else false. */
function peftInit(config: LoraConfig): boolean | string {
  if (config.b.init === 'zero' && config.a.init === 'kaiming-uniform') return true;
  if (config.b.init === 'zero' && config.a.init === 'gaussian') return 'gaussian';
  return false;
}

/**
 * LoraConfig's fields as PEFT writes them (peft src/peft/tuners/lora/config.py, LoraConfig, read at
 * commit 5d602fdb; `runtime_config` is dropped by its to_dict). Defaults for the features webpeft
 * does not implement, so PEFT reads the file as a plain LoRA.
 */
export function loraToPeft(config: LoraConfig): Record<string, unknown> {
  return {
    r: config.r,
    target_modules: peftPattern(config.targetModules),
    exclude_modules: peftPattern(config.excludeModules),
    lora_alpha: config.alpha,
    lora_dropout: config.dropout,
    fan_in_fan_out: false,
    bias: config.bias,
    use_rslora: config.rsLora,
    modules_to_save: config.modulesToSave.length ? [...config.modulesToSave] : null,
    init_lora_weights: peftInit(config),
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    megatron_config: null,
    megatron_core: 'megatron.core',
    trainable_token_indices: null,
    loftq_config: {},
    eva_config: null,
    corda_config: null,
    lora_ga_config: null,
    use_dora: false,
    velora_config: null,
    alora_invocation_tokens: null,
    use_qalora: false,
    qalora_group_size: 16,
    monteclora_config: null,
    layer_replication: null,
    lora_bias: false,
    target_parameters: null,
    use_bdlora: null,
    arrow_config: null,
    kasa_config: null,
    ensure_weight_tying: false,
  };
}

/** Fields whose non-default values select PEFT features webpeft does not implement: loading them would be wrong, so it fails. */
const UNSUPPORTED: Readonly<Record<string, (v: unknown) => boolean>> = {
  fan_in_fan_out: (v) => v === true,
  use_dora: (v) => v === true,
  lora_bias: (v) => v === true,
  use_qalora: (v) => v === true,
  rank_pattern: (v) => !!v && Object.keys(v as object).length > 0,
  alpha_pattern: (v) => !!v && Object.keys(v as object).length > 0,
  layers_to_transform: (v) => v !== null && v !== undefined,
  layer_replication: (v) => v !== null && v !== undefined,
  target_parameters: (v) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0),
  trainable_token_indices: (v) => v !== null && v !== undefined,
  alora_invocation_tokens: (v) => v !== null && v !== undefined,
};

export function checkPeftSupported(json: Readonly<Record<string, unknown>>, fields: Readonly<Record<string, (v: unknown) => boolean>> = UNSUPPORTED): void {
  for (const [k, bad] of Object.entries(fields)) {
    if (k in json && bad(json[k])) throw new AdapterLoadError(`adapter_config.json: ${k} = ${JSON.stringify(json[k])} selects a PEFT feature webpeft does not implement; loading it would compute something else`, k);
  }
}

/** Options from a PEFT LoRA config (both factors trained, as PEFT trains them). */
export function loraFromPeft(json: Readonly<Record<string, unknown>>): Record<string, unknown> {
  checkPeftSupported(json);
  const init = json['init_lora_weights'];
  const a: FactorInit = init === 'gaussian' ? 'gaussian' : 'kaiming-uniform';
  return {
    r: json['r'] ?? 8,
    alpha: json['lora_alpha'] ?? 8,
    dropout: json['lora_dropout'] ?? 0,
    rsLora: json['use_rslora'] ?? false,
    bias: json['bias'] ?? 'none',
    a: { init: a, trainable: true },
    b: { init: 'zero', trainable: true },
  };
}

/** Define a LoRA-shaped method from a preset. */
export function loraVariant(preset: LoraPreset): AdapterMethod<LoraConfig> {
  return defineAdapter<LoraConfig>({
    name: preset.name,
    peftType: 'LORA',
    summary: preset.summary,
    wrapsLayers: true,
    resolve: (options) => resolveLora(preset, options),
    checkTarget(config, target) {
      const limit = Math.min(target.inFeatures, target.outFeatures);
      for (const [n, f] of [['A', config.a], ['B', config.b]] as const) {
        if ((f.init === 'orthogonal' || f.init === 'svd') && config.r > limit) {
          throw new AdapterConfigError(`${config.method}: r = ${config.r} exceeds min(in, out) = ${limit} of '${target.path}' [${target.outFeatures}, ${target.inFeatures}], so ${n} cannot have ${config.r} orthonormal ${n === 'A' ? 'rows' : 'columns'} (${f.init} init)`);
        }
      }
    },
    needsWeight: (config) => config.a.init === 'svd' || config.b.init === 'svd',
    createBranch: (ctx) => new LoraBranch(ctx),
    toPeft: loraToPeft,
    fromPeft: loraFromPeft,
  });
}

/** Classic LoRA, the paper's B̂0Â_km: A kaiming-uniform, B zero, both trained (options may change either). */
export const lora: AdapterMethod<LoraConfig> = loraVariant({
  name: 'lora',
  summary: 'LoRA (B̂0Â_km): W0 + (α/r)·B·A, per-factor init and freezing',
  a: { init: 'kaiming-uniform', trainable: true },
  b: { init: 'zero', trainable: true },
  trainabilityFixed: false,
});
