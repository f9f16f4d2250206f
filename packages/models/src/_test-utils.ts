// Helpers shared by this package's tests (not part of the public surface).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, fromArray, noGrad, tidy } from '@webpeft/tensor';
import { assertClose, maxAbs } from '@webpeft/tensor/testing';
import type { PretrainedModel } from './family.ts';

export interface FixtureTensor {
  readonly shape: number[];
  readonly data: number[];
}

export interface FixtureCase {
  readonly config: Record<string, unknown>;
  readonly weights: Record<string, { shape: number[]; q: number[] }>;
  readonly [k: string]: unknown;
}

export const FIXTURES: Record<'vit' | 'roberta' | 'roberta_regression' | 'bart' | 'llama', FixtureCase> = JSON.parse(readFileSync(new URL('../fixtures/models.json', import.meta.url), 'utf8'));

/** Put the fixture's weights (q/1024) into the model through the strict state-dict path. */
export function loadFixtureWeights(model: PretrainedModel, fixture: FixtureCase): void {
  tidy(() =>
    noGrad(() => {
      const dict: Record<string, Tensor> = {};
      const state = model.stateDict();
      for (const [k, w] of Object.entries(fixture.weights)) dict[k] = fromArray(w.q.map((q) => q / 1024), w.shape, { dtype: state[k]?.dtype ?? 'f32', ...(state[k] ? { backend: state[k].backend } : {}) });
      for (const [alias, source] of Object.entries(model.checkpoint.tied)) if (dict[source] && !dict[alias] && alias in state) dict[alias] = dict[source]!;
      model.loadStateDict(dict);
    }),
  );
}

export function expectClose(what: string, actual: Tensor | Float32Array | Float64Array, expected: FixtureTensor | readonly number[], rtol: number, atol = rtol): void {
  const values = Array.isArray(expected) ? (expected as readonly number[]) : (expected as FixtureTensor).data;
  const got = 'dataSync' in actual ? actual.dataSync() : actual;
  const shape = 'shape' in actual && Array.isArray((actual as Tensor).shape) ? (actual as Tensor).shape : [got.length];
  assertClose(what, shape, got, values, { rtol, atol: atol * (1 + maxAbs(values)) });
}

export function tempDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `webpeft-models-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A WordLevel tokenizer.json over `words` (ids in order), with <s> … </s> added around single sequences. */
export function wordLevelTokenizer(words: readonly string[]): Record<string, unknown> {
  const vocab = Object.fromEntries(words.map((w, i) => [w, i]));
  const special = words.filter((w) => /^<.*>$/.test(w));
  return {
    version: '1.0',
    added_tokens: special.map((w) => ({ id: vocab[w], content: w, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    model: { type: 'WordLevel', vocab, unk_token: '<unk>' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [],
      special_tokens: { '<s>': { id: '<s>', ids: [vocab['<s>']], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [vocab['</s>']], tokens: ['</s>'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  };
}

/** Vocabulary words for a tokenizer of `n` ids: RoBERTa/BART specials first (<s>=0, <pad>=1, </s>=2, <unk>=3). */
export function words(n: number): string[] {
  return ['<s>', '<pad>', '</s>', '<unk>', ...Array.from({ length: n - 4 }, (_, i) => `w${i}`)];
}
