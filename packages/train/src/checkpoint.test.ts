import { cpuBackend } from '@webpeft/backend-cpu';
import { Linear, mseLoss } from '@webpeft/nn';
import { AdamW, SGD } from '@webpeft/optim';
import { SafetensorsError, loadSafetensors } from '@webpeft/safetensors';
import { Generator, fromArray, setBackend } from '@webpeft/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Example, buildRun, examples } from '../test/fixture.ts';
import { ArrayDataset, CHECKPOINT_FILES, CheckpointError, MemoryCheckpointStore, type TrainEvent, Trainer, crc32, parseTrainerState } from './mod.ts';

let reference: readonly number[] = [];

beforeAll(async () => {
  reference = (await buildRun({ store: new MemoryCheckpointStore() }).trainer.fit()).losses;
});

/** A store holding checkpoints 10 and 20 of the fixture run (stopped after step 25). */
async function storeWithTwo(): Promise<MemoryCheckpointStore> {
  const store = new MemoryCheckpointStore();
  const { trainer } = buildRun({ store, onStep: (r) => void (r.step === 25 && (() => { throw new Error('stop'); })()) });
  await expect(trainer.fit()).rejects.toThrow('stop');
  expect(await store.list()).toEqual([10, 20]);
  return store;
}

function linearRun(store: MemoryCheckpointStore, inFeatures = 4, kind: 'adamw' | 'sgd' = 'adamw', params: 'trainable' | 'all' = 'trainable', save = true) {
  setBackend(cpuBackend());
  const model = new Linear(inFeatures, 1, { generator: new Generator(5) });
  const optimizer = kind === 'adamw' ? new AdamW([...model.parameters()], { lr: 0.01 }) : new SGD([...model.parameters()], { lr: 0.01, momentum: 0.9 });
  const narrow = (items: Example[]) => ({ x: fromArray(items.flatMap((e) => e.x.slice(0, inFeatures)), [items.length, inFeatures]), y: fromArray(items.map((e) => e.y), [items.length, 1]) });
  const data = new ArrayDataset(examples(16, 1), { batchSize: 4, seed: 1, collate: narrow });
  const trainer = new Trainer({ model, optimizer, data, maxSteps: 4, checkpoint: save ? { store, every: 2, params } : { store, every: 0, atEnd: false, params }, lossFn: (m: Linear, b: ReturnType<typeof narrow>) => mseLoss(m.forward(b.x), b.y) });
  return { model, optimizer, trainer };
}

async function snapshot(run: ReturnType<typeof linearRun>): Promise<number[][]> {
  const out: number[][] = [];
  for (const p of run.model.parameters()) out.push(Array.from(await p.data()));
  for (const s of Object.values(run.optimizer.stateDict().state)) for (const t of Object.values(s)) out.push(Array.from(await t.data()));
  return out;
}

describe('checkpoint format', () => {
  it('holds trainable parameters, optimizer buffers and the trainer state, with checksums', async () => {
    const store = await storeWithTwo();
    const state = parseTrainerState(await store.read(20, CHECKPOINT_FILES.state), 'trainer_state.json', 20);
    expect(state).toMatchObject({ step: 20, epoch: 4, batchIndex: 0, totalSteps: 60, gradientAccumulation: 2, params: 'trainable' });
    expect(state.losses).toEqual(reference.slice(0, 20));
    expect(state.evals.map((e) => e.step)).toEqual([10, 20]);
    expect(Object.keys(state.generators).sort()).toEqual(['default', 'dropout']);
    expect(state.generators.dropout!.offset).toBeGreaterThan(0);
    expect(state.scheduler).toEqual({ step: 20, baseLrs: [0.02] });
    // AdamW over [fc1.weight (frozen), fc1.bias, fc2.weight, fc2.bias]: the frozen weight has no state
    expect(state.optimizer.paramSteps).toEqual({ 1: 20, 2: 20, 3: 20 });
    const model = loadSafetensors(await store.read(20, CHECKPOINT_FILES.model));
    expect([...model.keys()].sort()).toEqual(['fc1.bias', 'fc2.bias', 'fc2.weight']);
    const optimizer = loadSafetensors(await store.read(20, CHECKPOINT_FILES.optimizer));
    expect([...optimizer.keys()].sort()).toEqual(['state.1.exp_avg', 'state.1.exp_avg_sq', 'state.2.exp_avg', 'state.2.exp_avg_sq', 'state.3.exp_avg', 'state.3.exp_avg_sq']);
    const bytes = await store.read(20, CHECKPOINT_FILES.model);
    expect(state.files[CHECKPOINT_FILES.model]).toEqual({ bytes: bytes.length, crc32: crc32(bytes) });
  });

  it('rejects a corrupt trainer_state.json with a typed error; the previous checkpoint resumes exactly', async () => {
    const store = await storeWithTwo();
    store.corrupt(20, CHECKPOINT_FILES.state, new TextEncoder().encode('{"format": "webpeft.trainer_state", "version": 1, "step": 2'));
    const run = buildRun({ store });
    const error = await run.trainer.resume().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({ code: 'INVALID_STATE', step: 20, file: 'memory:checkpoint-20/trainer_state.json' });
    expect(run.trainer.step).toBe(0);
    const events: TrainEvent[] = [];
    const again = buildRun({ store, progress: { report: (e) => events.push(e) } });
    expect(await again.trainer.resume(undefined, { fallback: true })).toBe(10);
    expect(events[0]).toMatchObject({ event: 'warning', message: expect.stringMatching(/skipping damaged checkpoint 20: .*trainer_state\.json/) });
    const result = await again.trainer.fit();
    result.losses.forEach((l, i) => expect(l, `step ${i + 1}`).toBe(reference[i]));
  });

  it('names the field of a trainer_state.json that has the wrong type', async () => {
    const store = await storeWithTwo();
    const state = JSON.parse(new TextDecoder().decode(await store.read(20, CHECKPOINT_FILES.state)));
    state.generators.dropout.offset = -3;
    store.corrupt(20, CHECKPOINT_FILES.state, new TextEncoder().encode(JSON.stringify(state)));
    await expect(buildRun({ store }).trainer.resume()).rejects.toMatchObject({ code: 'INVALID_STATE', key: 'generators.dropout.offset' });
  });

  it('rejects a truncated safetensors file (length and CRC-32 recorded) and one with a bad header', async () => {
    const store = await storeWithTwo();
    const bytes = await store.read(20, CHECKPOINT_FILES.model);
    store.corrupt(20, CHECKPOINT_FILES.model, bytes.slice(0, bytes.length - 7));
    const truncated = await buildRun({ store }).trainer.resume().catch((e: unknown) => e);
    expect(truncated).toMatchObject({ code: 'CORRUPT', file: 'memory:checkpoint-20/model.safetensors' });
    expect((truncated as Error).message).toMatch(/truncated/);
    // same length, flipped byte: the CRC catches it
    const flipped = bytes.slice();
    flipped[flipped.length - 1]! ^= 1;
    store.corrupt(20, CHECKPOINT_FILES.model, flipped);
    await expect(buildRun({ store }).trainer.resume()).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/CRC-32/) });
    // a malformed file whose checksum was recorded: the safetensors validator rejects it
    const bad = bytes.slice();
    bad[8] = 0x5b; // '{' → '['
    const state = JSON.parse(new TextDecoder().decode(await store.read(20, CHECKPOINT_FILES.state)));
    state.files[CHECKPOINT_FILES.model] = { bytes: bad.length, crc32: crc32(bad) };
    store.corrupt(20, CHECKPOINT_FILES.state, new TextEncoder().encode(JSON.stringify(state)));
    store.corrupt(20, CHECKPOINT_FILES.model, bad);
    const invalid = await buildRun({ store }).trainer.resume().catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'INVALID_TENSORS' });
    expect((invalid as Error).cause).toBeInstanceOf(SafetensorsError);
    expect(await buildRun({ store }).trainer.resume(10)).toBe(10);
  });

  it('reports a missing file by name', async () => {
    const store = await storeWithTwo();
    const files = new Map([[CHECKPOINT_FILES.state, await store.read(20, CHECKPOINT_FILES.state)]]);
    await store.save(20, files);
    await expect(buildRun({ store }).trainer.resume()).rejects.toMatchObject({ code: 'MISSING_FILE', file: 'memory:checkpoint-20/model.safetensors' });
  });

  it('refuses mismatched shapes, key sets and optimizers without changing anything', async () => {
    const store = new MemoryCheckpointStore();
    await linearRun(store).trainer.fit();
    expect(await store.list()).toEqual([2, 4]);

    const narrow = linearRun(store, 3, 'adamw', 'trainable', false);
    const before = await snapshot(narrow);
    await narrow.trainer.fit(); // trains a little (without saving) so the optimizer has state to protect
    const trained = await snapshot(narrow);
    expect(trained).not.toEqual(before);
    const error = await narrow.trainer.resume(4).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MISMATCH', key: 'weight', file: 'memory:checkpoint-4/model.safetensors' });
    expect((error as Error).message).toMatch(/\[1, 4\] f32, the model \[1, 3\] f32/);
    expect(await snapshot(narrow)).toEqual(trained);

    const frozenBias = linearRun(store);
    frozenBias.model.bias!.requiresGrad = false;
    await expect(frozenBias.trainer.resume(4)).rejects.toMatchObject({ code: 'MISMATCH', key: 'bias', message: expect.stringMatching(/no trainable parameter of that name/) });

    const sgd = linearRun(store, 4, 'sgd');
    await expect(sgd.trainer.resume(4)).rejects.toMatchObject({ code: 'MISMATCH', key: 'optimizer.optimizer' });
    const all = linearRun(store, 4, 'adamw', 'all');
    await expect(all.trainer.resume(4)).rejects.toMatchObject({ code: 'MISMATCH', key: 'params' });
  });

  it("saves and restores every state-dict entry with params: 'all'", async () => {
    const store = new MemoryCheckpointStore();
    const first = linearRun(store, 4, 'sgd', 'all');
    await first.trainer.fit();
    const again = linearRun(store, 4, 'sgd', 'all');
    expect(await again.trainer.resume()).toBe(4);
    expect(await snapshot(again)).toEqual(await snapshot(first));
    expect(again.optimizer.stateDict().paramSteps).toEqual(first.optimizer.stateDict().paramSteps);
  });
});
