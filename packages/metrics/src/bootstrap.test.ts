import { describe, expect, it } from 'vitest';
import { MersenneTwister } from './_mt19937.ts';
import { REFERENCE, type Triple, triple } from './_fixtures.ts';
import { BOOTSTRAP_DEFAULTS, type Score, bootstrapAggregate } from './bootstrap.ts';

const asScore = ([precision, recall, fmeasure]: Triple): Score => ({ precision, recall, fmeasure });

describe('MT19937 seeded like np.random.seed', () => {
  for (const { seed, words } of REFERENCE.mt19937) {
    it(`seed ${seed}: the first ${words.length} words equal NumPy's`, () => {
      const rng = new MersenneTwister(seed);
      expect(words.map(() => rng.nextUint32())).toEqual(words);
    });
  }

  it('boundedInt(0) consumes nothing; other bounds stay in range', () => {
    const a = new MersenneTwister(3);
    const b = new MersenneTwister(3);
    expect(a.boundedInt(0)).toBe(0);
    expect(a.nextUint32()).toBe(b.nextUint32());
    for (const max of [1, 2, 6, 7, 1000, 2 ** 31, 2 ** 32 - 2]) {
      for (let i = 0; i < 50; i++) {
        const v = a.boundedInt(max);
        expect(Number.isInteger(v) && v >= 0 && v <= max).toBe(true);
      }
    }
  });
});

describe(`bootstrapAggregate against NumPy (rouge_score's _bootstrap_resample, numpy ${REFERENCE.numpy})`, () => {
  for (const c of REFERENCE.bootstrap) {
    it(`${c.name}: ${c.rows.length} rows, seed ${c.seed}, ${c.samples} resamples, ${c.confidence_interval} interval`, () => {
      const scores = c.rows.map((row) => ({ s: asScore(row) }));
      const { s } = bootstrapAggregate(scores, ['s'], { seed: c.seed, samples: c.samples, confidenceInterval: c.confidence_interval });
      expect(triple(s.low)).toEqual(c.low.map((v) => expect.closeTo(v, 13)));
      expect(triple(s.mid)).toEqual(c.mid.map((v) => expect.closeTo(v, 13)));
      expect(triple(s.high)).toEqual(c.high.map((v) => expect.closeTo(v, 13)));
    });
  }
});

describe('bootstrapAggregate', () => {
  const scores = [0.1, 0.5, 0.9, 0.4].map((v) => ({ x: { precision: v, recall: v / 2, fmeasure: v / 3 } }));

  it("defaults to rouge_score's 1000 resamples and 95% interval, with seed 0", () => {
    expect(BOOTSTRAP_DEFAULTS).toEqual({ samples: 1000, confidenceInterval: 0.95, seed: 0 });
    expect(bootstrapAggregate(scores, ['x'])).toEqual(bootstrapAggregate(scores, ['x'], { samples: 1000, confidenceInterval: 0.95, seed: 0 }));
  });

  it('low ≤ mid ≤ high, all within the range of the scores; one example gives a point', () => {
    const { x } = bootstrapAggregate(scores, ['x']);
    expect(0.1).toBeLessThanOrEqual(x.low.precision);
    expect(x.low.precision).toBeLessThanOrEqual(x.mid.precision);
    expect(x.mid.precision).toBeLessThanOrEqual(x.high.precision);
    expect(x.high.precision).toBeLessThanOrEqual(0.9);
    const one = bootstrapAggregate([scores[0]!], ['x']).x;
    expect(one.low).toEqual(scores[0]!.x);
    expect(one.high).toEqual(scores[0]!.x);
  });

  it('rejects bad options and input with MetricErrors', () => {
    expect(() => bootstrapAggregate([], ['x'])).toThrow('bootstrapAggregate: no scores to aggregate');
    expect(() => bootstrapAggregate(scores, ['x'], { samples: 0 })).toThrow('bootstrapAggregate: samples must be a positive integer, got 0');
    expect(() => bootstrapAggregate(scores, ['x'], { confidenceInterval: 1.5 })).toThrow('confidenceInterval must be in [0, 1]');
    expect(() => bootstrapAggregate(scores, ['x'], { seed: -1 })).toThrow('seed must be an integer in [0, 2^32 - 1]');
    expect(() => bootstrapAggregate(scores, ['y' as 'x'])).toThrow('bootstrapAggregate: scores[0] has no precision for "y"');
  });
});
