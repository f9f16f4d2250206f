import { cpuBackend } from '@webpeft/backend-cpu';
import { mseLoss } from '@webpeft/nn';
import { setBackend, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TwoLayerMLP, input, values } from '../_test-models.ts';
import type { AdaptedLinear } from '../adapted-linear.ts';
import { injectAdapter } from '../adapter-model.ts';
import type { LoraBranch } from '../lora/layer.ts';
import { trainableReport } from '../report.ts';

setBackend(cpuBackend());

describe('a-only (B_randÂ0)', () => {
  it('B is frozen random orthonormal (columns), A trained from zero; only A gets a gradient', async () => {
    const m = new TwoLayerMLP(10, 12, 6);
    await injectAdapter(m, { method: 'a-only', r: 3, targetModules: ['fc1'] });
    const b = (m.fc1 as AdaptedLinear).branch('default') as LoraBranch;
    expect([b.loraA.requiresGrad, b.loraB.requiresGrad]).toEqual([true, false]);
    expect(values(b.loraA).every((v) => v === 0)).toBe(true);
    const bv = values(b.loraB);
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) {
      let dot = 0;
      for (let i = 0; i < 12; i++) dot += bv[i * 3 + p]! * bv[i * 3 + q]!;
      expect(dot).toBeCloseTo(p === q ? 1 : 0, 5);
    }
    tidy(() => mseLoss(m.forward(input([4, 10])), input([4, 6], 1)).backward());
    expect(b.loraA.grad).not.toBeNull();
    expect(b.loraB.grad).toBeNull();
    // r·d_in trainable per layer
    expect(trainableReport(m).trainable).toBe(3 * 10);
  });
});
