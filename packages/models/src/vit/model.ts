// ViTForImageClassification following transformers' models/vit/modeling_vit.py (Dosovitskiy et
// al. 2021): patches → linear embedding (the stride-P conv written as a matmul over unfolded
// patches), [CLS] token, learned positions, pre-LN encoder, classifier on the [CLS] state.
import { LayerNorm, Linear, type ModuleOptions, MultiHeadAttention, activation, crossEntropy, mseLoss, normalInit, pickModuleOptions, type UnaryModule } from '@webpeft/nn';
import { type Tensor, add, broadcastTo, concat, fmtShape, matmul, reshape, slice, squeeze, transpose } from '@webpeft/tensor';
import type { JsonObject } from '../_config.ts';
import { ImageError } from '../errors.ts';
import type { CheckpointSpec, PretrainedModel } from '../family.ts';
import { Container } from '../layers.ts';
import { type ViTConfig, vitConfigJson } from './config.ts';

/** Conv2d(C → H, kernel P, stride P) as unfold + matmul: weight [H, C, P, P] as in the checkpoint. */
export class ViTPatchProjection extends Container {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(
    readonly channels: number,
    readonly hidden: number,
    readonly patch: number,
    opts: ModuleOptions,
  ) {
    super();
    const fanIn = channels * patch * patch;
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.registerParameter('weight', normalInit([hidden, channels, patch, patch], 0, bound, opts));
    this.bias = this.registerParameter('bias', normalInit([hidden], 0, bound, opts));
  }

  /** pixels [B, C, H, W] → [B, (H/P)·(W/P), hidden], patches in row-major order (conv output flattened). */
  forward(pixels: Tensor): Tensor {
    const [b, c, h, w] = pixels.shape as [number, number, number, number];
    const p = this.patch;
    const gh = h / p;
    const gw = w / p;
    // [B, C, gh, P, gw, P] → [B, gh, gw, C, P, P]: each patch's values in the weight's (C, P, P) order
    const patches = reshape(transpose(reshape(pixels, [b, c, gh, p, gw, p]), [0, 2, 4, 1, 3, 5]), [b * gh * gw, c * p * p]);
    const y = add(matmul(patches, reshape(this.weight, [this.hidden, c * p * p]), { transB: true }), this.bias);
    return reshape(y, [b, gh * gw, this.hidden]);
  }
}

class ViTEmbeddings extends Container {
  readonly clsToken: Tensor;
  readonly positionEmbeddings: Tensor;
  readonly projection: ViTPatchProjection;
  constructor(readonly config: ViTConfig, opts: ModuleOptions) {
    super();
    const { hiddenSize: d, imageSize, patchSize } = config;
    const n = (imageSize / patchSize) ** 2;
    this.clsToken = this.registerParameter('cls_token', normalInit([1, 1, d], 0, 0.02, opts));
    this.positionEmbeddings = this.registerParameter('position_embeddings', normalInit([1, n + 1, d], 0, 0.02, opts));
    const patchEmbeddings = this.registerModule('patch_embeddings', new Container());
    this.projection = patchEmbeddings.registerModule('projection', new ViTPatchProjection(config.numChannels, d, patchSize, opts));
  }

  forward(pixels: Tensor): Tensor {
    const { imageSize: s, numChannels: c } = this.config;
    if (pixels.rank !== 4 || pixels.shape[1] !== c || pixels.shape[2] !== s || pixels.shape[3] !== s) {
      throw new ImageError(`ViT: pixel values ${fmtShape(pixels.shape)} must be [batch, ${c}, ${s}, ${s}] (image_size ${s}; resize with preprocessImages)`);
    }
    const b = pixels.shape[0]!;
    const patches = this.projection.forward(pixels);
    const cls = broadcastTo(this.clsToken, [b, 1, this.config.hiddenSize]);
    return add(concat([cls, patches], 1), this.positionEmbeddings);
  }
}

class ViTLayer extends Container {
  readonly attn: MultiHeadAttention;
  readonly before: LayerNorm;
  readonly after: LayerNorm;
  readonly #act: (x: Tensor) => Tensor;
  constructor(config: ViTConfig, opts: ModuleOptions) {
    super();
    const d = config.hiddenSize;
    const ln = { ...opts, eps: config.layerNormEps };
    const attention = this.registerModule('attention', new Container());
    this.attn = attention.registerModule('attention', new MultiHeadAttention({ ...opts, hiddenSize: d, numHeads: config.numAttentionHeads, bias: config.qkvBias, names: { q: 'query', k: 'key', v: 'value', o: null } }));
    attention.registerModule('output', new Container()).registerModule('dense', new Linear(d, d, opts));
    this.registerModule('intermediate', new Container()).registerModule('dense', new Linear(d, config.intermediateSize, opts));
    this.registerModule('output', new Container()).registerModule('dense', new Linear(config.intermediateSize, d, opts));
    this.before = this.registerModule('layernorm_before', new LayerNorm(d, ln));
    this.after = this.registerModule('layernorm_after', new LayerNorm(d, ln));
    this.#act = activation(config.hiddenAct);
  }

  forward(h: Tensor): Tensor {
    // the projections are looked up on each call so adapters swapped in by setSubmodule are used
    const attnOut = this.getSubmodule('attention.output.dense') as UnaryModule;
    h = add(attnOut.forward(this.attn.forward(this.before.forward(h))), h);
    const fc1 = this.getSubmodule('intermediate.dense') as UnaryModule;
    const fc2 = this.getSubmodule('output.dense') as UnaryModule;
    return add(fc2.forward(this.#act(fc1.forward(this.after.forward(h)))), h);
  }
}

/** The `vit.` base model: embeddings, encoder, final layernorm. */
class ViTModel extends Container {
  readonly embeddings: ViTEmbeddings;
  readonly layers: ViTLayer[] = [];
  readonly layernorm: LayerNorm;
  constructor(config: ViTConfig, opts: ModuleOptions) {
    super();
    this.embeddings = this.registerModule('embeddings', new ViTEmbeddings(config, opts));
    const layer = this.registerModule('encoder', new Container()).registerModule('layer', new Container());
    for (let i = 0; i < config.numHiddenLayers; i++) this.layers.push(layer.registerModule(String(i), new ViTLayer(config, opts)));
    this.layernorm = this.registerModule('layernorm', new LayerNorm(config.hiddenSize, { ...opts, eps: config.layerNormEps }));
  }

  forward(pixels: Tensor): Tensor {
    let h = this.embeddings.forward(pixels);
    for (const layer of this.layers) h = layer.forward(h);
    return this.layernorm.forward(h);
  }
}

export const VIT_CHECKPOINT: CheckpointSpec = {
  basePrefix: 'vit',
  headPrefixes: ['classifier.'],
  tied: {},
  ignore: [/^vit\.pooler\./, /(^|\.)position_ids$/],
};

/** ViTForImageClassification: logits [B, numLabels] from pixel values [B, C, H, W]. */
export class ViTForImageClassification extends Container implements PretrainedModel {
  readonly modelType = 'vit';
  readonly checkpoint: CheckpointSpec = VIT_CHECKPOINT;
  readonly vit: ViTModel;
  constructor(readonly config: ViTConfig, opts: ModuleOptions = {}) {
    super();
    const base = pickModuleOptions(opts);
    this.vit = this.registerModule('vit', new ViTModel(config, base));
    this.registerModule('classifier', new Linear(config.hiddenSize, config.labels.length, base));
  }

  configJson(): JsonObject {
    return vitConfigJson(this.config);
  }

  /** Final hidden states [B, 1 + patches, hidden]. */
  hiddenStates(pixels: Tensor): Tensor {
    return this.vit.forward(pixels);
  }

  forward(pixels: Tensor): Tensor {
    const h = this.vit.forward(pixels);
    const cls = squeeze(slice(h, [0, 0, 0], [h.shape[0]!, 1, this.config.hiddenSize]), 1);
    return (this.getSubmodule('classifier') as UnaryModule).forward(cls);
  }

  /** Cross-entropy on class ids (i32 [B]), or MSE for a regression head (f32 [B] targets). */
  loss(logits: Tensor, labels: Tensor): Tensor {
    if (this.config.problemType === 'regression' || (this.config.labels.length === 1 && labels.dtype !== 'i32')) return mseLoss(reshape(logits, [-1]), reshape(labels, [-1]));
    return crossEntropy(logits, labels);
  }
}
