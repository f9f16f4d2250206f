import { cpuBackend } from '@webpeft/backend-cpu';
import { mseLoss } from '@webpeft/nn';
import { AdamW } from '@webpeft/optim';
import { add, fromArray, matmul, mul, setBackend, tidy } from '@webpeft/tensor';
import { loadSafetensors } from '@webpeft/safetensors';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, input, maxAbsDiff, values } from '../_test-models.ts';
import type { AdaptedLinear } from '../adapted-linear.ts';
import { injectAdapter } from '../adapter-model.ts';
import { deserializeAdapter, serializeAdapter } from '../peft-io.ts';
import { AdaLoraController } from './allocator.ts';
import type { AdaLoraBranch } from './layer.ts';

setBackend(cpuBackend());

const branch = (l: unknown) => (l as AdaptedLinear).branch('default') as AdaLoraBranch;
const schedule = { method: 'adalora', initR: 6, targetR: 2, totalStep: 14, tinit: 2, tfinal: 3, deltaT: 1, targetModules: ['q_proj', 'v_proj', 'fc1'] };

async function trainAdaLora() {
  const model = new TinyClassifier({ dtype: 'f64' });
  const am = await injectAdapter(model, { ...schedule, seed: 4 });
  const controller = new AdaLoraController(am);
  const opt = new AdamW([...model.parameters()], { lr: 0.02, weightDecay: 0 });
  const x = input([4, 3, 8], 0, { dtype: 'f64' });
  const y = input([4, 3], 5, { dtype: 'f64' });
  const ranks: number[] = [];
  const budgets: number[] = [];
  for (let step = 1; step <= schedule.totalStep; step++) {
    tidy(() => add(mseLoss(model.forward(x), y), controller.orthogonalLoss()).backward());
    opt.step();
    await controller.step(step);
    opt.zeroGrad();
    ranks.push(controller.totalRank());
    budgets.push(controller.allocator.budgetSchedule(step).budget);
  }
  return { model, am, controller, ranks, budgets, x };
}

describe('adalora', () => {
  it('SVD-form layer: y = W0x + b + (α/(r+1e-5))·(x·(A⊙E)ᵀ)·Bᵀ; A, B ~ N(0, 0.02²), E = 0', async () => {
    const model = new TinyClassifier({ dtype: 'f64' });
    await injectAdapter(model, { ...schedule, alpha: 4 });
    const q = model.attn.q as AdaptedLinear;
    const b = branch(q);
    expect([b.loraA.shape, b.loraB.shape, b.loraE.shape]).toEqual([[6, 8], [8, 6], [6, 1]]);
    expect(values(b.loraE).every((v) => v === 0)).toBe(true);
    expect(b.scaling).toBeCloseTo(4 / (6 + 1e-5), 14);
    b.loraE.assign(fromArray([1, -2, 0.5, 3, 0, 1], [6, 1], { dtype: 'f64' }));
    const x = input([3, 8], 0, { dtype: 'f64' });
    const manual = add(q.base.forward(x), mul(matmul(matmul(x, mul(b.loraA, b.loraE), { transB: true }), b.loraB, { transB: true }), b.scaling));
    expect(maxAbsDiff(q.forward(x), manual)).toBeLessThan(1e-13);
  });

  it('the budget schedule is PEFT\'s cubic one: init budget until tinit, the target after total − tfinal', async () => {
    const model = new TinyClassifier();
    const am = await injectAdapter(model, schedule);
    const alloc = new AdaLoraController(am).allocator;
    expect([alloc.initBudget, alloc.targetBudget]).toEqual([18, 6]);
    const b = (s: number) => alloc.budgetSchedule(s);
    expect(b(2)).toEqual({ budget: 18, maskInd: false });
    // step 5: coeff = 1 − (5 − 2)/(14 − 3 − 2) = 2/3 → int(12·(2/3)³ + 6) = 9
    expect(b(5)).toEqual({ budget: 9, maskInd: true });
    expect(b(12)).toEqual({ budget: 6, maskInd: true });
    for (let s = 3; s <= 11; s++) expect(b(s).budget).toBeLessThanOrEqual(b(s - 1).budget);
  });

  it('training reduces the total rank as scheduled, and masked singular values stop contributing', async () => {
    const { model, controller, ranks, budgets, x } = await trainAdaLora();
    expect(ranks.slice(0, 2)).toEqual([18, 18]); // up to tinit: nothing pruned
    for (let i = 2; i < ranks.length; i++) {
      expect(ranks[i]).toBeLessThanOrEqual(ranks[i - 1]!);
      expect(ranks[i]).toBe(budgets[i]); // each allocation meets its budget exactly (no ties)
    }
    expect(ranks.at(-1)).toBe(6); // target_r · layers
    const pattern = controller.rankPattern!;
    expect(Object.keys(pattern).sort()).toEqual(['attn.q_proj.lora_E', 'attn.v_proj.lora_E', 'mlp.fc1.lora_E']);
    // a pruned triplet has Λ_i = 0: changing its P and Q columns/rows changes nothing
    const out = values(model.forward(x));
    for (const layer of [model.attn.q, model.attn.v, model.mlp.fc1]) {
      const b = branch(layer);
      const keep = pattern[`${b.path}.lora_E`]!;
      const eVals = values(b.loraE);
      keep.forEach((k, i) => expect(Math.abs(eVals[i]!) !== 0).toBe(k));
      const a = values(b.loraA).map((v, i) => (keep[Math.floor(i / b.loraA.shape[1]!)] ? v : v + 5));
      const bb = values(b.loraB).map((v, i) => (keep[i % b.rank] ? v : v - 5));
      b.loraA.assign(fromArray(a, b.loraA.shape, { dtype: 'f64' }));
      b.loraB.assign(fromArray(bb, b.loraB.shape, { dtype: 'f64' }));
    }
    expect(maxAbsDiff(values(model.forward(x)), out)).toBeLessThan(1e-12);
  });

  it('orthogonality regulariser: weight · mean of ‖AAᵀ − I‖_F and ‖BᵀB − I‖_F', async () => {
    const model = new TinyClassifier({ dtype: 'f64' });
    const am = await injectAdapter(model, { ...schedule, targetModules: ['q_proj'], orthRegWeight: 0.3 });
    const b = branch(model.attn.q);
    const fro = (v: number[], n: number) => Math.sqrt(v.reduce((s, x, i) => s + (x - (i % (n + 1) === 0 ? 1 : 0)) ** 2, 0));
    const aat = values(matmul(b.loraA, b.loraA, { transB: true }));
    const btb = values(matmul(b.loraB, b.loraB, { transA: true }));
    const loss = new AdaLoraController(am).orthogonalLoss();
    expect(loss.dataSync()[0]).toBeCloseTo((0.3 * (fro(aat, 6) + fro(btb, 6))) / 2, 12);
    loss.backward();
    expect(b.loraA.grad).not.toBeNull();
    expect(b.loraB.grad).not.toBeNull();
  });

  it('saves the pruned ranks away with rank_pattern (as PEFT) and loads them back', async () => {
    const { model, am, controller, x } = await trainAdaLora();
    const saved = await serializeAdapter(am);
    const file = loadSafetensors(saved.weights);
    const kept = controller.rankPattern!['attn.q_proj.lora_E']!.filter(Boolean).length;
    expect(file.get('base_model.model.attn.q_proj.lora_A')!.shape).toEqual([kept, 8]);
    expect(file.get('base_model.model.attn.q_proj.lora_B')!.shape).toEqual([8, kept]);
    expect(file.get('base_model.model.attn.q_proj.lora_E')!.shape).toEqual([kept, 1]);
    expect([...file.keys()].some((k) => k.includes('ranknum'))).toBe(false);
    expect(saved.config).toMatchObject({ peft_type: 'ADALORA', init_r: 6, target_r: 2, tinit: 2, tfinal: 3, deltaT: 1, total_step: 14, beta1: 0.85, beta2: 0.85, orth_reg_weight: 0.5, rank_pattern: controller.rankPattern });
    const fresh = new TinyClassifier({ dtype: 'f64' });
    await deserializeAdapter(fresh, { config: saved.configJson, weights: saved.weights });
    expect(branch(fresh.attn.q).rank).toBe(kept);
    expect(maxAbsDiff(values(fresh.forward(x)), values(model.forward(x)))).toBeLessThan(1e-12);
  });

  it('validates the schedule like PEFT', async () => {
    const m = new TinyClassifier();
    await expect(injectAdapter(m, { ...schedule, totalStep: undefined })).rejects.toThrow(/totalStep is required/);
    await expect(injectAdapter(m, { ...schedule, tinit: 8, tfinal: 6 })).rejects.toThrow(/no budgeting phase/);
    await expect(injectAdapter(m, { ...schedule, targetR: 9 })).rejects.toThrow(/targetR \(9\) exceeds initR \(6\)/);
    await expect(injectAdapter(m, { ...schedule, beta1: 1 })).rejects.toThrow(/beta1 must be < 1/);
  });
});
