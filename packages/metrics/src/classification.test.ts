import { describe, expect, it } from 'vitest';
import { REFERENCE } from './_fixtures.ts';
import { accuracy, binaryCounts, f1, matthewsCorrelation } from './classification.ts';
import { MetricError } from './errors.ts';

describe(`classification metrics against NumPy references (numpy ${REFERENCE.numpy})`, () => {
  for (const c of REFERENCE.classification) {
    it(c.name, () => {
      expect(accuracy(c.labels, c.preds)).toBeCloseTo(c.accuracy, 14);
      expect(matthewsCorrelation(c.labels, c.preds)).toBeCloseTo(c.mcc, 12);
      if (c.f1 !== undefined) expect(f1(c.labels, c.preds)).toBeCloseTo(c.f1, 14);
    });
  }

  it('covers random, imbalanced, degenerate and multiclass inputs', () => {
    expect(REFERENCE.classification.length).toBeGreaterThanOrEqual(15);
    expect(REFERENCE.classification.filter((c) => c.f1 === undefined).length).toBeGreaterThanOrEqual(4);
  });
});

describe('accuracy', () => {
  it('compares labels with === (numbers or strings)', () => {
    expect(accuracy(['A', 'B', 'C', 'D'], ['A', 'B', 'D', 'D'])).toBe(0.75);
    expect(accuracy([1], [1])).toBe(1);
    expect(accuracy([1, 2], ['1', 2])).toBe(0.5);
  });
});

describe('f1', () => {
  it('is 2TP / (2TP + FP + FN) for the positive class 1', () => {
    // tp=2 fp=1 fn=1 → 4/6
    expect(f1([1, 1, 1, 0, 0], [1, 1, 0, 1, 0])).toBeCloseTo(2 / 3, 15);
    expect(binaryCounts([1, 1, 1, 0, 0], [1, 1, 0, 1, 0])).toEqual({ tp: 2, fp: 1, fn: 1, tn: 1 });
  });

  it('is 0 when there is no positive label or prediction (sklearn zero_division default)', () => {
    expect(f1([0, 0, 0], [0, 0, 0])).toBe(0);
    expect(f1([1, 1], [0, 0])).toBe(0);
  });

  it('rejects labels other than 0 and 1', () => {
    expect(() => f1([0, 2], [0, 1])).toThrow(new MetricError('f1', 'labels[1] is 2; binary metrics take 0 or 1 (positive class 1)'));
    expect(() => f1([0, 1], [0, Number.NaN])).toThrow(/f1: preds\[1\] is NaN/);
  });
});

describe('matthewsCorrelation', () => {
  it('is +1, -1 and 0 where it must be', () => {
    expect(matthewsCorrelation([0, 1, 1, 0], [0, 1, 1, 0])).toBe(1);
    expect(matthewsCorrelation([0, 1, 1, 0], [1, 0, 0, 1])).toBe(-1);
    expect(matthewsCorrelation([0, 1, 2, 0, 1, 2], [0, 1, 2, 0, 1, 2])).toBeCloseTo(1, 15);
  });

  it('is 0 when labels or predictions are a single class (sklearn)', () => {
    expect(matthewsCorrelation([0, 1, 1, 0], [1, 1, 1, 1])).toBe(0);
    expect(matthewsCorrelation([2, 2, 2], [0, 1, 2])).toBe(0);
    expect(matthewsCorrelation([5], [5])).toBe(0);
  });

  it('accepts string classes', () => {
    expect(matthewsCorrelation(['a', 'b', 'a', 'b'], ['a', 'b', 'a', 'b'])).toBe(1);
  });
});

describe('degenerate input', () => {
  const metrics = { accuracy, f1, matthewsCorrelation } as const;
  for (const [name, fn] of Object.entries(metrics)) {
    it(`${name}: empty arrays and length mismatch are MetricErrors naming the function`, () => {
      expect(() => fn([], [])).toThrow(MetricError);
      expect(() => fn([], [])).toThrow(`${name}: labels and preds are empty; the metric needs at least one pair`);
      expect(() => fn([0, 1], [0])).toThrow(`${name}: labels has 2 values but preds has 1; they must pair up one to one`);
    });
  }

  it('rejects non-finite numeric labels', () => {
    expect(() => accuracy([0, Number.NaN], [0, 1])).toThrow('accuracy: labels[1] is NaN; expected a class label (finite number or string)');
    expect(() => matthewsCorrelation([0, 1], [0, Infinity])).toThrow(/matthewsCorrelation: preds\[1\] is Infinity/);
  });

  it('errors carry the metric name', () => {
    try {
      accuracy([1], []);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MetricError);
      expect((error as MetricError).metric).toBe('accuracy');
      expect((error as MetricError).name).toBe('MetricError');
    }
  });
});
