// Logits processors of transformers' generation/logits_process.py (v4.30), on host rows:
// each masks scores to −∞ in place. `curLen` is the whole sequence's length so far.

export interface ProcessorSettings {
  readonly eos: readonly number[];
  readonly minLength: number;
  readonly maxLength: number;
  readonly noRepeatNgramSize: number;
  readonly forcedBosTokenId: number | null;
  readonly forcedEosTokenId: number | null;
}

/** NoRepeatNGramLogitsProcessor: ban tokens that would repeat an n-gram already in the sequence. */
function banRepeatedNgrams(seq: readonly number[], scores: Float64Array, n: number): void {
  const len = seq.length;
  if (n <= 0 || len + 1 < n) return;
  const start = len - (n - 1);
  for (let i = 0; i + n <= len; i++) {
    let same = true;
    for (let j = 0; j < n - 1 && same; j++) same = seq[i + j] === seq[start + j];
    if (same) scores[seq[i + n - 1]!] = Number.NEGATIVE_INFINITY;
  }
}

function force(scores: Float64Array, token: number): void {
  scores.fill(Number.NEGATIVE_INFINITY);
  scores[token] = 0;
}

/** Apply the processors in transformers' order: no-repeat n-gram, min length, forced BOS, forced EOS. */
export function processLogits(seq: readonly number[], scores: Float64Array, s: ProcessorSettings): void {
  const curLen = seq.length;
  banRepeatedNgrams(seq, scores, s.noRepeatNgramSize);
  if (curLen < s.minLength) for (const e of s.eos) scores[e] = Number.NEGATIVE_INFINITY;
  if (s.forcedBosTokenId !== null && curLen === 1) force(scores, s.forcedBosTokenId);
  if (s.forcedEosTokenId !== null && curLen === s.maxLength - 1) force(scores, s.forcedEosTokenId);
}

/** log_softmax of one row, in f64. */
export function logSoftmaxRow(logits: Float32Array, offset: number, vocab: number): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < vocab; i++) sum += Math.exp(logits[offset + i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(vocab);
  for (let i = 0; i < vocab; i++) out[i] = logits[offset + i]! - lse;
  return out;
}
