import { cpuBackend } from '@webpeft/backend-cpu';
import { loadSafetensors } from '@webpeft/safetensors';
import { fromArray, mul, setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, input, maxAbsDiff, values } from '../_test-models.ts';
import type { AdaptedLinear } from '../adapted-linear.ts';
import { injectAdapter } from '../adapter-model.ts';
import { NN_ROLES } from '../inject.ts';
import { deserializeAdapter, serializeAdapter } from '../peft-io.ts';
import type { IA3Branch } from './layer.ts';

setBackend(cpuBackend());

const branch = (l: unknown) => (l as AdaptedLinear).branch('default') as IA3Branch;

describe('ia3', () => {
  it('scales k/v outputs ([out, 1]) and the feed-forward input ([1, in]); starts as a no-op', async () => {
    const model = new TinyClassifier({ dtype: 'f64' });
    const x = input([2, 3, 8], 0, { dtype: 'f64' });
    const before = values(model.forward(x));
    const am = await injectAdapter(model, { method: 'ia3', targetRoles: ['k', 'v', 'fc2'], feedforwardRoles: ['fc2'] }, { roles: NN_ROLES });
    expect(am.adapter('default').paths).toEqual(['attn.k_proj', 'attn.v_proj', 'mlp.fc2']);
    expect(branch(model.attn.k).scale.shape).toEqual([8, 1]);
    expect(branch(model.mlp.fc2).scale.shape).toEqual([1, 16]);
    expect(branch(model.mlp.fc2).isFeedforward).toBe(true);
    expect(values(model.forward(x))).toEqual(before);

    const k = model.attn.k as AdaptedLinear;
    const lk = Array.from({ length: 8 }, (_, i) => 1 + 0.1 * i);
    branch(k).scale.assign(fromArray(lk, [8, 1], { dtype: 'f64' }));
    const h = input([4, 8], 1, { dtype: 'f64' });
    expect(maxAbsDiff(k.forward(h), mul(k.base.forward(h), fromArray(lk, [8], { dtype: 'f64' })))).toBeLessThan(1e-14);
    const fc2 = model.mlp.fc2 as AdaptedLinear;
    const lf = Array.from({ length: 16 }, (_, i) => 0.5 + 0.05 * i);
    branch(fc2).scale.assign(fromArray(lf, [1, 16], { dtype: 'f64' }));
    const z = input([4, 16], 2, { dtype: 'f64' });
    expect(maxAbsDiff(fc2.forward(z), fc2.base.forward(mul(z, fromArray(lf, [16], { dtype: 'f64' }))))).toBeLessThan(1e-14);

    // merge folds the scales into W (and b for k/v); unmerge divides them out again
    const adapted = values(model.forward(x));
    const w = values(k.weight);
    am.merge();
    expect(maxAbsDiff(values(model.forward(x)), adapted)).toBeLessThan(1e-12);
    am.unmerge();
    expect(maxAbsDiff(values(k.weight), w)).toBeLessThan(1e-7);
  });

  it('saves ia3_l under PEFT\'s keys with feedforward_modules, and round-trips', async () => {
    const model = new TinyClassifier();
    const am = await injectAdapter(model, { method: 'ia3', targetModules: ['k_proj', 'v_proj', 'fc2'], feedforwardModules: ['fc2'] });
    branch(model.attn.v).scale.assign(fromArray(Array.from({ length: 8 }, (_, i) => 2 - i / 8), [8, 1]));
    const saved = await serializeAdapter(am);
    expect([...loadSafetensors(saved.weights).keys()].sort()).toEqual(['base_model.model.attn.k_proj.ia3_l', 'base_model.model.attn.v_proj.ia3_l', 'base_model.model.mlp.fc2.ia3_l']);
    expect(saved.config).toMatchObject({ peft_type: 'IA3', target_modules: ['k_proj', 'v_proj', 'fc2'], feedforward_modules: ['fc2'], init_ia3_weights: true });
    const fresh = new TinyClassifier();
    await deserializeAdapter(fresh, { config: saved.configJson, weights: saved.weights });
    const x = input([1, 2, 8]);
    expect(values(fresh.forward(x))).toEqual(values(model.forward(x)));
  });

  it('feed-forward modules must be among the targets', async () => {
    await expect(injectAdapter(new TinyClassifier(), { method: 'ia3', targetModules: ['k_proj'], feedforwardModules: ['fc2'] })).rejects.toThrow(/feedforward module 'fc2' is not among the targets/);
  });
});
