// RobertaForSequenceClassification following transformers' models/roberta/modeling_roberta.py:
// post-LN BERT encoder; positions count from padding_idx + 1 over non-padding tokens only
// (create_position_ids_from_input_ids); the head reads the <s> state through dense → tanh → out_proj.
import { Dropout, Embedding, LayerNorm, Linear, type ModuleOptions, MultiHeadAttention, type UnaryModule, activation, crossEntropy, mseLoss, pickModuleOptions } from '@webpeft/nn';
import { ShapeError, type Tensor, add, cast, fmtShape, fromArray, matmul, mul, notEqual, reshape, slice, squeeze, tanh, zeros } from '@webpeft/tensor';
import type { JsonObject } from '../_config.ts';
import { SequenceTooLongError } from '../errors.ts';
import type { CheckpointSpec, PretrainedModel } from '../family.ts';
import { Container } from '../layers.ts';
import { type RobertaConfig, robertaConfigJson } from './config.ts';

export interface RobertaInputs {
  /** i32 [B, S]. */
  readonly inputIds: Tensor;
  /** [B, S], 1 for tokens and 0 for padding (default: all ones). */
  readonly attentionMask?: Tensor;
  /** i32 [B, S] (default zeros). */
  readonly tokenTypeIds?: Tensor;
}

/**
 * transformers' create_position_ids_from_input_ids: padding_idx + cumulative count of
 * non-padding tokens; padding keeps padding_idx. Computed on the device (the running count
 * is a matmul with an upper-triangular ones matrix, exact in f32 below 2^24), so no readback.
 */
export function robertaPositionIds(inputIds: Tensor, paddingIdx: number): Tensor {
  const s = inputIds.shape[1]!;
  const upper = new Float32Array(s * s);
  for (let i = 0; i < s; i++) upper.fill(1, i * s + i, (i + 1) * s);
  const keep = cast(notEqual(inputIds, paddingIdx), 'f32');
  const counts = mul(matmul(keep, fromArray(upper, [s, s], { dtype: 'f32', backend: inputIds.backend })), keep);
  return add(cast(counts, 'i32'), paddingIdx);
}

class RobertaEmbeddings extends Container {
  readonly words: Embedding;
  readonly positions: Embedding;
  readonly tokenTypes: Embedding;
  readonly norm: LayerNorm;
  readonly dropout: Dropout;
  constructor(readonly config: RobertaConfig, opts: ModuleOptions) {
    super();
    const d = config.hiddenSize;
    const pad = config.padTokenId;
    this.words = this.registerModule('word_embeddings', new Embedding(config.vocabSize, d, { ...opts, paddingIdx: pad }));
    this.positions = this.registerModule('position_embeddings', new Embedding(config.maxPositionEmbeddings, d, { ...opts, paddingIdx: pad }));
    this.tokenTypes = this.registerModule('token_type_embeddings', new Embedding(config.typeVocabSize, d, opts));
    this.norm = this.registerModule('LayerNorm', new LayerNorm(d, { ...opts, eps: config.layerNormEps }));
    this.dropout = this.registerModule('dropout', new Dropout(config.hiddenDropoutProb, opts.generator ? { generator: opts.generator } : {}));
  }

  forward(inputIds: Tensor, tokenTypeIds?: Tensor): Tensor {
    const [b, s] = inputIds.shape as [number, number];
    const pad = this.config.padTokenId;
    const limit = this.config.maxPositionEmbeddings - pad - 1;
    if (s > limit) throw new SequenceTooLongError(s, limit, 'RoBERTa');
    const positions = robertaPositionIds(inputIds, pad);
    const types = tokenTypeIds ?? zeros([b, s], { dtype: 'i32', backend: inputIds.backend });
    const h = add(add(this.words.forward(inputIds), this.tokenTypes.forward(types)), this.positions.forward(positions));
    return this.dropout.forward(this.norm.forward(h));
  }
}

class RobertaLayer extends Container {
  readonly attn: MultiHeadAttention;
  readonly #act: (x: Tensor) => Tensor;
  readonly #dropout: Dropout;
  constructor(config: RobertaConfig, opts: ModuleOptions) {
    super();
    const d = config.hiddenSize;
    const ln = { ...opts, eps: config.layerNormEps };
    const attention = this.registerModule('attention', new Container());
    this.attn = attention.registerModule('self', new MultiHeadAttention({ ...opts, hiddenSize: d, numHeads: config.numAttentionHeads, dropout: config.attentionProbsDropoutProb, names: { q: 'query', k: 'key', v: 'value', o: null } }));
    const attnOut = attention.registerModule('output', new Container());
    attnOut.registerModule('dense', new Linear(d, d, opts));
    attnOut.registerModule('LayerNorm', new LayerNorm(d, ln));
    this.registerModule('intermediate', new Container()).registerModule('dense', new Linear(d, config.intermediateSize, opts));
    const out = this.registerModule('output', new Container());
    out.registerModule('dense', new Linear(config.intermediateSize, d, opts));
    out.registerModule('LayerNorm', new LayerNorm(d, ln));
    this.#act = activation(config.hiddenAct);
    this.#dropout = new Dropout(config.hiddenDropoutProb, opts.generator ? { generator: opts.generator } : {});
  }

  forward(h: Tensor, attentionMask: Tensor | undefined): Tensor {
    this.#dropout.training = this.training;
    const m = (path: string) => this.getSubmodule(path) as UnaryModule;
    const context = this.attn.forward(h, attentionMask ? { attentionMask } : {});
    h = m('attention.output.LayerNorm').forward(add(this.#dropout.forward(m('attention.output.dense').forward(context)), h));
    const inner = this.#act(m('intermediate.dense').forward(h));
    return m('output.LayerNorm').forward(add(this.#dropout.forward(m('output.dense').forward(inner)), h));
  }
}

class RobertaModel extends Container {
  readonly embeddings: RobertaEmbeddings;
  readonly layers: RobertaLayer[] = [];
  constructor(config: RobertaConfig, opts: ModuleOptions) {
    super();
    this.embeddings = this.registerModule('embeddings', new RobertaEmbeddings(config, opts));
    const layer = this.registerModule('encoder', new Container()).registerModule('layer', new Container());
    for (let i = 0; i < config.numHiddenLayers; i++) this.layers.push(layer.registerModule(String(i), new RobertaLayer(config, opts)));
  }

  forward(inputs: RobertaInputs): Tensor {
    const { inputIds, attentionMask, tokenTypeIds } = inputs;
    if (inputIds.rank !== 2 || inputIds.dtype !== 'i32') throw new ShapeError(`RoBERTa: inputIds ${inputIds.dtype} ${fmtShape(inputIds.shape)} must be i32 [batch, seq]`);
    let h = this.embeddings.forward(inputIds, tokenTypeIds);
    for (const layer of this.layers) h = layer.forward(h, attentionMask);
    return h;
  }
}

export const ROBERTA_CHECKPOINT: CheckpointSpec = {
  basePrefix: 'roberta',
  headPrefixes: ['classifier.'],
  tied: {},
  // roberta-base is saved as RobertaForMaskedLM: its lm_head and pooler are not part of this model
  ignore: [/^lm_head\./, /^roberta\.pooler\./, /(^|\.)position_ids$/],
};

/** RobertaForSequenceClassification: logits [B, numLabels] (numLabels 1: a regression score). */
export class RobertaForSequenceClassification extends Container implements PretrainedModel {
  readonly modelType = 'roberta';
  readonly checkpoint: CheckpointSpec = ROBERTA_CHECKPOINT;
  readonly roberta: RobertaModel;
  readonly #dropout: Dropout;
  constructor(readonly config: RobertaConfig, opts: ModuleOptions = {}) {
    super();
    const base = pickModuleOptions(opts);
    this.roberta = this.registerModule('roberta', new RobertaModel(config, base));
    const head = this.registerModule('classifier', new Container());
    head.registerModule('dense', new Linear(config.hiddenSize, config.hiddenSize, base));
    head.registerModule('out_proj', new Linear(config.hiddenSize, config.labels.length, base));
    this.#dropout = new Dropout(config.hiddenDropoutProb, base.generator ? { generator: base.generator } : {});
  }

  configJson(): JsonObject {
    return robertaConfigJson(this.config);
  }

  /** Final hidden states [B, S, hidden]. */
  hiddenStates(inputs: RobertaInputs): Tensor {
    return this.roberta.forward(inputs);
  }

  forward(inputs: RobertaInputs): Tensor {
    this.#dropout.training = this.training;
    const h = this.roberta.forward(inputs);
    const first = squeeze(slice(h, [0, 0, 0], [h.shape[0]!, 1, this.config.hiddenSize]), 1);
    const dense = this.getSubmodule('classifier.dense') as UnaryModule;
    const outProj = this.getSubmodule('classifier.out_proj') as UnaryModule;
    return outProj.forward(this.#dropout.forward(tanh(dense.forward(this.#dropout.forward(first)))));
  }

  /** HF's loss for the problem type: MSE on the squeezed score (regression) or cross-entropy on i32 labels. */
  loss(logits: Tensor, labels: Tensor): Tensor {
    if (this.config.problemType === 'regression') return mseLoss(reshape(logits, [-1]), reshape(labels, [-1]));
    return crossEntropy(logits, labels);
  }
}

