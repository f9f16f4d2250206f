import { cpuBackend } from '@webpeft/backend-cpu';
import { mseLoss } from '@webpeft/nn';
import { AdamW } from '@webpeft/optim';
import { loadSafetensors } from '@webpeft/safetensors';
import { setBackend, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TwoLayerMLP, input, maxAbsDiff, values } from '../_test-models.ts';
import { injectAdapter } from '../adapter-model.ts';
import { deserializeAdapter, serializeAdapter } from '../peft-io.ts';
import { trainableReport } from '../report.ts';

setBackend(cpuBackend());

describe('full fine-tuning (FT)', () => {
  it('every parameter trains; the base values stay available; saves every tensor', async () => {
    const model = new TwoLayerMLP(6, 5, 4);
    const x = input([4, 6]);
    const base = values(model.forward(x));
    const am = await injectAdapter(model, { method: 'full' });
    const r = trainableReport(model);
    expect(r.trainable).toBe(r.all);
    expect(r.line).toMatch(/trainable%: 100\.0000$/);
    const opt = new AdamW([...model.parameters()], { lr: 0.05 });
    for (let i = 0; i < 3; i++) {
      tidy(() => mseLoss(model.forward(x), input([4, 4], 1)).backward());
      opt.step();
      opt.zeroGrad();
    }
    const tuned = values(model.forward(x));
    expect(maxAbsDiff(tuned, base)).toBeGreaterThan(1e-3);
    expect(am.withAdaptersDisabled(() => values(model.forward(x)))).toEqual(base);
    const saved = await serializeAdapter(am);
    expect([...loadSafetensors(saved.weights).keys()].sort()).toEqual(['base_model.model.fc1.bias', 'base_model.model.fc1.weight', 'base_model.model.fc2.bias', 'base_model.model.fc2.weight']);
    const fresh = new TwoLayerMLP(6, 5, 4);
    await deserializeAdapter(fresh, { config: saved.configJson, weights: saved.weights });
    expect(values(fresh.forward(x))).toEqual(tuned);
    await expect(injectAdapter(new TwoLayerMLP(6, 5, 4), { method: 'full', targetModules: ['fc1'] })).rejects.toThrow(/conflicting options/);
  });
});
