import { Linear } from '@webpeft/nn';
import { cpuBackend } from '@webpeft/backend-cpu';
import { add, matmul, mul, setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, TwoLayerMLP, input, maxAbsDiff, values } from '../_test-models.ts';
import { AdaptedLinear } from '../adapted-linear.ts';
import { injectAdapter } from '../adapter-model.ts';
import { AdapterConfigError } from '../errors.ts';
import { kaimingBound } from '../factor-init.ts';
import { svd } from '../svd.ts';
import type { LoraOptions } from './config.ts';
import type { LoraBranch } from './layer.ts';

setBackend(cpuBackend());

function branchOf(layer: unknown, name = 'default'): LoraBranch {
  expect(layer).toBeInstanceOf(AdaptedLinear);
  return (layer as AdaptedLinear).branch(name) as LoraBranch;
}

/** Rows·rowsᵀ (or colsᵀ·cols) − I, max |entry|. */
function orthoError(v: number[], rows: number, cols: number, byRows: boolean): number {
  const [n, len] = byRows ? [rows, cols] : [cols, rows];
  const at = (i: number, k: number) => (byRows ? v[i * cols + k]! : v[k * cols + i]!);
  let err = 0;
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let d = 0;
      for (let k = 0; k < len; k++) d += at(p, k) * at(q, k);
      err = Math.max(err, Math.abs(d - (p === q ? 1 : 0)));
    }
  }
  return err;
}

describe('LoRA layer', () => {
  it('forward is W0·x + b + (α/r)·B·A·x with α = 2r by default, A and B used as stored', async () => {
    const model = new TwoLayerMLP(6, 5, 4, { dtype: 'f64' });
    const x = input([3, 6], 0, { dtype: 'f64' });
    const am = await injectAdapter(model, { r: 2, targetModules: ['fc1'], b: { init: 'orthogonal' } });
    const b = branchOf(model.fc1);
    expect(b.scaling).toBe(2); // α = 2r → s = 2 (the paper's setting)
    expect(b.loraA.shape).toEqual([2, 6]);
    expect(b.loraB.shape).toEqual([5, 2]);
    const y = model.fc1.forward(x);
    const base = model.fc1 as AdaptedLinear;
    const manual = add(add(matmul(x, base.weight, { transB: true }), base.bias!), mul(matmul(matmul(x, b.loraA, { transB: true }), b.loraB, { transB: true }), 2));
    expect(maxAbsDiff(y, manual)).toBeLessThan(1e-12);
    // leading axes are kept
    expect(model.fc1.forward(input([2, 3, 6], 1, { dtype: 'f64' })).shape).toEqual([2, 3, 5]);
    expect(am.adapter('default').paths).toEqual(['fc1']);
  });

  it('rsLoRA scales by α/√r; an explicit α overrides 2r', async () => {
    const m1 = new TwoLayerMLP(8, 8, 8);
    const typed: LoraOptions = { r: 4, alpha: 8, rsLora: true, targetModules: ['fc1'] };
    await injectAdapter(m1, typed);
    expect(branchOf(m1.fc1).scaling).toBeCloseTo(4, 12);
    const m2 = new TwoLayerMLP(8, 8, 8);
    await injectAdapter(m2, { r: 4, alpha: 1, targetModules: ['fc1'] });
    expect(branchOf(m2.fc1).scaling).toBe(0.25);
  });

  it('starts as a no-op with B = 0 (classic LoRA) and the base layer is kept as base_layer', async () => {
    const model = new TwoLayerMLP(6, 5, 4);
    const x = input([3, 6]);
    const before = values(model.forward(x));
    await injectAdapter(model, { targetModules: ['fc1', 'fc2'], r: 2 });
    expect(maxAbsDiff(values(model.forward(x)), before)).toBe(0);
    const keys = Object.keys(model.stateDict());
    expect(keys).toContain('fc1.base_layer.weight');
    expect(keys).toContain('fc1.lora_A.default.weight');
    expect(keys).toContain('fc2.lora_B.default.weight');
  });

  it('inits: kaiming-uniform (a = √5) A, gaussian std 1/r, orthogonal rows/columns, svd singular vectors, zero', async () => {
    const model = new TwoLayerMLP(64, 48, 32);
    await injectAdapter(model, { r: 8, targetModules: ['fc1'] });
    const a = values(branchOf(model.fc1).loraA);
    const bound = kaimingBound(64);
    expect(bound).toBeCloseTo(1 / Math.sqrt(64), 14); // PEFT: kaiming_uniform_(A, a=√5) → U(±1/√in)
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound);
    const variance = a.reduce((s, v) => s + v * v, 0) / a.length;
    expect(variance).toBeGreaterThan(0.8 * (bound * bound) / 3);
    expect(values(branchOf(model.fc1).loraB).every((v) => v === 0)).toBe(true);

    const g = new TwoLayerMLP(256, 64, 8);
    await injectAdapter(g, { r: 4, targetModules: ['fc1'], a: { init: 'gaussian' } });
    const ga = values(branchOf(g.fc1).loraA);
    const std = Math.sqrt(ga.reduce((s, v) => s + v * v, 0) / ga.length);
    expect(std).toBeGreaterThan(0.9 / 4);
    expect(std).toBeLessThan(1.1 / 4);

    const o = new TwoLayerMLP(20, 12, 8, { dtype: 'f64' });
    await injectAdapter(o, { r: 5, targetModules: ['fc1'], a: { init: 'orthogonal' }, b: { init: 'orthogonal' }, alpha: 10 });
    expect(orthoError(values(branchOf(o.fc1).loraA), 5, 20, true)).toBeLessThan(1e-12); // A rows orthonormal
    expect(orthoError(values(branchOf(o.fc1).loraB), 12, 5, false)).toBeLessThan(1e-12); // B columns orthonormal

    const s = new TwoLayerMLP(10, 7, 3, { dtype: 'f64' });
    const w0 = values(s.fc1.weight);
    await injectAdapter(s, { method: 'lora-a-svd', r: 3, targetModules: ['fc1'] });
    const ref = svd(w0, 7, 10);
    expect(values(branchOf(s.fc1).loraA)).toEqual(Array.from(ref.vt.subarray(0, 30))); // A = top-3 rows of Vᵀ ("V")
    const s2 = new TwoLayerMLP(10, 7, 3, { dtype: 'f64' });
    await injectAdapter(s2, { method: 'lora-b-svd', r: 3, targetModules: ['fc1'] });
    const bU = values(branchOf(s2.fc1).loraB);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 3; j++) expect(bU[i * 3 + j]).toBe(ref.u[i * 7 + j]); // B = top-3 left vectors ("U")
  });

  it('the same seed gives the same factors; another seed or layer gives others', async () => {
    const make = async (seed: number) => {
      const m = new TwoLayerMLP(8, 8, 8);
      await injectAdapter(m, { method: 'b-only', r: 4, seed, targetModules: ['fc1', 'fc2'] });
      return [values(branchOf(m.fc1).loraA), values(branchOf(m.fc2).loraA)];
    };
    const [a1, a2] = await make(7);
    const [b1] = await make(7);
    const [c1] = await make(8);
    expect(a1).toEqual(b1);
    expect(a1).not.toEqual(c1);
    expect(a1).not.toEqual(a2);
  });

  it('dropout applies to the adapter input in training mode only, reproducibly', async () => {
    const model = new TwoLayerMLP(8, 8, 8);
    await injectAdapter(model, { r: 4, dropout: 0.5, targetModules: ['fc1'], b: { init: 'orthogonal' }, a: { init: 'orthogonal' } });
    const x = input([4, 8]);
    const train1 = values(model.fc1.forward(x));
    const train2 = values(model.fc1.forward(x));
    expect(train1).not.toEqual(train2); // new masks each call
    model.eval();
    const e1 = values(model.fc1.forward(x));
    expect(values(model.fc1.forward(x))).toEqual(e1);
    expect(e1).not.toEqual(train1);
  });
});

describe('LoRA errors (before any weight is touched)', () => {
  const weightsOf = (m: TwoLayerMLP) => values(m.fc1.weight);

  it('r ≤ 0, non-integer r, unknown init, unknown option, unknown method', async () => {
    const m = new TwoLayerMLP(8, 6, 4);
    const w = weightsOf(m);
    await expect(injectAdapter(m, { r: 0, targetModules: ['fc1'] })).rejects.toThrow(/r must be a positive integer, got 0/);
    await expect(injectAdapter(m, { r: -2, targetModules: ['fc1'] })).rejects.toThrow(AdapterConfigError);
    await expect(injectAdapter(m, { r: 2.5, targetModules: ['fc1'] })).rejects.toThrow(/r must be an integer/);
    await expect(injectAdapter(m, { r: 2, targetModules: ['fc1'], a: { init: 'orthogonl' } })).rejects.toThrow(/unknown init "orthogonl".*did you mean 'orthogonal'/);
    await expect(injectAdapter(m, { rank: 2, targetModules: ['fc1'] })).rejects.toThrow(/unknown option 'rank'/);
    await expect(injectAdapter(m, { method: 'b_only', r: 2, targetModules: ['fc1'] })).rejects.toThrow(/unknown adapter method 'b_only'; did you mean 'b-only'\?/);
    expect(m.fc1).toBeInstanceOf(Linear);
    expect(weightsOf(m)).toEqual(w);
  });

  it('r > min(in, out) with orthogonal or svd init names the layer and its shape', async () => {
    const m = new TwoLayerMLP(8, 6, 4);
    await expect(injectAdapter(m, { method: 'b-only', r: 7, targetModules: ['fc1'] })).rejects.toThrow(/r = 7 exceeds min\(in, out\) = 6 of 'fc1' \[6, 8\]/);
    await expect(injectAdapter(m, { method: 'lora-a-svd', r: 5, targetModules: ['fc2'] })).rejects.toThrow(/r = 5 exceeds min\(in, out\) = 4 of 'fc2'/);
    // kaiming/gaussian have no such limit (PEFT allows it)
    await injectAdapter(new TwoLayerMLP(8, 6, 4), { r: 7, targetModules: ['fc1'] });
    expect(m.fc1).toBeInstanceOf(Linear);
  });

  it('conflicting options: both frozen, both zero, a frozen zero factor, preset trainability overridden', async () => {
    const m = new TwoLayerMLP(8, 6, 4);
    await expect(injectAdapter(m, { r: 2, targetModules: ['fc1'], a: { trainable: false }, b: { init: 'orthogonal', trainable: false } })).rejects.toThrow(/both A and B are frozen/);
    await expect(injectAdapter(m, { r: 2, targetModules: ['fc1'], a: { init: 'zero' } })).rejects.toThrow(/both start at zero/);
    await expect(injectAdapter(m, { r: 2, targetModules: ['fc1'], a: { init: 'orthogonal' }, b: { trainable: false } })).rejects.toThrow(/B is frozen at zero/);
    await expect(injectAdapter(m, { method: 'b-only', r: 2, targetModules: ['fc1'], a: { trainable: true } })).rejects.toThrow(/'b-only' freezes A, but a.trainable is true/);
    await expect(injectAdapter(m, { r: 2, targetModules: ['fc1'], dropout: 1 })).rejects.toThrow(/dropout must be < 1/);
    await expect(injectAdapter(m, { r: 2, targetModules: ['fc1'], alpha: 0 })).rejects.toThrow(/alpha must be > 0/);
    expect(m.fc1).toBeInstanceOf(Linear);
  });

  it('the paper\'s classifier setup: q/v adapters plus a trained head', async () => {
    const model = new TinyClassifier();
    const am = await injectAdapter(model, { method: 'b-only', r: 4, targetModules: ['q_proj', 'v_proj'], modulesToSave: ['classifier'] });
    expect(am.adapter('default').paths).toEqual(['attn.q_proj', 'attn.v_proj']);
    expect(model.classifier.weight.requiresGrad).toBe(true);
    expect(model.attn.k.forward).toBeDefined();
    expect(model.forward(input([2, 3, 8])).shape).toEqual([2, 3]);
  });
});
