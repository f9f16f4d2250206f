// Public surface of @webpeft/nn.
export { StateDictError, ModulePathError, type MismatchedKey } from './errors.ts';
export { Module, ModuleList, type StateDict, type LoadStateDictOptions, type LoadStateDictResult, type RegisterBufferOptions, type ParameterPredicate } from './module.ts';
export { type FloatDType, type ModuleOptions, fans, uniformInit, normalInit, constantInit, kaimingUniform, valuesInit, pickModuleOptions } from './init.ts';
export { Linear, type LinearOptions, type UnaryModule } from './linear.ts';
export { Embedding, type EmbeddingOptions } from './embedding.ts';
export { LayerNorm, RMSNorm, type LayerNormOptions, type RMSNormOptions } from './norm.ts';
export { Dropout, type DropoutOptions } from './dropout.ts';
export { RotaryEmbedding, rotateHalf, type RotaryOptions, type RotaryPositions } from './rotary.ts';
export { KVCache, KVCacheLayer } from './kv-cache.ts';
export { MultiHeadAttention, DEFAULT_ATTENTION_NAMES, maskValue, type AttentionNames, type MultiHeadAttentionOptions, type AttentionForwardOptions } from './attention.ts';
export { MLP, GatedMLP, activation, type ActivationName, type MLPOptions, type GatedMLPOptions } from './mlp.ts';
export { crossEntropy, mseLoss, type Reduction, type CrossEntropyOptions, type MSELossOptions } from './loss.ts';
