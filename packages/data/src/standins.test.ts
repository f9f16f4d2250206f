import { describe, expect, it } from 'vitest';
import { alpacaPrompt } from './alpaca.ts';
import { formatExample } from './mmlu.ts';
import { loadBrownSummarizationStandIn, loadSpamStandIn, loadWordnetGlosses } from './node.ts';
import { brownSentences, definitionChoiceQuestions, definitionInstructions, emailText } from './standins.ts';

describe('offline text stand-ins', () => {
  it('spam classification from SpamAssassin: both labels, headers stripped', async () => {
    const data = await loadSpamStandIn({ limit: 60 });
    expect(data.length).toBe(60);
    const spam = data.filter((d) => d.label === 1).length;
    expect(spam).toBeGreaterThan(5);
    expect(spam).toBeLessThan(55);
    expect(data.every((d) => !/^Return-Path:/m.test(d.text))).toBe(true);
    expect(emailText('From: a\nSubject: Hello\nX: y\n\nBody text')).toBe('Hello\n\nBody text');
  });

  it('summarization from the Brown corpus: first sentence → summary, the rest → document', async () => {
    const data = await loadBrownSummarizationStandIn({ files: ['ca01'] });
    expect(data.length).toBeGreaterThan(5);
    expect(data[0]!.summary).toMatch(/^The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced "no evidence" that any irregularities took place\.$/);
    expect(data[0]!.document.startsWith('The jury further said')).toBe(true);
    expect(brownSentences('\n\n\tHe/pps said/vbd ,/, ``/`` no/at ./. \'\'/\'\'\n')).toEqual(['He said, "no."']);
  });

  it('definition multiple choice from WordNet: deterministic, answer letter points at the word', async () => {
    const glosses = await loadWordnetGlosses();
    expect(glosses.length).toBeGreaterThan(50000);
    expect(glosses.find((g) => g.word === 'entity')?.definition).toBe('that which is perceived or known or inferred to have its own distinct existence (living or nonliving)');
    const qs = definitionChoiceQuestions(glosses, 50, 1);
    expect(definitionChoiceQuestions(glosses, 50, 1)).toEqual(qs);
    for (const q of qs) {
      expect(new Set(q.choices).size).toBe(4);
      const word = q.choices['ABCD'.indexOf(q.answer)]!;
      expect(q.question).toContain(glosses.find((g) => g.word === word)!.definition);
    }
    expect(formatExample(qs[0]!, false)).toMatch(/^Which word is defined as ".*"\?\nA\. .*\nB\. .*\nC\. .*\nD\. .*\nAnswer:$/s);
    expect(alpacaPrompt(definitionInstructions(glosses.slice(0, 1))[0]!)).toContain('### Input:\nthat which is perceived');
  });
});
