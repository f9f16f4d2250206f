import { cpuBackend } from '@webpeft/backend-cpu';
import { setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TwoLayerMLP, values } from '../_test-models.ts';
import type { AdaptedLinear } from '../adapted-linear.ts';
import { injectAdapter } from '../adapter-model.ts';
import { kaimingBound } from '../factor-init.ts';
import type { LoraBranch } from '../lora/layer.ts';

setBackend(cpuBackend());

describe('lora-fa (B̂0A_km)', () => {
  it('A frozen at its kaiming-uniform init, B trained from zero', async () => {
    const m = new TwoLayerMLP(64, 16, 8);
    await injectAdapter(m, { method: 'lora-fa', r: 4, targetModules: ['fc1'] });
    const b = (m.fc1 as AdaptedLinear).branch('default') as LoraBranch;
    expect([b.loraA.requiresGrad, b.loraB.requiresGrad]).toEqual([false, true]);
    const a = values(b.loraA);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(kaimingBound(64));
    expect(a.some((v) => v !== 0)).toBe(true);
    expect(values(b.loraB).every((v) => v === 0)).toBe(true);
  });

  it('the Table 2 presets train both factors with their inits', async () => {
    const rows = { 'lora-a-rand': ['orthogonal', 'zero'], 'lora-b-rand': ['zero', 'orthogonal'], 'lora-a-svd': ['svd', 'zero'], 'lora-b-svd': ['zero', 'svd'] } as const;
    for (const [method, [a, bInit]] of Object.entries(rows)) {
      const m = new TwoLayerMLP(8, 8, 8);
      const am = await injectAdapter(m, { method, r: 2, targetModules: ['fc1'] });
      const cfg = am.adapter('default').config as unknown as { a: { init: string; trainable: boolean }; b: { init: string; trainable: boolean } };
      expect([cfg.a.init, cfg.b.init]).toEqual([a, bInit]);
      expect([cfg.a.trainable, cfg.b.trainable]).toEqual([true, true]);
      const br = (m.fc1 as AdaptedLinear).branch('default') as LoraBranch;
      expect([br.loraA.requiresGrad, br.loraB.requiresGrad]).toEqual([true, true]);
    }
  });
});
