import { cpuBackend } from '@webpeft/backend-cpu';
import { loadSafetensors } from '@webpeft/safetensors';
import { add, fromArray, matmul, mul, setBackend, slice } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, input, maxAbsDiff, values } from '../_test-models.ts';
import type { AdaptedLinear } from '../adapted-linear.ts';
import { injectAdapter } from '../adapter-model.ts';
import { deserializeAdapter, serializeAdapter } from '../peft-io.ts';
import { trainableReport } from '../report.ts';
import type { VeraBranch } from './layer.ts';

setBackend(cpuBackend());

const targets = ['q_proj', 'fc1', 'fc2'];
const branch = (l: unknown) => (l as AdaptedLinear).branch('default') as VeraBranch;

async function veraModel(opts: Record<string, unknown> = {}) {
  const model = new TinyClassifier({ dtype: 'f64' });
  const am = await injectAdapter(model, { method: 'vera', r: 4, targetModules: targets, ...opts });
  return { model, am };
}

describe('vera', () => {
  it('one shared frozen A/B sized for the largest layer; trainable λ_d = 0.1 and λ_b = 0 per layer', async () => {
    const { model, am } = await veraModel();
    const shared = am.adapter('default').shared!.tensors;
    const a = shared.get('vera_A')!.tensor;
    const b = shared.get('vera_B')!.tensor;
    expect(a.shape).toEqual([4, 16]); // largest in: fc2 (16)
    expect(b.shape).toEqual([16, 4]); // largest out: fc1 (16)
    // PEFT's _kaiming_init: U(±√(6/fan_in))
    expect(Math.max(...values(a).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 16));
    expect(Math.max(...values(b).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 4));
    expect(a.requiresGrad).toBe(false);
    const q = branch(model.attn.q);
    expect(values(q.lambdaD)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(values(q.lambdaB).every((v) => v === 0)).toBe(true);
    // trainable: λ_b (out) + λ_d (r) per layer; the projections are buffers, not parameters
    expect(trainableReport(model).trainable).toBe(8 + 4 + (16 + 4) + (8 + 4));
  });

  it('forward = base + λ_b ⊙ (B_s·(λ_d ⊙ (A_s·x))) with A_s, B_s sliced from the shared projections; merge agrees', async () => {
    const { model, am } = await veraModel({ projectionPrngKey: 3 });
    const fc1 = model.mlp.fc1 as AdaptedLinear;
    const v = branch(fc1);
    v.lambdaB.assign(fromArray(Array.from({ length: 16 }, (_, i) => 0.1 * (i + 1)), [16], { dtype: 'f64' }));
    v.lambdaD.assign(fromArray([0.5, -1, 2, 0.25], [4], { dtype: 'f64' }));
    const x = input([3, 8], 0, { dtype: 'f64' });
    const shared = am.adapter('default').shared!.tensors;
    const aS = slice(shared.get('vera_A')!.tensor, [0, 0], [4, 8]);
    const bS = slice(shared.get('vera_B')!.tensor, [0, 0], [16, 4]);
    const manual = add(add(matmul(x, fc1.weight, { transB: true }), fc1.bias!), mul(matmul(mul(matmul(x, aS, { transB: true }), v.lambdaD), bS, { transB: true }), v.lambdaB));
    const y = values(fc1.forward(x));
    expect(maxAbsDiff(y, manual)).toBeLessThan(1e-12);
    am.merge();
    expect(maxAbsDiff(values(fc1.forward(x)), y)).toBeLessThan(1e-12);
    am.unmerge();
  });

  it('saves PEFT\'s keys (base_model.vera_A/B + per-layer λ) and round-trips; save_projection = false regenerates them from the key', async () => {
    const { model, am } = await veraModel({ projectionPrngKey: 7 });
    branch(model.mlp.fc2).lambdaB.assign(fromArray(Array.from({ length: 8 }, (_, i) => i / 10), [8], { dtype: 'f64' }));
    const x = input([1, 2, 8], 0, { dtype: 'f64' });
    const out = values(model.forward(x));
    const saved = await serializeAdapter(am);
    expect([...loadSafetensors(saved.weights).keys()].sort()).toEqual([
      'base_model.model.attn.q_proj.vera_lambda_b',
      'base_model.model.attn.q_proj.vera_lambda_d',
      'base_model.model.mlp.fc1.vera_lambda_b',
      'base_model.model.mlp.fc1.vera_lambda_d',
      'base_model.model.mlp.fc2.vera_lambda_b',
      'base_model.model.mlp.fc2.vera_lambda_d',
      'base_model.vera_A',
      'base_model.vera_B',
    ]);
    expect(saved.config).toMatchObject({ peft_type: 'VERA', r: 4, projection_prng_key: 7, save_projection: true, d_initial: 0.1, vera_dropout: 0 });
    const fresh = new TinyClassifier({ dtype: 'f64' });
    await deserializeAdapter(fresh, { config: saved.configJson, weights: saved.weights });
    expect(values(fresh.forward(x))).toEqual(out);

    const { model: m2, am: am2 } = await veraModel({ projectionPrngKey: 7, saveProjection: false });
    const s2 = await serializeAdapter(am2);
    expect([...loadSafetensors(s2.weights).keys()].some((k) => k.startsWith('base_model.vera_'))).toBe(false);
    const fresh2 = new TinyClassifier({ dtype: 'f64' });
    await deserializeAdapter(fresh2, { config: s2.configJson, weights: s2.weights });
    expect(values(fresh2.forward(x))).toEqual(values(m2.forward(x)));
  });

  it('rejects bad options', async () => {
    await expect(veraModel({ r: 0 })).rejects.toThrow(/vera: r must be a positive integer/);
    await expect(veraModel({ dropout: 1.5 })).rejects.toThrow(/vera: dropout must be < 1/);
  });
});
