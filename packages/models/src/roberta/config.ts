// RobertaConfig as in transformers (models/roberta/configuration_roberta.py): roberta-base/large layout.
import type { ActivationName } from '@webpeft/nn';
import { ACTIVATION_NAMES, ConfigReader, type JsonObject } from '../_config.ts';

export interface RobertaConfig {
  readonly modelType: 'roberta';
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly hiddenAct: ActivationName;
  readonly hiddenDropoutProb: number;
  readonly attentionProbsDropoutProb: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  readonly padTokenId: number;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly labels: readonly string[];
  /** `regression` for one label (STS-B), else single-label classification unless config.json says otherwise. */
  readonly problemType: 'single_label_classification' | 'multi_label_classification' | 'regression';
  readonly raw: JsonObject;
}

export function parseRobertaConfig(json: unknown, file = 'config.json'): RobertaConfig {
  const r = ConfigReader.of(json, file);
  const hiddenSize = r.int('hidden_size', 768);
  const numAttentionHeads = r.int('num_attention_heads', 12);
  r.check(hiddenSize % numAttentionHeads === 0, 'num_attention_heads', `hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numAttentionHeads}`);
  const vocabSize = r.int('vocab_size', 50265);
  const padTokenId = r.tokenId('pad_token_id', 1);
  r.check(padTokenId !== null && padTokenId < vocabSize, 'pad_token_id', `RoBERTa needs a pad_token_id below vocab_size ${vocabSize} (positions count from it)`);
  const maxPositionEmbeddings = r.int('max_position_embeddings', 514);
  r.check(maxPositionEmbeddings > padTokenId! + 1, 'max_position_embeddings', `must exceed pad_token_id + 1 = ${padTokenId! + 1} (positions start after the padding index)`);
  const labels = r.labels(2);
  const problemType = r.has('problem_type')
    ? r.string('problem_type', undefined, ['single_label_classification', 'multi_label_classification', 'regression'] as const)
    : labels.length === 1
      ? 'regression'
      : 'single_label_classification';
  return {
    modelType: 'roberta',
    vocabSize,
    hiddenSize,
    numHiddenLayers: r.int('num_hidden_layers', 12),
    numAttentionHeads,
    intermediateSize: r.int('intermediate_size', 3072),
    hiddenAct: r.string('hidden_act', 'gelu', ACTIVATION_NAMES),
    hiddenDropoutProb: r.number('hidden_dropout_prob', 0.1),
    attentionProbsDropoutProb: r.number('attention_probs_dropout_prob', 0.1),
    maxPositionEmbeddings,
    typeVocabSize: r.int('type_vocab_size', 1),
    layerNormEps: r.number('layer_norm_eps', 1e-5),
    padTokenId: padTokenId!,
    bosTokenId: r.tokenId('bos_token_id', 0),
    eosTokenId: r.tokenId('eos_token_id', 2),
    labels,
    problemType,
    raw: r.json,
  };
}

export function robertaConfigJson(c: RobertaConfig): JsonObject {
  return {
    ...c.raw,
    model_type: 'roberta',
    architectures: ['RobertaForSequenceClassification'],
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: c.hiddenAct,
    hidden_dropout_prob: c.hiddenDropoutProb,
    attention_probs_dropout_prob: c.attentionProbsDropoutProb,
    max_position_embeddings: c.maxPositionEmbeddings,
    type_vocab_size: c.typeVocabSize,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: c.padTokenId,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    id2label: Object.fromEntries(c.labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(c.labels.map((l, i) => [l, i])),
    problem_type: c.problemType,
  };
}
