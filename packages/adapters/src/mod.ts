// Public surface of @webpeft/adapters (runtime-neutral; adapter folders on disk: '@webpeft/adapters/node').
export { AdapterConfigError, AdapterLoadError, AdapterStateError, TargetNotFoundError } from './errors.ts';
export { type SVDResult, JACOBI_LIMIT, svd, topSingular } from './svd.ts';
export { type FactorInit, type FactorName, type FactorRecipe, FACTOR_INITS, factorTensor, factorValues, kaimingBound } from './factor-init.ts';
export {
  type AdapterBranch,
  type AdapterMethod,
  type BiasMode,
  type BranchContext,
  type BranchEntry,
  type CommonAdapterOptions,
  type ResolvedAdapterConfig,
  type SharedTensors,
  type TargetInfo,
  COMMON_OPTION_KEYS,
  booleanOption,
  defineAdapter,
  numberOption,
  peftPattern,
  resolveCommon,
} from './method.ts';
export { AdaptedLinear } from './adapted-linear.ts';
export { type RoleResolver, type TargetSelection, ALL_LINEAR, NN_ROLES, STANDARD_ROLES, matchesPattern, resolveRole, selectTargets } from './inject.ts';
export { type AdapterInfo, type AdapterOptions, type AdapterPlan, type InjectOptions, AdapterModel, injectAdapter } from './adapter-model.ts';
export { adapterMethodNames, getAdapterMethod, registerAdapter } from './registry.ts';
export {
  type FrozenStorage,
  type LoadAdapterOptions,
  type RegeneratedFactor,
  type SaveAdapterOptions,
  type SerializedAdapter,
  ADAPTER_CONFIG_NAME,
  ADAPTER_WEIGHTS_NAME,
  PEFT_PREFIX,
  adapterConfigJson,
  adapterTensors,
  deserializeAdapter,
  formatPeftJson,
  optionsFromConfig,
  serializeAdapter,
} from './peft-io.ts';
export { type TrainableReport, groupThousands, trainableReport } from './report.ts';
export { type BoundOptions, type LayerShape, type RankBudget, type TrainedFactors, adapterParameters, factorDimensions, generalizationBound, matchRank } from './budget.ts';
export { type FactorOptions, type LoraConfig, type LoraOptions, type LoraPreset, lora, loraVariant } from './lora/config.ts';
export { LoraBranch, loraScaling } from './lora/layer.ts';
export { PAPER_ROWS, loraARand, loraASvd, loraBRand, loraBSvd } from './lora/presets.ts';
export { bOnly } from './b-only/config.ts';
export { aOnly } from './a-only/config.ts';
export { loraFa } from './lora-fa/config.ts';
export { type VeraConfig, type VeraOptions, vera } from './vera/config.ts';
export { VeraBranch } from './vera/layer.ts';
export { type IA3Config, type IA3Options, ia3 } from './ia3/config.ts';
export { IA3Branch } from './ia3/layer.ts';
export { type AdaLoraConfig, type AdaLoraOptions, type RankPattern, adalora } from './adalora/config.ts';
export { AdaLoraBranch } from './adalora/layer.ts';
export { AdaLoraController, RankAllocator } from './adalora/allocator.ts';
export { type LinearProbeOptions, linearProbe } from './linear-probe/config.ts';
export { type FullOptions, full } from './full/config.ts';
