// BartConfig as in transformers (models/bart/configuration_bart.py): facebook/bart-large layout,
// plus the generation defaults BART checkpoints carry in config.json.
import type { ActivationName } from '@webpeft/nn';
import { ACTIVATION_NAMES, ConfigReader, type JsonObject } from '../_config.ts';
import { type GenerationDefaults, parseGenerationDefaults } from '../generation/options.ts';

export interface BartConfig {
  readonly modelType: 'bart';
  readonly vocabSize: number;
  readonly dModel: number;
  readonly encoderLayers: number;
  readonly decoderLayers: number;
  readonly encoderAttentionHeads: number;
  readonly decoderAttentionHeads: number;
  readonly encoderFfnDim: number;
  readonly decoderFfnDim: number;
  readonly activationFunction: ActivationName;
  readonly dropout: number;
  readonly attentionDropout: number;
  readonly activationDropout: number;
  readonly maxPositionEmbeddings: number;
  readonly scaleEmbedding: boolean;
  readonly padTokenId: number;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly decoderStartTokenId: number;
  readonly generation: GenerationDefaults;
  readonly raw: JsonObject;
}

export function parseBartConfig(json: unknown, file = 'config.json'): BartConfig {
  const r = ConfigReader.of(json, file);
  const dModel = r.int('d_model', 1024);
  const encoderAttentionHeads = r.int('encoder_attention_heads', 16);
  const decoderAttentionHeads = r.int('decoder_attention_heads', 16);
  for (const [field, heads] of [['encoder_attention_heads', encoderAttentionHeads], ['decoder_attention_heads', decoderAttentionHeads]] as const) {
    r.check(dModel % heads === 0, field, `d_model ${dModel} is not divisible by ${heads} heads`);
  }
  r.check(r.bool('tie_word_embeddings', true), 'tie_word_embeddings', 'BART models here share one embedding between encoder, decoder and LM head; untied checkpoints are not supported');
  r.check(!r.bool('normalize_before', false) && !r.bool('add_final_layer_norm', false), 'normalize_before', 'pre-LN variants (mBART) are not supported; expected the post-LN BART layout');
  const vocabSize = r.int('vocab_size', 50265);
  const padTokenId = r.tokenId('pad_token_id', 1);
  r.check(padTokenId !== null && padTokenId < vocabSize, 'pad_token_id', `BART needs a pad_token_id below vocab_size ${vocabSize}`);
  const eosTokenId = r.tokenId('eos_token_id', 2);
  const decoderStartTokenId = r.tokenId('decoder_start_token_id', eosTokenId ?? 2);
  r.check(decoderStartTokenId !== null, 'decoder_start_token_id', 'BART needs a decoder start token');
  return {
    modelType: 'bart',
    vocabSize,
    dModel,
    encoderLayers: r.int('encoder_layers', 12),
    decoderLayers: r.int('decoder_layers', 12),
    encoderAttentionHeads,
    decoderAttentionHeads,
    encoderFfnDim: r.int('encoder_ffn_dim', 4096),
    decoderFfnDim: r.int('decoder_ffn_dim', 4096),
    activationFunction: r.string('activation_function', 'gelu', ACTIVATION_NAMES),
    dropout: r.number('dropout', 0.1),
    attentionDropout: r.number('attention_dropout', 0),
    activationDropout: r.number('activation_dropout', 0),
    maxPositionEmbeddings: r.int('max_position_embeddings', 1024),
    scaleEmbedding: r.bool('scale_embedding', false),
    padTokenId: padTokenId!,
    bosTokenId: r.tokenId('bos_token_id', 0),
    eosTokenId,
    decoderStartTokenId: decoderStartTokenId!,
    generation: parseGenerationDefaults(r),
    raw: r.json,
  };
}

export function bartConfigJson(c: BartConfig): JsonObject {
  return {
    ...c.raw,
    model_type: 'bart',
    architectures: ['BartForConditionalGeneration'],
    vocab_size: c.vocabSize,
    d_model: c.dModel,
    encoder_layers: c.encoderLayers,
    decoder_layers: c.decoderLayers,
    encoder_attention_heads: c.encoderAttentionHeads,
    decoder_attention_heads: c.decoderAttentionHeads,
    encoder_ffn_dim: c.encoderFfnDim,
    decoder_ffn_dim: c.decoderFfnDim,
    activation_function: c.activationFunction,
    dropout: c.dropout,
    attention_dropout: c.attentionDropout,
    activation_dropout: c.activationDropout,
    max_position_embeddings: c.maxPositionEmbeddings,
    scale_embedding: c.scaleEmbedding,
    pad_token_id: c.padTokenId,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    decoder_start_token_id: c.decoderStartTokenId,
  };
}
