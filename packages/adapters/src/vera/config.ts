// VeRA options as PEFT's VeraConfig (peft/tuners/vera/config.py): r = 256, projection_prng_key,
// save_projection, vera_dropout, d_initial = 0.1, bias. The shared projections are seeded from
// projection_prng_key with webpeft's Philox stream (not torch's), so with save_projection = false
// only webpeft can regenerate them; the default (true) saves them, as PEFT does.
import { Generator, fromArray } from '@webpeft/tensor';
import { AdapterConfigError } from '../errors.ts';
import { type CommonAdapterOptions, type ResolvedAdapterConfig, type AdapterMethod, type BiasMode, booleanOption, defineAdapter, numberOption, peftPattern, resolveCommon } from '../method.ts';
import { checkPeftSupported } from '../lora/config.ts';
import { VeraBranch, veraProjection } from './layer.ts';

export interface VeraOptions extends CommonAdapterOptions {
  /** Rank of the shared projections (PEFT default 256). */
  readonly r?: number;
  /** Seed of the shared projections (PEFT's projection_prng_key, default 0). */
  readonly projectionPrngKey?: number;
  /** Save the projections in the file (default true); false regenerates them from the key. */
  readonly saveProjection?: boolean;
  readonly dropout?: number;
  /** Initial value of every λ_d entry (default 0.1, the VeRA paper's). */
  readonly dInitial?: number;
  readonly bias?: BiasMode;
}

export interface VeraConfig extends ResolvedAdapterConfig {
  readonly r: number;
  readonly projectionPrngKey: number;
  readonly saveProjection: boolean;
  readonly dropout: number;
  readonly dInitial: number;
}

export const vera: AdapterMethod<VeraConfig> = defineAdapter<VeraConfig>({
  name: 'vera',
  peftType: 'VERA',
  summary: 'VeRA: shared frozen random A/B (sized for the largest layer), trained vectors λ_d (0.1) and λ_b (0)',
  wrapsLayers: true,
  resolve(options) {
    const common = resolveCommon('vera', options, ['r', 'projectionPrngKey', 'saveProjection', 'dropout', 'dInitial'], { bias: true });
    const r = numberOption('vera', options, 'r', 256, { integer: true });
    if (r <= 0) throw new AdapterConfigError(`vera: r must be a positive integer, got ${r}`);
    return {
      ...common,
      r,
      projectionPrngKey: numberOption('vera', options, 'projectionPrngKey', 0, { integer: true, min: 0 }),
      saveProjection: booleanOption('vera', options, 'saveProjection', true),
      dropout: numberOption('vera', options, 'dropout', 0, { min: 0, maxExclusive: 1 }),
      dInitial: numberOption('vera', options, 'dInitial', 0.1),
    };
  },
  prepare(config, targets, env) {
    // PEFT's _find_dim: the largest (out, in) over the targets; A [r, in_max], B [out_max, r], one generator, A first
    const inMax = Math.max(...targets.map((t) => t.inFeatures));
    const outMax = Math.max(...targets.map((t) => t.outFeatures));
    const g = new Generator(config.projectionPrngKey);
    const a = fromArray(veraProjection(g, config.r, inMax), [config.r, inMax], env);
    const b = fromArray(veraProjection(g, outMax, config.r), [outMax, config.r], env);
    return { tensors: new Map([['vera_A', { tensor: a, save: config.saveProjection }], ['vera_B', { tensor: b, save: config.saveProjection }]]) };
  },
  createBranch: (ctx) => new VeraBranch(ctx),
  toPeft: (config) => ({
    r: config.r,
    target_modules: peftPattern(config.targetModules),
    projection_prng_key: config.projectionPrngKey,
    save_projection: config.saveProjection,
    vera_dropout: config.dropout,
    d_initial: config.dInitial,
    fan_in_fan_out: false,
    bias: config.bias,
    modules_to_save: config.modulesToSave.length ? [...config.modulesToSave] : null,
    init_weights: true,
    layers_to_transform: null,
    layers_pattern: null,
  }),
  fromPeft(json) {
    checkPeftSupported(json, { fan_in_fan_out: (v) => v === true, layers_to_transform: (v) => v !== null && v !== undefined });
    return { r: json['r'] ?? 256, projectionPrngKey: json['projection_prng_key'] ?? 0, saveProjection: json['save_projection'] ?? true, dropout: json['vera_dropout'] ?? 0, dInitial: json['d_initial'] ?? 0.1, bias: json['bias'] ?? 'none' };
  },
});
