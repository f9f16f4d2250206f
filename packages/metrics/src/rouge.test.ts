import { describe, expect, it } from 'vitest';
import { ROUGE_SCORE, triple } from './_fixtures.ts';
import { MetricError } from './errors.ts';
import { DEFAULT_ROUGE_TYPES, fmeasure, rouge, rougeScore, rougeTokens } from './rouge.ts';

describe(`rouge_score reference scores (${ROUGE_SCORE.cases.length} seeded text pairs, fixtures/generate_rouge.py)`, () => {
  for (const [i, c] of ROUGE_SCORE.cases.entries()) {
    it(`pair ${i}`, () => {
      const plain = rougeScore(c.target, c.prediction);
      const stemmed = rougeScore(c.target, c.prediction, { useStemmer: true });
      for (const type of ROUGE_SCORE.types) {
        expect(triple(plain[type]), `${type}`).toEqual(c.scores[type].map((v) => expect.closeTo(v, 14)));
        expect(triple(stemmed[type]), `${type} stemmed`).toEqual(c.stemmed[type].map((v) => expect.closeTo(v, 14)));
      }
    });
  }

  for (const a of ROUGE_SCORE.bootstrap) {
    it(`BootstrapAggregator after np.random.seed(${a.seed}): ${a.pairs} pairs${a.stemmed ? ' stemmed' : ''}, ${a.samples} resamples, ${a.confidence_interval} interval`, () => {
      const cases = ROUGE_SCORE.cases.slice(0, a.pairs);
      const result = rouge(
        cases.map((c) => c.target),
        cases.map((c) => c.prediction),
        { useStemmer: a.stemmed, bootstrap: { seed: a.seed, samples: a.samples, confidenceInterval: a.confidence_interval } },
      );
      for (const type of ROUGE_SCORE.types) {
        for (const bound of ['low', 'mid', 'high'] as const) {
          expect(triple(result.aggregate![type][bound]), `${type}.${bound}`).toEqual(a.expected[type][bound].map((v) => expect.closeTo(v, 12)));
        }
      }
    });
  }
});

describe('rougeTokens', () => {
  it('lowercases and splits on everything but [a-z0-9] (ROUGE-1.5.5)', () => {
    expect(rougeTokens("Don't e-mail the U.S. in the 1990s -- C++!")).toEqual(['don', 't', 'e', 'mail', 'the', 'u', 's', 'in', 'the', '1990s', 'c']);
    expect(rougeTokens('naïve café İstanbul')).toEqual(['na', 've', 'caf', 'i', 'stanbul']);
    expect(rougeTokens('  \n\t ...')).toEqual([]);
  });

  it('stems only tokens longer than 3 characters', () => {
    expect(rougeTokens('The cats were running; dies, dying, ties.', true)).toEqual(['the', 'cat', 'were', 'run', 'die', 'die', 'tie']);
    expect(rougeTokens('was has its', true)).toEqual(['was', 'has', 'its']);
  });
});

describe('rougeScore', () => {
  it('computes ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum by default', () => {
    const scores = rougeScore('the cat sat on the mat', 'the cat lay on the mat');
    expect(Object.keys(scores)).toEqual([...DEFAULT_ROUGE_TYPES]);
    expect(scores.rouge1).toEqual({ precision: 5 / 6, recall: 5 / 6, fmeasure: expect.closeTo(5 / 6, 15) });
    expect(scores.rouge2).toEqual({ precision: 3 / 5, recall: 3 / 5, fmeasure: expect.closeTo(3 / 5, 15) });
    expect(scores.rougeL.recall).toBeCloseTo(5 / 6, 15);
  });

  it('supports rouge3..rouge9 and counts clipped n-gram overlaps', () => {
    const scores = rougeScore('a a a b', 'a a b b', { rougeTypes: ['rouge1', 'rouge3', 'rouge9'] });
    expect(scores.rouge1).toEqual({ precision: 3 / 4, recall: 3 / 4, fmeasure: expect.closeTo(3 / 4, 15) });
    // trigrams: target {aaa, aab}, prediction {aab, abb}
    expect(scores.rouge3).toEqual({ precision: 0.5, recall: 0.5, fmeasure: 0.5 });
    expect(scores.rouge9).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
  });

  it('ROUGE-Lsum takes the union LCS per reference sentence without double counting (Lin 2004, §3.2)', () => {
    const score = rougeScore('w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5', { rougeTypes: ['rougeLsum'] }).rougeLsum;
    expect(score.recall).toBe(0.8);
    expect(score.precision).toBe(0.4);
    // newlines are ignored by ROUGE-L but delimit sentences for ROUGE-Lsum
    const both = rougeScore('a b\nc d', 'c d\na b', { rougeTypes: ['rougeL', 'rougeLsum'] });
    expect(both.rougeL.fmeasure).toBe(0.5);
    expect(both.rougeLsum.fmeasure).toBe(1);
  });

  it('is 0 for empty, whitespace or punctuation-only text (rouge_score)', () => {
    for (const [target, prediction] of [['', ''], ['a b', ''], ['', 'a b'], ['...', 'a'], ['a', '\n\n']]) {
      for (const score of Object.values(rougeScore(target!, prediction!))) expect(score).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    }
  });

  it('rejects unknown or repeated ROUGE types and non-string texts', () => {
    expect(() => rougeScore('a', 'a', { rougeTypes: ['rouge0' as 'rouge1'] })).toThrow(
      new MetricError('rougeScore', 'unknown ROUGE type "rouge0"; expected rouge1..rouge9, rougeL or rougeLsum'),
    );
    expect(() => rougeScore('a', 'a', { rougeTypes: ['rougeL', 'rougeL'] })).toThrow('rougeScore: rougeTypes lists a type twice');
    expect(() => rougeScore('a', 'a', { rougeTypes: [] })).toThrow('rougeScore: rougeTypes must be a non-empty array');
    expect(() => rougeScore(1 as unknown as string, 'a')).toThrow('rougeScore: target and prediction must be strings');
  });
});

describe('rouge (corpus)', () => {
  const targets = ['the cat sat on the mat', 'a quick brown fox', 'hello world'];
  const predictions = ['the cat on the mat', 'the quick fox jumps', 'goodbye world'];

  it('returns per-pair scores, their mean, and a seeded bootstrap aggregate', () => {
    const result = rouge(targets, predictions);
    expect(result.scores).toHaveLength(3);
    expect(result.mean.rouge1.fmeasure).toBeCloseTo(result.scores.reduce((s, x) => s + x.rouge1.fmeasure, 0) / 3, 15);
    const { low, mid, high } = result.aggregate!.rougeL;
    expect(low.fmeasure).toBeLessThanOrEqual(mid.fmeasure);
    expect(mid.fmeasure).toBeLessThanOrEqual(high.fmeasure);
    expect(rouge(targets, predictions)).toEqual(result); // deterministic: default seed 0
  });

  it('draws different resamples for different seeds', () => {
    const pairs = ROUGE_SCORE.cases.slice(0, 30);
    const run = (seed: number) => rouge(pairs.map((c) => c.target), pairs.map((c) => c.prediction), { bootstrap: { seed } }).aggregate;
    expect(run(1)).not.toEqual(run(0));
    expect(run(1)).toEqual(run(1));
  });

  it('skips the bootstrap with bootstrap: false and honours rougeTypes', () => {
    const result = rouge(targets, predictions, { rougeTypes: ['rouge2'], bootstrap: false, useStemmer: true });
    expect(result.aggregate).toBeNull();
    expect(Object.keys(result.mean)).toEqual(['rouge2']);
  });

  it('rejects empty corpora, length mismatch and non-strings with MetricErrors', () => {
    expect(() => rouge([], [])).toThrow('rouge: targets and predictions are empty; the metric needs at least one pair');
    expect(() => rouge(['a'], ['a', 'b'])).toThrow('rouge: targets has 1 values but predictions has 2');
    expect(() => rouge(['a', 'b'], ['a', null as unknown as string])).toThrow('rouge: predictions[1] is null; expected a string');
  });
});

describe('fmeasure', () => {
  it('is the harmonic mean, 0 when precision and recall are 0', () => {
    expect(fmeasure(1, 0.5)).toBeCloseTo(2 / 3, 15);
    expect(fmeasure(0, 0)).toBe(0);
  });
});
