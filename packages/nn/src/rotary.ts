// Rotary position embeddings (Su et al., RoFormer, eq. 34) in Hugging Face LLaMA's layout:
// rotate_half pairs channel i with i + d/2, and cos/sin tables repeat the d/2 frequencies twice.
import { ArgumentError, type Backend, DTypeError, type Tensor, add, concat, fmtShape, fromArray, gather, keep, mul, neg, slice, unsqueeze } from '@webpeft/tensor';
import { Module } from './module.ts';

export interface RotaryOptions {
  /** Channels rotated per head (the head dimension; less for partial rotary as in GPT-NeoX). */
  readonly dim: number;
  /** Frequency base (HF `rope_theta`, default 10000). */
  readonly theta?: number;
  /** Build tables for at least this many positions up front (HF `max_position_embeddings`). */
  readonly maxPositions?: number;
}

export interface RotaryPositions {
  /** Absolute position of the first query (the KV-cache length); ignored with `positionIds`. */
  readonly offset?: number;
  /** Explicit positions, i32 [S] or [B, S] (left padding); must lie inside the table. */
  readonly positionIds?: Tensor;
}

/** `rotate_half` of HF LLaMA: [x1, x2] → [−x2, x1] over the last axis. */
export function rotateHalf(x: Tensor): Tensor {
  const d = x.shape[x.rank - 1]!;
  const half = d / 2;
  const x1 = slice(x, x.shape.map(() => 0), [...x.shape.slice(0, -1), half]);
  const x2 = slice(x, [...x.shape.slice(0, -1).map(() => 0), half]);
  return concat([neg(x2), x1], -1);
}

/**
 * cos/sin tables computed on the host in f64 (θ_i = theta^(−2i/dim), angle = position·θ_i),
 * uploaded once and grown by doubling when longer sequences arrive. No parameters: HF keeps
 * `inv_freq` as a non-persistent buffer, so nothing of this appears in checkpoints.
 */
export class RotaryEmbedding extends Module {
  readonly dim: number;
  readonly theta: number;
  readonly maxPositions: number;
  #cos: Tensor | null = null;
  #sin: Tensor | null = null;
  #length = 0;

  constructor(opts: RotaryOptions) {
    super();
    if (!Number.isInteger(opts.dim) || opts.dim <= 0 || opts.dim % 2 !== 0) throw new ArgumentError(`RotaryEmbedding: dim must be a positive even integer, got ${opts.dim}`);
    this.dim = opts.dim;
    this.theta = opts.theta ?? 10000;
    if (!(this.theta > 0)) throw new ArgumentError(`RotaryEmbedding: theta must be positive, got ${this.theta}`);
    this.maxPositions = opts.maxPositions ?? 0;
  }

  /** Inverse frequencies θ_i = 1/theta^(2i/dim), i < dim/2 (HF `inv_freq`). */
  inverseFrequencies(): Float64Array {
    const half = this.dim / 2;
    return Float64Array.from({ length: half }, (_, i) => 1 / this.theta ** ((2 * i) / this.dim));
  }

  /** Host cos and sin values [length, dim]. */
  hostTables(length: number): { cos: Float64Array; sin: Float64Array } {
    const inv = this.inverseFrequencies();
    const half = inv.length;
    const cos = new Float64Array(length * this.dim);
    const sin = new Float64Array(length * this.dim);
    for (let p = 0; p < length; p++) {
      for (let i = 0; i < half; i++) {
        const angle = p * inv[i]!;
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        const at = p * this.dim + i;
        cos[at] = cos[at + half] = c;
        sin[at] = sin[at + half] = s;
      }
    }
    return { cos, sin };
  }

  /** Cached device tables [length ≥ needed, dim] in `like`'s dtype and backend. */
  tables(needed: number, like: Tensor): { cos: Tensor; sin: Tensor } {
    if (like.dtype !== 'f32' && like.dtype !== 'f64') throw new DTypeError(`RotaryEmbedding: queries must be f32 or f64, got ${like.dtype}`);
    const stale = this.#cos && (this.#cos.dtype !== like.dtype || this.#cos.backend !== like.backend);
    if (!this.#cos || !this.#sin || stale || this.#length < needed) {
      const length = Math.max(needed, this.maxPositions, 2 * (stale ? 0 : this.#length), 16);
      const { cos, sin } = this.hostTables(length);
      this.releaseResources();
      const opts = { dtype: like.dtype, backend: like.backend as Backend };
      this.#cos = keep(fromArray(cos, [length, this.dim], opts));
      this.#sin = keep(fromArray(sin, [length, this.dim], opts));
      this.#length = length;
    }
    return { cos: this.#cos, sin: this.#sin! };
  }

  /**
   * cos and sin for `seqLen` positions, shaped to broadcast over [B, heads, S, dim]:
   * [S, dim] for contiguous positions, [B, 1, S, dim] for explicit `positionIds` [B, S].
   */
  cosSin(seqLen: number, like: Tensor, positions: RotaryPositions = {}): { cos: Tensor; sin: Tensor } {
    const offset = positions.offset ?? 0;
    const { cos, sin } = this.tables(offset + seqLen, like);
    const ids = positions.positionIds;
    if (!ids) return { cos: slice(cos, [offset, 0], [offset + seqLen, this.dim]), sin: slice(sin, [offset, 0], [offset + seqLen, this.dim]) };
    if (ids.dtype !== 'i32') throw new DTypeError(`RotaryEmbedding: positionIds must be i32, got ${ids.dtype}`);
    if (ids.shape[ids.rank - 1] !== seqLen || ids.rank > 2) throw new ArgumentError(`RotaryEmbedding: positionIds ${fmtShape(ids.shape)} must be [${seqLen}] or [batch, ${seqLen}]`);
    const pick = (t: Tensor) => (ids.rank === 2 ? unsqueeze(gather(t, ids, 0), 1) : gather(t, ids, 0));
    return { cos: pick(cos), sin: pick(sin) };
  }

  /** x·cos + rotate_half(x)·sin on the first `dim` channels of x [B, heads, S, headDim]; the rest pass through. */
  apply(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
    const headDim = x.shape[x.rank - 1]!;
    if (headDim < this.dim) throw new ArgumentError(`RotaryEmbedding: rotary dim ${this.dim} exceeds the head dimension of ${fmtShape(x.shape)}`);
    if (headDim === this.dim) return add(mul(x, cos), mul(rotateHalf(x), sin));
    const lead = x.shape.slice(0, -1);
    const rot = slice(x, x.shape.map(() => 0), [...lead, this.dim]);
    const pass = slice(x, [...lead.map(() => 0), this.dim]);
    return concat([add(mul(rot, cos), mul(rotateHalf(rot), sin)), pass], -1);
  }

  protected override releaseResources(): void {
    this.#cos?.dispose();
    this.#sin?.dispose();
    this.#cos = this.#sin = null;
    this.#length = 0;
  }
}

