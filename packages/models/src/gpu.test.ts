// WebGPU forward parity: each family's fixture model on the WebGPU backend (f32) against the
// PyTorch reference. Skips with a printed reason when no adapter is available.
import { describe, it } from 'vitest';
import { nodeWebGPUBackend } from '@webpeft/backend-webgpu/node';
import { type Backend, type Tensor, fromArray, noGrad, tidy } from '@webpeft/tensor';
import { FIXTURES, type FixtureTensor, expectClose, loadFixtureWeights } from './_test-utils.ts';
import { type BartForConditionalGeneration, type LlamaForCausalLM, type RobertaForSequenceClassification, type ViTForImageClassification, modelFromConfig } from './mod.ts';

let backend: Backend | null = null;
let reason = '';
try {
  backend = await nodeWebGPUBackend();
} catch (e) {
  reason = `no WebGPU adapter: ${(e as Error).message}`;
  console.warn(`[models] skipping WebGPU parity tests — ${reason}`);
}

async function read(t: Tensor): Promise<Float32Array> {
  const d = await t.data();
  t.dispose();
  return Float32Array.from(d as ArrayLike<number>);
}

describe.skipIf(!backend)(`WebGPU forward parity, f32 (${reason || 'Dawn'})`, () => {
  const b = () => backend!;
  const i32 = (rows: number[][]): Tensor => fromArray(rows.flat(), [rows.length, rows[0]!.length], { dtype: 'i32', backend: b() });
  const build = <M>(name: keyof typeof FIXTURES): M => {
    const m = modelFromConfig(FIXTURES[name].config, { backend: b() });
    m.eval();
    loadFixtureWeights(m, FIXTURES[name]);
    return m as M;
  };
  it('ViT', async () => {
    const m = build<ViTForImageClassification>('vit');
    const px = FIXTURES.vit['pixel_values'] as FixtureTensor;
    const logits = tidy(() => noGrad(() => m.forward(fromArray(px.data, px.shape, { backend: b() }))));
    expectClose('ViT logits (WebGPU)', await read(logits), FIXTURES.vit['logits'] as FixtureTensor, 2e-4);
    m.dispose();
  });
  it('RoBERTa', async () => {
    const m = build<RobertaForSequenceClassification>('roberta');
    const fx = FIXTURES.roberta;
    const logits = tidy(() => noGrad(() => m.forward({ inputIds: i32(fx['input_ids'] as number[][]), attentionMask: i32(fx['attention_mask'] as number[][]) })));
    expectClose('RoBERTa logits (WebGPU)', await read(logits), fx['logits'] as FixtureTensor, 2e-4);
    m.dispose();
  });
  it('BART', async () => {
    const m = build<BartForConditionalGeneration>('bart');
    const fx = FIXTURES.bart;
    const logits = tidy(() => noGrad(() => m.forward({ inputIds: i32(fx['input_ids'] as number[][]), attentionMask: i32(fx['attention_mask'] as number[][]), decoderInputIds: i32(fx['decoder_input_ids'] as number[][]) })));
    expectClose('BART logits (WebGPU)', await read(logits), fx['logits'] as FixtureTensor, 2e-4);
    m.dispose();
  });
  it('LLaMA (first row: no padding)', async () => {
    const m = build<LlamaForCausalLM>('llama');
    const fx = FIXTURES.llama;
    const ids = (fx['input_ids'] as number[][])[0]!;
    const logits = tidy(() => noGrad(() => m.forward({ inputIds: i32([ids]) })));
    const ref = fx['logits'] as FixtureTensor;
    expectClose('LLaMA logits (WebGPU)', await read(logits), ref.data.slice(0, ids.length * 48), 2e-4);
    m.dispose();
  });
});
