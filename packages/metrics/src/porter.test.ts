import { describe, expect, it } from 'vitest';
import { PORTER } from './_fixtures.ts';
import { porterStem } from './porter.ts';

describe(`Porter stemmer on ${PORTER.rows.length} of Martin Porter's ${PORTER.vocabulary_size} published test words`, () => {
  it("mode 'martin' reproduces Martin Porter's output.txt", () => {
    const wrong = PORTER.rows.filter(([word, martin]) => porterStem(word, 'martin') !== martin);
    expect(wrong.map(([word, martin]) => `${word} → ${porterStem(word, 'martin')} (want ${martin})`)).toEqual([]);
  });

  it("mode 'nltk' (default) reproduces nltk.stem.PorterStemmer(), as rouge_score uses it", () => {
    const wrong = PORTER.rows.filter(([word, , nltk]) => porterStem(word) !== nltk);
    expect(wrong.map(([word, , nltk]) => `${word} → ${porterStem(word)} (want ${nltk})`)).toEqual([]);
  });

  it(`includes every word where the two variants differ (${PORTER.nltk_differs})`, () => {
    expect(PORTER.rows.filter(([, martin, nltk]) => martin !== nltk).length).toBe(PORTER.nltk_differs);
    expect(PORTER.nltk_differs).toBeGreaterThan(400);
  });
});

describe('porterStem', () => {
  it("follows the paper's examples", () => {
    const examples: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', caress: 'caress', cats: 'cat', feed: 'feed', agreed: 'agre',
      plastered: 'plaster', motoring: 'motor', sing: 'sing', conflated: 'conflat', hopping: 'hop', falling: 'fall',
      filing: 'file', happy: 'happi', relational: 'relat', conditional: 'condit', hopeful: 'hope', goodness: 'good',
      adjustment: 'adjust', controll: 'control', roll: 'roll', generalization: 'gener', oscillators: 'oscil',
    };
    for (const [word, stem] of Object.entries(examples)) expect(`${word} → ${porterStem(word, 'martin')}`).toBe(`${word} → ${stem}`);
  });

  it('nltk mode: irregular forms, 4-letter -ies/-ied, -y after a consonant only, -alli, -fulli, -logi', () => {
    expect(['skies', 'dying', 'lying', 'tying', 'news', 'innings', 'proceed'].map((w) => porterStem(w))).toEqual(['sky', 'die', 'lie', 'tie', 'news', 'inning', 'proceed']);
    expect([porterStem('ties'), porterStem('ties', 'martin')]).toEqual(['tie', 'ti']);
    expect(porterStem('spied')).toBe('spi');
    expect([porterStem('died'), porterStem('died', 'martin'), porterStem('dying', 'martin')]).toEqual(['die', 'di', 'dy']);
    expect([porterStem('enjoy'), porterStem('enjoy', 'martin')]).toEqual(['enjoy', 'enjoi']);
    expect([porterStem('spy'), porterStem('spy', 'martin')]).toEqual(['spi', 'spy']);
    expect([porterStem('hopefully'), porterStem('hopefully', 'martin')]).toEqual(['hope', 'hopefulli']);
    expect([porterStem('geology'), porterStem('geology', 'martin'), porterStem('radically')]).toEqual(['geolog', 'geologi', 'radic']);
  });

  it('leaves words of 1 or 2 letters alone and lowercases', () => {
    expect(['a', 'is', 'as', 'us'].map((w) => porterStem(w))).toEqual(['a', 'is', 'as', 'us']);
    expect(porterStem('RUNNING')).toBe('run');
    expect(porterStem('')).toBe('');
  });

  it('stems digits and mixed tokens like NLTK (only letters are vowels)', () => {
    expect(porterStem('1990s')).toBe('1990');
    expect(porterStem('2000')).toBe('2000');
  });
});
