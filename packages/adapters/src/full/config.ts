// Full fine-tuning (the paper's FT baseline): every base parameter trains. It goes through the same
// adapter machinery, so the base values stay available (disable scope, several runs side by side)
// and a run saves as `base_model.model.<key>` tensors next to an adapter_config.json.
import { AdapterConfigError } from '../errors.ts';
import { type AdapterMethod, type CommonAdapterOptions, type ResolvedAdapterConfig, defineAdapter, resolveCommon } from '../method.ts';

export type FullOptions = CommonAdapterOptions;

export const full: AdapterMethod<ResolvedAdapterConfig> = defineAdapter<ResolvedAdapterConfig>({
  name: 'full',
  peftType: null,
  summary: 'Full fine-tuning (FT): every parameter trained',
  wrapsLayers: false,
  ownsAllParameters: true,
  resolve(options) {
    const config = resolveCommon('full', options, []);
    if (config.targetModules !== null || config.targetRoles.length || config.modulesToSave.length) {
      throw new AdapterConfigError(`full: conflicting options: full fine-tuning trains every parameter; drop targetModules/targetRoles/modulesToSave`);
    }
    return config;
  },
  toPeft: () => ({}),
  fromPeft: () => ({}),
});
