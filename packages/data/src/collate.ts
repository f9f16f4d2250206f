// Dynamic padding into flat typed arrays + shapes: pad to the longest example of the batch
// (optionally to a multiple), attention masks, and the label shifts of seq2seq and causal LM.
import { DataError } from './errors.ts';
import { IGNORE_INDEX, type ClassificationExample, type TokenizedExample } from './tokenize.ts';

export interface PaddingOptions {
  readonly padId: number;
  /** Round the padded length up to a multiple of this (e.g. 8 for tensor cores). */
  readonly padToMultipleOf?: number;
  /** `right` (training, default) or `left` (batched generation with causal LMs). */
  readonly side?: 'right' | 'left';
}

/** A padded batch: row-major [batch, length] int32 arrays with their shapes. */
export interface TokenBatch {
  readonly shape: readonly [number, number];
  readonly inputIds: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  readonly attentionMask: Int32Array;
  /** Token labels ([batch, labelLength], -100 = ignored) for LM / seq2seq batches. */
  readonly labels?: Int32Array;
  readonly labelShape?: readonly [number, number];
  /** Seq2seq: labels shifted right with the decoder start token (`shift_tokens_right`). */
  readonly decoderInputIds?: Int32Array;
  readonly decoderAttentionMask?: Int32Array;
  /** Classification labels ([batch]); float32 for regression (STS-B). */
  readonly classLabels?: Int32Array | Float32Array;
}

function paddedLength(lengths: readonly number[], multiple: number | undefined): number {
  if (lengths.length === 0) throw new DataError('cannot collate an empty batch');
  let len = Math.max(...lengths);
  if (multiple !== undefined) {
    if (!Number.isInteger(multiple) || multiple < 1) throw new DataError(`padToMultipleOf must be a positive integer, got ${multiple}`);
    len = Math.ceil(len / multiple) * multiple;
  }
  return len;
}

/** Pad rows of ids to one length; returns the flat array and the mask. */
export function padSequences(rows: readonly (readonly number[])[], padValue: number, opts: Omit<PaddingOptions, 'padId'> = {}): { data: Int32Array; mask: Int32Array; shape: [number, number] } {
  const len = paddedLength(rows.map((r) => r.length), opts.padToMultipleOf);
  const data = new Int32Array(rows.length * len).fill(padValue);
  const mask = new Int32Array(rows.length * len);
  rows.forEach((row, b) => {
    const start = b * len + (opts.side === 'left' ? len - row.length : 0);
    data.set(row, start);
    mask.fill(1, start, start + row.length);
  });
  return { data, mask, shape: [rows.length, len] };
}

/**
 * HF `shift_tokens_right`: decoder inputs are the labels moved one step right, starting with
 * `decoderStartTokenId`; any -100 left in them becomes `padId`.
 */
export function shiftTokensRight(labels: Int32Array, shape: readonly [number, number], padId: number, decoderStartTokenId: number): Int32Array {
  const [rows, len] = shape;
  const out = new Int32Array(rows * len);
  for (let b = 0; b < rows; b++) {
    out[b * len] = decoderStartTokenId;
    for (let t = 1; t < len; t++) {
      const v = labels[b * len + t - 1]!;
      out[b * len + t] = v === IGNORE_INDEX ? padId : v;
    }
  }
  return out;
}

/** Next-token targets: position t gets label t+1, the last position -100 (what causal-LM losses compare logits[t] with). */
export function shiftLabelsLeft(labels: Int32Array, shape: readonly [number, number]): Int32Array {
  const [rows, len] = shape;
  const out = new Int32Array(rows * len).fill(IGNORE_INDEX);
  for (let b = 0; b < rows; b++) out.set(labels.subarray(b * len + 1, (b + 1) * len), b * len);
  return out;
}

function checkAligned(examples: readonly TokenizedExample[]): void {
  examples.forEach((e, i) => {
    if (e.labels.length !== e.inputIds.length) throw new DataError(`causal example ${i}: ${e.labels.length} labels for ${e.inputIds.length} input ids (they must align)`);
  });
}

/**
 * Causal-LM batch: ids padded with `padId`, labels padded with -100, masks 0 on padding.
 * `shiftLabels: true` returns next-token targets (labels[t] = token t+1); the default keeps them
 * aligned with the inputs, as HF models expect (they shift inside the loss).
 */
export function collateCausal(examples: readonly TokenizedExample[], opts: PaddingOptions & { readonly shiftLabels?: boolean }): TokenBatch {
  checkAligned(examples);
  const ids = padSequences(examples.map((e) => e.inputIds), opts.padId, opts);
  const labels = padSequences(examples.map((e) => e.labels), IGNORE_INDEX, opts).data;
  return { shape: ids.shape, inputIds: ids.data, attentionMask: ids.mask, labels: opts.shiftLabels ? shiftLabelsLeft(labels, ids.shape) : labels, labelShape: ids.shape };
}

/**
 * Seq2seq batch like HF `DataCollatorForSeq2Seq` + BART: encoder ids/mask padded, labels padded
 * with -100, decoder inputs = `shiftTokensRight(labels, padId, decoderStartTokenId)`.
 */
export function collateSeq2Seq(examples: readonly TokenizedExample[], opts: PaddingOptions & { readonly decoderStartTokenId: number }): TokenBatch {
  const ids = padSequences(examples.map((e) => e.inputIds), opts.padId, opts);
  const lab = padSequences(examples.map((e) => e.labels), IGNORE_INDEX, { ...opts, side: 'right' });
  return {
    shape: ids.shape,
    inputIds: ids.data,
    attentionMask: ids.mask,
    labels: lab.data,
    labelShape: lab.shape,
    decoderInputIds: shiftTokensRight(lab.data, lab.shape, opts.padId, opts.decoderStartTokenId),
    decoderAttentionMask: lab.mask,
  };
}

/** Classification batch: padded ids and mask plus `classLabels` (float32 with `regression: true`). */
export function collateClassification(examples: readonly ClassificationExample[], opts: PaddingOptions & { readonly regression?: boolean }): TokenBatch {
  const ids = padSequences(examples.map((e) => e.inputIds), opts.padId, opts);
  const classLabels = opts.regression ? Float32Array.from(examples, (e) => e.label) : Int32Array.from(examples, (e) => e.label);
  if (!opts.regression) examples.forEach((e, i) => { if (!Number.isInteger(e.label)) throw new DataError(`classification example ${i}: label ${e.label} is not an integer (use regression: true for scores)`); });
  return { shape: ids.shape, inputIds: ids.data, attentionMask: ids.mask, classLabels };
}
