// Parameter groups and LoRA+.
import { cpuBackend } from '@webpeft/backend-cpu';
import { type Tensor, keep, setBackend, zeros } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.ts';
import { OptimizerError } from './errors.ts';
import { loraPlusGroups } from './groups.ts';

setBackend(cpuBackend());

function trainable(shape: number[], requiresGrad = true): Tensor {
  const t = keep(zeros(shape));
  t.requiresGrad = requiresGrad;
  return t;
}

describe('loraPlusGroups', () => {
  it('gives B factors lr·ratio and everything else lr; frozen parameters are left out', () => {
    const named: [string, Tensor][] = [
      ['layers.0.q_proj.lora_A', trainable([4, 8])],
      ['layers.0.q_proj.lora_B', trainable([8, 4])],
      ['layers.0.v_proj.lora_B.weight', trainable([8, 4])],
      ['layers.1.adapter.A', trainable([4, 8])],
      ['layers.1.adapter.B', trainable([8, 4])],
      ['layers.0.q_proj.weight', trainable([8, 8], false)],
      ['head.bias', trainable([8])],
    ];
    const groups = loraPlusGroups(named, { lr: 2e-4, ratio: 16, weightDecay: 0 });
    expect(groups.map((g) => ({ name: g.name, lr: g.lr, weightDecay: g.weightDecay, n: g.params.length }))).toEqual([
      { name: 'lora_B', lr: 2e-4 * 16, weightDecay: 0, n: 3 },
      { name: 'rest', lr: 2e-4, weightDecay: 0, n: 3 },
    ]);
    expect(groups[0]!.params).toEqual([named[1]![1], named[2]![1], named[4]![1]]);
    const opt = new AdamW(groups);
    expect(opt.lrs).toEqual([3.2e-3, 2e-4]);
    expect(opt.groups.map((g) => g.name)).toEqual(['lora_B', 'rest']);
    const fromRecord = loraPlusGroups(Object.fromEntries(named), { lr: 1, ratio: 4 });
    expect(fromRecord.map((g) => [g.name, g.lr, 'weightDecay' in g])).toEqual([
      ['lora_B', 4, false],
      ['rest', 1, false],
    ]);
    expect(loraPlusGroups(new Map(named.slice(0, 1)), { lr: 1, ratio: 4 }).map((g) => g.name)).toEqual(['rest']);
    opt.dispose();
    for (const [, t] of named) t.dispose();
  });

  it('rejects a non-positive ratio and an all-frozen model', () => {
    const frozen = trainable([2], false);
    expect(() => loraPlusGroups([['x.lora_B', frozen]], { lr: 1, ratio: 0 })).toThrow(/ratio \(η_B \/ η_A\) must be a positive number, got 0/);
    expect(() => loraPlusGroups([['x.lora_B', frozen]], { lr: 1, ratio: 16 })).toThrow(OptimizerError);
    frozen.dispose();
  });
});

describe('parameter groups', () => {
  it('each group resolves its own hyperparameters over the defaults', () => {
    const [a, b] = [trainable([2]), trainable([3])];
    const opt = new AdamW([{ params: [a], lr: 0.1, betas: [0.5, 0.9] }, { params: [b], name: 'b' }], { lr: 0.01, weightDecay: 0 });
    expect(opt.groups.map((g) => [g.name, g.lr, g.betas, g.weightDecay])).toEqual([
      [undefined, 0.1, [0.5, 0.9], 0],
      ['b', 0.01, [0.9, 0.999], 0],
    ]);
    expect(opt.params).toEqual([a, b]);
    opt.dispose();
    a.dispose();
    b.dispose();
  });
});
