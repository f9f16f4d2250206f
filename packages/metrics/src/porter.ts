// The Porter stemmer (Porter, "An algorithm for suffix stripping", Program 14(3), 1980) in the
// two variants that matter for evaluation:
//  - 'nltk':   NLTK's PorterStemmer() default mode (NLTK_EXTENSIONS), the stemmer that Google's
//              rouge_score (and so HF `evaluate`'s rouge) applies with use_stemmer=True;
//  - 'martin': Martin Porter's own reference implementations (MARTIN_EXTENSIONS), which give
//              exactly his published voc.txt → output.txt pairs.
// Rules are listed per step in the paper's order; as in the paper, the first rule whose suffix
// matches decides, whether or not its condition holds.

/** Which Porter variant to run; see {@link porterStem}. */
export type PorterMode = 'nltk' | 'martin';

type Condition = (stem: string) => boolean;
/** [suffix, replacement, condition]; the suffix '*d' means "ends in a double consonant". */
type Rule = readonly [string, string, Condition | null];

// NLTK_EXTENSIONS only: irregular forms mapped straight to their stem.
const IRREGULAR: ReadonlyMap<string, string> = new Map([
  ['sky', 'sky'], ['skies', 'sky'], ['dying', 'die'], ['lying', 'lie'], ['tying', 'tie'],
  ['news', 'news'], ['innings', 'inning'], ['inning', 'inning'], ['outings', 'outing'],
  ['outing', 'outing'], ['cannings', 'canning'], ['canning', 'canning'], ['howe', 'howe'],
  ['proceed', 'proceed'], ['exceed', 'exceed'], ['succeed', 'succeed'],
]);

/**
 * Stem one word with the Porter algorithm. The word is lowercased first; words of 1 or 2
 * letters come back unchanged. `mode` 'nltk' (default) equals `nltk.stem.PorterStemmer()`,
 * i.e. what `rouge_score` uses; 'martin' equals Martin Porter's reference implementation.
 */
export function porterStem(word: string, mode: PorterMode = 'nltk'): string {
  const nltk = mode === 'nltk';
  // NLTK looks the irregular forms up before lowercasing; so do we, to match it exactly.
  if (nltk && IRREGULAR.has(word)) return IRREGULAR.get(word)!;
  let stem = word.toLowerCase();
  if (stem.length <= 2) return stem;
  stem = step1a(stem, nltk);
  stem = step1b(stem, nltk);
  stem = step1c(stem, nltk);
  stem = step2(stem, nltk);
  stem = step3(stem);
  stem = step4(stem);
  stem = step5a(stem, nltk);
  stem = step5b(stem);
  return stem;
}

/** A consonant is a letter other than a, e, i, o, u, and other than y preceded by a consonant. */
function isConsonant(word: string, i: number): boolean {
  const ch = word[i];
  if (ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u') return false;
  if (ch === 'y') return i === 0 ? true : !isConsonant(word, i - 1);
  return true;
}

/** m in [C](VC)^m[V]: the number of vowel→consonant transitions. */
function measure(stem: string): number {
  let m = 0;
  let previousVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const consonant = isConsonant(stem, i);
    if (consonant && previousVowel) m++;
    previousVowel = !consonant;
  }
  return m;
}

const positiveMeasure: Condition = (stem) => measure(stem) > 0;
const measureAboveOne: Condition = (stem) => measure(stem) > 1;

function containsVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

/** *d: ends with a double consonant. */
function endsDoubleConsonant(word: string): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

/** *o: ends consonant-vowel-consonant, the last not w, x or y (NLTK also: a 2-letter vowel-consonant word). */
function endsCvc(word: string, nltk: boolean): boolean {
  const n = word.length;
  if (n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1)) {
    const last = word[n - 1];
    if (last !== 'w' && last !== 'x' && last !== 'y') return true;
  }
  return nltk && n === 2 && !isConsonant(word, 0) && isConsonant(word, 1);
}

function applyRules(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === '*d') {
      if (!endsDoubleConsonant(word)) continue;
      const stem = word.slice(0, -2);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, word.length - suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

// Step 1a: plurals. SSES → SS, IES → I, SS → SS, S → ''.
function step1a(word: string, nltk: boolean): string {
  // NLTK: 'ties' → 'tie' (4-letter -ies), while 'flies' → 'fli'
  if (nltk && word.length === 4 && word.endsWith('ies')) return word.slice(0, -3) + 'ie';
  return applyRules(word, [['sses', 'ss', null], ['ies', 'i', null], ['ss', 'ss', null], ['s', '', null]]);
}

// Step 1b: -eed, -ed, -ing, then tidy the stem (-at → -ate, double consonant → single, …).
function step1b(word: string, nltk: boolean): string {
  if (nltk && word.endsWith('ied')) return word.slice(0, -3) + (word.length === 4 ? 'ie' : 'i');
  if (word.endsWith('eed')) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? stem + 'ee' : word;
  }
  let stem: string | undefined;
  for (const suffix of ['ed', 'ing']) {
    if (word.endsWith(suffix) && containsVowel(word.slice(0, -suffix.length))) {
      stem = word.slice(0, -suffix.length);
      break;
    }
  }
  if (stem === undefined) return word;
  const last = stem[stem.length - 1]!;
  return applyRules(stem, [
    ['at', 'ate', null],
    ['bl', 'ble', null],
    ['iz', 'ize', null],
    ['*d', last, () => last !== 'l' && last !== 's' && last !== 'z'],
    ['', 'e', (s) => measure(s) === 1 && endsCvc(s, nltk)],
  ]);
}

// Step 1c: terminal y → i. Paper: (*v*) Y → I. NLTK: only after a consonant that is not the first letter.
function step1c(word: string, nltk: boolean): string {
  const condition: Condition = nltk ? (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1) : containsVowel;
  return applyRules(word, [['y', 'i', condition]]);
}

const STEP2_RULES: readonly Rule[] = [
  ['ational', 'ate', positiveMeasure],
  ['tional', 'tion', positiveMeasure],
  ['enci', 'ence', positiveMeasure],
  ['anci', 'ance', positiveMeasure],
  ['izer', 'ize', positiveMeasure],
  ['bli', 'ble', positiveMeasure], // both variants use Martin's -bli (the paper has -abli)
  ['alli', 'al', positiveMeasure],
  ['entli', 'ent', positiveMeasure],
  ['eli', 'e', positiveMeasure],
  ['ousli', 'ous', positiveMeasure],
  ['ization', 'ize', positiveMeasure],
  ['ation', 'ate', positiveMeasure],
  ['ator', 'ate', positiveMeasure],
  ['alism', 'al', positiveMeasure],
  ['iveness', 'ive', positiveMeasure],
  ['fulness', 'ful', positiveMeasure],
  ['ousness', 'ous', positiveMeasure],
  ['aliti', 'al', positiveMeasure],
  ['iviti', 'ive', positiveMeasure],
  ['biliti', 'ble', positiveMeasure],
];

// Step 2: double suffixes to single ones (-ization → -ize, …), when m > 0.
function step2(word: string, nltk: boolean): string {
  if (nltk) {
    // NLTK applies ALLI → AL first and, if it fires, runs step 2 again on the result.
    if (word.endsWith('alli') && positiveMeasure(word.slice(0, -4))) return step2(word.slice(0, -4) + 'al', nltk);
    return applyRules(word, [
      ...STEP2_RULES,
      ['fulli', 'ful', positiveMeasure],
      // the 'l' of -logi stays with the stem for the measure, so geo-, theo- work like philo-
      ['logi', 'log', () => positiveMeasure(word.slice(0, -3))],
    ]);
  }
  return applyRules(word, [...STEP2_RULES, ['logi', 'log', positiveMeasure]]);
}

// Step 3: -ic-, -full, -ness etc., when m > 0.
function step3(word: string): string {
  return applyRules(word, [
    ['icate', 'ic', positiveMeasure],
    ['ative', '', positiveMeasure],
    ['alize', 'al', positiveMeasure],
    ['iciti', 'ic', positiveMeasure],
    ['ical', 'ic', positiveMeasure],
    ['ful', '', positiveMeasure],
    ['ness', '', positiveMeasure],
  ]);
}

const STEP4_RULES: readonly Rule[] = [
  ['al', '', measureAboveOne],
  ['ance', '', measureAboveOne],
  ['ence', '', measureAboveOne],
  ['er', '', measureAboveOne],
  ['ic', '', measureAboveOne],
  ['able', '', measureAboveOne],
  ['ible', '', measureAboveOne],
  ['ant', '', measureAboveOne],
  ['ement', '', measureAboveOne],
  ['ment', '', measureAboveOne],
  ['ent', '', measureAboveOne],
  ['ion', '', (stem) => measure(stem) > 1 && (stem.endsWith('s') || stem.endsWith('t'))],
  ['ou', '', measureAboveOne],
  ['ism', '', measureAboveOne],
  ['ate', '', measureAboveOne],
  ['iti', '', measureAboveOne],
  ['ous', '', measureAboveOne],
  ['ive', '', measureAboveOne],
  ['ize', '', measureAboveOne],
];

// Step 4: strip -ant, -ence, … in context <c>vcvc<v> (m > 1).
function step4(word: string): string {
  return applyRules(word, STEP4_RULES);
}

// Step 5a: (m > 1) E → ''; (m = 1 and not *o) E → ''. Both conditions are tried (unlike step 1b).
function step5a(word: string, nltk: boolean): string {
  if (!word.endsWith('e')) return word;
  const stem = word.slice(0, -1);
  const m = measure(stem);
  if (m > 1 || (m === 1 && !endsCvc(stem, nltk))) return stem;
  return word;
}

// Step 5b: (m > 1 and *d and *L) → single letter: controll → control.
function step5b(word: string): string {
  return applyRules(word, [['ll', 'l', () => measure(word.slice(0, -1)) > 1]]);
}
