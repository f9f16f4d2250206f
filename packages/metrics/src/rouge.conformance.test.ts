// ROUGE-1.5.5 conformance: every case of fixtures/rouge155-cases.json (copied from
// shared/conformance/rouge; official ROUGE-1.5.5 figures recorded in rouge_score's tests).
import { describe, expect, it } from 'vitest';
import { CONFORMANCE } from './_fixtures.ts';
import { rouge, rougeScore } from './rouge.ts';

/** Python's assertAlmostEqual(want, got, places): round(|got − want|, places) == 0. */
function almostEqual(got: number, want: number, places: number): boolean {
  return Math.round(Math.abs(got - want) * 10 ** places) === 0;
}

describe(`ROUGE-1.5.5 conformance (${CONFORMANCE.cases.length} cases)`, () => {
  for (const c of CONFORMANCE.cases) {
    it(`${c.name} (${c.rouge_type}${c.use_stemmer ? ', stemmed' : ''})`, () => {
      const score = rougeScore(c.target, c.prediction, { rougeTypes: [c.rouge_type], useStemmer: c.use_stemmer })[c.rouge_type];
      for (const measure of ['precision', 'recall', 'fmeasure'] as const) {
        expect(almostEqual(score[measure], c[measure], c.places), `${measure}: got ${score[measure]}, ROUGE-1.5.5 ${c[measure]}`).toBe(true);
      }
      // the corpus-level entry point scores the pair identically
      const corpus = rouge([c.target], [c.prediction], { rougeTypes: [c.rouge_type], useStemmer: c.use_stemmer, bootstrap: false });
      expect(corpus.scores[0]![c.rouge_type]).toEqual(score);
    });
  }

  it('exercises ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum, with and without stemming', () => {
    const kinds = new Set(CONFORMANCE.cases.map((c) => `${c.rouge_type}:${c.use_stemmer}`));
    for (const kind of ['rouge1:false', 'rouge1:true', 'rouge2:false', 'rouge2:true', 'rougeL:false', 'rougeLsum:true', 'rougeLsum:false']) expect(kinds).toContain(kind);
  });
});
