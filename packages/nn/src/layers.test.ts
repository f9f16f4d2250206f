import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator, fromArray, mean, setBackend, square, sum, tensor, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { wave } from './_test-utils.ts';
import { Dropout, Embedding, GatedMLP, LayerNorm, Linear, MLP, RMSNorm, activation, fans, kaimingUniform, type ActivationName } from './mod.ts';

setBackend(cpuBackend());

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('initialisation (as torch.nn)', () => {
  it('Linear: kaiming-uniform(a = √5) weight and U(±1/√fan_in) bias, reproducible from a seed', () => {
    const [out, inp] = [64, 256];
    const a = new Linear(inp, out, { generator: new Generator(1) });
    const b = new Linear(inp, out, { generator: new Generator(1) });
    const w = values(a.weight);
    expect(w).toEqual(values(b.weight));
    const bound = 1 / Math.sqrt(inp);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeGreaterThan(0.95 * (bound * bound) / 3);
    expect(variance).toBeLessThan(1.05 * (bound * bound) / 3);
    expect(Math.max(...values(a.bias!).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(a.weight.shape).toEqual([out, inp]);
    const c = new Linear(inp, out, { generator: new Generator(2) });
    expect(values(c.weight)).not.toEqual(w);
    for (const m of [a, b, c]) m.dispose();
  });

  it('kaimingUniform follows the leaky-ReLU gain; fans read [out, in, ...kernel]', () => {
    expect(fans([8, 3, 2, 2])).toEqual({ fanIn: 12, fanOut: 32 });
    expect(() => fans([4])).toThrow(/rank ≥ 2/);
    const w = kaimingUniform([200, 50], { a: 0, generator: new Generator(3) });
    const bound = Math.sqrt(6 / 50);
    const v = values(w);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    w.dispose();
  });

  it('norms start at weight 1, bias 0; Embedding at N(0, 1) with the padding row zeroed', () => {
    const ln = new LayerNorm(3);
    expect(values(ln.weight!)).toEqual([1, 1, 1]);
    expect(values(ln.bias!)).toEqual([0, 0, 0]);
    expect([...new LayerNorm(3, { elementwiseAffine: false }).namedParameters()]).toEqual([]);
    expect([...new LayerNorm(3, { bias: false }).namedParameters()].map(([n]) => n)).toEqual(['weight']);
    expect(values(new RMSNorm(2).weight)).toEqual([1, 1]);
    const e = new Embedding(5, 3, { paddingIdx: -1, generator: new Generator(4) });
    expect(e.paddingIdx).toBe(4);
    const w = values(e.weight);
    expect(w.slice(12)).toEqual([0, 0, 0]);
    expect(w.slice(0, 12).every((v) => v !== 0)).toBe(true);
    expect(() => new Embedding(5, 3, { paddingIdx: 5 })).toThrow(/out of range/);
    for (const m of [ln, e]) m.dispose();
  });
});

describe('layers', () => {
  it('Linear maps any leading shape, including rank 1, and checks the input width', () => {
    const m = new Linear(5, 3, { generator: new Generator(5) });
    tidy(() => {
      expect(m.forward(tensor(wave(5))).shape).toEqual([3]);
      expect(m.forward(tensor(wave(2 * 3 * 4 * 5), [2, 3, 4, 5])).shape).toEqual([2, 3, 4, 3]);
      expect(() => m.forward(tensor(wave(4), [1, 4]))).toThrow(/input \[1, 4\] must end in 5/);
    });
    const nb = new Linear(5, 3, { bias: false });
    expect([...nb.namedParameters()].map(([n]) => n)).toEqual(['weight']);
    for (const l of [m, nb]) l.dispose();
  });

  it('Embedding looks up rows; the padding row gets a zero gradient; a frozen table gets none', () => {
    const e = new Embedding(4, 2, { paddingIdx: 0, generator: new Generator(6) });
    tidy(() => {
      const ids = tensor([[0, 2], [2, 3]], undefined, { dtype: 'i32' });
      const y = e.forward(ids);
      expect(y.shape).toEqual([2, 2, 2]);
      const w = values(e.weight);
      expect(values(y)).toEqual([...w.slice(0, 2), ...w.slice(4, 6), ...w.slice(4, 6), ...w.slice(6, 8)]);
      sum(y).backward();
      expect(values(e.weight.grad!)).toEqual([0, 0, 0, 0, 2, 2, 1, 1]);
      expect(() => e.forward(tensor([1, 2]))).toThrow(/ids must be i32/);
    });
    e.zeroGrad();
    e.freeze();
    tidy(() => {
      const ids = tensor([1, 2], undefined, { dtype: 'i32' });
      expect(e.forward(ids).requiresGrad).toBe(false);
    });
    e.dispose();
  });

  it('MLP and GatedMLP use HF activation names and child names', () => {
    for (const name of ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu', 'silu', 'swish', 'tanh', 'sigmoid'] as const) expect(typeof activation(name)).toBe('function');
    expect(() => activation('mish' as ActivationName)).toThrow(/unknown activation 'mish'/);
    const mlp = new MLP({ hidden: 4, intermediate: 8, activation: 'gelu_new', names: { fc1: 'c_fc', fc2: 'c_proj' } });
    expect(Object.keys(mlp.stateDict())).toEqual(['c_fc.weight', 'c_fc.bias', 'c_proj.weight', 'c_proj.bias']);
    const gated = new GatedMLP({ hidden: 4, intermediate: 6 });
    expect(Object.keys(gated.stateDict())).toEqual(['gate_proj.weight', 'up_proj.weight', 'down_proj.weight']);
    tidy(() => {
      const x = tensor(wave(2 * 4), [2, 4]);
      expect(mlp.forward(x).shape).toEqual([2, 4]);
      expect(gated.forward(x).shape).toEqual([2, 4]);
    });
    for (const m of [mlp, gated]) m.dispose();
  });

  it('Dropout is the identity in eval mode and a seeded inverted dropout in training', () => {
    const d = new Dropout(0.25, { generator: new Generator(7) });
    tidy(() => {
      const x = fromArray(new Array(4000).fill(1), [40, 100]);
      const y = values(d.forward(x));
      const kept = y.filter((v) => v !== 0);
      expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
      expect(kept.length / y.length).toBeGreaterThan(0.72);
      expect(kept.length / y.length).toBeLessThan(0.78);
      // the stream moves on: the next mask differs; a fresh generator with the same seed repeats it
      expect(values(d.forward(x))).not.toEqual(y);
      expect(values(new Dropout(0.25, { generator: new Generator(7) }).forward(x))).toEqual(y);
      d.eval();
      expect(d.forward(x)).toBe(x);
      expect(mean(square(d.forward(x))).dataSync()[0]).toBe(1);
    });
    expect(() => new Dropout(1)).toThrow(/\[0, 1\)/);
  });
});
