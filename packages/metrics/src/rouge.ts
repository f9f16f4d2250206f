// ROUGE-N, ROUGE-L and ROUGE-Lsum (Lin, 2004) as Google's rouge_score computes them, which
// reproduces ROUGE-1.5.5 run as `ROUGE-1.5.5.pl -e data -n 2 -a` (add `-m` for stemming).
import { checkPaired, describe } from './_validate.ts';
import { type AggregateScore, type BootstrapOptions, type Score, bootstrapAggregate } from './bootstrap.ts';
import { MetricError } from './errors.ts';
import { porterStem } from './porter.ts';

/** ROUGE-N for n = 1..9 (n-gram overlap), ROUGE-L (LCS) and ROUGE-Lsum (summary-level LCS). */
export type RougeType = `rouge${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'rougeL' | 'rougeLsum';

/** The types scored when `rougeTypes` is not given. */
export type DefaultRougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum';

/** The default `rougeTypes`: ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum. */
export const DEFAULT_ROUGE_TYPES: readonly DefaultRougeType[] = Object.freeze(['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const);

/** Options of {@link rougeScore}. */
export interface RougeScoreOptions<T extends RougeType = DefaultRougeType> {
  /** Which scores to compute (default {@link DEFAULT_ROUGE_TYPES}). */
  readonly rougeTypes?: readonly T[];
  /** Porter-stem tokens longer than 3 characters (NLTK's variant, as rouge_score); default false. */
  readonly useStemmer?: boolean;
}

/** Options of {@link rouge}: those of {@link rougeScore} plus the bootstrap. */
export interface RougeOptions<T extends RougeType = DefaultRougeType> extends RougeScoreOptions<T> {
  /** Bootstrap settings (defaults: 1000 resamples, 95% interval, seed 0), or `false` to skip it. */
  readonly bootstrap?: BootstrapOptions | false;
}

/** Scores of a corpus of (target, prediction) pairs. */
export interface RougeResult<T extends RougeType = DefaultRougeType> {
  /** Per pair, in input order. */
  readonly scores: readonly Readonly<Record<T, Score>>[];
  /** Plain average over pairs of each precision, recall and F. */
  readonly mean: Readonly<Record<T, Score>>;
  /** rouge_score's BootstrapAggregator result (`mid.fmeasure` is what HF `evaluate` reports); null with `bootstrap: false`. */
  readonly aggregate: Readonly<Record<T, AggregateScore>> | null;
}

const ZERO: Score = Object.freeze({ precision: 0, recall: 0, fmeasure: 0 });

/**
 * ROUGE-1.5.5 tokens: lowercase, every run of characters other than [a-z0-9] becomes a
 * separator, and with `useStemmer` tokens of more than 3 characters are Porter-stemmed.
 */
export function rougeTokens(text: string, useStemmer = false): string[] {
  const tokens: string[] = [];
  for (const token of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (token.length === 0) continue;
    tokens.push(useStemmer && token.length > 3 ? porterStem(token) : token);
  }
  return tokens;
}

/** F = 2PR / (P + R), 0 when both are 0. */
export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** ROUGE scores of one prediction against one target (rouge_score's `RougeScorer.score`). */
export function rougeScore<T extends RougeType = DefaultRougeType>(
  target: string,
  prediction: string,
  options: RougeScoreOptions<T> = {},
): Record<T, Score> {
  const types = checkTypes('rougeScore', options.rougeTypes ?? (DEFAULT_ROUGE_TYPES as readonly RougeType[] as readonly T[]));
  if (typeof target !== 'string' || typeof prediction !== 'string') {
    throw new MetricError('rougeScore', `target and prediction must be strings, got ${describe(target)} and ${describe(prediction)}`);
  }
  return scorePair(target, prediction, types, options.useStemmer ?? false);
}

/**
 * ROUGE over a corpus: per-pair scores, their mean, and bootstrap confidence intervals like
 * rouge_score's BootstrapAggregator (defaults 1000 resamples and a 95% interval, as
 * rouge_score; seeded, so results are reproducible). `targets[i]` is the reference for
 * `predictions[i]`; for ROUGE-Lsum, sentences are separated by newlines.
 */
export function rouge<T extends RougeType = DefaultRougeType>(
  targets: readonly string[],
  predictions: readonly string[],
  options: RougeOptions<T> = {},
): RougeResult<T> {
  checkPaired('rouge', ['targets', 'predictions'], targets, predictions);
  const types = checkTypes('rouge', options.rougeTypes ?? (DEFAULT_ROUGE_TYPES as readonly RougeType[] as readonly T[]));
  const useStemmer = options.useStemmer ?? false;
  const scores = targets.map((target, i) => {
    const prediction = predictions[i];
    if (typeof target !== 'string') throw new MetricError('rouge', `targets[${i}] is ${describe(target)}; expected a string`);
    if (typeof prediction !== 'string') throw new MetricError('rouge', `predictions[${i}] is ${describe(prediction)}; expected a string`);
    return scorePair(target, prediction, types, useStemmer);
  });
  const mean = {} as Record<T, Score>;
  for (const type of types) {
    let precision = 0;
    let recall = 0;
    let f = 0;
    for (const s of scores) {
      precision += s[type].precision;
      recall += s[type].recall;
      f += s[type].fmeasure;
    }
    mean[type] = { precision: precision / scores.length, recall: recall / scores.length, fmeasure: f / scores.length };
  }
  const aggregate = options.bootstrap === false ? null : bootstrapAggregate(scores, types, options.bootstrap ?? {});
  return { scores, mean, aggregate };
}

function checkTypes<T extends RougeType>(metric: string, types: readonly T[]): readonly T[] {
  if (!Array.isArray(types) || types.length === 0) {
    throw new MetricError(metric, `rougeTypes must be a non-empty array, got ${describe(types)}`);
  }
  for (const type of types) {
    if (typeof type !== 'string' || !/^rouge([1-9]|L|Lsum)$/.test(type)) {
      throw new MetricError(metric, `unknown ROUGE type ${describe(type)}; expected rouge1..rouge9, rougeL or rougeLsum`);
    }
  }
  if (new Set(types).size !== types.length) throw new MetricError(metric, `rougeTypes lists a type twice: ${types.join(', ')}`);
  return types;
}

function scorePair<T extends RougeType>(target: string, prediction: string, types: readonly T[], useStemmer: boolean): Record<T, Score> {
  const vocabulary = new Map<string, number>();
  const ids = (text: string): Int32Array =>
    Int32Array.from(rougeTokens(text, useStemmer), (token) => {
      let id = vocabulary.get(token);
      if (id === undefined) vocabulary.set(token, (id = vocabulary.size));
      return id;
    });
  let targetIds: Int32Array | undefined;
  let predictionIds: Int32Array | undefined;
  const result = {} as Record<T, Score>;
  for (const type of types) {
    if (type === 'rougeLsum') {
      // sentences are the non-empty lines (a line of spaces counts, and tokenizes to nothing)
      const sentences = (text: string): Int32Array[] => text.split('\n').filter((line) => line.length > 0).map(ids);
      result[type] = summaryLevelLcs(sentences(target), sentences(prediction));
      continue;
    }
    targetIds ??= ids(target);
    predictionIds ??= ids(prediction);
    result[type] = type === 'rougeL' ? lcsScore(targetIds, predictionIds) : ngramScore(targetIds, predictionIds, Number(type.slice(5)));
  }
  return result;
}

function ngramCounts(tokens: Int32Array, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.subarray(i, i + n).join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N: clipped n-gram overlap over prediction (precision) and target (recall) n-gram counts. */
function ngramScore(target: Int32Array, prediction: Int32Array, n: number): Score {
  const targetCounts = ngramCounts(target, n);
  const predictionCounts = ngramCounts(prediction, n);
  let overlap = 0;
  for (const [ngram, count] of targetCounts) overlap += Math.min(count, predictionCounts.get(ngram) ?? 0);
  const precision = overlap / Math.max(prediction.length - n + 1, 1);
  const recall = overlap / Math.max(target.length - n + 1, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** ROUGE-L: P = LCS / |prediction|, R = LCS / |target|. */
function lcsScore(target: Int32Array, prediction: Int32Array): Score {
  if (target.length === 0 || prediction.length === 0) return ZERO;
  // one row of the DP table suffices for the length
  const cols = prediction.length;
  let previous = new Int32Array(cols + 1);
  let current = new Int32Array(cols + 1);
  for (let i = 1; i <= target.length; i++) {
    for (let j = 1; j <= cols; j++) {
      current[j] = target[i - 1] === prediction[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  const lcs = previous[cols]!;
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** Indices into `ref` of one LCS of ref and can, read back exactly as rouge_score's _backtrack_norec. */
function lcsIndices(ref: Int32Array, can: Int32Array): number[] {
  const cols = can.length + 1;
  const table = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j < cols; j++) {
      table[i * cols + j] =
        ref[i - 1] === can[j - 1] ? table[(i - 1) * cols + j - 1]! + 1 : Math.max(table[(i - 1) * cols + j]!, table[i * cols + j - 1]!);
    }
  }
  const indices: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      indices.push(i - 1);
      i--;
      j--;
    } else if (table[i * cols + j - 1]! > table[(i - 1) * cols + j]!) j--;
    else i--;
  }
  return indices.reverse();
}

/**
 * ROUGE-Lsum (Lin 2004, §3.2): for each reference sentence, the union of its LCS with every
 * candidate sentence; a union token counts as a hit only while both texts still have an
 * unmatched occurrence of it (ROUGE-1.5.5 prevents double counting this way).
 */
function summaryLevelLcs(refSentences: Int32Array[], canSentences: Int32Array[]): Score {
  if (refSentences.length === 0 || canSentences.length === 0) return ZERO;
  const refTotal = refSentences.reduce((sum, s) => sum + s.length, 0);
  const canTotal = canSentences.reduce((sum, s) => sum + s.length, 0);
  if (refTotal === 0 || canTotal === 0) return ZERO;
  const refLeft = tokenCounts(refSentences);
  const canLeft = tokenCounts(canSentences);
  let hits = 0;
  for (const ref of refSentences) {
    const union = new Set<number>();
    for (const can of canSentences) for (const index of lcsIndices(ref, can)) union.add(index);
    for (const index of [...union].sort((a, b) => a - b)) {
      const token = ref[index]!;
      if ((canLeft.get(token) ?? 0) > 0 && (refLeft.get(token) ?? 0) > 0) {
        hits++;
        canLeft.set(token, canLeft.get(token)! - 1);
        refLeft.set(token, refLeft.get(token)! - 1);
      }
    }
  }
  const precision = hits / canTotal;
  const recall = hits / refTotal;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

function tokenCounts(sentences: readonly Int32Array[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const sentence of sentences) for (const token of sentence) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}
