// SGD beyond the fixtures: closed forms for momentum and Nesterov, and which parameters get state.
import { cpuBackend } from '@webpeft/backend-cpu';
import { keep, setBackend, tensor } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { SGD } from './sgd.ts';

setBackend(cpuBackend());

function param(values: number[], requiresGrad = true) {
  return keep(tensor(values, [values.length], { dtype: 'f64', requiresGrad }));
}

function stepWith(opt: SGD, p: ReturnType<typeof param>, grad: number[]): number[] {
  p.grad = keep(tensor(grad, [grad.length], { dtype: 'f64' }));
  opt.step();
  opt.zeroGrad();
  return Array.from(p.dataSync());
}

describe('SGD', () => {
  it('plain SGD keeps no buffers', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.5 });
    expect(stepWith(opt, p, [1, -2])).toEqual([0.5, 3]);
    expect(opt.stateOf(p)).toEqual({});
    opt.dispose();
    p.dispose();
  });

  it('momentum: the first buffer is the gradient itself (no dampening), then μ·b + (1 − τ)·g', () => {
    const p = param([0]);
    const opt = new SGD([p], { lr: 1, momentum: 0.5, dampening: 0.5 });
    expect(stepWith(opt, p, [2])).toEqual([-2]); // b = 2
    expect(stepWith(opt, p, [2])).toEqual([-4]); // b = 0.5·2 + 0.5·2 = 2
    expect(stepWith(opt, p, [4])).toEqual([-7]); // b = 0.5·2 + 0.5·4 = 3
    opt.dispose();
    p.dispose();
  });

  it('Nesterov: θ ← θ − lr·(g + μ·b), with L2 weight decay folded into g first', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.5 });
    // d = 2 + 0.5·1 = 2.5, b = 2.5, step = 2.5 + 0.9·2.5 = 4.75
    expect(stepWith(opt, p, [2])[0]).toBeCloseTo(1 - 0.475, 15);
    opt.dispose();
    p.dispose();
  });

  it('the momentum buffer survives zeroGrad even though it starts as the gradient', () => {
    const p = param([0, 0]);
    const opt = new SGD([p], { lr: 1, momentum: 0.9 });
    stepWith(opt, p, [1, 2]);
    expect(Array.from(opt.stateOf(p)!.momentum_buffer!.dataSync())).toEqual([1, 2]);
    opt.dispose();
    p.dispose();
  });

  it('frozen parameters get no state', () => {
    const frozen = param([1], false);
    const trained = param([1]);
    const opt = new SGD([frozen, trained], { lr: 0.1, momentum: 0.9 });
    frozen.grad = keep(tensor([1], [1], { dtype: 'f64' })); // even with a stale gradient
    stepWith(opt, trained, [1]);
    expect(opt.stateOf(frozen)).toBeUndefined();
    expect(Object.keys(opt.stateDict().state)).toEqual(['1']);
    expect(Array.from(frozen.dataSync())).toEqual([1]);
    opt.dispose();
    for (const t of [frozen, trained]) t.dispose();
  });
});
