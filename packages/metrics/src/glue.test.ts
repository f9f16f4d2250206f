import { describe, expect, it } from 'vitest';
import { REFERENCE } from './_fixtures.ts';
import { MetricError } from './errors.ts';
import { GLUE_TASKS, type GlueTask, glueMetric } from './glue.ts';

const binary = REFERENCE.classification.find((c) => c.name === 'binary_correlated_500')!;
const multiclass = REFERENCE.classification.find((c) => c.name === 'multiclass_3_600')!;
const stsb = REFERENCE.correlation.find((c) => c.name === 'stsb_like')!;

describe('glueMetric', () => {
  it('CoLA reports the Matthews correlation', () => {
    expect(glueMetric('cola', binary.labels, binary.preds)).toEqual({ matthewsCorrelation: expect.closeTo(binary.mcc, 12) });
  });

  it('STS-B reports Pearson and Spearman correlations', () => {
    expect(glueMetric('stsb', stsb.x, stsb.y)).toEqual({ pearson: expect.closeTo(stsb.pearson!, 12), spearman: expect.closeTo(stsb.spearman!, 12) });
  });

  for (const task of ['mrpc', 'qqp'] as const) {
    it(`${task.toUpperCase()} reports accuracy and F1 of class 1`, () => {
      expect(glueMetric(task, binary.labels, binary.preds)).toEqual({ accuracy: expect.closeTo(binary.accuracy, 14), f1: expect.closeTo(binary.f1!, 14) });
    });
  }

  for (const task of ['sst2', 'mnli', 'mnli_matched', 'mnli_mismatched', 'qnli', 'rte', 'wnli'] as const) {
    it(`${task} reports accuracy`, () => {
      const [labels, preds] = task.startsWith('mnli') ? [multiclass.labels, multiclass.preds] : [binary.labels, binary.preds];
      const want = task.startsWith('mnli') ? multiclass.accuracy : binary.accuracy;
      expect(glueMetric(task, labels, preds)).toEqual({ accuracy: expect.closeTo(want, 14) });
    });
  }

  it('knows the eleven GLUE task names of HF evaluate', () => {
    expect(GLUE_TASKS).toHaveLength(11);
  });

  it('rejects unknown tasks and prefixes metric errors with the task', () => {
    expect(() => glueMetric('squad' as GlueTask, [1], [1])).toThrow(
      new MetricError('glueMetric', `unknown GLUE task "squad"; expected one of ${GLUE_TASKS.join(', ')}`),
    );
    expect(() => glueMetric('mrpc', [0, 1, 2], [0, 1, 1])).toThrow('glueMetric("mrpc"): f1: labels[2] is 2; binary metrics take 0 or 1');
    expect(() => glueMetric('stsb', [1.5], [2])).toThrow('glueMetric("stsb"): pearson: x and y have 1 value; the metric needs at least 2 pairs');
    expect(() => glueMetric('rte', [], [])).toThrow('glueMetric("rte"): accuracy: labels and preds are empty');
  });

  it('STS-B with a constant prediction is NaN, as SciPy', () => {
    expect(glueMetric('stsb', [1, 2, 3], [2, 2, 2])).toEqual({ pearson: Number.NaN, spearman: Number.NaN });
  });
});
