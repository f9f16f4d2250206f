// Linear probing (the paper's LP baseline, Table 5): the backbone frozen, only the head trained.
// No layer is wrapped; the head is owned through modulesToSave, so it is saved as PEFT saves
// modules_to_save (`base_model.model.<head>.weight`).
import { AdapterConfigError } from '../errors.ts';
import { type AdapterMethod, type CommonAdapterOptions, type ResolvedAdapterConfig, defineAdapter, resolveCommon } from '../method.ts';

export interface LinearProbeOptions extends CommonAdapterOptions {
  /** The head module(s), e.g. ['classifier']. Required. */
  readonly modulesToSave: readonly string[];
}

export const linearProbe: AdapterMethod<ResolvedAdapterConfig> = defineAdapter<ResolvedAdapterConfig>({
  name: 'linear-probe',
  peftType: null,
  summary: 'Linear probe (LP): everything frozen except the head (modulesToSave)',
  wrapsLayers: false,
  resolve(options) {
    const config = resolveCommon('linear-probe', options, []);
    if (config.targetModules !== null || config.targetRoles.length) throw new AdapterConfigError(`linear-probe: conflicting options: a linear probe adapts no layer; drop targetModules/targetRoles and name the head in modulesToSave`);
    if (!config.modulesToSave.length) throw new AdapterConfigError(`linear-probe: modulesToSave must name the head to train, e.g. ['classifier']`);
    return config;
  },
  toPeft: (config) => ({ modules_to_save: [...config.modulesToSave] }),
  fromPeft: (json) => ({ modulesToSave: json['modules_to_save'] ?? [] }),
});
