import { cpuBackend } from '@webpeft/backend-cpu';
import { Linear, mseLoss } from '@webpeft/nn';
import { SGD } from '@webpeft/optim';
import { type Backend, Generator, fromArray, getKernel, kernelNames, registerKernel, setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { buildRun, collate, examples } from '../test/fixture.ts';
import { ArrayDataset, CheckpointError, MemoryCheckpointStore, MemoryMetricsSink, NonFiniteLossError, type TrainEvent, Trainer, TrainerError } from './mod.ts';

class Crash extends Error {}

/** Train to `stopAt`, then "crash" (throw from onStep), leaving the checkpoints in `store`. */
async function crashAt(store: MemoryCheckpointStore, stopAt: number, metricsLog?: MemoryMetricsSink): Promise<number[]> {
  const { trainer } = buildRun({
    store,
    ...(metricsLog && { metricsLog }),
    onStep: (r) => {
      if (r.step === stopAt) throw new Crash();
    },
  });
  await expect(trainer.fit()).rejects.toThrow(Crash);
  return [...trainer.losses];
}

describe('Trainer', () => {
  it('trains: the loss falls, schedules apply, evaluations and step records are logged', async () => {
    const metrics = new MemoryMetricsSink();
    const events: TrainEvent[] = [];
    const { trainer } = buildRun({ metricsLog: metrics, maxSteps: 40, progress: { report: (e) => events.push(e) } });
    const result = await trainer.fit();
    expect(result.step).toBe(40);
    expect(result.losses).toHaveLength(40);
    const head = result.losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = result.losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(head * 0.7);
    expect(result.evals.map((e) => e.step)).toEqual([10, 20, 30, 40]);
    expect(Object.keys(result.evals[0]!.metrics).sort()).toEqual(['loss', 'mae']);
    const steps = metrics.records.filter((r) => r.event === 'step');
    expect(steps.map((r) => r.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // warmup: lr of step 1 is 0 (factor(0) = 0), step 6 the full 0.02, then cosine decay
    expect(steps[0]!.event === 'step' && steps[0]!.lr).toBe(0);
    expect(steps[5]!.event === 'step' && steps[5]!.lr).toBeCloseTo(0.02, 12);
    expect(metrics.records.filter((r) => r.event === 'eval')).toHaveLength(4);
    expect(events[0]).toMatchObject({ event: 'start', totalSteps: 40, resumedFrom: null });
    expect(events.at(-1)).toMatchObject({ event: 'end', step: 40 });
    const stepEvent = events.find((e) => e.event === 'step' && e.step === 20);
    expect(stepEvent).toMatchObject({ event: 'step', totalSteps: 40, epoch: 4 });
  });

  it('resumes in process so that the loss curve, evaluations and metrics log are identical (===)', async () => {
    const reference = await buildRun({ store: new MemoryCheckpointStore() }).trainer.fit();
    const store = new MemoryCheckpointStore();
    const log = new MemoryMetricsSink();
    const before = await crashAt(store, 27, log);
    expect(before).toEqual(reference.losses.slice(0, 27));
    expect(await store.list()).toEqual([10, 20]);
    const { trainer } = buildRun({ store, metricsLog: log });
    const result = await trainer.fit({ resume: true });
    expect(result.resumedFrom).toBe(20);
    expect(result.losses).toHaveLength(60);
    result.losses.forEach((l, i) => expect(l, `step ${i + 1}`).toBe(reference.losses[i]));
    expect(result.evals).toEqual(reference.evals);
    expect(log.records.map((r) => r.step)).toEqual([...Array(60).keys()].flatMap((i) => ((i + 1) % 10 === 0 ? [i + 1, i + 1] : [i + 1])));
    expect(await store.list()).toEqual([40, 50, 60]);
  });

  it('keeps memory flat: every tensor a step creates is released', async () => {
    const live: number[] = [];
    const { trainer } = buildRun({ maxSteps: 40, store: new MemoryCheckpointStore(), onStep: () => void live.push(cpuBackend().memory().allocations) });
    await trainer.fit();
    expect(live[39]).toBe(live[9]);
    expect(new Set(live.slice(9)).size).toBe(1);
  });

  it('sums gradients over micro-batches: accumulation 2 × batch 4 ≈ one batch of 8', async () => {
    setBackend(cpuBackend());
    const run = async (batchSize: number, accumulation: number) => {
      const model = new Linear(4, 1, { generator: new Generator(5) });
      const optimizer = new SGD([...model.parameters()], { lr: 0.1 });
      const data = new ArrayDataset(examples(32, 1), { batchSize, shuffle: false, collate });
      const trainer = new Trainer({ model, optimizer, data, gradientAccumulation: accumulation, epochs: 2, lossFn: (m: Linear, b: ReturnType<typeof collate>) => mseLoss(m.forward(b.x), b.y) });
      const r = await trainer.fit();
      return { losses: r.losses, weight: Array.from(await model.weight.data()) };
    };
    const big = await run(8, 1);
    const small = await run(4, 2);
    expect(small.losses).toHaveLength(8);
    small.losses.forEach((l, i) => expect(l).toBeCloseTo(big.losses[i]!, 5));
    small.weight.forEach((w, i) => expect(w).toBeCloseTo(big.weight[i]!, 5));
  });

  it('stops at a NaN loss with an error naming the step and micro-batch, before the optimizer step', async () => {
    let weightsAfter3: number[] = [];
    const run = buildRun({ nanAtStep: 4, maxSteps: 10, onStep: async (r) => void (r.step === 3 && (weightsAfter3 = Array.from(await run.model.fc2.weight.data()))) });
    const error = await run.trainer.fit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).step).toBe(4);
    expect((error as NonFiniteLossError).microBatch).toBe(0);
    expect((error as Error).message).toMatch(/loss is NaN at step 4 \(micro-batch 0, epoch 0, batch 6\)/);
    expect(Array.from(await run.model.fc2.weight.data())).toEqual(weightsAfter3);
    expect(run.model.fc2.weight.grad).toBeNull();
    expect(run.trainer.step).toBe(3);
    expect(run.trainer.losses).toHaveLength(3);
  });

  it('works on a backend without synchronous readback', async () => {
    const cpu = cpuBackend();
    // the CPU backend minus readSync (CPU kernels allocate through `adopt`, so that stays)
    const asyncOnly: Backend & Pick<typeof cpu, 'adopt'> = {
      name: 'cpu-async-only',
      dtypes: cpu.dtypes,
      upload: (v, d) => cpu.upload(v, d),
      read: (s, m) => cpu.read(s as never, m),
      release: (s) => cpu.release(s as never),
      memory: () => cpu.memory(),
      adopt: (a) => cpu.adopt(a),
    };
    for (const op of kernelNames('cpu')) registerKernel('cpu-async-only', op, getKernel('cpu', op));
    const model = new Linear(4, 1, { generator: new Generator(5), backend: asyncOnly });
    const optimizer = new SGD([...model.parameters()], { lr: 0.1 });
    const toAsync = (items: ReturnType<typeof examples>) => ({
      x: fromArray(items.flatMap((e) => e.x), [items.length, 4], { backend: asyncOnly }),
      y: fromArray(items.map((e) => e.y), [items.length, 1], { backend: asyncOnly }),
    });
    const data = new ArrayDataset(examples(16, 1), { batchSize: 4, collate: toAsync });
    const store = new MemoryCheckpointStore();
    const trainer = new Trainer({ model, optimizer, data, maxSteps: 6, checkpoint: { store, every: 3 }, evaluation: { data }, lossFn: (m: Linear, b: ReturnType<typeof toAsync>) => mseLoss(m.forward(b.x), b.y) });
    expect(() => model.weight.dataSync()).toThrow(/no synchronous readback/);
    const result = await trainer.fit();
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(await store.list()).toEqual([3, 6]);
    const resumed = new Trainer({ model, optimizer, data, maxSteps: 6, checkpoint: { store, every: 3 }, lossFn: (m: Linear, b: ReturnType<typeof toAsync>) => mseLoss(m.forward(b.x), b.y) });
    expect(await resumed.resume(3)).toBe(3);
  });

  it('validates its options', async () => {
    setBackend(cpuBackend());
    const model = new Linear(2, 1);
    const optimizer = new SGD([...model.parameters()], { lr: 0.1 });
    const data = new ArrayDataset([1, 2, 3]);
    const lossFn = () => model.weight;
    expect(() => new Trainer({ model, optimizer, data, lossFn, gradientAccumulation: 0 })).toThrow(TrainerError);
    expect(() => new Trainer({ model, optimizer, data, lossFn, maxSteps: 1.5 })).toThrow(/maxSteps/);
    expect(() => new Trainer({ model, optimizer, data, lossFn, generators: { default: new Generator(1) } })).toThrow(/reserved/);
    expect(() => new Trainer({ model, optimizer, data, lossFn, evaluation: { data, metrics: { acc: () => 1 } } })).toThrow(/predict/);
    expect(() => new Trainer({ model, optimizer, data, lossFn, evaluation: { data, predict: () => model.weight, metrics: { loss: () => 1 } } })).toThrow(/reserved/);
    await expect(new Trainer({ model, optimizer, data, lossFn }).resume()).rejects.toThrow(/checkpoint: \{ store, every \}/);
    await expect(new Trainer({ model, optimizer, data: { numBatches: () => 0, batch: () => 0 }, lossFn, maxSteps: 3 }).fit()).rejects.toThrow(/0 batches in epoch 0/);
    await expect(new Trainer({ model, optimizer, data, lossFn: () => mseLoss(model.weight, model.weight) }).fit()).resolves.toMatchObject({ step: 3 });
    await expect(new Trainer({ model, optimizer, data, lossFn: () => model.weight }).fit()).rejects.toThrow(/one-element tensor, got tensor 'weight'/);
  });

  it('refuses to resume with a different configuration, or when there is nothing to resume', async () => {
    const store = new MemoryCheckpointStore();
    const empty = buildRun({ store });
    await expect(empty.trainer.fit({ resume: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await crashAt(store, 12);
    const other = buildRun({ store, config: { task: 'tiny', maxSteps: 60, lr: 'changed' } });
    const error = await other.trainer.resume().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({ code: 'CONFIG_CHANGED', key: 'configHash', step: 10 });
    await expect(buildRun({ store, accumulation: 1 }).trainer.resume()).rejects.toMatchObject({ code: 'CONFIG_CHANGED', key: 'gradientAccumulation' });
    expect(await buildRun({ store, accumulation: 1 }).trainer.resume(undefined, { allowConfigChange: true })).toBe(10);
  });
});
