// The optimizer base: state dicts (resume bit-identically, JSON round trip, clear errors), memory,
// zeroGrad/dispose, and a backend without synchronous readback (as WebGPU).
import { type CpuBackend, cpuBackend } from '@webpeft/backend-cpu';
import { type Backend, Generator, type Tensor, type TypedArray, UnsupportedError, keep, randn, setBackend, tensor, zeros } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.ts';
import { clipGradNorm } from './clip.ts';
import { OptimizerError, StateDictError } from './errors.ts';
import type { Optimizer, OptimizerStateDict } from './optimizer.ts';
import { LRScheduler, cosineWarmupDecay } from './schedule.ts';
import { SGD } from './sgd.ts';

const cpu = cpuBackend();
setBackend(cpu);

const SHAPES = [[5, 3], [3], [2, 4]] as const;

function makeParams(seed: number, backend: Backend = cpu): Tensor[] {
  const g = new Generator(seed);
  return SHAPES.map((s) => {
    const p = keep(randn(s, { generator: g, backend }));
    p.requiresGrad = true;
    return p;
  });
}

/** Deterministic gradients for step `step` (seeded by it), as kept tensors. */
function setGrads(params: readonly Tensor[], step: number): void {
  const g = new Generator(1000 + step);
  for (const p of params) {
    p.grad?.dispose();
    p.grad = keep(randn(p.shape, { generator: g, std: step % 2 ? 3 : 0.5, backend: p.backend }));
  }
}

type Build = (params: Tensor[]) => { optimizer: Optimizer; scheduler: LRScheduler };

const builds: Record<string, Build> = {
  'AdamW (amsgrad, two groups, cosine schedule)': (params) => {
    const optimizer = new AdamW([{ params: [params[0]!, params[2]!], lr: 0.01 }, { params: [params[1]!], lr: 0.1, weightDecay: 0.2, name: 'bias' }], { amsgrad: true });
    return { optimizer, scheduler: new LRScheduler(optimizer, cosineWarmupDecay({ warmupSteps: 2, totalSteps: 6, minRatio: 0.1 })) };
  },
  'SGD (nesterov, weight decay)': (params) => {
    const optimizer = new SGD(params, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 });
    return { optimizer, scheduler: new LRScheduler(optimizer, cosineWarmupDecay({ warmupSteps: 1, totalSteps: 6 })) };
  },
};

function train(params: Tensor[], optimizer: Optimizer, scheduler: LRScheduler, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    setGrads(params, s);
    clipGradNorm(params, 4).dispose();
    optimizer.step();
    scheduler.step();
    optimizer.zeroGrad();
  }
}

/** A checkpoint as a trainer would write it: JSON plus raw tensor values. */
async function toCheckpoint(dict: OptimizerStateDict<unknown>): Promise<{ json: string; tensors: Map<string, { shape: readonly number[]; dtype: Tensor['dtype']; data: TypedArray }> }> {
  const tensors = new Map<string, { shape: readonly number[]; dtype: Tensor['dtype']; data: TypedArray }>();
  for (const [i, buffers] of Object.entries(dict.state)) for (const [k, t] of Object.entries(buffers)) tensors.set(`${i}.${k}`, { shape: t.shape, dtype: t.dtype, data: await t.data() });
  const { state: _state, ...rest } = dict;
  return { json: JSON.stringify(rest), tensors };
}

function fromCheckpoint(ck: Awaited<ReturnType<typeof toCheckpoint>>): OptimizerStateDict<never> {
  const state: Record<number, Record<string, Tensor>> = {};
  for (const [key, t] of ck.tensors) {
    const [i, name] = key.split('.') as [string, string];
    (state[Number(i)] ??= {})[name] = tensor(t.data, t.shape, { dtype: t.dtype });
  }
  return { ...JSON.parse(ck.json), state } as OptimizerStateDict<never>;
}

describe('stateDict / loadStateDict', () => {
  for (const [label, build] of Object.entries(builds)) {
    it(`${label}: 3 steps + checkpoint (JSON + tensor values) + 3 steps is bit-identical to 6 steps`, async () => {
      const straight = makeParams(7);
      const a = build(straight);
      train(straight, a.optimizer, a.scheduler, 0, 6);

      const first = makeParams(7);
      const b = build(first);
      train(first, b.optimizer, b.scheduler, 0, 3);
      const ck = await toCheckpoint(b.optimizer.stateDict());
      const sched = b.scheduler.stateDict();
      const values = await Promise.all(first.map((p) => p.data()));
      b.optimizer.dispose();

      // a fresh process: parameters from the checkpoint, a new optimizer and scheduler
      const resumed = first.map((p, i) => {
        const t = keep(tensor(values[i]!, p.shape));
        t.requiresGrad = true;
        return t;
      });
      const c = build(resumed);
      const dict = fromCheckpoint(ck);
      c.optimizer.loadStateDict(dict as never);
      for (const buffers of Object.values(dict.state)) for (const t of Object.values(buffers)) t.dispose();
      c.scheduler.loadStateDict(JSON.parse(JSON.stringify(sched)));
      expect(c.optimizer.stepCount).toBe(3);
      expect(c.optimizer.lrs).toEqual(b.optimizer.lrs);
      train(resumed, c.optimizer, c.scheduler, 3, 6);

      for (const [i, p] of resumed.entries()) expect(Array.from(await p.data())).toEqual(Array.from(await straight[i]!.data()));
      expect(c.optimizer.stateDict().paramSteps).toEqual(a.optimizer.stateDict().paramSteps);
      for (const t of [...straight, ...first, ...resumed]) t.dispose();
      a.optimizer.dispose();
      c.optimizer.dispose();
    });
  }

  it('holds hyperparameters (JSON), parameter indices numbered across groups, and PyTorch buffer names', () => {
    const params = makeParams(1);
    const opt = new AdamW([{ params: [params[0]!], name: 'lora_B', lr: 0.16 }, { params: [params[1]!, params[2]!], name: 'rest' }], { lr: 0.01, amsgrad: true });
    setGrads(params, 0);
    opt.step();
    const dict = opt.stateDict();
    expect(dict.optimizer).toBe('AdamW');
    expect(dict.step).toBe(1);
    expect(JSON.parse(JSON.stringify(dict.groups))).toEqual([
      { lr: 0.16, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: true, name: 'lora_B', params: [0] },
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: true, name: 'rest', params: [1, 2] },
    ]);
    expect(Object.keys(dict.state[2]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(dict.paramSteps).toEqual({ 0: 1, 1: 1, 2: 1 });
    opt.zeroGrad();
    opt.dispose();
    for (const p of params) p.dispose();
  });

  it('rejects state dicts that do not fit, naming what differs, and changes nothing when it does', () => {
    const params = makeParams(2);
    const opt = new AdamW(params, { lr: 0.01 });
    setGrads(params, 0);
    opt.step();
    const good = opt.stateDict();
    const before = Array.from(opt.stateOf(params[0]!)!.exp_avg!.dataSync());
    const other = makeParams(3);
    const sgd = new SGD(other, { lr: 0.1, momentum: 0.9 });
    const wrongShape = keep(zeros([2, 2]));
    const cases: [string, unknown, RegExp][] = [
      ['optimizer', sgd.stateDict(), /written by SGD, not AdamW/],
      ['groups', { ...good, groups: [good.groups[0], good.groups[0]] }, /has 2 parameter groups, this optimizer has 1/],
      ['group size', { ...good, groups: [{ ...good.groups[0]!, params: [0, 1] }] }, /group 0 has 3 parameters, the state dict's has 2/],
      ['hyperparameters', { ...good, groups: [{ ...good.groups[0]!, weight_decay: 0.1 }] }, /unknown: weight_decay/],
      ['bad value', { ...good, groups: [{ ...good.groups[0]!, betas: [0.9, 1.5] }] }, /invalid beta parameter at index 1/],
      ['index', { ...good, state: { ...good.state, 7: good.state[0] }, paramSteps: { ...good.paramSteps, 7: 1 } }, /state entry '7' names no parameter \(there are 3\)/],
      ['buffers', { ...good, state: { ...good.state, 0: { exp_avg: good.state[0]!.exp_avg } } }, /missing: exp_avg_sq/],
      ['unknown buffer', { ...good, state: { ...good.state, 0: { ...good.state[0], momentum_buffer: good.state[0]!.exp_avg } } }, /unknown: momentum_buffer/],
      ['shape', { ...good, state: { ...good.state, 1: { ...good.state[1], exp_avg: wrongShape } } }, /state\[1\]\.exp_avg is tensor #\d+ \[2, 2\] f32, expected the shape of tensor #\d+ \[3\] f32/],
      ['paramSteps', { ...good, paramSteps: { 0: 1, 1: 1 } }, /paramSteps\[2\] must be a positive integer/],
    ];
    for (const [what, dict, message] of cases) {
      expect(() => opt.loadStateDict(dict as never), what).toThrow(StateDictError);
      expect(() => opt.loadStateDict(dict as never), what).toThrow(message);
    }
    expect(Array.from(opt.stateOf(params[0]!)!.exp_avg!.dataSync())).toEqual(before);
    expect(opt.lrs).toEqual([0.01]);
    for (const t of [...params, ...other, wrongShape]) t.dispose();
    opt.dispose();
    sgd.dispose();
  });

  it('casts loaded state to the parameter dtype (f64 checkpoint into f32 parameters), as torch does', () => {
    const p64 = keep(tensor([1, 2, 3], [3], { dtype: 'f64', requiresGrad: true }));
    const p32 = keep(tensor([1, 2, 3], [3], { requiresGrad: true }));
    const a = new SGD([p64], { lr: 0.1, momentum: 0.9 });
    p64.grad = keep(tensor([0.5, -1, 2], [3], { dtype: 'f64' }));
    a.step();
    const b = new SGD([p32], { lr: 0.1, momentum: 0.9 });
    b.loadStateDict(a.stateDict());
    expect(b.stateOf(p32)!.momentum_buffer!.dtype).toBe('f32');
    expect(Array.from(b.stateOf(p32)!.momentum_buffer!.dataSync())).toEqual([0.5, -1, 2]);
    a.dispose();
    b.dispose();
    p64.dispose();
    p32.dispose();
  });
});

describe('lifecycle', () => {
  it('zeroGrad disposes gradients; dispose releases all state; a disposed optimizer refuses to step', () => {
    const before = cpu.memory();
    const params = makeParams(4);
    const opt = new AdamW(params, { amsgrad: true });
    setGrads(params, 0);
    const grads = params.map((p) => p.grad!);
    opt.step();
    opt.zeroGrad();
    expect(params.every((p) => p.grad === null) && grads.every((g) => g.isDisposed)).toBe(true);
    const withState = cpu.memory().allocations;
    opt.dispose();
    expect(cpu.memory().allocations).toBe(withState - 3 * params.length);
    expect(() => opt.step()).toThrow(/AdamW.step\(\) after dispose\(\)/);
    opt.dispose();
    for (const p of params) p.dispose();
    expect(cpu.memory()).toEqual(before);
  });

  it('a gradient that does not match its parameter is reported with both shapes', () => {
    const p = keep(zeros([2, 3]));
    p.requiresGrad = true;
    p.grad = keep(zeros([3, 2]));
    const opt = new SGD([p], { lr: 0.1 });
    expect(() => opt.step()).toThrow(/gradient tensor #\d+ \[3, 2\] f32 does not match tensor #\d+ \[2, 3\] f32/);
    p.dispose();
    opt.dispose();
  });

  for (const [label, build] of Object.entries(builds)) {
    it(`${label}: memory stays flat over 200 steps (grads, clip, step, schedule, zeroGrad)`, () => {
      const params = makeParams(5);
      const { optimizer, scheduler } = build(params);
      train(params, optimizer, scheduler, 0, 5);
      const baseline = cpu.memory();
      train(params, optimizer, scheduler, 5, 205);
      expect(cpu.memory()).toEqual(baseline);
      optimizer.dispose();
      for (const p of params) p.dispose();
    });
  }
});

/** The CPU kernels behind a backend that, like WebGPU, can only read back asynchronously. */
function asyncOnlyBackend(inner: CpuBackend): Backend & Pick<CpuBackend, 'adopt'> {
  return {
    name: inner.name,
    dtypes: inner.dtypes,
    upload: (values, dtype) => inner.upload(values, dtype),
    read: (storage, meta) => inner.read(storage as TypedArray, meta),
    release: (storage) => inner.release(storage as TypedArray),
    memory: () => inner.memory(),
    adopt: (a) => inner.adopt(a),
  };
}

describe('no synchronous readback in the update path', () => {
  for (const [label, build] of Object.entries(builds)) {
    it(`${label}: trains on a backend without dataSync and matches the CPU run`, async () => {
      const backend = asyncOnlyBackend(cpu);
      const params = makeParams(9, backend);
      expect(() => params[0]!.dataSync()).toThrow(UnsupportedError);
      const { optimizer, scheduler } = build(params);
      train(params, optimizer, scheduler, 0, 4);
      const reference = makeParams(9);
      const ref = build(reference);
      train(reference, ref.optimizer, ref.scheduler, 0, 4);
      for (const [i, p] of params.entries()) expect(Array.from(await p.data())).toEqual(Array.from(await reference[i]!.data()));
      for (const t of [...params, ...reference]) t.dispose();
      optimizer.dispose();
      ref.optimizer.dispose();
    });
  }
});

describe('validation', () => {
  it('rejects bad hyperparameters with the group they are in', () => {
    const p = keep(zeros([2]));
    const q = keep(zeros([2]));
    const i32 = keep(zeros([2], { dtype: 'i32' }));
    const bad: [() => unknown, RegExp][] = [
      [() => new AdamW([p], { lr: -1 }), /AdamW: group 0: invalid learning rate -1/],
      [() => new AdamW([p], { betas: [0.9, 1] }), /invalid beta parameter at index 1: 1/],
      [() => new AdamW([p], { eps: -1e-8 }), /invalid eps/],
      [() => new AdamW([{ params: [p], name: 'lora_B', weightDecay: -0.1 }]), /group 0 \('lora_B'\): invalid weightDecay -0.1/],
      [() => new AdamW([{ params: [p], weight_decay: 0.1 } as never]), /group 0 has unknown option 'weight_decay' \(expected one of lr, betas, eps, weightDecay, amsgrad\)/],
      [() => new AdamW([{ params: [p] }, { params: [q, p] }]), /appears twice \(group 0, parameter 0 and group 1, parameter 1\)/],
      [() => new AdamW([]), /empty parameter list/],
      [() => new AdamW([i32]), /not floating point/],
      [() => new SGD([p], {} as never), /options.lr is required/],
      [() => new SGD([p], { lr: 0.1, nesterov: true }), /Nesterov momentum requires momentum > 0 and dampening = 0/],
      [() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov momentum requires/],
      [() => new SGD([p], { lr: 0.1, momentum: -0.5 }), /invalid momentum -0.5/],
    ];
    for (const [make, message] of bad) {
      expect(make).toThrow(OptimizerError);
      expect(make).toThrow(message);
    }
    for (const t of [p, q, i32]) t.dispose();
  });

  it('uses torch defaults: AdamW lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01; SGD no momentum', () => {
    const p = keep(zeros([2]));
    const adamw = new AdamW([p]);
    expect({ ...adamw.groups[0], params: undefined }).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false, params: undefined });
    const sgd = new SGD([p], { lr: 0.1 });
    expect({ ...sgd.groups[0], params: undefined }).toEqual({ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, params: undefined });
    p.dispose();
  });
});
