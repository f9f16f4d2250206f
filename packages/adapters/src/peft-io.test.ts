import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend } from '@webpeft/backend-cpu';
import { loadSafetensors, serializeSafetensors, tensorToF32 } from '@webpeft/safetensors';
import { fromArray, setBackend } from '@webpeft/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { TinyClassifier, TwoLayerMLP, input, maxAbsDiff, values } from './_test-models.ts';
import type { AdaptedLinear } from './adapted-linear.ts';
import { injectAdapter } from './adapter-model.ts';
import { AdapterLoadError } from './errors.ts';
import type { LoraBranch } from './lora/layer.ts';
import { loadAdapter, saveAdapter } from './node.ts';
import { deserializeAdapter, serializeAdapter } from './peft-io.ts';

setBackend(cpuBackend());

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'webpeft-adapters-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const loraA = (layer: unknown, name = 'default') => ((layer as AdaptedLinear).branch(name) as LoraBranch).loraA;

/** A trained-looking b-only adapter on a TinyClassifier with a head. */
async function trained(method = 'b-only') {
  const model = new TinyClassifier({ seed: 3 });
  const am = await injectAdapter(model, { method, r: 4, targetModules: ['q_proj', 'v_proj'], modulesToSave: ['classifier'], seed: 9 }, { baseModelName: 'webpeft/tiny-classifier' });
  // give B and the head non-trivial values
  for (const [, layer] of am.layers()) for (const e of layer.branch('default')!.entries) if (e.trainable) e.tensor.assign(fromArray(values(e.tensor).map((_, i) => Math.sin(i + 1) * 0.1), e.tensor.shape));
  model.classifier.weight.assign(fromArray(values(model.classifier.weight).map((v) => v + 0.5), model.classifier.weight.shape));
  return { model, am };
}

describe('save in PEFT layout', () => {
  it('keys, shapes, metadata and config fields are PEFT\'s', async () => {
    const { am } = await trained();
    const { config, configJson, weights } = await serializeAdapter(am);
    const file = loadSafetensors(weights);
    expect([...file.keys()].sort()).toEqual([
      'base_model.model.attn.q_proj.lora_A.weight',
      'base_model.model.attn.q_proj.lora_B.weight',
      'base_model.model.attn.v_proj.lora_A.weight',
      'base_model.model.attn.v_proj.lora_B.weight',
      'base_model.model.classifier.bias',
      'base_model.model.classifier.weight',
    ]);
    expect(file.get('base_model.model.attn.q_proj.lora_A.weight')!.shape).toEqual([4, 8]); // [r, in]
    expect(file.get('base_model.model.attn.q_proj.lora_B.weight')!.shape).toEqual([8, 4]); // [out, r]
    expect(configJson.startsWith('{\n  "alora_invocation_tokens": null,')).toBe(true); // sorted keys, indent 2
    expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['q_proj', 'v_proj'], modules_to_save: ['classifier'], bias: 'none', use_rslora: false, fan_in_fan_out: false, inference_mode: true, base_model_name_or_path: 'webpeft/tiny-classifier', init_lora_weights: false, task_type: null });
    expect(config['webpeft']).toMatchObject({ method: 'b-only', frozen_factors: 'full', options: { a: { init: 'orthogonal', trainable: false } } });
    // every field PEFT's LoraConfig writes is there (the fixture was written from PEFT's field list)
    const peftFields = Object.keys(JSON.parse(await readFile(join(fixtures, 'peft-lora', 'adapter_config.json'), 'utf8')));
    expect(Object.keys(config).filter((k) => k !== 'webpeft').sort()).toEqual(peftFields.sort());
  });

  it('round trip (full): the loaded adapter reproduces outputs bit for bit', async () => {
    const { model, am } = await trained();
    const x = input([2, 3, 8]);
    const out = values(model.forward(x));
    const dir = await tempDir();
    expect(await saveAdapter(am, dir)).toBe(dir);
    expect((await readdir(dir)).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const fresh = new TinyClassifier({ seed: 3 });
    const loaded = await loadAdapter(fresh, dir, { baseModelName: 'webpeft/tiny-classifier' });
    expect(values(fresh.forward(x))).toEqual(out);
    expect(loaded.adapter('default').method.name).toBe('b-only');
    expect(loraA(fresh.attn.q).requiresGrad).toBe(false);
    expect(fresh.classifier.weight.requiresGrad).toBe(true);
  });

  it('round trip (seed): frozen A stored as (init, seed), regenerated bit-identically; half the tensor bytes', async () => {
    const { model, am } = await trained();
    const full = await serializeAdapter(am);
    const seeded = await serializeAdapter(am, { frozenFactors: 'seed' });
    const file = loadSafetensors(seeded.weights);
    expect([...file.keys()].some((k) => k.includes('lora_A'))).toBe(false);
    const factorBytes = (w: Uint8Array) => [...loadSafetensors(w)].filter(([k]) => k.includes('lora_')).reduce((s, [, t]) => s + t.data.byteLength, 0);
    expect(factorBytes(seeded.weights)).toBe(factorBytes(full.weights) / 2);
    expect(seeded.weights.length).toBeLessThan(full.weights.length);
    const regenerated = (seeded.config['webpeft'] as { regenerated: { key: string; init: string; seed: string }[] }).regenerated;
    expect(regenerated.map((r) => [r.key, r.init])).toEqual([
      ['base_model.model.attn.q_proj.lora_A.weight', 'orthogonal'],
      ['base_model.model.attn.v_proj.lora_A.weight', 'orthogonal'],
    ]);
    const fresh = new TinyClassifier({ seed: 3 });
    await deserializeAdapter(fresh, { config: seeded.configJson, weights: seeded.weights });
    const bits = (t: Parameters<typeof values>[0]) => new Uint32Array(Float32Array.from(values(t)).buffer);
    expect(bits(loraA(fresh.attn.q))).toEqual(bits(loraA(model.attn.q)));
    expect(bits(loraA(fresh.attn.v))).toEqual(bits(loraA(model.attn.v)));
    const x = input([2, 3, 8]);
    expect(values(fresh.forward(x))).toEqual(values(model.forward(x)));
  });

  it('a non-default adapter goes to a subfolder named after it (PEFT)', async () => {
    const { am } = await trained();
    await am.addAdapter('task2', { r: 2, targetModules: ['fc1'] });
    const dir = await tempDir();
    expect(await saveAdapter(am, dir, { adapterName: 'task2' })).toBe(join(dir, 'task2'));
    const keys = [...loadSafetensors(new Uint8Array(await readFile(join(dir, 'task2', 'adapter_model.safetensors')))).keys()];
    expect(keys.sort()).toEqual(['base_model.model.mlp.fc1.lora_A.weight', 'base_model.model.mlp.fc1.lora_B.weight']);
    // loading it next to the first adapter
    const loaded = await loadAdapter(am, join(dir, 'task2'), { adapterName: 'again' });
    expect(loaded.adapterNames).toEqual(['default', 'task2', 'again']);
  });
});

describe('load checks', () => {
  async function files() {
    const { am } = await trained();
    return serializeAdapter(am);
  }

  it('names the first missing key, mis-shaped key and unexpected key; the model is untouched', async () => {
    const { configJson, weights } = await files();
    const file = loadSafetensors(weights);
    const rewrite = (edit: (m: Map<string, { dtype: 'f32'; shape: number[]; data: Float32Array }>) => void) => {
      const m = new Map([...file].map(([k, t]) => [k, { dtype: 'f32' as const, shape: t.shape, data: tensorToF32(t) }]));
      edit(m);
      return serializeSafetensors(m);
    };
    const model = new TinyClassifier({ seed: 3 });
    const missing = rewrite((m) => m.delete('base_model.model.attn.v_proj.lora_B.weight'));
    await expect(deserializeAdapter(model, { config: configJson, weights: missing })).rejects.toThrow(/missing key base_model\.model\.attn\.v_proj\.lora_B\.weight \(expected shape \[8, 4\]\)/);
    const misShaped = rewrite((m) => m.set('base_model.model.attn.q_proj.lora_B.weight', { dtype: 'f32', shape: [8, 2], data: new Float32Array(16) }));
    await expect(deserializeAdapter(model, { config: configJson, weights: misShaped })).rejects.toThrow(/base_model\.model\.attn\.q_proj\.lora_B\.weight has shape \[8, 2\], this model needs \[8, 4\]/);
    const extra = rewrite((m) => m.set('base_model.model.attn.k_proj.lora_A.weight', { dtype: 'f32', shape: [4, 8], data: new Float32Array(32) }));
    const err = (await deserializeAdapter(model, { config: configJson, weights: extra }).catch((e: unknown) => e)) as AdapterLoadError;
    expect(err).toBeInstanceOf(AdapterLoadError);
    expect(err.key).toBe('base_model.model.attn.k_proj.lora_A.weight');
    expect(model.attn.q.constructor.name).toBe('Linear');
    expect(Object.keys(model.stateDict()).some((k) => k.includes('lora'))).toBe(false);
  });

  it('loading into the wrong base model is an error, not silent garbage', async () => {
    const { configJson, weights } = await files();
    // another checkpoint name
    await expect(deserializeAdapter(new TinyClassifier({ seed: 3 }), { config: configJson, weights }, { baseModelName: 'roberta-large' })).rejects.toThrow(/trained on base model 'webpeft\/tiny-classifier', this model is 'roberta-large'/);
    // same architecture, other weights
    await expect(deserializeAdapter(new TinyClassifier({ seed: 4 }), { config: configJson, weights })).rejects.toThrow(/not the base model the adapter was trained on: W0 of 'attn\.q_proj'/);
    // other widths
    await expect(deserializeAdapter(new TinyClassifier({ hidden: 12, seed: 3 }), { config: configJson, weights }, { checkBaseModel: false })).rejects.toThrow(/lora_A\.weight has shape \[4, 8\], this model needs \[4, 12\]/);
    // another architecture
    await expect(deserializeAdapter(new TwoLayerMLP(8, 8, 3), { config: configJson, weights })).rejects.toThrow(/does not fit this model \(another base model\?\): target 'q_proj' matches no module/);
    // a PEFT feature webpeft does not implement
    const dora = JSON.stringify({ ...JSON.parse(configJson), webpeft: undefined, use_dora: true });
    await expect(deserializeAdapter(new TinyClassifier({ seed: 3 }), { config: dora, weights })).rejects.toThrow(/use_dora = true selects a PEFT feature webpeft does not implement/);
    await expect(deserializeAdapter(new TinyClassifier({ seed: 3 }), { config: '{"peft_type": "PREFIX_TUNING"}', weights })).rejects.toThrow(/peft_type "PREFIX_TUNING" is not supported/);
  });
});

describe('the committed PEFT fixture (fixtures/peft-lora, written by make_peft_fixture.py)', () => {
  it('loads as PEFT wrote it and computes what PEFT computes', async () => {
    const model = new TinyClassifier({ seed: 3 });
    const base = loadSafetensors(new Uint8Array(await readFile(join(fixtures, 'peft-lora-base.safetensors'))));
    model.loadStateDict(Object.fromEntries([...base].map(([k, t]) => [k, fromArray(tensorToF32(t), t.shape)])), { strict: false });
    const am = await loadAdapter(model, join(fixtures, 'peft-lora'), { baseModelName: 'webpeft/tiny-classifier' });
    const info = am.adapter('default');
    expect(info.method.name).toBe('lora');
    expect(info.paths).toEqual(['attn.q_proj', 'attn.v_proj']);
    expect((info.config as unknown as { r: number; alpha: number }).alpha).toBe(8);
    // PEFT trains both factors
    expect(loraA(model.attn.q).requiresGrad).toBe(true);
    const expected = loadSafetensors(new Uint8Array(await readFile(join(fixtures, 'peft-lora-expected.safetensors'))));
    const get = (k: string) => Array.from(tensorToF32(expected.get(k)!));
    const x = fromArray(get('x'), [5, 8]);
    expect(maxAbsDiff(values(model.attn.q.forward(x)), get('q_proj'))).toBeLessThan(1e-5);
    expect(maxAbsDiff(values(model.attn.v.forward(x)), get('v_proj'))).toBeLessThan(1e-5);
    expect(maxAbsDiff(values(model.classifier.forward(x)), get('classifier'))).toBeLessThan(1e-5);
    // saving it again gives PEFT's keys and values back
    const again = loadSafetensors((await serializeAdapter(am)).weights);
    const original = loadSafetensors(new Uint8Array(await readFile(join(fixtures, 'peft-lora', 'adapter_model.safetensors'))));
    expect([...again.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [k, t] of original) expect(Array.from(tensorToF32(again.get(k)!))).toEqual(Array.from(tensorToF32(t)));
  });

  it('refuses the fixture on a model with another base name', async () => {
    await expect(loadAdapter(new TinyClassifier(), join(fixtures, 'peft-lora'), { baseModelName: 'other/model' })).rejects.toThrow(AdapterLoadError);
    const bad = await tempDir();
    await writeFile(join(bad, 'adapter_config.json'), '{not json');
    await expect(loadAdapter(new TinyClassifier(), bad)).rejects.toThrow(/cannot read adapter_model\.safetensors|not valid JSON/);
  });
});
