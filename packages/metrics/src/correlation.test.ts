import { describe, expect, it } from 'vitest';
import { REFERENCE } from './_fixtures.ts';
import { averageRanks, pearson, spearman } from './correlation.ts';
import { MetricError } from './errors.ts';

describe(`correlations against NumPy references (numpy ${REFERENCE.numpy}; SciPy semantics)`, () => {
  for (const c of REFERENCE.correlation) {
    it(c.name, () => {
      expect(averageRanks(c.x)).toEqual(c.ranks_x);
      if (c.pearson === null) expect(pearson(c.x, c.y)).toBeNaN();
      else expect(pearson(c.x, c.y)).toBeCloseTo(c.pearson, 12);
      if (c.spearman === null) expect(spearman(c.x, c.y)).toBeNaN();
      else expect(spearman(c.x, c.y)).toBeCloseTo(c.spearman, 12);
    });
  }

  it('covers random, tie-heavy, offset, tiny-scale and constant inputs', () => {
    const names = REFERENCE.correlation.map((c) => c.name);
    for (const name of ['tie_heavy_500', 'stsb_like', 'large_offset', 'tiny_scale', 'constant_x', 'constant_y']) expect(names).toContain(name);
  });
});

describe('averageRanks', () => {
  it('gives ties the mean of the ranks they span', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 3, 3, 2])).toEqual([4, 1, 4, 4, 2]);
    expect(averageRanks([-0, 0])).toEqual([1.5, 1.5]);
  });
});

describe('pearson and spearman', () => {
  it('are ±1 for exact linear / monotone relations and clipped to [-1, 1]', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 15);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 1000])).toBeCloseTo(1, 15);
    const x = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-3 + 0.1 * i);
    expect(Math.abs(pearson(x, x))).toBeLessThanOrEqual(1);
  });

  it('return NaN for a constant vector (scipy.stats returns nan with a ConstantInputWarning)', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([1, 2, 3], [7, 7, 7])).toBeNaN();
  });

  for (const [name, fn] of Object.entries({ pearson, spearman })) {
    it(`${name}: fewer than 2 pairs, length mismatch and non-finite values are MetricErrors`, () => {
      expect(() => fn([], [])).toThrow(new MetricError(name, 'x and y are empty; the metric needs at least 2 pairs'));
      expect(() => fn([1], [2])).toThrow(`${name}: x and y have 1 value; the metric needs at least 2 pairs`);
      expect(() => fn([1, 2, 3], [1, 2])).toThrow(`${name}: x has 3 values but y has 2`);
      expect(() => fn([1, Number.NaN], [1, 2])).toThrow(`${name}: x[1] is NaN; expected a finite number`);
      expect(() => fn([1, 2], [1, -Infinity])).toThrow(`${name}: y[1] is -Infinity; expected a finite number`);
    });
  }
});
