// Scaled dot-product multi-head attention (Vaswani et al. 2017, eq. 1) in the eager form of
// Hugging Face models: padding/causal masks, cross-attention, grouped-query attention,
// rotary embeddings and a KV cache for generation.
import { ArgumentError, DTypeError, type Generator, ShapeError, type Tensor, add, dropout, fmtShape, fromArray, matmul, max, mul, noGrad, notEqual, reshape, softmax, sub, transpose, where } from '@webpeft/tensor';
import { type ModuleOptions, pickModuleOptions } from './init.ts';
import type { KVCacheLayer } from './kv-cache.ts';
import { Linear, type UnaryModule } from './linear.ts';
import { Module } from './module.ts';
import { RotaryEmbedding, type RotaryOptions } from './rotary.ts';

/** Child names of the projections; `o: null` leaves the output projection to the parent (RoBERTa's `attention.output.dense`). */
export interface AttentionNames {
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly o: string | null;
}

export const DEFAULT_ATTENTION_NAMES: AttentionNames = { q: 'q_proj', k: 'k_proj', v: 'v_proj', o: 'o_proj' };

export interface MultiHeadAttentionOptions extends ModuleOptions {
  readonly hiddenSize: number;
  readonly numHeads: number;
  /** Key/value heads for grouped-query attention (default numHeads; 1 is multi-query). */
  readonly numKVHeads?: number;
  /** Default hiddenSize / numHeads. */
  readonly headDim?: number;
  /** Width of `keyValueStates` for cross-attention (default hiddenSize). */
  readonly kvInputSize?: number;
  /** Bias on the q/k/v projections (default true; LLaMA: false). */
  readonly bias?: boolean;
  /** Bias on the output projection (default: `bias`). */
  readonly outputBias?: boolean;
  /** Rotary embeddings on q and k: options, or a module shared between layers. */
  readonly rotary?: RotaryOptions | RotaryEmbedding;
  /** Dropout on the attention probabilities while training. */
  readonly dropout?: number;
  /** Mask future keys (decoders). */
  readonly isCausal?: boolean;
  /** Score scale (default 1/√headDim). */
  readonly scale?: number;
  readonly names?: Partial<AttentionNames>;
}

export interface AttentionForwardOptions {
  /** [B, S_k] with 1 (or true) for real tokens and 0 for padding; S_k counts cached positions too. */
  readonly attentionMask?: Tensor;
  /** Additive float bias broadcastable from [B | 1, heads | 1, S_q, S_k] (relative positions, custom masks). */
  readonly attentionBias?: Tensor;
  /** Encoder states [B, S_kv, kvInputSize]: cross-attention (no causal mask, no rotary). */
  readonly keyValueStates?: Tensor;
  /** This layer's cache: self-attention appends to it; cross-attention fills it once and reuses it. */
  readonly kvCache?: KVCacheLayer;
  /** Rotary positions, i32 [S] or [B, S] (default: cache length + 0, 1, …). */
  readonly positionIds?: Tensor;
  /** Override the module's `isCausal` for this call. */
  readonly isCausal?: boolean;
}

/** The most negative finite value of a dtype (HF masks with torch.finfo(dtype).min). */
export function maskValue(dtype: 'f32' | 'f64'): number {
  return dtype === 'f32' ? -3.4028234663852886e38 : -Number.MAX_VALUE;
}

function positive(what: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`MultiHeadAttention: ${what} must be a positive integer, got ${n}`);
}

export class MultiHeadAttention extends Module {
  readonly hiddenSize: number;
  readonly numHeads: number;
  readonly numKVHeads: number;
  readonly headDim: number;
  readonly scale: number;
  readonly isCausal: boolean;
  readonly dropoutP: number;
  readonly names: AttentionNames;
  // typed as UnaryModule: adapters replace them through setSubmodule
  readonly q: UnaryModule;
  readonly k: UnaryModule;
  readonly v: UnaryModule;
  readonly o: UnaryModule | null;
  readonly rotary: RotaryEmbedding | null;
  readonly generator: Generator | undefined;

  constructor(opts: MultiHeadAttentionOptions) {
    super();
    const { hiddenSize, numHeads } = opts;
    positive('hiddenSize', hiddenSize);
    positive('numHeads', numHeads);
    const numKVHeads = opts.numKVHeads ?? numHeads;
    positive('numKVHeads', numKVHeads);
    if (numHeads % numKVHeads !== 0) throw new ArgumentError(`MultiHeadAttention: numHeads (${numHeads}) must be a multiple of numKVHeads (${numKVHeads})`);
    if (opts.headDim === undefined && hiddenSize % numHeads !== 0) throw new ArgumentError(`MultiHeadAttention: hiddenSize (${hiddenSize}) is not divisible by numHeads (${numHeads}); pass headDim`);
    const headDim = opts.headDim ?? hiddenSize / numHeads;
    positive('headDim', headDim);
    this.hiddenSize = hiddenSize;
    this.numHeads = numHeads;
    this.numKVHeads = numKVHeads;
    this.headDim = headDim;
    this.scale = opts.scale ?? 1 / Math.sqrt(headDim);
    this.isCausal = opts.isCausal ?? false;
    this.dropoutP = opts.dropout ?? 0;
    if (!(this.dropoutP >= 0 && this.dropoutP < 1)) throw new ArgumentError(`MultiHeadAttention: dropout must be in [0, 1), got ${this.dropoutP}`);
    this.generator = opts.generator;
    this.names = { ...DEFAULT_ATTENTION_NAMES, ...opts.names };
    const kvIn = opts.kvInputSize ?? hiddenSize;
    const bias = opts.bias ?? true;
    const base = pickModuleOptions(opts);
    this.q = this.registerModule(this.names.q, new Linear(hiddenSize, numHeads * headDim, { ...base, bias }));
    this.k = this.registerModule(this.names.k, new Linear(kvIn, numKVHeads * headDim, { ...base, bias }));
    this.v = this.registerModule(this.names.v, new Linear(kvIn, numKVHeads * headDim, { ...base, bias }));
    const o = this.names.o;
    this.o = o === null ? null : this.registerModule(o, new Linear(numHeads * headDim, hiddenSize, { ...base, bias: opts.outputBias ?? bias }));
    const r = opts.rotary;
    this.rotary = r === undefined ? null : this.registerModule('rotary_emb', r instanceof RotaryEmbedding ? r : new RotaryEmbedding(r));
    if (this.rotary && this.rotary.dim > headDim) throw new ArgumentError(`MultiHeadAttention: rotary dim ${this.rotary.dim} exceeds headDim ${headDim}`);
  }

  /** [B, S, heads·headDim] → [B, heads, S, headDim]. */
  #splitHeads(x: Tensor, heads: number): Tensor {
    const [b, s] = x.shape as [number, number];
    return transpose(reshape(x, [b, s, heads, this.headDim]), [0, 2, 1, 3]);
  }

  /** hidden [B, S, hiddenSize] → [B, S, hiddenSize] (or [B, S, heads·headDim] without an output projection). */
  forward(hidden: Tensor, opts: AttentionForwardOptions = {}): Tensor {
    if (hidden.rank !== 3) throw new ShapeError(`MultiHeadAttention: hidden states ${fmtShape(hidden.shape)} must be [batch, seq, ${this.hiddenSize}]`);
    const [b, s] = hidden.shape as [number, number];
    const cache = opts.kvCache;
    const cross = opts.keyValueStates;
    let q = this.#splitHeads(this.q.forward(hidden), this.numHeads);
    let k: Tensor;
    let v: Tensor;
    if (cross) {
      if (cross.rank !== 3 || cross.shape[0] !== b) throw new ShapeError(`MultiHeadAttention: keyValueStates ${fmtShape(cross.shape)} must be [${b}, seq, kvInputSize]`);
      if (cache?.keys && cache.values) {
        // the encoder's keys/values do not change while decoding: project them once
        k = cache.keys;
        v = cache.values;
      } else {
        k = this.#splitHeads(this.k.forward(cross), this.numKVHeads);
        v = this.#splitHeads(this.v.forward(cross), this.numKVHeads);
        cache?.set(k, v);
      }
    } else {
      k = this.#splitHeads(this.k.forward(hidden), this.numKVHeads);
      v = this.#splitHeads(this.v.forward(hidden), this.numKVHeads);
      if (this.rotary) {
        const positions = opts.positionIds ? { positionIds: opts.positionIds } : { offset: cache?.length ?? 0 };
        const { cos, sin } = this.rotary.cosSin(s, q, positions);
        q = this.rotary.apply(q, cos, sin);
        k = this.rotary.apply(k, cos, sin);
      }
      if (cache) ({ keys: k, values: v } = cache.update(k, v));
    }
    const sk = k.shape[2]!;
    // grouped-query attention: view q as [B, kvHeads, group, S, d] and K/V as [B, kvHeads, 1, S_k, d];
    // the batched matmul broadcasts each K/V head over its group (HF repeat_kv, without the copies)
    const group = this.numHeads / this.numKVHeads;
    const q5 = reshape(q, [b, this.numKVHeads, group, s, this.headDim]);
    const k5 = reshape(k, [b, this.numKVHeads, 1, sk, this.headDim]);
    const v5 = reshape(v, [b, this.numKVHeads, 1, sk, this.headDim]);
    let scores = mul(matmul(q5, k5, { transB: true }), this.scale);
    scores = this.#mask(scores, b, s, sk, opts, !cross && (opts.isCausal ?? this.isCausal));
    // a padding mask can hide every key of a row (left padding + causal): HF then gives uniform
    // weights. Shifting by the detached row max (softmax is shift-invariant, so gradients are
    // unchanged) makes such rows exactly 0 before the kernel, whatever its internal formulation.
    if (opts.attentionMask) scores = sub(scores, noGrad(() => max(scores, -1, true)));
    let probs = softmax(scores, -1);
    if (this.training && this.dropoutP > 0) probs = dropout(probs, this.dropoutP, this.generator ? { generator: this.generator } : {});
    const context = reshape(matmul(probs, v5), [b, this.numHeads, s, this.headDim]);
    const merged = reshape(transpose(context, [0, 2, 1, 3]), [b, s, this.numHeads * this.headDim]);
    return this.o ? this.o.forward(merged) : merged;
  }

  /** Apply padding, causal and additive masks to scores [B, kvHeads, group, S, S_k]. */
  #mask(scores: Tensor, b: number, s: number, sk: number, opts: AttentionForwardOptions, causal: boolean): Tensor {
    const dtype = scores.dtype as 'f32' | 'f64';
    const fill = maskValue(dtype);
    const m = opts.attentionMask;
    if (m) {
      if (m.rank !== 2 || (m.shape[0] !== b && m.shape[0] !== 1) || m.shape[1] !== sk) {
        throw new ShapeError(`MultiHeadAttention: attentionMask ${fmtShape(m.shape)} must be [${b}, ${sk}] (batch, key positions including cached ones)`);
      }
      const keepKey = m.dtype === 'bool' ? m : notEqual(m, 0);
      scores = where(reshape(keepKey, [m.shape[0]!, 1, 1, 1, sk]), scores, fill);
    }
    // query i sits at absolute position sk − s + i and may see keys j ≤ that; a single query sees all
    if (causal && s > 1) {
      const past = sk - s;
      const allowed = new Uint8Array(s * sk);
      for (let i = 0; i < s; i++) allowed.fill(1, i * sk, i * sk + Math.min(sk, past + i + 1));
      scores = where(fromArray(allowed, [s, sk], { dtype: 'bool', backend: scores.backend }), scores, fill);
    }
    const bias = opts.attentionBias;
    if (bias) {
      if (bias.dtype !== dtype) throw new DTypeError(`MultiHeadAttention: attentionBias is ${bias.dtype}, scores are ${dtype}`);
      const [bb, bh, bs, bk] = bias.rank === 4 ? (bias.shape as [number, number, number, number]) : [0, 0, 0, 0];
      if (bias.rank !== 4 || (bb !== 1 && bb !== b) || (bh !== 1 && bh !== this.numHeads) || (bs !== 1 && bs !== s) || (bk !== 1 && bk !== sk)) {
        throw new ShapeError(`MultiHeadAttention: attentionBias ${fmtShape(bias.shape)} must broadcast to [${b}, ${this.numHeads}, ${s}, ${sk}]`);
      }
      const heads = bh === 1 ? [1, 1] : [this.numKVHeads, this.numHeads / this.numKVHeads];
      scores = add(scores, reshape(bias, [bb, ...heads, bs, bk]));
    }
    return scores;
  }
}
