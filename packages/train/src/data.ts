// Data sources addressed by (epoch, batch index): the order of an epoch is a pure function of the
// seed and the epoch number, so the data position (epoch, index) is all a checkpoint needs to
// continue with exactly the batches an uninterrupted run would have seen.
import { philoxBits, seedToKey } from '@webpeft/tensor';
import { TrainerError } from './errors.ts';

/**
 * Batches by position. `batch(epoch, index)` must return the same batch for the same arguments
 * in every process (seeded shuffling, no hidden state), which is what makes resume exact.
 */
export interface DataSource<B> {
  /** Number of batches in `epoch` (0-based). */
  numBatches(epoch: number): number;
  /** Batch `index` (0-based, < numBatches(epoch)) of `epoch`. */
  batch(epoch: number, index: number): B | Promise<B>;
}

export interface ArrayDatasetOptions<T, B> {
  /** Examples per batch (default 1). */
  readonly batchSize?: number;
  /** Reorder the examples each epoch (default true). */
  readonly shuffle?: boolean;
  /** Seed of the shuffle (default 0); epoch e uses Philox stream e of this seed. */
  readonly seed?: number | bigint;
  /** Leave out the last batch of an epoch when it is smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
  /** Turn the examples of a batch into what `lossFn` takes (e.g. tensors); default: the array itself. */
  readonly collate?: (items: T[], position: { readonly epoch: number; readonly index: number }) => B;
}

/**
 * A permutation of 0..n-1 for one epoch: Fisher–Yates driven by Philox stream `epoch` of `seed`,
 * with 53-bit uniforms (two 32-bit words), identical on every runtime.
 */
export function shuffledIndices(n: number, seed: number | bigint, epoch: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new TrainerError(`shuffledIndices: n must be an integer in [0, 2^32), got ${n}`);
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) throw new TrainerError(`shuffledIndices: epoch must be an integer in [0, 2^32), got ${epoch}`);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  if (n < 2) return out;
  const bits = philoxBits(seedToKey(seed), 0, 2 * (n - 1), epoch);
  for (let i = n - 1, w = 0; i > 0; i--, w += 2) {
    const u = ((bits[w]! >>> 5) * 2 ** 26 + (bits[w + 1]! >>> 6)) * 2 ** -53;
    const j = Math.floor(u * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/** An in-memory dataset: examples in an array, batched, optionally shuffled per epoch. */
export class ArrayDataset<T, B = T[]> implements DataSource<B> {
  readonly items: readonly T[];
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number | bigint;
  readonly dropLast: boolean;
  readonly #collate: (items: T[], position: { readonly epoch: number; readonly index: number }) => B;
  #cached: { epoch: number; order: Uint32Array } | undefined;

  constructor(items: readonly T[], opts: ArrayDatasetOptions<T, B> = {}) {
    this.items = items;
    this.batchSize = opts.batchSize ?? 1;
    this.shuffle = opts.shuffle ?? true;
    this.seed = opts.seed ?? 0;
    this.dropLast = opts.dropLast ?? false;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new TrainerError(`ArrayDataset: batchSize must be a positive integer, got ${this.batchSize}`);
    seedToKey(this.seed); // validates the seed now rather than at the first batch
    if (items.length === 0) throw new TrainerError('ArrayDataset: no examples');
    if (this.dropLast && items.length < this.batchSize) throw new TrainerError(`ArrayDataset: ${items.length} examples make no full batch of ${this.batchSize} (dropLast is set)`);
    this.#collate = opts.collate ?? ((batch: T[]) => batch as unknown as B);
  }

  numBatches(_epoch: number): number {
    const n = this.items.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Example indices of one epoch, in the order batches take them. */
  order(epoch: number): Uint32Array {
    if (this.#cached?.epoch === epoch) return this.#cached.order;
    let order: Uint32Array;
    if (this.shuffle) order = shuffledIndices(this.items.length, this.seed, epoch);
    else order = Uint32Array.from(this.items.keys());
    this.#cached = { epoch, order };
    return order;
  }

  batch(epoch: number, index: number): B {
    const count = this.numBatches(epoch);
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new TrainerError(`ArrayDataset: batch ${index} of epoch ${epoch} is out of range (${count} batches)`);
    const order = this.order(epoch);
    const start = index * this.batchSize;
    const end = Math.min(start + this.batchSize, order.length);
    const picked: T[] = [];
    for (let i = start; i < end; i++) picked.push(this.items[order[i]!]!);
    return this.#collate(picked, { epoch, index });
  }
}
