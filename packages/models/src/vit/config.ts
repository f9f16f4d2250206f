// ViTConfig as in transformers (models/vit/configuration_vit.py): google/vit-base-patch16-224 layout.
import type { ActivationName } from '@webpeft/nn';
import { ACTIVATION_NAMES, ConfigReader, type JsonObject } from '../_config.ts';

export interface ViTConfig {
  readonly modelType: 'vit';
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly hiddenAct: ActivationName;
  readonly layerNormEps: number;
  readonly imageSize: number;
  readonly patchSize: number;
  readonly numChannels: number;
  readonly qkvBias: boolean;
  /** Class names by id (`id2label`); their count is the classifier's width. */
  readonly labels: readonly string[];
  readonly problemType: 'single_label_classification' | 'multi_label_classification' | 'regression' | null;
  /** The original config.json, kept so saving writes back every field. */
  readonly raw: JsonObject;
}

export function parseViTConfig(json: unknown, file = 'config.json'): ViTConfig {
  const r = ConfigReader.of(json, file);
  const hiddenSize = r.int('hidden_size', 768);
  const numAttentionHeads = r.int('num_attention_heads', 12);
  r.check(hiddenSize % numAttentionHeads === 0, 'num_attention_heads', `hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numAttentionHeads}`);
  const imageSize = r.int('image_size', 224);
  const patchSize = r.int('patch_size', 16);
  r.check(imageSize % patchSize === 0, 'patch_size', `image_size ${imageSize} is not a multiple of patch_size ${patchSize}`);
  const labels = r.labels(2);
  return {
    modelType: 'vit',
    hiddenSize,
    numHiddenLayers: r.int('num_hidden_layers', 12),
    numAttentionHeads,
    intermediateSize: r.int('intermediate_size', 3072),
    hiddenAct: r.string('hidden_act', 'gelu', ACTIVATION_NAMES),
    layerNormEps: r.number('layer_norm_eps', 1e-12),
    imageSize,
    patchSize,
    numChannels: r.int('num_channels', 3),
    qkvBias: r.bool('qkv_bias', true),
    labels,
    problemType: r.has('problem_type') ? r.string('problem_type', undefined, ['single_label_classification', 'multi_label_classification', 'regression'] as const) : null,
    raw: r.json,
  };
}

export function vitConfigJson(c: ViTConfig): JsonObject {
  return {
    ...c.raw,
    model_type: 'vit',
    architectures: ['ViTForImageClassification'],
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: c.hiddenAct,
    layer_norm_eps: c.layerNormEps,
    image_size: c.imageSize,
    patch_size: c.patchSize,
    num_channels: c.numChannels,
    qkv_bias: c.qkvBias,
    id2label: Object.fromEntries(c.labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(c.labels.map((l, i) => [l, i])),
    ...(c.problemType ? { problem_type: c.problemType } : {}),
  };
}
