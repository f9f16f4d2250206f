// Past keys and values per layer for incremental decoding: each step appends along the
// sequence axis, so a new token attends to every earlier one without recomputing them.
import { ArgumentError, DTypeError, type Tensor, concat, fmtShape, gather, keep, noGrad, tidy } from '@webpeft/tensor';

/**
 * One attention layer's cache: keys and values [B, kvHeads, S_past, headDim]. The stored
 * tensors are kept (they outlive `tidy` scopes) and detached: gradients of a step reach
 * that step's keys and values only. Meant for generation under `noGrad`.
 */
export class KVCacheLayer {
  #keys: Tensor | null = null;
  #values: Tensor | null = null;

  get keys(): Tensor | null {
    return this.#keys;
  }

  get values(): Tensor | null {
    return this.#values;
  }

  /** Cached positions (0 when empty). */
  get length(): number {
    return this.#keys?.shape[2] ?? 0;
  }

  #store(keys: Tensor, values: Tensor): void {
    const oldK = this.#keys;
    const oldV = this.#values;
    this.#keys = keep(keys.detach());
    this.#values = keep(values.detach());
    oldK?.dispose();
    oldV?.dispose();
  }

  /** Append this step's keys/values; returns the full keys/values (past + new) for attention. */
  update(keys: Tensor, values: Tensor): { keys: Tensor; values: Tensor } {
    if (keys.rank !== 4 || values.rank !== 4) throw new ArgumentError(`KVCache: keys ${fmtShape(keys.shape)} and values ${fmtShape(values.shape)} must be [batch, heads, seq, headDim]`);
    let fullK = keys;
    let fullV = values;
    if (this.#keys && this.#values) {
      const past = this.#keys.shape;
      if (past[0] !== keys.shape[0] || past[1] !== keys.shape[1] || past[3] !== keys.shape[3]) {
        throw new ArgumentError(`KVCache: new keys ${fmtShape(keys.shape)} do not continue cached keys ${fmtShape(past)} (batch, heads and headDim must match)`);
      }
      if (this.#keys.dtype !== keys.dtype) throw new DTypeError(`KVCache: new keys are ${keys.dtype}, cached keys ${this.#keys.dtype}`);
      fullK = concat([this.#keys, keys], 2);
      fullV = concat([this.#values, values], 2);
    }
    this.#store(fullK, fullV);
    return { keys: fullK, values: fullV };
  }

  /** Replace the contents (cross-attention: the encoder's keys/values, computed once). */
  set(keys: Tensor, values: Tensor): void {
    this.#store(keys, values);
  }

  /** Keep only the batch rows `indices` (i32 [B']), in that order: beam search reordering. */
  reorder(indices: Tensor): void {
    if (!this.#keys || !this.#values) return;
    const k = this.#keys;
    const v = this.#values;
    tidy(() => noGrad(() => this.#store(gather(k, indices, 0), gather(v, indices, 0))));
  }

  clear(): void {
    this.#keys?.dispose();
    this.#values?.dispose();
    this.#keys = this.#values = null;
  }
}

/** Per-layer caches of a decoder: pass `cache.layer(i)` to layer i's attention. */
export class KVCache {
  readonly layers: readonly KVCacheLayer[];

  constructor(numLayers: number) {
    if (!Number.isInteger(numLayers) || numLayers <= 0) throw new ArgumentError(`KVCache: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = Array.from({ length: numLayers }, () => new KVCacheLayer());
  }

  layer(index: number): KVCacheLayer {
    const l = this.layers[index];
    if (!l) throw new ArgumentError(`KVCache: layer ${index} is out of range for ${this.layers.length} layers`);
    return l;
  }

  /** Cached positions (of layer 0). */
  get length(): number {
    return this.layers[0]!.length;
  }

  reorder(indices: Tensor): void {
    for (const l of this.layers) l.reorder(indices);
  }

  /** Release every cached tensor; the cache can be reused afterwards. */
  dispose(): void {
    for (const l of this.layers) l.clear();
  }
}
