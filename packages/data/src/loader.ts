// Seeded, resumable batching. Epoch e's order is a Philox permutation drawn from counters that
// only depend on (seed, e), so any position (epoch, index) can be rebuilt without replaying.
import { Generator } from '@webpeft/tensor';
import { DataError } from './errors.ts';
import { permutation } from './mnist.ts';

/** Where a loader stands: `index` examples of epoch `epoch` have been handed out. */
export interface LoaderPosition {
  readonly epoch: number;
  readonly index: number;
}

export interface SamplerOptions {
  readonly batchSize: number;
  /** Shuffle each epoch (default true); false keeps 0..size-1 order. */
  readonly shuffle?: boolean;
  readonly seed?: number;
  /** Drop a last batch smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
  /** Resume from here (e.g. a checkpointed `position`). */
  readonly position?: LoaderPosition;
}

/** One batch of example indices and where it sits. */
export interface IndexBatch {
  readonly indices: Int32Array;
  readonly epoch: number;
  /** Position of the first example of the batch within the epoch order. */
  readonly index: number;
}

/** Indices in seeded-shuffled batches, epoch after epoch; `position` checkpoints it exactly. */
export class BatchSampler {
  readonly size: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  #epoch = 0;
  #index = 0;
  #order: { epoch: number; perm: Int32Array } | undefined;

  constructor(size: number, opts: SamplerOptions) {
    if (!Number.isInteger(size) || size < 1) throw new DataError(`dataset size must be a positive integer, got ${size}`);
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new DataError(`batchSize must be a positive integer, got ${opts.batchSize}`);
    if (opts.dropLast && opts.batchSize > size) throw new DataError(`dropLast with batchSize ${opts.batchSize} > dataset size ${size} would yield no batch`);
    this.size = size;
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle ?? true;
    this.seed = opts.seed ?? 0;
    this.dropLast = opts.dropLast ?? false;
    if (opts.position) this.position = opts.position;
  }

  /** Batches per epoch. */
  get length(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  get position(): LoaderPosition {
    return { epoch: this.#epoch, index: this.#index };
  }

  set position(p: LoaderPosition) {
    if (!Number.isInteger(p.epoch) || p.epoch < 0 || !Number.isInteger(p.index) || p.index < 0 || p.index > this.size) throw new DataError(`position must be { epoch ≥ 0, 0 ≤ index ≤ ${this.size} } integers, got ${JSON.stringify(p)}`);
    this.#epoch = p.epoch;
    this.#index = p.index;
  }

  /** The example order of `epoch` (a pure function of seed and epoch). */
  order(epoch: number): Int32Array {
    if (this.#order?.epoch === epoch) return this.#order.perm;
    let perm: Int32Array;
    if (this.shuffle) {
      const g = new Generator(this.seed);
      g.setState({ seed: String(this.seed), offset: epoch * Math.ceil((2 * this.size) / 4) });
      perm = permutation(this.size, g);
    } else {
      perm = Int32Array.from({ length: this.size }, (_, i) => i);
    }
    this.#order = { epoch, perm };
    return perm;
  }

  /** The next batch, rolling over into the next epoch when this one is used up. */
  next(): IndexBatch {
    const rest = this.size - this.#index;
    if (rest === 0 || (this.dropLast && rest < this.batchSize)) {
      this.#epoch++;
      this.#index = 0;
    }
    const start = this.#index;
    const end = Math.min(start + this.batchSize, this.size);
    const indices = this.order(this.#epoch).slice(start, end);
    this.#index = end;
    return { indices, epoch: this.#epoch, index: start };
  }

  /** The remaining batches of the current epoch (then the position points at the epoch's end). */
  *epoch(): IterableIterator<IndexBatch> {
    const epoch = this.#index >= this.size || (this.dropLast && this.size - this.#index < this.batchSize) ? this.#epoch + 1 : this.#epoch;
    while (true) {
      const rest = this.size - this.#index;
      if (this.#epoch === epoch && (rest === 0 || (this.dropLast && rest < this.batchSize))) return;
      const b = this.next();
      if (b.epoch !== epoch) return;
      yield b;
    }
  }
}

/** Random-access examples: an array, or anything with a size and a getter. */
export type ExampleSource<T> = readonly T[] | { readonly size: number; get(index: number): T };

/** A sampler plus a collate function: batches of examples, resumable by `position`. */
export class DataLoader<T, B> {
  readonly sampler: BatchSampler;
  readonly #get: (i: number) => T;
  readonly #collate: (items: T[], indices: Int32Array) => B;

  constructor(source: ExampleSource<T>, collate: (items: T[], indices: Int32Array) => B, opts: SamplerOptions) {
    const isArray = Array.isArray(source);
    const size = isArray ? (source as readonly T[]).length : (source as { size: number }).size;
    this.#get = isArray ? (i) => (source as readonly T[])[i]! : (i) => (source as { get(i: number): T }).get(i);
    this.#collate = collate;
    this.sampler = new BatchSampler(size, opts);
  }

  get position(): LoaderPosition {
    return this.sampler.position;
  }

  set position(p: LoaderPosition) {
    this.sampler.position = p;
  }

  next(): { batch: B } & IndexBatch {
    const b = this.sampler.next();
    return { ...b, batch: this.#collate(Array.from(b.indices, this.#get), b.indices) };
  }

  /** The remaining batches of the current epoch. */
  *epoch(): IterableIterator<{ batch: B } & IndexBatch> {
    for (const b of this.sampler.epoch()) yield { ...b, batch: this.#collate(Array.from(b.indices, this.#get), b.indices) };
  }
}
