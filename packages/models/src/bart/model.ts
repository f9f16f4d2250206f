// BartForConditionalGeneration following transformers' models/bart/modeling_bart.py (Lewis et
// al. 2020): one token embedding shared by encoder, decoder and LM head; learned positions
// offset by 2 (BartLearnedPositionalEmbedding); layernorm_embedding; post-LN layers; LM logits
// + final_logits_bias.
import { Dropout, Embedding, KVCache, type KVCacheLayer, LayerNorm, Linear, type ModuleOptions, MultiHeadAttention, type UnaryModule, activation, constantInit, pickModuleOptions } from '@webpeft/nn';
import { ShapeError, type Tensor, add, fmtShape, fromArray, mul } from '@webpeft/tensor';
import type { JsonObject } from '../_config.ts';
import { SequenceTooLongError } from '../errors.ts';
import type { CheckpointSpec, PretrainedModel } from '../family.ts';
import { Container, TiedLinear } from '../layers.ts';
import { type BartConfig, bartConfigJson } from './config.ts';

/** HF's BartLearnedPositionalEmbedding puts position p at row p + 2 (a fairseq legacy). */
export const BART_POSITION_OFFSET = 2;

interface LayerSizes {
  readonly heads: number;
  readonly ffn: number;
}

class BartLayer extends Container {
  readonly selfAttn: MultiHeadAttention;
  readonly crossAttn: MultiHeadAttention | null;
  readonly #act: (x: Tensor) => Tensor;
  readonly #dropout: Dropout;
  readonly #actDropout: Dropout;
  constructor(config: BartConfig, sizes: LayerSizes, decoder: boolean, opts: ModuleOptions) {
    super();
    const d = config.dModel;
    const attn = { ...opts, hiddenSize: d, numHeads: sizes.heads, dropout: config.attentionDropout, names: { o: 'out_proj' } };
    this.selfAttn = this.registerModule('self_attn', new MultiHeadAttention({ ...attn, isCausal: decoder }));
    this.registerModule('self_attn_layer_norm', new LayerNorm(d, opts));
    this.crossAttn = decoder ? this.registerModule('encoder_attn', new MultiHeadAttention(attn)) : null;
    if (decoder) this.registerModule('encoder_attn_layer_norm', new LayerNorm(d, opts));
    this.registerModule('fc1', new Linear(d, sizes.ffn, opts));
    this.registerModule('fc2', new Linear(sizes.ffn, d, opts));
    this.registerModule('final_layer_norm', new LayerNorm(d, opts));
    this.#act = activation(config.activationFunction);
    const g = opts.generator ? { generator: opts.generator } : {};
    this.#dropout = new Dropout(config.dropout, g);
    this.#actDropout = new Dropout(config.activationDropout, g);
  }

  forward(h: Tensor, mask: Tensor | undefined, cross?: { states: Tensor; mask: Tensor | undefined; cache?: KVCacheLayer }, cache?: KVCacheLayer): Tensor {
    this.#dropout.training = this.#actDropout.training = this.training;
    const m = (path: string) => this.getSubmodule(path) as UnaryModule;
    const self = this.selfAttn.forward(h, { ...(mask ? { attentionMask: mask } : {}), ...(cache ? { kvCache: cache } : {}) });
    h = m('self_attn_layer_norm').forward(add(h, this.#dropout.forward(self)));
    if (this.crossAttn && cross) {
      const c = this.crossAttn.forward(h, { keyValueStates: cross.states, ...(cross.mask ? { attentionMask: cross.mask } : {}), ...(cross.cache ? { kvCache: cross.cache } : {}) });
      h = m('encoder_attn_layer_norm').forward(add(h, this.#dropout.forward(c)));
    }
    const inner = this.#actDropout.forward(this.#act(m('fc1').forward(h)));
    return m('final_layer_norm').forward(add(h, this.#dropout.forward(m('fc2').forward(inner))));
  }
}

/** Encoder or decoder stack: token + position embeddings, layernorm_embedding, layers. */
class BartStack extends Container {
  readonly positions: Embedding;
  readonly layers: BartLayer[] = [];
  readonly #dropout: Dropout;
  constructor(
    readonly config: BartConfig,
    readonly tokens: Embedding,
    readonly decoder: boolean,
    opts: ModuleOptions,
  ) {
    super();
    this.registerModule('embed_tokens', tokens); // the shared module: listed once, under model.shared
    this.positions = this.registerModule('embed_positions', new Embedding(config.maxPositionEmbeddings + BART_POSITION_OFFSET, config.dModel, opts));
    const sizes = decoder ? { heads: config.decoderAttentionHeads, ffn: config.decoderFfnDim } : { heads: config.encoderAttentionHeads, ffn: config.encoderFfnDim };
    const n = decoder ? config.decoderLayers : config.encoderLayers;
    const layers = this.registerModule('layers', new Container());
    for (let i = 0; i < n; i++) this.layers.push(layers.registerModule(String(i), new BartLayer(config, sizes, decoder, opts)));
    this.registerModule('layernorm_embedding', new LayerNorm(config.dModel, opts));
    this.#dropout = new Dropout(config.dropout, opts.generator ? { generator: opts.generator } : {});
  }

  embed(ids: Tensor, past: number): Tensor {
    if (ids.rank !== 2 || ids.dtype !== 'i32') throw new ShapeError(`BART: token ids ${ids.dtype} ${fmtShape(ids.shape)} must be i32 [batch, seq]`);
    const s = ids.shape[1]!;
    const limit = this.config.maxPositionEmbeddings;
    if (past + s > limit) throw new SequenceTooLongError(past + s, limit, `BART ${this.decoder ? 'decoder' : 'encoder'}`);
    const pos = Int32Array.from({ length: s }, (_, i) => past + i + BART_POSITION_OFFSET);
    let x = this.tokens.forward(ids);
    if (this.config.scaleEmbedding) x = mul(x, Math.sqrt(this.config.dModel));
    x = add(x, this.positions.forward(fromArray(pos, [s], { dtype: 'i32', backend: ids.backend })));
    this.#dropout.training = this.training;
    return this.#dropout.forward((this.getSubmodule('layernorm_embedding') as UnaryModule).forward(x));
  }
}

export interface BartInputs {
  /** Encoder token ids, i32 [B, S]. */
  readonly inputIds: Tensor;
  /** [B, S], 1 for tokens, 0 for padding. */
  readonly attentionMask?: Tensor;
  /** Decoder token ids, i32 [B, T] (training: labels shifted right behind decoder_start_token_id). */
  readonly decoderInputIds: Tensor;
  /** [B, T (+ cached)] decoder padding mask. */
  readonly decoderAttentionMask?: Tensor;
}

/** Caches of one decoding run: self-attention keys/values grow per step, cross-attention ones are computed once. */
export interface BartDecoderCache {
  readonly self: KVCache;
  readonly cross: KVCache;
}

class BartModel extends Container {
  readonly shared: Embedding;
  readonly encoder: BartStack;
  readonly decoder: BartStack;
  constructor(config: BartConfig, opts: ModuleOptions) {
    super();
    this.shared = this.registerModule('shared', new Embedding(config.vocabSize, config.dModel, { ...opts, paddingIdx: config.padTokenId }));
    this.encoder = this.registerModule('encoder', new BartStack(config, this.shared, false, opts));
    this.decoder = this.registerModule('decoder', new BartStack(config, this.shared, true, opts));
  }
}

export const BART_CHECKPOINT: CheckpointSpec = {
  basePrefix: 'model',
  headPrefixes: [],
  tied: { 'lm_head.weight': 'model.shared.weight', 'model.encoder.embed_tokens.weight': 'model.shared.weight', 'model.decoder.embed_tokens.weight': 'model.shared.weight' },
  ignore: [/(^|\.)position_ids$/],
};

/** BartForConditionalGeneration: logits [B, T, vocab] for decoder positions. */
export class BartForConditionalGeneration extends Container implements PretrainedModel {
  readonly modelType = 'bart';
  readonly checkpoint: CheckpointSpec = BART_CHECKPOINT;
  readonly model: BartModel;
  readonly lmHead: TiedLinear;
  readonly finalLogitsBias: Tensor;
  constructor(readonly config: BartConfig, opts: ModuleOptions = {}) {
    super();
    const base = pickModuleOptions(opts);
    this.model = this.registerModule('model', new BartModel(config, base));
    this.lmHead = this.registerModule('lm_head', new TiedLinear(this.model.shared.weight));
    this.finalLogitsBias = this.registerBuffer('final_logits_bias', constantInit([1, config.vocabSize], 0, base));
  }

  configJson(): JsonObject {
    return bartConfigJson(this.config);
  }

  /** Encoder states [B, S, d_model]. */
  encode(inputIds: Tensor, attentionMask?: Tensor): Tensor {
    let h = this.model.encoder.embed(inputIds, 0);
    for (const layer of this.model.encoder.layers) h = layer.forward(h, attentionMask);
    return h;
  }

  /** Decoder states [B, T, d_model]; with `cache`, `decoderInputIds` are the new tokens only. */
  decode(decoderInputIds: Tensor, encoderStates: Tensor, opts: { encoderMask?: Tensor | undefined; decoderMask?: Tensor | undefined; cache?: BartDecoderCache | undefined } = {}): Tensor {
    const past = opts.cache?.self.length ?? 0;
    let h = this.model.decoder.embed(decoderInputIds, past);
    this.model.decoder.layers.forEach((layer, i) => {
      const cross = { states: encoderStates, mask: opts.encoderMask, ...(opts.cache ? { cache: opts.cache.cross.layer(i) } : {}) };
      h = layer.forward(h, opts.decoderMask, cross, opts.cache?.self.layer(i));
    });
    return h;
  }

  /** LM logits from decoder states: h·Eᵀ + final_logits_bias. */
  logits(decoderStates: Tensor): Tensor {
    return this.lmHead.forward(decoderStates, this.finalLogitsBias);
  }

  forward(inputs: BartInputs): Tensor {
    const enc = this.encode(inputs.inputIds, inputs.attentionMask);
    return this.logits(this.decode(inputs.decoderInputIds, enc, { encoderMask: inputs.attentionMask, decoderMask: inputs.decoderAttentionMask }));
  }

  newCache(): BartDecoderCache {
    return { self: new KVCache(this.config.decoderLayers), cross: new KVCache(this.config.decoderLayers) };
  }
}

/** HF shift_tokens_right: decoder inputs = [decoder_start, labels[:-1]], with -100 replaced by pad. */
export function shiftTokensRight(labels: readonly (readonly number[])[], padTokenId: number, decoderStartTokenId: number): number[][] {
  return labels.map((row) => [decoderStartTokenId, ...row.slice(0, -1)].map((t) => (t === -100 ? padTokenId : t)));
}
