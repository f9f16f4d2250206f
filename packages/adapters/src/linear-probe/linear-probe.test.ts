import { cpuBackend } from '@webpeft/backend-cpu';
import { mseLoss } from '@webpeft/nn';
import { AdamW } from '@webpeft/optim';
import { loadSafetensors } from '@webpeft/safetensors';
import { setBackend, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, input, values } from '../_test-models.ts';
import { injectAdapter } from '../adapter-model.ts';
import { deserializeAdapter, serializeAdapter } from '../peft-io.ts';
import { trainableReport } from '../report.ts';

setBackend(cpuBackend());

describe('linear-probe (LP)', () => {
  it('only the head trains and is saved; the backbone is untouched', async () => {
    const model = new TinyClassifier();
    const am = await injectAdapter(model, { method: 'linear-probe', modulesToSave: ['classifier'] });
    expect(trainableReport(model).trainable).toBe(3 * 8 + 3);
    expect(am.layers()).toEqual([]);
    const q0 = values(model.stateDict()['attn.q_proj.weight']!);
    const opt = new AdamW([...model.parameters()], { lr: 0.05 });
    const x = input([2, 3, 8]);
    tidy(() => mseLoss(model.forward(x), input([2, 3], 1)).backward());
    opt.step();
    expect(values(model.stateDict()['attn.q_proj.weight']!)).toEqual(q0);
    expect(Object.keys(opt.stateDict().state).length).toBe(2); // head weight and bias only
    const saved = await serializeAdapter(am);
    expect([...loadSafetensors(saved.weights).keys()].sort()).toEqual(['base_model.model.classifier.bias', 'base_model.model.classifier.weight']);
    expect(saved.config).toMatchObject({ peft_type: null, modules_to_save: ['classifier'] });
    const fresh = new TinyClassifier();
    await deserializeAdapter(fresh, { config: saved.configJson, weights: saved.weights });
    expect(values(fresh.forward(x))).toEqual(values(model.forward(x)));
    expect(am.withAdaptersDisabled(() => values(model.classifier.weight))).not.toEqual(values(model.classifier.weight));
  });

  it('needs a head and no targets', async () => {
    await expect(injectAdapter(new TinyClassifier(), { method: 'linear-probe' })).rejects.toThrow(/modulesToSave must name the head/);
    await expect(injectAdapter(new TinyClassifier(), { method: 'linear-probe', modulesToSave: ['classifier'], targetModules: ['q_proj'] })).rejects.toThrow(/conflicting options/);
  });
});
