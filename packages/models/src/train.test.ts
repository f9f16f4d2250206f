// A few steps of plain SGD on a small trainable subset (q/v projections plus any head) must
// lower each family's training loss on a fixed batch: gradients flow through every model.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { crossEntropy } from '@webpeft/nn';
import { Generator, type Tensor, fromArray, mul, noGrad, setBackend, sub, tidy } from '@webpeft/tensor';
import { FIXTURES, loadFixtureWeights } from './_test-utils.ts';
import { type AnyModel, BartForConditionalGeneration, LlamaForCausalLM, ROLE_MAPS, RobertaForSequenceClassification, ViTForImageClassification, modelFromConfig, modulesForRole, shiftTokensRight } from './mod.ts';

setBackend(cpuBackend());
const i32 = (rows: readonly (readonly number[])[]): Tensor => fromArray(rows.flat(), [rows.length, rows[0]!.length], { dtype: 'i32' });

function trainable(model: AnyModel, heads: string[]): string[] {
  const roles = ROLE_MAPS[model.modelType];
  const prefixes = [...modulesForRole(model, roles, 'q'), ...modulesForRole(model, roles, 'v')].map((m) => `${m}.`);
  model.freeze().unfreeze((name) => prefixes.some((p) => name.startsWith(p)) || heads.some((h) => name.startsWith(h)));
  return [...model.namedParameters()].filter(([, p]) => p.requiresGrad).map(([n]) => n);
}

function train(model: AnyModel, lossFn: () => Tensor, steps: number, lr: number): number[] {
  const losses: number[] = [];
  const params = [...model.parameters()].filter((p) => p.requiresGrad);
  for (let step = 0; step < steps; step++) {
    tidy(() => {
      const loss = lossFn();
      losses.push(loss.dataSync()[0]!);
      loss.backward();
    });
    noGrad(() => tidy(() => params.forEach((p) => p.assign(sub(p, mul(p.grad!, lr))))));
    model.zeroGrad();
  }
  return losses;
}

describe('training a few SGD steps lowers the loss', () => {
  it('ViT (q/v + classifier)', () => {
    const model = modelFromConfig(FIXTURES.vit.config) as ViTForImageClassification;
    loadFixtureWeights(model, FIXTURES.vit);
    expect(trainable(model, ['classifier.'])).toContain('vit.encoder.layer.1.attention.attention.value.weight');
    const g = new Generator(1);
    const pixels = fromArray(g.normal(4 * 3 * 8 * 8), [4, 3, 8, 8]);
    const labels = fromArray([0, 1, 2, 1], [4], { dtype: 'i32' });
    const losses = train(model, () => model.loss(model.forward(pixels), labels), 6, 0.1);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.9);
  });

  it('RoBERTa classification and regression (q/v + head)', () => {
    for (const name of ['roberta', 'roberta_regression'] as const) {
      const model = modelFromConfig(FIXTURES[name].config) as RobertaForSequenceClassification;
      loadFixtureWeights(model, FIXTURES[name]);
      model.eval(); // deterministic: no dropout
      trainable(model, ['classifier.']);
      const ids = i32(FIXTURES[name]['input_ids'] as number[][]);
      const mask = i32(FIXTURES[name]['attention_mask'] as number[][]);
      const labels = name === 'roberta' ? fromArray([2, 0], [2], { dtype: 'i32' }) : fromArray([0.8, -0.5], [2]);
      const losses = train(model, () => model.loss(model.forward({ inputIds: ids, attentionMask: mask }), labels), 6, 0.05);
      expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.9);
    }
  });

  it('BART (q/v of encoder, decoder and cross-attention)', () => {
    const model = modelFromConfig(FIXTURES.bart.config) as BartForConditionalGeneration;
    loadFixtureWeights(model, FIXTURES.bart);
    model.eval();
    expect(trainable(model, []).filter((n) => n.includes('encoder_attn.q_proj')).length).toBe(4);
    const labels = [[0, 7, 19, 11, 2], [0, 14, 3, 25, 2]];
    const dec = i32(shiftTokensRight(labels, 1, 2));
    const ids = i32(FIXTURES.bart['input_ids'] as number[][]);
    const mask = i32(FIXTURES.bart['attention_mask'] as number[][]);
    const losses = train(model, () => crossEntropy(model.forward({ inputIds: ids, attentionMask: mask, decoderInputIds: dec }), i32(labels)), 6, 0.05);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.95);
  });

  it('LLaMA (q/v)', () => {
    const model = modelFromConfig(FIXTURES.llama.config) as LlamaForCausalLM;
    loadFixtureWeights(model, FIXTURES.llama);
    trainable(model, []);
    const seq = [1, 7, 30, 12, 45, 9, 2];
    const losses = train(model, () => crossEntropy(model.forward({ inputIds: i32([seq.slice(0, -1)]) }), i32([seq.slice(1)])), 6, 0.05);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.95);
  });
});
