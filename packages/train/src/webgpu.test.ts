// The training engine on WebGPU (no synchronous readback): nn + optim + train + checkpoints.
import { describe, expect, it } from 'vitest';
import { nodeWebGPUBackend } from '@webpeft/backend-webgpu/node';
import { Linear, Module, mseLoss } from '@webpeft/nn';
import { AdamW } from '@webpeft/optim';
import { Generator, type Tensor, fromArray, relu, setBackend } from '@webpeft/tensor';
import { ArrayDataset, MemoryCheckpointStore, Trainer, silentProgress } from './mod.ts';

const backend = await nodeWebGPUBackend().catch((e: Error) => {
  console.warn(`[train] skipping WebGPU test — no WebGPU adapter: ${e.message}`);
  return null;
});

class Net extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(g: Generator) {
    super();
    this.fc1 = this.registerModule('fc1', new Linear(4, 16, { generator: g }));
    this.fc2 = this.registerModule('fc2', new Linear(16, 1, { generator: g }));
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(relu(this.fc1.forward(x)));
  }
}

type Batch = { x: Tensor; y: Tensor };

function build(store: MemoryCheckpointStore, interruptAt?: number) {
  setBackend(backend!);
  const g = new Generator(5);
  const rows = Array.from({ length: 48 }, () => Array.from(g.normal(4)));
  const examples = rows.map((x) => ({ x, y: Math.tanh(x[0]! - 0.5 * x[2]!) }));
  const model = new Net(new Generator(1));
  const optimizer = new AdamW([...model.parameters()], { lr: 0.03 });
  const collate = (items: typeof examples): Batch => ({
    x: fromArray(items.flatMap((e) => e.x), [items.length, 4], { backend: backend! }),
    y: fromArray(items.map((e) => e.y), [items.length, 1], { backend: backend! }),
  });
  const trainer = new Trainer<Net, Batch>({
    model,
    optimizer,
    data: new ArrayDataset(examples, { batchSize: 8, seed: 2, collate }),
    maxSteps: 24,
    lossFn: (m, b) => mseLoss(m.forward(b.x), b.y),
    checkpoint: { store, every: 8, keep: 2 },
    progress: silentProgress,
    config: { task: 'webgpu' },
    onStep: (r) => {
      if (r.step === interruptAt) throw new Error('simulated crash');
    },
  });
  return { trainer, model };
}

describe.skipIf(!backend)('Trainer on WebGPU', () => {
  it('trains, checkpoints and resumes to the same curve (within f32 tolerance)', async () => {
    const full = await build(new MemoryCheckpointStore()).trainer.fit();
    expect(full.losses.length).toBe(24);
    expect(full.losses.at(-1)!).toBeLessThan(full.losses[0]! * 0.7);
    const store = new MemoryCheckpointStore();
    await expect(build(store, 13).trainer.fit()).rejects.toThrow(/simulated crash/);
    const resumed = await build(store).trainer.fit({ resume: true });
    expect(resumed.resumedFrom).toBe(8);
    resumed.losses.forEach((l, i) => expect(l).toBeCloseTo(full.losses[i]!, 4));
  });
});
