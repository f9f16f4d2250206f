// GLUE's official metric for each task (Wang et al., 2019, Table 1), with the task names of
// Hugging Face `evaluate`'s "glue" metric.
import { describe } from './_validate.ts';
import { accuracy, f1, matthewsCorrelation } from './classification.ts';
import { pearson, spearman } from './correlation.ts';
import { MetricError } from './errors.ts';

/** What {@link glueMetric} returns for each task. */
export interface GlueResults {
  /** CoLA: Matthews correlation. */
  readonly cola: { readonly matthewsCorrelation: number };
  /** STS-B: Pearson and Spearman correlation of predicted and gold similarity (floats). */
  readonly stsb: { readonly pearson: number; readonly spearman: number };
  /** MRPC: accuracy and F1 of the positive class 1 (paraphrase). */
  readonly mrpc: { readonly accuracy: number; readonly f1: number };
  /** QQP: accuracy and F1 of the positive class 1 (duplicate). */
  readonly qqp: { readonly accuracy: number; readonly f1: number };
  readonly sst2: { readonly accuracy: number };
  /** MNLI (either dev set; use the explicit names below to keep them apart). */
  readonly mnli: { readonly accuracy: number };
  /** MNLI-m: accuracy on the matched (in-genre) set. */
  readonly mnli_matched: { readonly accuracy: number };
  /** MNLI-mm: accuracy on the mismatched (cross-genre) set. */
  readonly mnli_mismatched: { readonly accuracy: number };
  readonly qnli: { readonly accuracy: number };
  readonly rte: { readonly accuracy: number };
  readonly wnli: { readonly accuracy: number };
}

/** A GLUE task name, lowercase as in HF `evaluate.load("glue", task)`. */
export type GlueTask = keyof GlueResults;

/** Every task {@link glueMetric} knows. */
export const GLUE_TASKS: readonly GlueTask[] = Object.freeze([
  'cola', 'sst2', 'mrpc', 'qqp', 'stsb', 'mnli', 'mnli_matched', 'mnli_mismatched', 'qnli', 'rte', 'wnli',
] as const);

/**
 * The metric GLUE reports for `task`: CoLA → Matthews correlation; STS-B → Pearson and
 * Spearman; MRPC and QQP → accuracy and F1; SST-2, MNLI (matched/mismatched), QNLI, RTE,
 * WNLI → accuracy. Labels are class ids (0/1 for MRPC and QQP) or, for STS-B, similarity
 * scores. Bad input throws the underlying metric's MetricError, prefixed with the task; an
 * unknown task is a MetricError too.
 */
export function glueMetric<T extends GlueTask>(task: T, labels: readonly number[], preds: readonly number[]): GlueResults[T] {
  const results: { [K in GlueTask]: () => GlueResults[K] } = {
    cola: () => ({ matthewsCorrelation: matthewsCorrelation(labels, preds) }),
    stsb: () => ({ pearson: pearson(labels, preds), spearman: spearman(labels, preds) }),
    mrpc: () => ({ accuracy: accuracy(labels, preds), f1: f1(labels, preds) }),
    qqp: () => ({ accuracy: accuracy(labels, preds), f1: f1(labels, preds) }),
    sst2: () => ({ accuracy: accuracy(labels, preds) }),
    mnli: () => ({ accuracy: accuracy(labels, preds) }),
    mnli_matched: () => ({ accuracy: accuracy(labels, preds) }),
    mnli_mismatched: () => ({ accuracy: accuracy(labels, preds) }),
    qnli: () => ({ accuracy: accuracy(labels, preds) }),
    rte: () => ({ accuracy: accuracy(labels, preds) }),
    wnli: () => ({ accuracy: accuracy(labels, preds) }),
  };
  if (!Object.hasOwn(results, task)) {
    throw new MetricError('glueMetric', `unknown GLUE task ${describe(task)}; expected one of ${GLUE_TASKS.join(', ')}`);
  }
  try {
    return results[task]();
  } catch (error) {
    // say which task the failing metric was computed for
    if (error instanceof MetricError) throw new MetricError(`glueMetric("${task}")`, error.message);
    throw error;
  }
}
