// Bad input gives typed errors that name the file, field, key or shape.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { fromArray, setBackend } from '@webpeft/tensor';
import { saveSafetensors } from '@webpeft/safetensors/node';
import { FIXTURES, loadFixtureWeights, tempDir, wordLevelTokenizer, words } from './_test-utils.ts';
import { CheckpointError, ConfigError, ImageError, LlamaForCausalLM, MissingFileError, RobertaForSequenceClassification, SequenceTooLongError, TokenizerMismatchError, UnknownModelTypeError, ViTForImageClassification, modelFromConfig } from './mod.ts';
import { fromPretrained, savePretrained } from './node.ts';

setBackend(cpuBackend());
const tmp = tempDir('errors');
afterAll(() => tmp.cleanup());
const quiet = { log: null } as const;

async function robertaDir(name: string): Promise<string> {
  const dir = join(tmp.dir, name);
  const model = modelFromConfig(FIXTURES.roberta.config);
  loadFixtureWeights(model, FIXTURES.roberta);
  await savePretrained(model, dir);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordLevelTokenizer(words(40))));
  return dir;
}

describe('config errors', () => {
  it('unknown model_type lists the supported ones', () => {
    expect(() => modelFromConfig({ model_type: 'gpt2' })).toThrow(UnknownModelTypeError);
    expect(() => modelFromConfig({ model_type: 'gpt2' })).toThrow(/unknown model_type "gpt2"; supported: vit, roberta, bart, llama/);
  });
  it('a bad field names the field and what was expected', () => {
    expect(() => modelFromConfig({ ...FIXTURES.llama.config, num_key_value_heads: 3 })).toThrow(/'num_key_value_heads': num_attention_heads 4 is not a multiple/);
    expect(() => modelFromConfig({ ...FIXTURES.llama.config, hidden_size: 'big' })).toThrow(ConfigError);
    expect(() => modelFromConfig({ ...FIXTURES.llama.config, rope_scaling: { type: 'linear', factor: 2 } })).toThrow(/rope_scaling/);
  });
});

describe('files', () => {
  it('a missing config.json, weights file or tokenizer.json is named', async () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty, { recursive: true });
    await expect(fromPretrained(empty, quiet)).rejects.toThrow(MissingFileError);
    await expect(fromPretrained(empty, quiet)).rejects.toThrow(/config\.json/);
    writeFileSync(join(empty, 'config.json'), JSON.stringify(FIXTURES.roberta.config));
    await expect(fromPretrained(empty, quiet)).rejects.toThrow(/missing file .*model\.safetensors/);
    const dir = await robertaDir('no-tokenizer');
    rmSync(join(dir, 'tokenizer.json'));
    await expect(fromPretrained(dir, quiet)).rejects.toThrow(/missing file .*tokenizer\.json/);
    expect((await fromPretrained(dir, { ...quiet, tokenizer: false })).tokenizer).toBeNull();
  });

  it('missing and mis-shaped weights are listed, and nothing is loaded', async () => {
    const dir = await robertaDir('bad-weights');
    const model = modelFromConfig(FIXTURES.roberta.config) as RobertaForSequenceClassification;
    const tensors = new Map<string, { dtype: 'f32'; shape: number[]; data: Float32Array }>();
    for (const [k, t] of Object.entries(model.stateDict())) tensors.set(k, { dtype: 'f32', shape: [...t.shape], data: t.dataSync() as Float32Array });
    tensors.delete('roberta.encoder.layer.1.attention.self.key.weight');
    tensors.delete('roberta.embeddings.LayerNorm.bias');
    tensors.set('roberta.encoder.layer.0.intermediate.dense.weight', { dtype: 'f32', shape: [16, 32], data: new Float32Array(512) });
    tensors.delete('classifier.out_proj.weight'); // a head weight may be missing: freshly initialised
    await saveSafetensors(join(dir, 'model.safetensors'), tensors);
    const err = await fromPretrained(dir, quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).missing).toEqual(['roberta.embeddings.LayerNorm.bias', 'roberta.encoder.layer.1.attention.self.key.weight']);
    expect((err as Error).message).toMatch(/roberta\.encoder\.layer\.0\.intermediate\.dense\.weight: model expects \[32, 16\], checkpoint has \[16, 32\]/);
  });

  it('a checkpoint without the head loads with the head freshly initialised and reported', async () => {
    const dir = await robertaDir('no-head');
    const st = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const model = modelFromConfig(st) as RobertaForSequenceClassification;
    const tensors = new Map<string, { dtype: 'f32'; shape: number[]; data: Float32Array }>();
    // the bare base model's keys, without the `roberta.` prefix (RobertaModel checkpoints)
    for (const [k, t] of Object.entries(model.stateDict())) if (k.startsWith('roberta.')) tensors.set(k.slice('roberta.'.length), { dtype: 'f32', shape: [...t.shape], data: t.dataSync() as Float32Array });
    tensors.set('pooler.dense.weight', { dtype: 'f32', shape: [1], data: new Float32Array(1) });
    await saveSafetensors(join(dir, 'model.safetensors'), tensors);
    const lines: string[] = [];
    const { report } = await fromPretrained(dir, { log: (l) => lines.push(l) });
    expect(report.newlyInitialised).toEqual(['classifier.dense.weight', 'classifier.dense.bias', 'classifier.out_proj.weight', 'classifier.out_proj.bias']);
    expect(report.unexpected).toEqual(['pooler.dense.weight']);
    expect(lines[0]).toMatch(/roberta from .*: \d.* parameters, \d+ tensors .* on disk; newly initialised: classifier/);
  });

  it('a tokenizer larger than the vocabulary is rejected', async () => {
    const dir = await robertaDir('big-tokenizer');
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordLevelTokenizer(words(41))));
    await expect(fromPretrained(dir, quiet)).rejects.toThrow(TokenizerMismatchError);
    await expect(fromPretrained(dir, quiet)).rejects.toThrow(/ids up to 40, but the model's vocab_size is 40/);
  });
});

describe('inputs', () => {
  it('sequences longer than the position table throw SequenceTooLongError', () => {
    const roberta = modelFromConfig(FIXTURES.roberta.config) as RobertaForSequenceClassification;
    const ids = (n: number) => fromArray(Array<number>(n).fill(5), [1, n], { dtype: 'i32' });
    expect(() => roberta.forward({ inputIds: ids(18) })).not.toThrow();
    expect(() => roberta.forward({ inputIds: ids(19) })).toThrow(SequenceTooLongError);
    const llama = modelFromConfig(FIXTURES.llama.config) as LlamaForCausalLM;
    expect(() => llama.forward({ inputIds: ids(33) })).toThrow(/sequence length 33 exceeds the position table \(at most 32/);
    const vit = modelFromConfig(FIXTURES.vit.config) as ViTForImageClassification;
    expect(() => vit.forward(fromArray(new Float32Array(3 * 16 * 16), [1, 3, 16, 16]))).toThrow(ImageError);
  });
});
