// Where checkpoints live. The trainer turns its state into a few files (bytes); a store makes a
// checkpoint's files visible all at once and keeps a `latest` pointer. The filesystem store is in
// `@webpeft/train/node`; the in-memory one here serves tests, browsers and workers.
import { CheckpointError } from './errors.ts';

/** File names inside a checkpoint. */
export const CHECKPOINT_FILES: { readonly model: 'model.safetensors'; readonly optimizer: 'optimizer.safetensors'; readonly state: 'trainer_state.json' } = {
  model: 'model.safetensors',
  optimizer: 'optimizer.safetensors',
  state: 'trainer_state.json',
};

/** Storage of checkpoints, each a set of named files under a step number. */
export interface CheckpointStore {
  /**
   * Make the checkpoint of `step` with exactly these files visible atomically (after a crash
   * either all of them are there or none), replacing one of the same step; then point `latest` at it.
   */
  save(step: number, files: ReadonlyMap<string, Uint8Array>): Promise<void>;
  /** Steps of the complete checkpoints, ascending. */
  list(): Promise<number[]>;
  /** The step `latest` points at, or null when there is no pointer. */
  latest(): Promise<number | null>;
  /** The bytes of one file; a CheckpointError with code 'MISSING_FILE' when it is not there. */
  read(step: number, name: string): Promise<Uint8Array>;
  /** Delete a checkpoint (no error if it is not there). */
  remove(step: number): Promise<void>;
  /** How error messages name a checkpoint or one of its files (a path for the filesystem store). */
  describe(step: number, name?: string): string;
}

/** A store in memory: for tests, and runtimes without a filesystem. Bytes are copied in and out. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #checkpoints = new Map<number, Map<string, Uint8Array>>();
  #latest: number | null = null;

  async save(step: number, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    checkStep(step);
    this.#checkpoints.set(step, new Map([...files].map(([name, bytes]) => [name, bytes.slice()])));
    this.#latest = step;
  }

  async list(): Promise<number[]> {
    return [...this.#checkpoints.keys()].sort((a, b) => a - b);
  }

  async latest(): Promise<number | null> {
    return this.#latest;
  }

  async read(step: number, name: string): Promise<Uint8Array> {
    const files = this.#checkpoints.get(step);
    if (!files) throw new CheckpointError('NOT_FOUND', 'no such checkpoint', { step, file: this.describe(step) });
    const bytes = files.get(name);
    if (!bytes) throw new CheckpointError('MISSING_FILE', `the checkpoint has no ${name} (it holds: ${[...files.keys()].join(', ') || 'nothing'})`, { step, file: this.describe(step, name) });
    return bytes.slice();
  }

  async remove(step: number): Promise<void> {
    this.#checkpoints.delete(step);
    if (this.#latest === step) this.#latest = null;
  }

  describe(step: number, name?: string): string {
    return `memory:checkpoint-${step}${name ? `/${name}` : ''}`;
  }

  /** Replace one file's bytes in place (tests use it to simulate corruption). */
  corrupt(step: number, name: string, bytes: Uint8Array): void {
    const files = this.#checkpoints.get(step);
    if (!files) throw new CheckpointError('NOT_FOUND', 'no such checkpoint', { step, file: this.describe(step) });
    files.set(name, bytes.slice());
  }
}

/** Steps are non-negative integers (they become directory names). */
export function checkStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) throw new CheckpointError('IO', `a checkpoint step must be a non-negative integer, got ${step}`);
}

/** Remove the checkpoints older than the `keep` newest at or below `step` (newer ones belong to an abandoned run and are left alone). */
export async function pruneCheckpoints(store: CheckpointStore, step: number, keep: number): Promise<number[]> {
  const older = (await store.list()).filter((s) => s <= step);
  const doomed = older.slice(0, Math.max(0, older.length - keep));
  for (const s of doomed) await store.remove(s);
  return doomed;
}
