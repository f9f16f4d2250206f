// Issue 7: each family trains for a few steps with LoRA (adapters injected by role through the
// family's targets.ts) on the CPU backend and on WebGPU, and the loss decreases on both.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { nodeWebGPUBackend } from '@webpeft/backend-webgpu/node';
import { injectAdapter } from '@webpeft/adapters';
import { crossEntropy } from '@webpeft/nn';
import { AdamW } from '@webpeft/optim';
import { type Backend, Generator, type Tensor, fromArray, setBackend, tidy } from '@webpeft/tensor';
import { FIXTURES, loadFixtureWeights } from './_test-utils.ts';
import { type AnyModel, type BartForConditionalGeneration, type LlamaForCausalLM, ROLE_MAPS, type RobertaForSequenceClassification, type ViTForImageClassification, modelFromConfig, shiftTokensRight } from './mod.ts';

const gpu = await nodeWebGPUBackend().catch((e: Error) => {
  console.warn(`[models] LoRA training on WebGPU skipped — no WebGPU adapter: ${e.message}`);
  return null;
});
const backends: [string, Backend | null][] = [
  ['cpu', cpuBackend()],
  ['webgpu', gpu],
];

type Family = 'vit' | 'roberta' | 'bart' | 'llama';

/** The family's model with LoRA r=4 on q and v (B from zero, as in LoRA), and a loss on a fixed batch. */
function setup(family: Family, backend: Backend): { model: AnyModel; loss: () => Tensor } {
  setBackend(backend);
  const model = modelFromConfig(FIXTURES[family].config);
  loadFixtureWeights(model, FIXTURES[family]);
  model.eval(); // no dropout: a deterministic loss
  const i32 = (rows: readonly (readonly number[])[]): Tensor => fromArray(rows.flat(), [rows.length, rows[0]!.length], { dtype: 'i32' });
  switch (family) {
    case 'vit': {
      const m = model as ViTForImageClassification;
      const pixels = fromArray(new Generator(1).normal(4 * 3 * 8 * 8), [4, 3, 8, 8]);
      const labels = fromArray([0, 1, 2, 1], [4], { dtype: 'i32' });
      return { model, loss: () => m.loss(m.forward(pixels), labels) };
    }
    case 'roberta': {
      const m = model as RobertaForSequenceClassification;
      const ids = i32(FIXTURES.roberta['input_ids'] as number[][]);
      const mask = i32(FIXTURES.roberta['attention_mask'] as number[][]);
      const labels = fromArray([2, 0], [2], { dtype: 'i32' });
      return { model, loss: () => m.loss(m.forward({ inputIds: ids, attentionMask: mask }), labels) };
    }
    case 'bart': {
      const m = model as BartForConditionalGeneration;
      const labels = [[0, 7, 19, 11, 2], [0, 14, 3, 25, 2]];
      const dec = i32(shiftTokensRight(labels, 1, 2));
      const ids = i32(FIXTURES.bart['input_ids'] as number[][]);
      const mask = i32(FIXTURES.bart['attention_mask'] as number[][]);
      return { model, loss: () => crossEntropy(m.forward({ inputIds: ids, attentionMask: mask, decoderInputIds: dec }), i32(labels)) };
    }
    case 'llama': {
      const m = model as LlamaForCausalLM;
      const seq = [1, 7, 30, 12, 45, 9, 2];
      return { model, loss: () => crossEntropy(m.forward({ inputIds: i32([seq.slice(0, -1)]) }), i32([seq.slice(1)])) };
    }
  }
}

for (const [name, backend] of backends) {
  describe.skipIf(!backend)(`LoRA on q/v trains every family (${name})`, () => {
    for (const family of ['vit', 'roberta', 'bart', 'llama'] as const) {
      it(family, async () => {
        const { model, loss } = setup(family, backend!);
        const am = await injectAdapter(model, { method: 'lora', r: 4, targetRoles: ['q', 'v'], seed: 3 }, { roles: ROLE_MAPS[model.modelType] });
        const trainable = [...model.namedParameters()].filter(([, p]) => p.requiresGrad);
        expect(trainable.length).toBeGreaterThan(0);
        expect(trainable.every(([n]) => /lora_[AB]/.test(n))).toBe(true);
        const optimizer = new AdamW(trainable.map(([, p]) => p), { lr: 0.02, weightDecay: 0 });
        const losses: number[] = [];
        for (let step = 0; step < 8; step++) {
          let value: Promise<number> = Promise.resolve(NaN);
          tidy(() => {
            const l = loss();
            value = l.item();
            l.backward();
          });
          losses.push(await value);
          optimizer.step();
          optimizer.zeroGrad();
        }
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.97);
        optimizer.dispose();
        am.dispose?.();
      });
    }
  });
}
