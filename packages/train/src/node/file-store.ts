// Checkpoints as folders: <dir>/checkpoint-<step>/{model.safetensors, optimizer.safetensors,
// trainer_state.json} plus <dir>/latest naming the newest. A checkpoint is assembled in a hidden
// temp folder (each file written atomically and fsync'd), renamed into place, and only then does
// `latest` move: a crash at any point leaves every visible checkpoint complete.
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../errors.ts';
import { type CheckpointStore, checkStep } from '../store.ts';
import { errnoCode, syncDirectory, writeFileAtomic } from './fs.ts';

const CHECKPOINT_DIR = /^checkpoint-(\d+)$/;
const LATEST_FILE = 'latest';
const TEMP_PREFIX = '.tmp-checkpoint-';
const TRASH_PREFIX = '.trash-checkpoint-';

function unique(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Checkpoints in a run folder on the local filesystem. One writer per folder at a time. */
export class FileCheckpointStore implements CheckpointStore {
  /** The run folder. */
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  describe(step: number, name?: string): string {
    const folder = join(this.dir, `checkpoint-${step}`);
    return name === undefined ? folder : join(folder, name);
  }

  async save(step: number, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    checkStep(step);
    for (const name of files.keys()) {
      if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new CheckpointError('IO', `file name ${JSON.stringify(name)} is not a plain file name`, { step });
    }
    const final = this.describe(step);
    try {
      await mkdir(this.dir, { recursive: true });
      await this.#removeLeftovers();
      const temp = join(this.dir, `${TEMP_PREFIX}${step}-${unique()}`);
      await mkdir(temp);
      for (const [name, bytes] of files) await writeFileAtomic(join(temp, name), bytes, { syncDir: false });
      await syncDirectory(temp);
      // a checkpoint of the same step (from a run that crashed after it) is moved aside, not merged
      let trash: string | undefined;
      try {
        trash = join(this.dir, `${TRASH_PREFIX}${step}-${unique()}`);
        await rename(final, trash);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
        trash = undefined;
      }
      await rename(temp, final);
      await syncDirectory(this.dir);
      if (trash) await rm(trash, { recursive: true, force: true });
      await writeFileAtomic(join(this.dir, LATEST_FILE), `checkpoint-${step}\n`);
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError('IO', `could not write the checkpoint: ${(error as Error).message}`, { step, file: final }, { cause: error });
    }
  }

  /** Temp and trash folders left by a crash during a save. */
  async #removeLeftovers(): Promise<void> {
    for (const entry of await readdir(this.dir)) {
      if (entry.startsWith(TEMP_PREFIX) || entry.startsWith(TRASH_PREFIX)) await rm(join(this.dir, entry), { recursive: true, force: true });
    }
  }

  async list(): Promise<number[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.dir, { withFileTypes: true });
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw new CheckpointError('IO', `could not list the run folder: ${(error as Error).message}`, { file: this.dir }, { cause: error });
    }
    const steps: number[] = [];
    for (const e of entries) {
      const m = CHECKPOINT_DIR.exec(e.name);
      if (m && e.isDirectory()) steps.push(Number(m[1]));
    }
    return steps.sort((a, b) => a - b);
  }

  async latest(): Promise<number | null> {
    const file = join(this.dir, LATEST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw new CheckpointError('IO', `could not read the latest pointer: ${(error as Error).message}`, { file }, { cause: error });
    }
    const m = /^checkpoint-(\d+)\s*$/.exec(text);
    if (!m) throw new CheckpointError('INVALID_STATE', `expected "checkpoint-<step>", got ${JSON.stringify(text.slice(0, 40))}`, { file });
    return Number(m[1]);
  }

  async read(step: number, name: string): Promise<Uint8Array> {
    const file = this.describe(step, name);
    try {
      const buf = await readFile(file);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') {
        const exists = (await this.list()).includes(step);
        throw exists ? new CheckpointError('MISSING_FILE', 'the checkpoint has no such file', { step, file }) : new CheckpointError('NOT_FOUND', 'no such checkpoint', { step, file: this.describe(step) });
      }
      throw new CheckpointError('IO', `could not read: ${(error as Error).message}`, { step, file }, { cause: error });
    }
  }

  async remove(step: number): Promise<void> {
    checkStep(step);
    // rename first so a crash mid-delete never leaves a half-deleted checkpoint that looks complete
    const trash = join(this.dir, `${TRASH_PREFIX}${step}-${unique()}`);
    try {
      await rename(this.describe(step), trash);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw new CheckpointError('IO', `could not remove the checkpoint: ${(error as Error).message}`, { step, file: this.describe(step) }, { cause: error });
    }
    await rm(trash, { recursive: true, force: true });
  }
}
