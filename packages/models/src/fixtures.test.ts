// Forward passes against PyTorch references (fixtures/generate.py, float64, HF semantics):
// each tiny checkpoint is saved as a Hugging Face directory, loaded back, and run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { type Tensor, fromArray, noGrad, setBackend, slice, tidy } from '@webpeft/tensor';
import { FIXTURES, type FixtureTensor, expectClose, loadFixtureWeights, tempDir, wordLevelTokenizer, words } from './_test-utils.ts';
import { BartForConditionalGeneration, LlamaForCausalLM, RobertaForSequenceClassification, ViTForImageClassification, modelFromConfig, parseImageProcessorConfig, preprocessImages, resizeBilinear, robertaPositionIds } from './mod.ts';
import { fromPretrained, savePretrained } from './node.ts';

setBackend(cpuBackend());
const i32 = (rows: number[][]): Tensor => fromArray(rows.flat(), [rows.length, rows[0]!.length], { dtype: 'i32' });
const tmp = tempDir('fixtures');
afterAll(() => tmp.cleanup());

/** Build from the fixture config, fill the fixture weights, save as an HF directory (with tokenizer / preprocessor files). */
async function saveFixture(name: keyof typeof FIXTURES, opts: { dtype?: 'f32' | 'f16' | 'bf16'; maxShardBytes?: number } = {}): Promise<string> {
  const fx = FIXTURES[name];
  const model = modelFromConfig(fx.config);
  loadFixtureWeights(model, fx);
  const dir = join(tmp.dir, `${name}-${opts.dtype ?? 'f32'}-${opts.maxShardBytes ?? 0}`);
  await savePretrained(model, dir, opts);
  if (model.modelType === 'vit') writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify(fx['preprocessor']));
  else writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordLevelTokenizer(words(model.config.vocabSize))));
  model.dispose();
  return dir;
}

const quiet = { log: null } as const;

describe('ViT', () => {
  const fx = FIXTURES.vit;
  it('resizes exactly as Pillow (bilinear, antialiased) and preprocesses as ViTImageProcessor', () => {
    const images = fx['images'] as { height: number; width: number; data: number[] }[];
    const resized = fx['resized'] as number[][];
    images.forEach((im, i) => expect([...resizeBilinear(Uint8Array.from(im.data), im.width, im.height, 3, 8, 8)]).toEqual(resized[i]));
    const config = parseImageProcessorConfig(fx['preprocessor']);
    const pixels = preprocessImages(images.map((im) => ({ data: Uint8Array.from(im.data), width: im.width, height: im.height })), config);
    expectClose('pixel values', pixels, fx['pixel_values'] as FixtureTensor, 1e-6);
  });

  it('logits match the reference after save → fromPretrained (f64 compute: rtol 1e-9; f32: 1e-4)', async () => {
    const dir = await saveFixture('vit');
    for (const [dtype, tol] of [['f64', 1e-9], ['f32', 1e-4]] as const) {
      const { model, imageProcessor } = await fromPretrained(dir, { dtype, log: null });
      expect(model).toBeInstanceOf(ViTForImageClassification);
      expect(imageProcessor?.imageMean).toEqual([0.5, 0.4, 0.3]);
      const px = fx['pixel_values'] as FixtureTensor;
      const logits = tidy(() => noGrad(() => (model as ViTForImageClassification).forward(fromArray(px.data, px.shape, { dtype }))));
      expectClose(`ViT logits (${dtype})`, logits, fx['logits'] as FixtureTensor, tol);
      model.dispose();
    }
  });
});

describe('RoBERTa', () => {
  it('position ids count non-padding tokens from padding_idx + 1', () => {
    const fx = FIXTURES.roberta;
    expect(robertaPositionIds(i32(fx['input_ids'] as number[][]), 1).dataSync()).toEqual(Int32Array.from((fx['position_ids'] as number[][]).flat()));
  });

  for (const name of ['roberta', 'roberta_regression'] as const) {
    it(`${name}: sequence-classification logits match the reference (f64 rtol 1e-9, f32 1e-4)`, async () => {
      const fx = FIXTURES[name];
      const dir = await saveFixture(name);
      for (const [dtype, tol] of [['f64', 1e-9], ['f32', 1e-4]] as const) {
        const { model, tokenizer } = await fromPretrained(dir, { dtype, ...quiet });
        const m = model as RobertaForSequenceClassification;
        expect(tokenizer?.encode('w0 w1')).toEqual([0, 4, 5, 2]);
        expect(m.config.problemType).toBe(name === 'roberta' ? 'single_label_classification' : 'regression');
        const logits = tidy(() => noGrad(() => m.eval().forward({ inputIds: i32(fx['input_ids'] as number[][]), attentionMask: i32(fx['attention_mask'] as number[][]) })));
        expectClose(`${name} logits (${dtype})`, logits, fx['logits'] as FixtureTensor, tol);
        model.dispose();
      }
    });
  }
});

describe('BART', () => {
  const fx = FIXTURES.bart;
  it('encoder states and LM logits match the reference; tied embeddings are saved once', async () => {
    const dir = await saveFixture('bart');
    const { model, report } = await fromPretrained(dir, { dtype: 'f64', ...quiet });
    const m = model as BartForConditionalGeneration;
    expect(report.unexpected).toEqual([]);
    expect(Object.keys(m.stateDict())).not.toContain('model.encoder.embed_tokens.weight');
    const ids = i32(fx['input_ids'] as number[][]);
    const mask = i32(fx['attention_mask'] as number[][]);
    const enc = tidy(() => noGrad(() => m.eval().encode(ids, mask)));
    // compare non-padding encoder positions (padded ones are masked out everywhere downstream)
    const ref = fx['encoder_states'] as FixtureTensor;
    const maskRows = (fx['attention_mask'] as number[][]).flat();
    const e = enc.dataSync();
    const d = ref.shape[2]!;
    maskRows.forEach((keep, p) => keep && expectClose(`encoder state ${p}`, e.slice(p * d, (p + 1) * d) as Float64Array, ref.data.slice(p * d, (p + 1) * d), 1e-9));
    const logits = tidy(() => noGrad(() => m.forward({ inputIds: ids, attentionMask: mask, decoderInputIds: i32(fx['decoder_input_ids'] as number[][]) })));
    expectClose('BART logits', logits, fx['logits'] as FixtureTensor, 1e-9);
    model.dispose();
  });

  it('loads a sharded checkpoint (index + shards) and an f16 one to the same logits', async () => {
    for (const opts of [{ maxShardBytes: 8_000 }, { dtype: 'f16' as const }]) {
      const dir = await saveFixture('bart', opts);
      const { model, report } = await fromPretrained(dir, { dtype: 'f64', ...quiet });
      if (opts.maxShardBytes) expect(report.weightsFile).toMatch(/model\.safetensors\.index\.json$/);
      else expect(Object.keys(report.dtypes)).toEqual(['f16']);
      const logits = tidy(() => noGrad(() => (model as BartForConditionalGeneration).eval().forward({ inputIds: i32(fx['input_ids'] as number[][]), attentionMask: i32(fx['attention_mask'] as number[][]), decoderInputIds: i32(fx['decoder_input_ids'] as number[][]) })));
      expectClose('BART logits', logits, fx['logits'] as FixtureTensor, 1e-9);
      model.dispose();
    }
  });
});

describe('LLaMA', () => {
  const fx = FIXTURES.llama;
  let model: LlamaForCausalLM;
  beforeAll(async () => {
    model = (await fromPretrained(await saveFixture('llama', { dtype: 'f16' }), { dtype: 'f64', ...quiet })).model as LlamaForCausalLM;
  });
  afterAll(() => model.dispose());

  it('causal-LM logits with left padding match the reference at every real position (from an f16 checkpoint)', () => {
    const logits = tidy(() =>
      noGrad(() => model.forward({ inputIds: i32(fx['input_ids'] as number[][]), attentionMask: i32(fx['attention_mask'] as number[][]), positionIds: i32(fx['position_ids'] as number[][]) })),
    );
    const ref = fx['logits'] as FixtureTensor;
    const v = ref.shape[2]!;
    const got = logits.dataSync();
    (fx['attention_mask'] as number[][]).flat().forEach((keep, p) => keep && expectClose(`LLaMA logits at ${p}`, got.slice(p * v, (p + 1) * v) as Float64Array, ref.data.slice(p * v, (p + 1) * v), 1e-9));
  });

  it('decoding token by token through the KV cache gives the full-sequence logits', () => {
    const ids = (fx['input_ids'] as number[][])[0]!;
    const full = tidy(() => noGrad(() => model.forward({ inputIds: i32([ids]) })));
    const cache = model.newCache();
    for (let t = 0; t < ids.length; t++) {
      const step = tidy(() => noGrad(() => model.forward({ inputIds: i32([[ids[t]!]]), cache })));
      const expected = tidy(() => slice(full, [0, t, 0], [1, t + 1, 48]).dataSync());
      expectClose(`cached step ${t}`, step, [...expected], 1e-12);
    }
    cache.dispose();
  });
});
