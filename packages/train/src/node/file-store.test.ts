import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRun } from '../../test/fixture.ts';
import { CheckpointError, FileCheckpointStore, JsonlMetricsFile, readJsonl, runDirectory, writeFileAtomic } from './mod.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webpeft-train-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (s: string) => new TextEncoder().encode(s);
const files = (tag: string) => new Map([['a.bin', bytes(`a${tag}`)], ['trainer_state.json', bytes(`{"tag":"${tag}"}`)]]);

describe('FileCheckpointStore', () => {
  it('writes checkpoint-<step>/ folders and a latest pointer, lists and reads them', async () => {
    const store = new FileCheckpointStore(join(dir, 'run'));
    expect(await store.list()).toEqual([]);
    expect(await store.latest()).toBeNull();
    await store.save(10, files('10'));
    await store.save(2, files('2'));
    expect(await store.list()).toEqual([2, 10]);
    expect(await store.latest()).toBe(2);
    expect(await readFile(join(dir, 'run', 'latest'), 'utf8')).toBe('checkpoint-2\n');
    expect(new TextDecoder().decode(await store.read(10, 'a.bin'))).toBe('a10');
    expect((await readdir(join(dir, 'run'))).sort()).toEqual(['checkpoint-10', 'checkpoint-2', 'latest']);
    expect(store.describe(10, 'a.bin')).toBe(join(dir, 'run', 'checkpoint-10', 'a.bin'));
  });

  it('replaces a checkpoint of the same step whole (no files of the old one survive)', async () => {
    const store = new FileCheckpointStore(dir);
    await store.save(5, new Map([...files('old'), ['extra.bin', bytes('x')]]));
    await store.save(5, files('new'));
    expect((await readdir(join(dir, 'checkpoint-5'))).sort()).toEqual(['a.bin', 'trainer_state.json']);
    expect(new TextDecoder().decode(await store.read(5, 'a.bin'))).toBe('anew');
  });

  it('ignores, then cleans up, what a crash in the middle of a save leaves behind', async () => {
    const store = new FileCheckpointStore(dir);
    await store.save(10, files('10'));
    // a save of step 20 killed after writing one file: its temp folder is not a checkpoint
    await mkdir(join(dir, '.tmp-checkpoint-20-123-abcd'));
    await writeFile(join(dir, '.tmp-checkpoint-20-123-abcd', 'a.bin'), 'partial');
    await writeFile(join(dir, '.latest.1234.tmp'), 'checkpoint-2');
    expect(await store.list()).toEqual([10]);
    expect(await store.latest()).toBe(10);
    await store.save(30, files('30'));
    expect((await readdir(dir)).filter((e) => e.startsWith('.tmp-checkpoint'))).toEqual([]);
  });

  it('raises typed errors for a missing checkpoint, a missing file and a malformed pointer', async () => {
    const store = new FileCheckpointStore(dir);
    await store.save(1, files('1'));
    await expect(store.read(1, 'model.safetensors')).rejects.toMatchObject({ code: 'MISSING_FILE', file: join(dir, 'checkpoint-1', 'model.safetensors') });
    await expect(store.read(7, 'a.bin')).rejects.toMatchObject({ code: 'NOT_FOUND', step: 7 });
    await writeFile(join(dir, 'latest'), 'garbage');
    await expect(store.latest()).rejects.toBeInstanceOf(CheckpointError);
    await expect(store.save(3, new Map([['../evil', bytes('x')]]))).rejects.toMatchObject({ code: 'IO' });
    await store.remove(1);
    await store.remove(1);
    expect(await store.list()).toEqual([]);
  });

  it('resumes past a latest pointer whose folder is gone (fallback), training on from the older one', async () => {
    const run = runDirectory(dir);
    const crash = buildRun({ store: run.checkpoints, maxSteps: 30, onStep: (r) => void (r.step === 25 && (() => { throw new Error('stop'); })()) });
    await expect(crash.trainer.fit()).rejects.toThrow('stop');
    await rm(join(dir, 'checkpoint-20'), { recursive: true });
    await expect(buildRun({ store: run.checkpoints, maxSteps: 30 }).trainer.resume()).rejects.toMatchObject({ code: 'NOT_FOUND', step: 20 });
    expect(await buildRun({ store: run.checkpoints, maxSteps: 30 }).trainer.resume(undefined, { fallback: true })).toBe(10);
    await writeFile(join(dir, 'latest'), 'checkpoint-');
    await expect(buildRun({ store: run.checkpoints, maxSteps: 30 }).trainer.resume()).rejects.toMatchObject({ code: 'INVALID_STATE', file: join(dir, 'latest') });
    expect(await buildRun({ store: run.checkpoints, maxSteps: 30 }).trainer.resume(undefined, { fallback: true })).toBe(10);
  });
});

describe('JsonlMetricsFile', () => {
  it('appends one JSON object per line and truncates to a step on resume (torn lines dropped)', async () => {
    const path = join(dir, 'sub', 'metrics.jsonl');
    const log = new JsonlMetricsFile(path);
    for (let step = 1; step <= 4; step++) await log.append({ event: 'step', step, epoch: 0, loss: 1 / step, lr: 0.1 });
    await log.append({ event: 'eval', step: 4, epoch: 0, metrics: { loss: 0.5 } });
    await log.close();
    await writeFile(path, `${await readFile(path, 'utf8')}{"event":"step","st`);
    expect((await readJsonl(path)).map((r) => r.step)).toEqual([1, 2, 3, 4, 4]);
    await log.truncateAfter(2);
    expect((await readJsonl(path)).map((r) => r.step)).toEqual([1, 2]);
    await log.append({ event: 'step', step: 3, epoch: 0, loss: 0.25, lr: 0.1 });
    await log.close();
    expect(await readFile(path, 'utf8')).toMatch(/^\{"event":"step","step":1,.*\n.*"step":2,.*\n.*"step":3,.*\n$/);
    await new JsonlMetricsFile(join(dir, 'none.jsonl')).truncateAfter(3); // no file: nothing to do
  });

  it('writeFileAtomic replaces a file whole and leaves no temp file', async () => {
    const path = join(dir, 'x.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, bytes('two'));
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['x.json']);
  });
});
