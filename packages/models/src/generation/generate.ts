// Greedy search and beam search with the semantics of transformers v4.30
// (generation/utils.py greedy_search / beam_search, generation/beam_search.py BeamSearchScorer
// and BeamHypotheses): lengths count the whole sequence, a hypothesis is scored
// sum log p / len^length_penalty with len excluding its EOS, and `early_stopping` is true,
// false (heuristic) or 'never'.
import { GenerationError } from '../errors.ts';
import { type ProcessorSettings, logSoftmaxRow, processLogits } from './logits.ts';
import type { GenerateOptions } from './options.ts';
import type { Generator } from './session.ts';

export interface GenerateResult {
  /** Per prompt × numReturnSequences: the sequence (prompt or decoder start token, then generated tokens; no padding). */
  readonly sequences: number[][];
  /** The generated part only (after the prompt / decoder start). */
  readonly generated: number[][];
  /** Beam search: each hypothesis' length-penalised score (HF `sequences_scores`); greedy: sum of log-probabilities. */
  readonly scores: number[];
}

interface Settings extends ProcessorSettings {
  readonly numBeams: number;
  readonly lengthPenalty: number;
  readonly earlyStopping: boolean | 'never';
  readonly pad: number;
  readonly numReturn: number;
}

function settings(gen: Generator, opts: GenerateOptions, promptLength: number): Settings {
  const eosOpt = opts.eosTokenId === undefined ? gen.eosTokenId : opts.eosTokenId;
  const eos = eosOpt === null ? [] : typeof eosOpt === 'number' ? [eosOpt] : [...eosOpt];
  const maxLength = opts.maxNewTokens !== undefined ? promptLength + opts.maxNewTokens : (opts.maxLength ?? 20);
  const numBeams = opts.numBeams ?? 1;
  if (!Number.isInteger(numBeams) || numBeams < 1) throw new GenerationError(`numBeams must be a positive integer, got ${numBeams}`);
  if (maxLength <= promptLength) throw new GenerationError(`maxLength ${maxLength} leaves no room after the ${promptLength} prompt tokens; set maxNewTokens`);
  const numReturn = opts.numReturnSequences ?? 1;
  if (numReturn > numBeams) throw new GenerationError(`numReturnSequences ${numReturn} exceeds numBeams ${numBeams}`);
  const padOpt = opts.padTokenId === undefined ? gen.padTokenId : opts.padTokenId;
  const pad = padOpt ?? eos[0] ?? 0;
  for (const t of [...eos, opts.forcedBosTokenId ?? 0, opts.forcedEosTokenId ?? 0]) if (t < 0 || t >= gen.vocabSize) throw new GenerationError(`token id ${t} is outside the vocabulary (${gen.vocabSize})`);
  return {
    eos,
    minLength: opts.minLength ?? 0,
    maxLength,
    noRepeatNgramSize: opts.noRepeatNgramSize ?? 0,
    forcedBosTokenId: opts.forcedBosTokenId ?? null,
    forcedEosTokenId: opts.forcedEosTokenId ?? null,
    numBeams,
    lengthPenalty: opts.lengthPenalty ?? 1,
    earlyStopping: opts.earlyStopping ?? false,
    pad,
    numReturn,
  };
}

/** Generate continuations of `prompts` (token ids) greedily (numBeams 1) or with beam search. */
export async function generate(gen: Generator, prompts: readonly (readonly number[])[], opts: GenerateOptions = {}): Promise<GenerateResult> {
  if (prompts.length === 0) throw new GenerationError('generate: no prompts');
  const numBeams = opts.numBeams ?? 1;
  const { state, prefix, promptLength } = gen.begin(prompts, numBeams);
  try {
    const s = settings(gen, opts, promptLength);
    return numBeams === 1 ? await greedy(gen, state, prefix, promptLength, s) : await beam(gen, state, prefix, promptLength, s, prompts.length);
  } finally {
    state.dispose();
  }
}

function strip(seq: readonly number[], promptLength: number, pad: number, leftPadded: boolean): { sequence: number[]; generated: number[] } {
  let start = 0;
  if (leftPadded) while (start < promptLength - 1 && seq[start] === pad) start++;
  return { sequence: seq.slice(start), generated: seq.slice(promptLength) };
}

async function greedy(gen: Generator, state: import('./session.ts').DecodingState, prefix: number[][], promptLength: number, s: Settings): Promise<GenerateResult> {
  const rows = prefix.length;
  const seqs = prefix.map((p) => [...p]);
  const unfinished = new Array<boolean>(rows).fill(true);
  const scores = new Array<number>(rows).fill(0);
  let feed = Int32Array.from(seqs.flat());
  let width = promptLength;
  while (true) {
    const logits = await state.step(feed, width);
    const next = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const row = Float64Array.from(logits.subarray(r * gen.vocabSize, (r + 1) * gen.vocabSize));
      const logp = logSoftmaxRow(logits, r * gen.vocabSize, gen.vocabSize);
      processLogits(seqs[r]!, row, s);
      let best = 0;
      for (let t = 1; t < gen.vocabSize; t++) if (row[t]! > row[best]!) best = t;
      next[r] = unfinished[r] ? best : s.pad;
      if (unfinished[r]) scores[r]! += logp[best]!;
      seqs[r]!.push(next[r]!);
      if (s.eos.includes(next[r]!)) unfinished[r] = false;
    }
    if (!unfinished.some(Boolean) || seqs[0]!.length >= s.maxLength) break;
    feed = next;
    width = 1;
  }
  const out = seqs.map((q) => {
    // drop the padding after an EOS (rows that finished early)
    const end = q.findIndex((t, i) => i >= promptLength && s.eos.includes(t));
    return strip(end < 0 ? q : q.slice(0, end + 1), promptLength, s.pad, promptLength > 1);
  });
  return { sequences: out.map((o) => o.sequence), generated: out.map((o) => o.generated), scores };
}

/** BeamHypotheses: the num_beams best finished hypotheses of one prompt. */
class Hypotheses {
  readonly beams: { score: number; seq: number[] }[] = [];
  worst = 1e9;
  constructor(readonly s: Settings) {}

  add(seq: number[], sumLogprobs: number): void {
    const score = sumLogprobs / seq.length ** this.s.lengthPenalty;
    if (this.beams.length < this.s.numBeams || score > this.worst) {
      this.beams.push({ score, seq });
      if (this.beams.length > this.s.numBeams) {
        const sorted = this.beams.map((b, i) => [b.score, i] as const).sort((a, b) => a[0] - b[0]);
        this.beams.splice(sorted[0]![1], 1);
        this.worst = sorted[1]![0];
      } else this.worst = Math.min(score, this.worst);
    }
  }

  isDone(bestSumLogprobs: number, curLen: number): boolean {
    if (this.beams.length < this.s.numBeams) return false;
    if (this.s.earlyStopping === true) return true;
    const lp = this.s.lengthPenalty;
    const len = this.s.earlyStopping === 'never' && lp > 0 ? this.s.maxLength : curLen;
    return this.worst >= bestSumLogprobs / len ** lp;
  }
}

async function beam(gen: Generator, state: import('./session.ts').DecodingState, prefix: number[][], promptLength: number, s: Settings, batch: number): Promise<GenerateResult> {
  const { numBeams: k } = s;
  const v = gen.vocabSize;
  const rows = batch * k;
  let seqs = prefix.map((p) => [...p]);
  // only the first beam of each prompt is live at the start (HF: beam_scores[:, 1:] = -1e9)
  let beamScores = Float64Array.from({ length: rows }, (_, r) => (r % k === 0 ? 0 : -1e9));
  const hyps = Array.from({ length: batch }, () => new Hypotheses(s));
  const done = new Array<boolean>(batch).fill(false);
  let feed = Int32Array.from(seqs.flat());
  let width = promptLength;
  const candidates = Math.max(2, 1 + s.eos.length) * k;
  while (true) {
    const logits = await state.step(feed, width);
    const curLen = seqs[0]!.length;
    const nextScores = new Float64Array(rows);
    const nextTokens = new Int32Array(rows);
    const nextRows = new Int32Array(rows);
    for (let b = 0; b < batch; b++) {
      if (done[b]) {
        for (let j = 0; j < k; j++) {
          nextTokens[b * k + j] = s.pad;
          nextRows[b * k + j] = b * k + j;
        }
        continue;
      }
      const flat = new Float64Array(k * v);
      for (let j = 0; j < k; j++) {
        const r = b * k + j;
        const scores = logSoftmaxRow(logits, r * v, v);
        processLogits(seqs[r]!, scores, s);
        for (let t = 0; t < v; t++) flat[j * v + t] = scores[t]! + beamScores[r]!;
      }
      const top = topIndices(flat, candidates);
      let filled = 0;
      for (let rank = 0; rank < top.length && filled < k; rank++) {
        const idx = top[rank]!;
        const token = idx % v;
        const r = b * k + Math.floor(idx / v);
        if (s.eos.includes(token)) {
          if (rank < k) hyps[b]!.add([...seqs[r]!], flat[idx]!);
        } else {
          nextScores[b * k + filled] = flat[idx]!;
          nextTokens[b * k + filled] = token;
          nextRows[b * k + filled] = r;
          filled++;
        }
      }
      if (filled < k) throw new GenerationError(`beam search: more than ${candidates - k} of the top ${candidates} candidates are EOS`);
      done[b] = hyps[b]!.isDone(flat[top[0]!]!, curLen);
    }
    state.reorder(nextRows);
    seqs = Array.from(nextRows, (r, i) => [...seqs[r]!, nextTokens[i]!]);
    beamScores = nextScores;
    if (done.every(Boolean) || curLen + 1 >= s.maxLength) break;
    feed = nextTokens;
    width = 1;
  }
  const sequences: number[][] = [];
  const generated: number[][] = [];
  const scores: number[] = [];
  for (let b = 0; b < batch; b++) {
    if (!done[b]) for (let j = 0; j < k; j++) hyps[b]!.add(seqs[b * k + j]!, beamScores[b * k + j]!);
    const best = [...hyps[b]!.beams].sort((x, y) => y.score - x.score).slice(0, s.numReturn);
    for (const h of best) {
      const full = h.seq.length < s.maxLength && s.eos.length ? [...h.seq, s.eos[0]!] : h.seq;
      const o = strip(full, promptLength, s.pad, promptLength > 1);
      sequences.push(o.sequence);
      generated.push(o.generated);
      scores.push(h.score);
    }
  }
  return { sequences, generated, scores };
}

/** Indices of the n largest values, largest first (ties: lower index first). */
function topIndices(values: Float64Array, n: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => values[b]! - values[a]! || a - b);
  return idx.slice(0, n);
}
