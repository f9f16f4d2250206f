// AdamW beyond the fixtures: closed-form first step, state layout, frozen parameters.
import { cpuBackend } from '@webpeft/backend-cpu';
import { keep, setBackend, tensor } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.ts';

setBackend(cpuBackend());

function param(values: number[], requiresGrad = true) {
  return keep(tensor(values, [values.length], { dtype: 'f64', requiresGrad }));
}

describe('AdamW', () => {
  it('first step: decay θ by (1 − lr·λ), then move lr·g/(|g| + ε) against the gradient', () => {
    const p = param([1, -2, 3]);
    p.grad = keep(tensor([0.5, -4, 0], [3], { dtype: 'f64' }));
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
    opt.step();
    // m̂ = g, v̂ = g² after bias correction, so the step is lr·g/(|g| + ε)
    const expected = [1, -2, 3].map((x, i) => {
      const g = [0.5, -4, 0][i]!;
      return x * (1 - 0.1 * 0.5) - (0.1 * g) / (Math.abs(g) + 1e-8);
    });
    Array.from(p.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    opt.dispose();
    p.dispose();
  });

  it('frozen parameters and parameters without a gradient get no state and do not move', () => {
    const frozen = param([1, 2], false);
    const noGrad = param([3, 4]);
    const trained = param([5, 6]);
    trained.grad = keep(tensor([1, 1], [2], { dtype: 'f64' }));
    const opt = new AdamW([frozen, noGrad, trained], { lr: 0.1 });
    opt.step();
    expect(opt.stateOf(frozen)).toBeUndefined();
    expect(opt.stateOf(noGrad)).toBeUndefined();
    expect(Object.keys(opt.stateDict().state)).toEqual(['2']);
    expect(Array.from(frozen.dataSync())).toEqual([1, 2]);
    expect(Array.from(noGrad.dataSync())).toEqual([3, 4]);
    expect(Array.from(trained.dataSync()).every((v, i) => v < [5, 6][i]!)).toBe(true);
    opt.dispose();
    for (const t of [frozen, noGrad, trained]) t.dispose();
  });

  it('amsgrad adds max_exp_avg_sq; turning it on for a checkpoint without one starts the max at zero', () => {
    const p = param([1, 2]);
    p.grad = keep(tensor([1, -1], [2], { dtype: 'f64' }));
    const plain = new AdamW([p]);
    plain.step();
    expect(Object.keys(plain.stateOf(p)!).sort()).toEqual(['exp_avg', 'exp_avg_sq']);
    const ams = new AdamW([p], { amsgrad: true });
    ams.loadStateDict({ ...plain.stateDict(), groups: [{ ...plain.stateDict().groups[0]!, amsgrad: true }] });
    ams.step();
    expect(Object.keys(ams.stateOf(p)!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(ams.stateDict().paramSteps).toEqual({ 0: 2 });
    plain.dispose();
    ams.dispose();
    p.dispose();
  });

  it('state buffers keep their identity across steps (updated with assign)', () => {
    const p = param([1, 2]);
    const opt = new AdamW([p]);
    p.grad = keep(tensor([1, -1], [2], { dtype: 'f64' }));
    opt.step();
    const m = opt.stateOf(p)!.exp_avg!;
    opt.step();
    expect(opt.stateOf(p)!.exp_avg).toBe(m);
    expect(m.isDisposed).toBe(false);
    opt.dispose();
    expect(m.isDisposed).toBe(true);
    p.dispose();
  });
});
