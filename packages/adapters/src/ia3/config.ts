// IA3 options as PEFT's IA3Config (peft/tuners/ia3/config.py): target_modules, feedforward_modules
// (a subset of the targets whose input is scaled), init_ia3_weights. Roles work for both.
import { AdapterConfigError } from '../errors.ts';
import { matchesName, matchesPattern, resolveRole } from '../inject.ts';
import { checkPeftSupported } from '../lora/config.ts';
import { type AdapterMethod, type CommonAdapterOptions, type ResolvedAdapterConfig, booleanOption, defineAdapter, peftPattern, resolveCommon } from '../method.ts';
import { IA3Branch } from './layer.ts';

export interface IA3Options extends CommonAdapterOptions {
  /** Targets whose input (not output) is scaled: names or a regex, as PEFT's feedforward_modules. */
  readonly feedforwardModules?: readonly string[] | string;
  /** The same through roles, e.g. ['fc2'] or ['down']. */
  readonly feedforwardRoles?: readonly string[];
  /** Start every scale at 1 (default true); false draws them from N(0, 1) as PEFT does. */
  readonly initIa3Weights?: boolean;
}

export interface IA3Config extends ResolvedAdapterConfig {
  readonly feedforwardModules: readonly string[] | string | null;
  readonly feedforwardRoles: readonly string[];
  readonly initIa3Weights: boolean;
}

function isFeedforward(config: IA3Config, path: string): boolean {
  return config.feedforwardModules !== null && matchesPattern(config.feedforwardModules, path);
}

export const ia3: AdapterMethod<IA3Config> = defineAdapter<IA3Config>({
  name: 'ia3',
  peftType: 'IA3',
  summary: '(IA)³: learned scaling of key/value outputs and feed-forward inputs',
  wrapsLayers: true,
  resolve(options) {
    const common = resolveCommon('ia3', options, ['feedforwardModules', 'feedforwardRoles', 'initIa3Weights']);
    const ff = options['feedforwardModules'];
    if (ff !== undefined && ff !== null && typeof ff !== 'string' && !(Array.isArray(ff) && ff.every((s) => typeof s === 'string'))) throw new AdapterConfigError(`ia3: feedforwardModules must be a list of names or a regex string, got ${JSON.stringify(ff)}`);
    const roles = options['feedforwardRoles'] ?? [];
    if (!Array.isArray(roles) || !roles.every((s) => typeof s === 'string')) throw new AdapterConfigError(`ia3: feedforwardRoles must be a list of role names, got ${JSON.stringify(roles)}`);
    return { ...common, feedforwardModules: (ff as readonly string[] | string | undefined) ?? null, feedforwardRoles: roles as string[], initIa3Weights: booleanOption('ia3', options, 'initIa3Weights', true) };
  },
  finalize(config, { targets, roles }) {
    let ff = config.feedforwardModules;
    if (config.feedforwardRoles.length) {
      if (!roles) throw new AdapterConfigError(`ia3: feedforwardRoles need the model family's role map (pass { roles } when injecting)`);
      if (typeof ff === 'string') throw new AdapterConfigError(`ia3: conflicting options: feedforwardModules is a regex and feedforwardRoles is set`);
      const names = [...(ff ?? [])];
      for (const role of config.feedforwardRoles) for (const n of resolveRole(roles, role)) if (targets.some((t) => matchesName(n, t.path)) && !names.includes(n)) names.push(n);
      ff = names;
    }
    const resolved = { ...config, feedforwardModules: ff, feedforwardRoles: [] };
    // PEFT: "feedforward_modules should be a subset of target_modules"
    if (ff !== null && typeof ff !== 'string') {
      for (const n of ff) if (!targets.some((t) => matchesName(n, t.path))) throw new AdapterConfigError(`ia3: feedforward module '${n}' is not among the targets (${targets.map((t) => t.path).join(', ')}); feedforwardModules must be a subset of the targets`);
    }
    return resolved;
  },
  createBranch: (ctx) => new IA3Branch(ctx, isFeedforward(ctx.config, ctx.target.path)),
  toPeft: (config) => ({
    target_modules: peftPattern(config.targetModules),
    exclude_modules: peftPattern(config.excludeModules),
    feedforward_modules: peftPattern(config.feedforwardModules),
    fan_in_fan_out: false,
    modules_to_save: config.modulesToSave.length ? [...config.modulesToSave] : null,
    init_ia3_weights: config.initIa3Weights,
  }),
  fromPeft(json) {
    checkPeftSupported(json, { fan_in_fan_out: (v) => v === true });
    return { feedforwardModules: json['feedforward_modules'] ?? null, initIa3Weights: json['init_ia3_weights'] ?? true };
  },
});
