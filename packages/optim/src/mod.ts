// Public surface of @webpeft/optim.
export { OptimizerError, StateDictError } from './errors.ts';
export { type BaseHyperparameters, type ParamGroup, type ParamGroupSpec, type ParamsInput, type LoraPlusOptions, LORA_B_PATTERN, loraPlusGroups } from './groups.ts';
export { Optimizer, type OptimizerStateDict, type GroupStateDict, type ParamState } from './optimizer.ts';
export { AdamW, ADAMW_DEFAULTS, type AdamWHyperparameters, type AdamWOptions } from './adamw.ts';
export { SGD, type SGDHyperparameters, type SGDOptions } from './sgd.ts';
export { type LRFactor, type WarmupOptions, type DecayOptions, type CosineOptions, type HasLrGroups, type LRSchedulerState, LRScheduler, constantSchedule, linearWarmupDecay, cosineWarmupDecay } from './schedule.ts';
export { clipGradNorm, clipGradNormAsync } from './clip.ts';
