import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator, type Tensor, add, countKernels, mean, setBackend, square, tensor, tidy, zeros } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { wave } from './_test-utils.ts';
import { Dropout, LayerNorm, Linear, Module, ModuleList, ModulePathError, MultiHeadAttention, StateDictError, type UnaryModule } from './mod.ts';

const cpu = cpuBackend();
setBackend(cpu);

const gen = () => new Generator(7);

/** RoBERTa's layer layout: attention.self.{query,key,value}, attention.output.{dense,LayerNorm}. */
class RobertaLikeLayer extends Module {
  readonly attention: Module;
  readonly self: MultiHeadAttention;
  readonly outputDense: Linear;

  constructor(hidden: number) {
    super();
    this.attention = this.registerModule('attention', new Module());
    this.self = this.attention.registerModule('self', new MultiHeadAttention({ hiddenSize: hidden, numHeads: 2, names: { q: 'query', k: 'key', v: 'value', o: null }, generator: gen() }));
    const output = this.attention.registerModule('output', new Module());
    this.outputDense = output.registerModule('dense', new Linear(hidden, hidden, { generator: gen() }));
    output.registerModule('LayerNorm', new LayerNorm(hidden, { eps: 1e-12 }));
  }
}

class Encoder extends Module {
  readonly layer: ModuleList<RobertaLikeLayer>;
  constructor(layers: number, hidden: number) {
    super();
    this.layer = this.registerModule('layer', new ModuleList(Array.from({ length: layers }, () => new RobertaLikeLayer(hidden))));
  }
}

class Model extends Module {
  readonly encoder: Encoder;
  constructor() {
    super();
    this.encoder = this.registerModule('encoder', new Encoder(2, 4));
  }
}

/** A stand-in for a LoRA wrapper: base output plus a zero-initialised trainable term. */
class Wrapper extends Module implements UnaryModule {
  readonly base: UnaryModule;
  readonly extra: Tensor;
  constructor(base: UnaryModule, out: number) {
    super();
    this.base = this.registerModule('base_layer', base);
    this.extra = this.registerParameter('extra', zeros([out]));
  }
  forward(x: Tensor): Tensor {
    return add(this.base.forward(x), this.extra);
  }
}

describe('module tree', () => {
  it('names parameters with dotted HF checkpoint paths in registration order', () => {
    const m = new Model();
    const names = [...m.namedParameters()].map(([n]) => n);
    expect(names.slice(0, 10)).toEqual([
      'encoder.layer.0.attention.self.query.weight',
      'encoder.layer.0.attention.self.query.bias',
      'encoder.layer.0.attention.self.key.weight',
      'encoder.layer.0.attention.self.key.bias',
      'encoder.layer.0.attention.self.value.weight',
      'encoder.layer.0.attention.self.value.bias',
      'encoder.layer.0.attention.output.dense.weight',
      'encoder.layer.0.attention.output.dense.bias',
      'encoder.layer.0.attention.output.LayerNorm.weight',
      'encoder.layer.0.attention.output.LayerNorm.bias',
    ]);
    expect(names).toHaveLength(20);
    expect(names[10]).toBe('encoder.layer.1.attention.self.query.weight');
    expect(Object.keys(m.stateDict())).toEqual(names);
    expect([...m.parameters()].every((p) => p.requiresGrad)).toBe(true);
    expect(m.numParameters()).toBe(2 * (3 * 20 + 20 + 8));
    expect([...m.namedModules()].map(([n]) => n).slice(0, 4)).toEqual(['', 'encoder', 'encoder.layer', 'encoder.layer.0']);
    m.dispose();
  });

  it('getSubmodule walks paths and explains a wrong one', () => {
    const m = new Model();
    expect(m.getSubmodule('encoder.layer.1.attention.self.query')).toBeInstanceOf(Linear);
    expect(m.getSubmodule('')).toBe(m);
    expect(m.encoder.layer.at(-1)).toBe(m.getSubmodule('encoder.layer.1'));
    expect(() => m.getSubmodule('encoder.layer.2.attention')).toThrow(ModulePathError);
    expect(() => m.getSubmodule('encoder.layer.0.attention.selff')).toThrow(/encoder\.layer\.0\.attention \(Module\) has no child 'selff'; its children are: self, output/);
    expect(() => m.encoder.layer.at(5)).toThrow(/out of range/);
    m.dispose();
  });

  it('setSubmodule swaps a Linear for a wrapper: names, fields and forward follow', () => {
    const m = new Model();
    const path = 'encoder.layer.0.attention.self.value';
    const old = m.getSubmodule(path) as Linear;
    const wrapper = new Wrapper(old, 4);
    expect(m.setSubmodule(path, wrapper)).toBe(old);
    const layer = m.encoder.layer.at(0);
    expect(layer.self.v).toBe(wrapper);
    expect(Object.keys(m.stateDict())).toContain(`${path}.base_layer.weight`);
    expect(Object.keys(m.stateDict())).toContain(`${path}.extra`);
    expect(Object.keys(m.stateDict())).not.toContain(`${path}.weight`);
    // the attention forward now runs through the wrapper: its parameter gets a gradient
    tidy(() => {
      const y = layer.self.forward(tensor(wave(2 * 3 * 4), [2, 3, 4]));
      mean(square(y)).backward();
    });
    expect(wrapper.extra.grad).not.toBeNull();
    expect(() => m.setSubmodule('encoder.layer.0.attention.self.query.weight', new Module())).toThrow(/is a parameter or buffer/);
    expect(() => m.setSubmodule('nope.x', new Module())).toThrow(ModulePathError);
    m.dispose();
  });

  it('rejects duplicate and dotted names', () => {
    const m = new Module();
    m.registerParameter('w', zeros([2]));
    expect(() => m.registerModule('w', new Module())).toThrow(/already registered/);
    expect(() => m.registerParameter('a.b', zeros([2]))).toThrow(/no '\.'/);
    m.dispose();
  });

  it('lists a shared (tied) parameter once, but under both keys in the state dict', () => {
    const m = new Module();
    const a = m.registerModule('embed', new Module());
    const b = m.registerModule('lm_head', new Module());
    const w = zeros([3, 2]);
    a.registerParameter('weight', w);
    b.registerParameter('weight', w);
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(['embed.weight']);
    expect(Object.keys(m.stateDict())).toEqual(['embed.weight', 'lm_head.weight']);
    m.dispose();
  });

  it('buffers: persistent ones are state, none are parameters', () => {
    const m = new Module();
    m.registerParameter('w', zeros([2]));
    m.registerBuffer('position_ids', tensor([0, 1, 2], undefined, { dtype: 'i32' }));
    m.registerBuffer('inv_freq', zeros([2]), { persistent: false });
    expect(Object.keys(m.stateDict())).toEqual(['w', 'position_ids']);
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(['position_ids', 'inv_freq']);
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(['w']);
    m.dispose();
  });
});

describe('state dict', () => {
  const lin = () => new Linear(3, 2, { generator: gen() });

  it('loads values in place: parameter identities are preserved, dtypes cast', () => {
    const m = lin();
    const weight = m.weight;
    const result = tidy(() => m.loadStateDict({ weight: tensor([1, 2, 3, 4, 5, 6], [2, 3], { dtype: 'f64' }), bias: tensor([7, 8]) }));
    expect(result).toEqual({ missing: [], unexpected: [] });
    expect(m.weight).toBe(weight);
    expect(m.stateDict().weight).toBe(weight);
    expect(weight.dtype).toBe('f32');
    expect(Array.from(weight.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(m.bias!.dataSync())).toEqual([7, 8]);
    expect(weight.requiresGrad).toBe(true);
    m.dispose();
  });

  it('strict loading lists missing, unexpected and mis-shaped keys (with both shapes) and loads nothing', () => {
    const m = new Module();
    m.registerModule('dense', lin());
    m.registerModule('LayerNorm', new LayerNorm(2));
    const before = Array.from((m.getSubmodule('dense') as Linear).bias!.dataSync());
    tidy(() => {
      const dict = { 'dense.weight': zeros([3, 2]), 'dense.bias': zeros([2]), 'LayerNorm.gamma': zeros([2]), 'LayerNorm.beta': zeros([2]) };
      let err: unknown;
      try {
        m.loadStateDict(dict);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StateDictError);
      const e = err as StateDictError;
      expect(e.missing).toEqual(['LayerNorm.weight', 'LayerNorm.bias']);
      expect(e.unexpected).toEqual(['LayerNorm.gamma', 'LayerNorm.beta']);
      expect(e.mismatched).toEqual([{ key: 'dense.weight', expected: [2, 3], got: [3, 2] }]);
      expect(e.message).toMatch(/missing keys \(2\): LayerNorm\.weight, LayerNorm\.bias/);
      expect(e.message).toMatch(/unexpected keys \(2\): LayerNorm\.gamma, LayerNorm\.beta/);
      expect(e.message).toMatch(/dense\.weight: expected \[2, 3\], got \[3, 2\]/);
    });
    // validation happens first: dense.bias was not loaded either
    expect(Array.from((m.getSubmodule('dense') as Linear).bias!.dataSync())).toEqual(before);
    m.dispose();
  });

  it('non-strict loading reports missing and unexpected keys; shape mismatches still throw', () => {
    const m = lin();
    tidy(() => {
      expect(m.loadStateDict({ weight: zeros([2, 3]), 'classifier.weight': zeros([1]) }, { strict: false })).toEqual({ missing: ['bias'], unexpected: ['classifier.weight'] });
      expect(Array.from(m.weight.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
      expect(() => m.loadStateDict({ weight: zeros([3, 3]) }, { strict: false })).toThrow(StateDictError);
    });
    m.dispose();
  });

  it('round-trips between two modules of the same architecture', () => {
    const a = new Model();
    const b = new Model();
    b.loadStateDict(a.stateDict());
    const sa = a.stateDict();
    for (const [k, t] of Object.entries(b.stateDict())) expect(Array.from(t.dataSync())).toEqual(Array.from(sa[k]!.dataSync()));
    a.dispose();
    // b shares storage with a's former values, which survive a's disposal (reference counted)
    expect(Array.from(b.encoder.layer.at(0).outputDense.bias!.dataSync())).toHaveLength(4);
    b.dispose();
  });
});

describe('freeze, train/eval, dispose', () => {
  it('frozen parameters get no gradient and cost no gradient kernels', () => {
    const m = new Linear(4, 3, { generator: gen() });
    m.freeze((name) => name === 'weight');
    expect(m.weight.requiresGrad).toBe(false);
    expect(m.bias!.requiresGrad).toBe(true);
    const x = tensor(wave(8), [2, 4]);
    const kernels = countKernels(() => tidy(() => mean(square(m.forward(x))).backward()));
    expect(m.weight.grad).toBeNull();
    expect(m.bias!.grad).not.toBeNull();
    // forward matmul only: neither dW nor dX is computed
    expect(kernels.get('matmul')).toBe(1);
    m.zeroGrad();
    m.freeze();
    expect(m.numParameters({ trainableOnly: true })).toBe(0);
    m.unfreeze();
    expect(m.numParameters({ trainableOnly: true })).toBe(15);
    x.dispose();
    m.dispose();
  });

  it('train() / eval() propagate through the tree', () => {
    const m = new Module();
    const d = m.registerModule('block', new Module()).registerModule('dropout', new Dropout(0.1));
    expect(d.training).toBe(true);
    expect(m.eval()).toBe(m);
    expect(d.training).toBe(false);
    m.train();
    expect(d.training).toBe(true);
  });

  it('dispose releases every parameter', () => {
    const before = cpu.memory();
    const m = new Model();
    expect(cpu.memory().allocations).toBeGreaterThan(before.allocations);
    m.dispose();
    expect(cpu.memory()).toEqual(before);
  });
});
