// LlamaConfig as in transformers (models/llama/configuration_llama.py): Llama-2 layout.
import type { ActivationName } from '@webpeft/nn';
import { ACTIVATION_NAMES, ConfigReader, type JsonObject } from '../_config.ts';
import { type GenerationDefaults, parseGenerationDefaults } from '../generation/options.ts';

export interface LlamaConfig {
  readonly modelType: 'llama';
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  readonly hiddenAct: ActivationName;
  readonly maxPositionEmbeddings: number;
  readonly rmsNormEps: number;
  readonly ropeTheta: number;
  readonly attentionBias: boolean;
  readonly mlpBias: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly padTokenId: number | null;
  readonly generation: GenerationDefaults;
  readonly raw: JsonObject;
}

export function parseLlamaConfig(json: unknown, file = 'config.json'): LlamaConfig {
  const r = ConfigReader.of(json, file);
  const hiddenSize = r.int('hidden_size', 4096);
  const numAttentionHeads = r.int('num_attention_heads', 32);
  const numKeyValueHeads = r.int('num_key_value_heads', numAttentionHeads);
  r.check(numAttentionHeads % numKeyValueHeads === 0, 'num_key_value_heads', `num_attention_heads ${numAttentionHeads} is not a multiple of num_key_value_heads ${numKeyValueHeads}`);
  r.check(r.has('head_dim') || hiddenSize % numAttentionHeads === 0, 'num_attention_heads', `hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numAttentionHeads}`);
  const headDim = r.int('head_dim', hiddenSize / numAttentionHeads);
  r.check(headDim % 2 === 0, 'head_dim', `rotary embeddings need an even head dimension, got ${headDim}`);
  r.check(!r.has('rope_scaling'), 'rope_scaling', 'scaled rotary embeddings (Llama-3.1, linear/dynamic NTK) are not supported; expected the Llama-2 layout');
  r.check(r.int('pretraining_tp', 1) === 1, 'pretraining_tp', 'tensor-parallel slicing (pretraining_tp > 1) is not supported');
  return {
    modelType: 'llama',
    vocabSize: r.int('vocab_size', 32000),
    hiddenSize,
    intermediateSize: r.int('intermediate_size', 11008),
    numHiddenLayers: r.int('num_hidden_layers', 32),
    numAttentionHeads,
    numKeyValueHeads,
    headDim,
    hiddenAct: r.string('hidden_act', 'silu', ACTIVATION_NAMES),
    maxPositionEmbeddings: r.int('max_position_embeddings', 2048),
    rmsNormEps: r.number('rms_norm_eps', 1e-6),
    ropeTheta: r.number('rope_theta', 10000),
    attentionBias: r.bool('attention_bias', false),
    mlpBias: r.bool('mlp_bias', false),
    tieWordEmbeddings: r.bool('tie_word_embeddings', false),
    bosTokenId: r.tokenId('bos_token_id', 1),
    eosTokenId: r.tokenId('eos_token_id', 2),
    padTokenId: r.tokenId('pad_token_id', null),
    generation: parseGenerationDefaults(r),
    raw: r.json,
  };
}

export function llamaConfigJson(c: LlamaConfig): JsonObject {
  return {
    ...c.raw,
    model_type: 'llama',
    architectures: ['LlamaForCausalLM'],
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    num_key_value_heads: c.numKeyValueHeads,
    head_dim: c.headDim,
    hidden_act: c.hiddenAct,
    max_position_embeddings: c.maxPositionEmbeddings,
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    attention_bias: c.attentionBias,
    mlp_bias: c.mlpBias,
    tie_word_embeddings: c.tieWordEmbeddings,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    pad_token_id: c.padTokenId,
  };
}
