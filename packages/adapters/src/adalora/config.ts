// AdaLoRA options as PEFT's AdaLoraConfig (peft/tuners/adalora/config.py): init_r, target_r, tinit,
// tfinal, deltaT, beta1, beta2, orth_reg_weight, total_step, rank_pattern, plus LoRA's lora_alpha
// (default 8), lora_dropout and bias. Validation mirrors its __post_init__.
import { AdapterConfigError } from '../errors.ts';
import { checkPeftSupported, loraToPeft } from '../lora/config.ts';
import type { LoraConfig } from '../lora/config.ts';
import { type AdapterMethod, type BiasMode, type CommonAdapterOptions, type ResolvedAdapterConfig, defineAdapter, numberOption, resolveCommon } from '../method.ts';
import { AdaLoraBranch } from './layer.ts';

/** PEFT's rank_pattern: `<module path>.lora_E` → which ranks are kept. */
export type RankPattern = Readonly<Record<string, readonly boolean[]>>;

export interface AdaLoraOptions extends CommonAdapterOptions {
  /** Initial rank of every layer (default 12). */
  readonly initR?: number;
  /** Average rank after the budget schedule (default 8). */
  readonly targetR?: number;
  /** Warm-up steps before pruning (default 0). */
  readonly tinit?: number;
  /** Final steps with the budget fixed (default 0). */
  readonly tfinal?: number;
  /** Steps between two budget allocations (default 1). */
  readonly deltaT?: number;
  /** EMA factor of the sensitivity (default 0.85). */
  readonly beta1?: number;
  /** EMA factor of its uncertainty (default 0.85). */
  readonly beta2?: number;
  /** Weight of the orthogonality regulariser ‖PᵀP − I‖ + ‖QQᵀ − I‖ (default 0.5). */
  readonly orthRegWeight?: number;
  /** Total training steps (required). */
  readonly totalStep?: number;
  readonly rankPattern?: RankPattern | null;
  /** lora_alpha (default 8, PEFT's). */
  readonly alpha?: number;
  readonly dropout?: number;
  readonly bias?: BiasMode;
}

export interface AdaLoraConfig extends ResolvedAdapterConfig {
  readonly initR: number;
  readonly targetR: number;
  readonly tinit: number;
  readonly tfinal: number;
  readonly deltaT: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly orthRegWeight: number;
  readonly totalStep: number;
  readonly rankPattern: RankPattern | null;
  readonly alpha: number;
  readonly dropout: number;
}

const KEYS = ['initR', 'targetR', 'tinit', 'tfinal', 'deltaT', 'beta1', 'beta2', 'orthRegWeight', 'totalStep', 'rankPattern', 'alpha', 'dropout'];

export const adalora: AdapterMethod<AdaLoraConfig> = defineAdapter<AdaLoraConfig>({
  name: 'adalora',
  peftType: 'ADALORA',
  summary: 'AdaLoRA: SVD-form P·Λ·Q adapters, importance-based rank budget schedule, orthogonality regulariser',
  wrapsLayers: true,
  resolve(options) {
    const m = 'adalora';
    const common = resolveCommon(m, options, KEYS, { bias: true });
    const int = { integer: true, min: 0 };
    const initR = numberOption(m, options, 'initR', 12, int);
    const targetR = numberOption(m, options, 'targetR', 8, int);
    if (initR <= 0) throw new AdapterConfigError(`${m}: initR must be a positive integer, got ${initR}`);
    if (targetR > initR) throw new AdapterConfigError(`${m}: conflicting options: targetR (${targetR}) exceeds initR (${initR}); the schedule only removes ranks`);
    if (options['totalStep'] === undefined || options['totalStep'] === null) throw new AdapterConfigError(`${m}: totalStep is required (AdaLoRA does not work when total_step is None; supply a value > 0)`);
    const totalStep = numberOption(m, options, 'totalStep', 0, { integer: true, min: 1 });
    const tinit = numberOption(m, options, 'tinit', 0, int);
    const tfinal = numberOption(m, options, 'tfinal', 0, int);
    if (tinit >= totalStep - tfinal) throw new AdapterConfigError(`${m}: the schedule leaves no budgeting phase: tinit (${tinit}) must be < totalStep − tfinal (${totalStep} − ${tfinal}); decrease tfinal or tinit`);
    const rankPattern = (options['rankPattern'] ?? null) as RankPattern | null;
    if (rankPattern !== null && (typeof rankPattern !== 'object' || !Object.values(rankPattern).every((v) => Array.isArray(v) && v.every((b) => typeof b === 'boolean')))) {
      throw new AdapterConfigError(`${m}: rankPattern must map '<module>.lora_E' to lists of booleans`);
    }
    return {
      ...common,
      initR,
      targetR,
      tinit,
      tfinal,
      totalStep,
      deltaT: numberOption(m, options, 'deltaT', 1, { integer: true, min: 1 }),
      beta1: numberOption(m, options, 'beta1', 0.85, { minExclusive: 0, maxExclusive: 1 }),
      beta2: numberOption(m, options, 'beta2', 0.85, { minExclusive: 0, maxExclusive: 1 }),
      orthRegWeight: numberOption(m, options, 'orthRegWeight', 0.5, { min: 0 }),
      rankPattern,
      alpha: numberOption(m, options, 'alpha', 8),
      dropout: numberOption(m, options, 'dropout', 0, { min: 0, maxExclusive: 1 }),
    };
  },
  createBranch: (ctx) => new AdaLoraBranch(ctx),
  savedConfig(config, branches) {
    const masked = branches.filter((b): b is AdaLoraBranch => b instanceof AdaLoraBranch && b.keepMask !== null);
    if (!masked.length) return config;
    const pattern: Record<string, readonly boolean[]> = { ...config.rankPattern };
    for (const b of masked) pattern[`${b.path}.lora_E`] = [...b.keepMask!];
    return { ...config, rankPattern: pattern };
  },
  toPeft(config) {
    // AdaLoraConfig extends LoraConfig: its fields, then AdaLoRA's own (r is unused by AdaLoRA; PEFT keeps 8)
    const asLora = { ...config, r: 8, rsLora: false, a: { init: 'kaiming-uniform', trainable: true }, b: { init: 'zero', trainable: true } } as LoraConfig;
    return {
      ...loraToPeft(asLora),
      rank_pattern: config.rankPattern ? { ...config.rankPattern } : null,
      target_r: config.targetR,
      init_r: config.initR,
      tinit: config.tinit,
      tfinal: config.tfinal,
      deltaT: config.deltaT,
      beta1: config.beta1,
      beta2: config.beta2,
      orth_reg_weight: config.orthRegWeight,
      total_step: config.totalStep,
    };
  },
  fromPeft(json) {
    checkPeftSupported(json, { fan_in_fan_out: (v) => v === true, use_dora: (v) => v === true });
    return {
      initR: json['init_r'] ?? 12,
      targetR: json['target_r'] ?? 8,
      tinit: json['tinit'] ?? 0,
      tfinal: json['tfinal'] ?? 0,
      deltaT: json['deltaT'] ?? 1,
      beta1: json['beta1'] ?? 0.85,
      beta2: json['beta2'] ?? 0.85,
      orthRegWeight: json['orth_reg_weight'] ?? 0.5,
      totalStep: json['total_step'],
      rankPattern: json['rank_pattern'] ?? null,
      alpha: json['lora_alpha'] ?? 8,
      dropout: json['lora_dropout'] ?? 0,
      bias: json['bias'] ?? 'none',
    };
  },
});
