import { cpuBackend } from '@webpeft/backend-cpu';
import { Linear, Module, mseLoss } from '@webpeft/nn';
import { AdamW } from '@webpeft/optim';
import { Generator, type Tensor, countKernels, fromArray, keep, matmul, setBackend, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { input, values } from '../_test-models.ts';
import type { AdaptedLinear } from '../adapted-linear.ts';
import { injectAdapter } from '../adapter-model.ts';
import { adapterParameters, matchRank } from '../budget.ts';
import type { LoraBranch } from '../lora/layer.ts';
import { trainableReport } from '../report.ts';

setBackend(cpuBackend());

class OneLayer extends Module {
  readonly proj: Linear;
  constructor(d: number, seed = 1) {
    super();
    this.proj = this.registerModule('proj', new Linear(d, d, { generator: new Generator(seed) }));
  }
  forward(x: Tensor): Tensor {
    return this.proj.forward(x);
  }
}

/** Mean squared residual of regressing R = x·shiftᵀ on H = x·Aᵀ (host f64, normal equations). */
function leastSquaresFloor(x: number[], a: number[], shift: Float64Array, n: number, d: number, r: number): number {
  const h = new Float64Array(n * r);
  const res = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < r; k++) for (let j = 0; j < d; j++) h[i * r + k] = h[i * r + k]! + x[i * d + j]! * a[k * d + j]!;
    for (let o = 0; o < d; o++) for (let j = 0; j < d; j++) res[i * d + o] = res[i * d + o]! + x[i * d + j]! * shift[o * d + j]!;
  }
  // G·C = HᵀR, G = HᵀH (r × r), solved by Gauss-Jordan
  const g = Array.from({ length: r }, (_, p) => Array.from({ length: r + d }, (_, q) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += h[i * r + p]! * (q < r ? h[i * r + q]! : res[i * d + q - r]!);
    return s;
  }));
  for (let p = 0; p < r; p++) {
    const piv = g[p]![p]!;
    for (let q = 0; q < r + d; q++) g[p]![q]! /= piv;
    for (let o = 0; o < r; o++) if (o !== p) { const f = g[o]![p]!; for (let q = 0; q < r + d; q++) g[o]![q]! -= f * g[p]![q]!; }
  }
  let sse = 0;
  for (let i = 0; i < n; i++) for (let o = 0; o < d; o++) {
    let fit = 0;
    for (let k = 0; k < r; k++) fit += h[i * r + k]! * g[k]![r + o]!;
    sse += (res[i * d + o]! - fit) ** 2;
  }
  return sse / (n * d);
}

const branch = (m: { proj: unknown }) => (m.proj as AdaptedLinear).branch('default') as LoraBranch;

describe('b-only (B̂0A_rand)', () => {
  it('A is frozen random orthonormal, B trained from zero', async () => {
    const m = new OneLayer(16);
    await injectAdapter(m, { method: 'b-only', r: 4, targetModules: ['proj'] });
    const b = branch(m);
    expect(b.loraA.requiresGrad).toBe(false);
    expect(b.loraB.requiresGrad).toBe(true);
    expect(values(b.loraB).every((v) => v === 0)).toBe(true);
    const a = values(b.loraA);
    for (let p = 0; p < 4; p++) for (let q = 0; q < 4; q++) {
      let d = 0;
      for (let k = 0; k < 16; k++) d += a[p * 16 + k]! * a[q * 16 + k]!;
      expect(d).toBeCloseTo(p === q ? 1 : 0, 5);
    }
    // the base model is frozen
    expect(m.proj.forward).toBeDefined();
    expect((m.proj as AdaptedLinear).base.weight.requiresGrad).toBe(false);
    expect((m.proj as AdaptedLinear).base.bias!.requiresGrad).toBe(false);
  });

  it('at rank 16 trains as many parameters as LoRA at rank 8 when d_in = d_out', async () => {
    const lora = new OneLayer(32);
    const bOnly = new OneLayer(32);
    await injectAdapter(lora, { method: 'lora', r: 8, targetModules: ['proj'] });
    await injectAdapter(bOnly, { method: 'b-only', r: 16, targetModules: ['proj'] });
    const t1 = trainableReport(lora).trainable;
    const t2 = trainableReport(bOnly).trainable;
    expect(t1).toBe(8 * (32 + 32));
    expect(t2).toBe(t1);
    expect(adapterParameters([{ dIn: 32, dOut: 32 }], 16, 'B')).toBe(t2);
    expect(matchRank([{ dIn: 32, dOut: 32 }], 8, 'B').byParameters).toBe(16);
  });

  it('frozen A: no gradient and no gradient kernel launches (counted), the forward is unchanged', async () => {
    const x = input([5, 12]);
    const target = input([5, 12], 2);
    const run = async (method: string) => {
      const m = new OneLayer(12);
      await injectAdapter(m, { method, r: 4, targetModules: ['proj'], seed: 3 });
      const b = branch(m);
      let loss!: Tensor;
      const forward = countKernels(() => void (loss = keep(mseLoss(m.forward(x), target))));
      const backward = countKernels(() => loss.backward());
      return { b, forward, backward };
    };
    const lo = await run('lora');
    const bo = await run('b-only');
    expect(bo.forward).toEqual(lo.forward); // same forward work
    expect(bo.b.loraA.grad).toBeNull();
    expect(bo.b.loraB.grad).not.toBeNull();
    expect(lo.b.loraA.grad).not.toBeNull();
    // LoRA backward: dB = dZᵀ·H, dH = dZ·B, dA = dPᵀ·x (3 matmuls) + the mul by s; B-only: dB only
    expect(lo.backward.get('matmul')).toBe(3);
    expect(bo.backward.get('matmul')).toBe(1);
    const total = (k: Map<string, number>) => [...k.values()].reduce((a, b) => a + b, 0);
    expect(total(bo.backward)).toBeLessThan(total(lo.backward));
  });

  it('frozen A gets no optimizer state (AdamW state dict)', async () => {
    const m = new OneLayer(12);
    await injectAdapter(m, { method: 'b-only', r: 4, targetModules: ['proj'] });
    const b = branch(m);
    const opt = new AdamW([...m.parameters()], { lr: 1e-2 });
    tidy(() => mseLoss(m.forward(input([5, 12])), input([5, 12], 1)).backward());
    opt.step();
    expect(opt.stateOf(b.loraA)).toBeUndefined();
    expect(opt.stateOf(b.loraB)).toBeDefined();
    const state = opt.stateDict();
    const index = (t: Tensor) => opt.params.indexOf(t);
    expect(Object.keys(state.state).map(Number)).toEqual([index(b.loraB)]); // only B (W0, bias frozen too)
    expect(state.state[index(b.loraB)]!['exp_avg']!.shape).toEqual([12, 4]);
  });

  it('a B-only training run converges on a synthetic regression (y = (W0 + ΔW)x, ΔW rank 2)', async () => {
    const d = 16;
    const m = new OneLayer(d, 5);
    const g = new Generator(11);
    // target: W0 + u·vᵀ low-rank shift
    const u = g.normal(d * 2);
    const v = g.normal(2 * d);
    const w0 = values(m.proj.weight);
    const shift = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < 2; k++) shift[i * d + j] = shift[i * d + j]! + (0.3 * u[i * 2 + k]! * v[k * d + j]!) / Math.sqrt(d);
    const wTarget = fromArray(w0.map((w, i) => w + shift[i]!), [d, d]);
    const x = keep(fromArray(g.normal(64 * d), [64, d]));
    const y = keep(matmul(x, wTarget, { transB: true }));
    const yTarget = keep(fromArray(values(y).map((v2, i) => v2 + values(m.proj.bias!)[i % d]!), [64, d]));
    await injectAdapter(m, { method: 'b-only', r: 8, targetModules: ['proj'], seed: 1 });
    const opt = new AdamW([...m.parameters()], { lr: 0.05, weightDecay: 0 });
    const losses: number[] = [];
    for (let step = 0; step < 150; step++) {
      const l = tidy(() => {
        const loss = mseLoss(m.forward(x), yTarget);
        loss.backward();
        return loss.dataSync()[0]!;
      });
      opt.step();
      opt.zeroGrad();
      losses.push(l);
    }
    // Lemma 4.1: with A = Q frozen, the best B solves least squares of the residual on H = x·Qᵀ;
    // a random 8-dim row space cannot hold the shift exactly, so that optimum is the floor
    const floor = leastSquaresFloor(values(x), values(branch(m).loraA), shift, 64, d, 8);
    expect(losses[0]!).toBeGreaterThan(2 * floor);
    expect(losses.at(-1)!).toBeLessThan(1.01 * floor);
    expect(losses.at(-1)!).toBeLessThan(losses.at(-20)! + 1e-6);
  });
});
