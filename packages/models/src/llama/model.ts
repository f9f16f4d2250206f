// LlamaForCausalLM following transformers' models/llama/modeling_llama.py (Touvron et al. 2023):
// pre-RMSNorm decoder layers, rotary positions (rotate_half layout), grouped-query attention,
// SwiGLU MLP, final RMSNorm, LM head; a KV cache for generation.
import { Embedding, GatedMLP, KVCache, Linear, type ModuleOptions, MultiHeadAttention, RMSNorm, RotaryEmbedding, type UnaryModule, pickModuleOptions } from '@webpeft/nn';
import { ShapeError, type Tensor, add, fmtShape } from '@webpeft/tensor';
import type { JsonObject } from '../_config.ts';
import { SequenceTooLongError } from '../errors.ts';
import type { CheckpointSpec, PretrainedModel } from '../family.ts';
import { Container, TiedLinear } from '../layers.ts';
import { type LlamaConfig, llamaConfigJson } from './config.ts';

export interface LlamaInputs {
  /** i32 [B, S] (with a cache: the new tokens only). */
  readonly inputIds: Tensor;
  /** [B, past + S], 1 for tokens and 0 for (left) padding. */
  readonly attentionMask?: Tensor;
  /** i32 [B, S] rotary positions (default past, past + 1, …; pass them with left padding). */
  readonly positionIds?: Tensor;
  readonly cache?: KVCache;
}

class LlamaDecoderLayer extends Container {
  readonly selfAttn: MultiHeadAttention;
  readonly mlp: GatedMLP;
  constructor(config: LlamaConfig, rotary: RotaryEmbedding, opts: ModuleOptions) {
    super();
    const d = config.hiddenSize;
    this.selfAttn = this.registerModule('self_attn', new MultiHeadAttention({ ...opts, hiddenSize: d, numHeads: config.numAttentionHeads, numKVHeads: config.numKeyValueHeads, headDim: config.headDim, bias: config.attentionBias, rotary, isCausal: true }));
    this.mlp = this.registerModule('mlp', new GatedMLP({ ...opts, hidden: d, intermediate: config.intermediateSize, activation: config.hiddenAct, bias: config.mlpBias }));
    this.registerModule('input_layernorm', new RMSNorm(d, { ...opts, eps: config.rmsNormEps }));
    this.registerModule('post_attention_layernorm', new RMSNorm(d, { ...opts, eps: config.rmsNormEps }));
  }

  forward(h: Tensor, inputs: LlamaInputs, index: number): Tensor {
    const norm1 = this.getSubmodule('input_layernorm') as UnaryModule;
    const norm2 = this.getSubmodule('post_attention_layernorm') as UnaryModule;
    const a = this.selfAttn.forward(norm1.forward(h), {
      ...(inputs.attentionMask ? { attentionMask: inputs.attentionMask } : {}),
      ...(inputs.positionIds ? { positionIds: inputs.positionIds } : {}),
      ...(inputs.cache ? { kvCache: inputs.cache.layer(index) } : {}),
    });
    h = add(h, a);
    return add(h, this.mlp.forward(norm2.forward(h)));
  }
}

class LlamaModel extends Container {
  readonly embedTokens: Embedding;
  readonly layers: LlamaDecoderLayer[] = [];
  readonly norm: RMSNorm;
  constructor(readonly config: LlamaConfig, opts: ModuleOptions) {
    super();
    this.embedTokens = this.registerModule('embed_tokens', new Embedding(config.vocabSize, config.hiddenSize, { ...opts, ...(config.padTokenId !== null && config.padTokenId < config.vocabSize ? { paddingIdx: config.padTokenId } : {}) }));
    // one rotary table for all layers (HF keeps one LlamaRotaryEmbedding on the model); it has no state
    const rotary = new RotaryEmbedding({ dim: config.headDim, theta: config.ropeTheta });
    const layers = this.registerModule('layers', new Container());
    for (let i = 0; i < config.numHiddenLayers; i++) this.layers.push(layers.registerModule(String(i), new LlamaDecoderLayer(config, rotary, opts)));
    this.norm = this.registerModule('norm', new RMSNorm(config.hiddenSize, { ...opts, eps: config.rmsNormEps }));
  }

  forward(inputs: LlamaInputs): Tensor {
    const ids = inputs.inputIds;
    if (ids.rank !== 2 || ids.dtype !== 'i32') throw new ShapeError(`LLaMA: inputIds ${ids.dtype} ${fmtShape(ids.shape)} must be i32 [batch, seq]`);
    const total = (inputs.cache?.length ?? 0) + ids.shape[1]!;
    if (total > this.config.maxPositionEmbeddings) throw new SequenceTooLongError(total, this.config.maxPositionEmbeddings, 'LLaMA (max_position_embeddings)');
    let h = this.embedTokens.forward(ids);
    this.layers.forEach((layer, i) => (h = layer.forward(h, inputs, i)));
    return this.norm.forward(h);
  }
}

export const LLAMA_CHECKPOINT: CheckpointSpec = {
  basePrefix: 'model',
  headPrefixes: [],
  tied: {},
  ignore: [/\.rotary_emb\.inv_freq$/],
};

const TIED_LLAMA_CHECKPOINT: CheckpointSpec = { ...LLAMA_CHECKPOINT, tied: { 'lm_head.weight': 'model.embed_tokens.weight' } };

/** LlamaForCausalLM: next-token logits [B, S, vocab]. */
export class LlamaForCausalLM extends Container implements PretrainedModel {
  readonly modelType = 'llama';
  readonly checkpoint: CheckpointSpec;
  readonly model: LlamaModel;
  constructor(readonly config: LlamaConfig, opts: ModuleOptions = {}) {
    super();
    const base = pickModuleOptions(opts);
    this.model = this.registerModule('model', new LlamaModel(config, base));
    this.registerModule('lm_head', config.tieWordEmbeddings ? new TiedLinear(this.model.embedTokens.weight) : new Linear(config.hiddenSize, config.vocabSize, { ...base, bias: false }));
    this.checkpoint = config.tieWordEmbeddings ? TIED_LLAMA_CHECKPOINT : LLAMA_CHECKPOINT;
  }

  configJson(): JsonObject {
    return llamaConfigJson(this.config);
  }

  /** Final hidden states [B, S, hidden]. */
  hiddenStates(inputs: LlamaInputs): Tensor {
    return this.model.forward(inputs);
  }

  forward(inputs: LlamaInputs): Tensor {
    return (this.getSubmodule('lm_head') as UnaryModule).forward(this.model.forward(inputs));
  }

  newCache(): KVCache {
    return new KVCache(this.config.numHiddenLayers);
  }
}
