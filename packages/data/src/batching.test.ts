import { cpuBackend } from '@webpeft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { collateCausal, collateClassification, collateSeq2Seq, padSequences, shiftLabelsLeft, shiftTokensRight } from './collate.ts';
import { DataError } from './errors.ts';
import { BatchSampler, DataLoader } from './loader.ts';
import { imageBatchToTensors, tokenBatchToTensors } from './tensors.ts';
import { IGNORE_INDEX, type Tokenizer, encodeCausal, encodeClassification, encodeInstruction, encodeSeq2Seq } from './tokenize.ts';

/** Character tokenizer: 'a' → 97 …; pad 0, bos 1, eos 2. */
const chars: Tokenizer = { encode: (t) => Array.from(t, (c) => c.charCodeAt(0)), padId: 0, bosId: 1, eosId: 2 };
const X = IGNORE_INDEX;

describe('padding and masks', () => {
  it('pads right (default) and left to the longest row, masks 1 on tokens', () => {
    const r = padSequences([[5, 6, 7], [8]], 0);
    expect(r.shape).toEqual([2, 3]);
    expect(Array.from(r.data)).toEqual([5, 6, 7, 8, 0, 0]);
    expect(Array.from(r.mask)).toEqual([1, 1, 1, 1, 0, 0]);
    const l = padSequences([[5, 6, 7], [8]], 0, { side: 'left' });
    expect(Array.from(l.data)).toEqual([5, 6, 7, 0, 0, 8]);
    expect(Array.from(l.mask)).toEqual([1, 1, 1, 0, 0, 1]);
  });
  it('rounds the length up to padToMultipleOf and rejects an empty batch', () => {
    expect(padSequences([[1, 2, 3, 4, 5]], 9, { padToMultipleOf: 4 }).shape).toEqual([1, 8]);
    expect(() => padSequences([], 0)).toThrow(DataError);
  });
});

describe('causal LM / instruction tuning', () => {
  it('masks the prompt tokens with -100 (Alpaca preprocess) and keeps the response + EOS', () => {
    const e = encodeInstruction(chars, 'ab', 'cd');
    expect(e.inputIds).toEqual([1, 97, 98, 99, 100, 2]);
    expect(e.labels).toEqual([X, X, X, 99, 100, 2]);
    const sep = encodeInstruction(chars, 'ab', 'cd', { jointly: false, addBos: false });
    expect(sep.labels).toEqual([X, X, 99, 100, 2]);
    const cut = encodeInstruction(chars, 'abcdef', 'gh', { maxLength: 4 });
    expect(cut.labels).toEqual([X, X, X, X]);
  });
  it('pads ids with padId and labels with -100; shiftLabels gives next-token targets', () => {
    const batch = collateCausal([encodeInstruction(chars, 'a', 'b'), encodeCausal(chars, 'xyz')], { padId: 0 });
    expect(batch.shape).toEqual([2, 5]);
    expect(Array.from(batch.inputIds)).toEqual([1, 97, 98, 2, 0, 1, 120, 121, 122, 2]);
    expect(Array.from(batch.attentionMask)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(batch.labels!)).toEqual([X, X, 98, 2, X, 1, 120, 121, 122, 2]);
    const shifted = collateCausal([encodeInstruction(chars, 'a', 'b')], { padId: 0, shiftLabels: true });
    expect(Array.from(shifted.labels!)).toEqual([X, 98, 2, X]);
    expect(Array.from(shiftLabelsLeft(Int32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]))).toEqual([2, 3, X, 5, 6, X]);
  });
  it('left padding pads labels on the left too', () => {
    const b = collateCausal([encodeCausal(chars, 'a', { addBos: false, addEos: false }), encodeCausal(chars, 'bc', { addBos: false, addEos: false })], { padId: 0, side: 'left' });
    expect(Array.from(b.inputIds)).toEqual([0, 97, 98, 99]);
    expect(Array.from(b.labels!)).toEqual([X, 97, 98, 99]);
  });
  it('rejects labels that do not align with the inputs', () => {
    expect(() => collateCausal([{ inputIds: [1, 2], labels: [1] }], { padId: 0 })).toThrow(/1 labels for 2 input ids/);
  });
});

describe('seq2seq', () => {
  it('decoder inputs are labels shifted right from decoder_start_token_id, -100 → pad (shift_tokens_right)', () => {
    const b = collateSeq2Seq([encodeSeq2Seq(chars, 'abc', 'x'), encodeSeq2Seq(chars, 'a', 'yz')], { padId: 0, decoderStartTokenId: 2 });
    expect(b.shape).toEqual([2, 5]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(b.labelShape).toEqual([2, 4]);
    expect(Array.from(b.labels!)).toEqual([1, 120, 2, X, 1, 121, 122, 2]);
    expect(Array.from(b.decoderInputIds!)).toEqual([2, 1, 120, 2, 2, 1, 121, 122]);
    expect(Array.from(b.decoderAttentionMask!)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
    expect(Array.from(shiftTokensRight(Int32Array.from([5, X, X]), [1, 3], 7, 9))).toEqual([9, 5, 7]);
  });
});

describe('classification', () => {
  it('joins pairs RoBERTa-style and keeps integer or float labels', () => {
    const e = encodeClassification(chars, 'a', 'b', 1);
    expect(e.inputIds).toEqual([1, 97, 2, 2, 98, 2]);
    const b = collateClassification([e, encodeClassification(chars, 'c', undefined, 0)], { padId: 0 });
    expect(Array.from(b.classLabels!)).toEqual([1, 0]);
    expect(b.classLabels).toBeInstanceOf(Int32Array);
    const r = collateClassification([encodeClassification(chars, 'a', 'b', 3.8)], { padId: 0, regression: true });
    expect(r.classLabels).toBeInstanceOf(Float32Array);
    expect(() => collateClassification([encodeClassification(chars, 'a', 'b', 3.8)], { padId: 0 })).toThrow(/regression/);
  });
});

describe('BatchSampler / DataLoader', () => {
  it('shuffles each epoch differently, deterministically per seed, covering every index once', () => {
    const s = new BatchSampler(10, { batchSize: 4, seed: 5 });
    const epoch0 = [...s.epoch()].flatMap((b) => Array.from(b.indices));
    const epoch1 = [...s.epoch()].flatMap((b) => Array.from(b.indices));
    expect([...epoch0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...epoch1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epoch1).not.toEqual(epoch0);
    expect(Array.from(new BatchSampler(10, { batchSize: 10, seed: 5 }).next().indices)).toEqual(epoch0);
    expect(Array.from(new BatchSampler(10, { batchSize: 10, seed: 6 }).next().indices)).not.toEqual(epoch0);
    expect(Array.from(new BatchSampler(4, { batchSize: 4, shuffle: false }).next().indices)).toEqual([0, 1, 2, 3]);
  });
  it('batch sizes: a short last batch, or none with dropLast', () => {
    expect([...new BatchSampler(10, { batchSize: 4 }).epoch()].map((b) => b.indices.length)).toEqual([4, 4, 2]);
    const d = new BatchSampler(10, { batchSize: 4, dropLast: true });
    expect([...d.epoch()].map((b) => b.indices.length)).toEqual([4, 4]);
    expect(d.next().epoch).toBe(1);
    expect(d.length).toBe(2);
  });
  it('resuming from a checkpointed position gives the same batches', () => {
    const data = Array.from({ length: 23 }, (_, i) => encodeCausal(chars, String.fromCharCode(97 + i).repeat(1 + (i % 5))));
    const collate = (items: typeof data) => collateCausal(items, { padId: 0 });
    const a = new DataLoader(data, collate, { batchSize: 5, seed: 11 });
    for (let k = 0; k < 7; k++) a.next(); // into epoch 1
    const saved = JSON.parse(JSON.stringify(a.position)) as { epoch: number; index: number };
    expect(saved).toEqual({ epoch: 1, index: 10 });
    const rest = Array.from({ length: 9 }, () => a.next());
    const b = new DataLoader(data, collate, { batchSize: 5, seed: 11, position: saved });
    const resumed = Array.from({ length: 9 }, () => b.next());
    expect(resumed.map((r) => [r.epoch, r.index, Array.from(r.batch.inputIds)])).toEqual(rest.map((r) => [r.epoch, r.index, Array.from(r.batch.inputIds)]));
    expect(() => new BatchSampler(5, { batchSize: 2, position: { epoch: 0, index: 6 } })).toThrow(DataError);
  });
});

describe('tensors', () => {
  it('turns token and image batches into i32/f32 tensors on a backend', async () => {
    const cpu = cpuBackend();
    const t = tokenBatchToTensors(collateSeq2Seq([encodeSeq2Seq(chars, 'ab', 'c')], { padId: 0, decoderStartTokenId: 2 }), cpu);
    expect(t.inputIds.shape).toEqual([1, 4]);
    expect(t.labels!.shape).toEqual([1, 3]);
    expect(t.inputIds.dtype).toBe('i32');
    expect(Array.from(await t.decoderInputIds!.data())).toEqual([2, 1, 99]);
    const img = imageBatchToTensors({ x: new Float32Array(2 * 3 * 4), xShape: [1, 2, 3, 4], y: Int32Array.from([7]) }, cpu);
    expect(img.x.shape).toEqual([1, 2, 3, 4]);
    expect(img.y.dtype).toBe('i32');
  });
});
