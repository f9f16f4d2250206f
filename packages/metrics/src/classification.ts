// Classification metrics with scikit-learn semantics: accuracy_score, f1_score (binary,
// pos_label=1) and matthews_corrcoef (binary and multiclass).
import { checkLabels, checkPaired, describe } from './_validate.ts';
import { MetricError } from './errors.ts';

/** A class label: numbers (GLUE) or strings (e.g. MMLU's "A".."D"), compared with `===`. */
export type Label = number | string;

/** Fraction of positions where `preds[i] === labels[i]` (sklearn `accuracy_score`). */
export function accuracy(labels: readonly Label[], preds: readonly Label[]): number {
  checkPaired('accuracy', ['labels', 'preds'], labels, preds);
  checkLabels('accuracy', 'labels', labels);
  checkLabels('accuracy', 'preds', preds);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === preds[i]) correct++;
  return correct / labels.length;
}

/** True/false positives and negatives of a binary task whose positive class is 1. */
export interface BinaryCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** Confusion counts for binary 0/1 labels; anything other than 0 or 1 is a MetricError. */
export function binaryCounts(labels: readonly number[], preds: readonly number[], metric = 'binaryCounts'): BinaryCounts {
  checkPaired(metric, ['labels', 'preds'], labels, preds);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const p = preds[i];
    if (y !== 0 && y !== 1) throw new MetricError(metric, `labels[${i}] is ${describe(y)}; binary metrics take 0 or 1 (positive class 1)`);
    if (p !== 0 && p !== 1) throw new MetricError(metric, `preds[${i}] is ${describe(p)}; binary metrics take 0 or 1 (positive class 1)`);
    if (y === 1) {
      if (p === 1) tp++;
      else fn++;
    } else if (p === 1) fp++;
    else tn++;
  }
  return { tp, fp, fn, tn };
}

/**
 * Binary F1 of the positive class 1: 2·TP / (2·TP + FP + FN), the harmonic mean of precision
 * and recall. With no positive label and no positive prediction the score is undefined;
 * like sklearn's `f1_score` (zero_division default) it is 0.
 */
export function f1(labels: readonly number[], preds: readonly number[]): number {
  const { tp, fp, fn } = binaryCounts(labels, preds, 'f1');
  const denominator = 2 * tp + fp + fn;
  return denominator === 0 ? 0 : (2 * tp) / denominator;
}

/**
 * Matthews correlation coefficient, binary or multiclass, as sklearn's `matthews_corrcoef`
 * (Gorodkin's R_K): with confusion matrix C, t = row sums, p = column sums, s = n samples,
 * c = trace(C): MCC = (c·s − t·p) / √((s² − p·p)(s² − t·t)). When labels or predictions are
 * a single class the denominator is 0 and, like sklearn, the result is 0.
 */
export function matthewsCorrelation(labels: readonly Label[], preds: readonly Label[]): number {
  checkPaired('matthewsCorrelation', ['labels', 'preds'], labels, preds);
  checkLabels('matthewsCorrelation', 'labels', labels);
  checkLabels('matthewsCorrelation', 'preds', preds);
  const trueCounts = new Map<Label, number>();
  const predCounts = new Map<Label, number>();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const p = preds[i]!;
    trueCounts.set(y, (trueCounts.get(y) ?? 0) + 1);
    predCounts.set(p, (predCounts.get(p) ?? 0) + 1);
    if (y === p) correct++;
  }
  const samples = labels.length;
  let tDotP = 0;
  let pDotP = 0;
  let tDotT = 0;
  for (const [label, t] of trueCounts) {
    tDotT += t * t;
    tDotP += t * (predCounts.get(label) ?? 0);
  }
  for (const p of predCounts.values()) pDotP += p * p;
  const covYtYp = correct * samples - tDotP;
  const covYpYp = samples * samples - pDotP;
  const covYtYt = samples * samples - tDotT;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}
