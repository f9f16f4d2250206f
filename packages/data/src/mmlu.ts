// MMLU (Hendrycks et al., ICLR 2021) CSVs and the k-shot prompt exactly as the authors' evaluation
// builds it: hendrycks/test evaluate.py (commit 4450500f) `format_subject`, `format_example`,
// `gen_prompt`, with dev rows as shots and cells printed as pandas parsed them.
import { parseCsv } from './_csv.ts';
import { pandasFormatColumns } from './_pandas.ts';
import { DataFormatError } from './errors.ts';

/** evaluate.py's `choices`. */
export const MMLU_CHOICES: readonly string[] = ['A', 'B', 'C', 'D'];

export interface MmluQuestion {
  readonly question: string;
  readonly choices: readonly string[];
  /** The answer letter as written in the file ('A'..'D'). */
  readonly answer: string;
  /** 1-based line where the row starts. */
  readonly line: number;
}

/**
 * Rows of one `<subject>_{dev,val,test}.csv` (no header: question, choices…, answer). Cells are
 * printed the way `"{}".format(df.iloc[i, j])` prints pandas' parsed values (e.g. an all-integer
 * column "01" → "1", NA strings → "nan"), as the prompts of evaluate.py contain them.
 */
export function parseMmluCsv(text: string, file: string): MmluQuestion[] {
  const rows = parseCsv(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  if (rows.length === 0) throw new DataFormatError(file, undefined, 'no rows (expected question, choices A–D, answer per row)');
  const width = rows[0]!.cells.length;
  for (const r of rows) {
    if (r.cells.length !== width) throw new DataFormatError(file, r.line, `expected ${width} columns like the first row, got ${r.cells.length}`);
  }
  if (width < 3 || width - 2 > MMLU_CHOICES.length) throw new DataFormatError(file, rows[0]!.line, `expected question, 1–4 choices and an answer (3–6 columns), got ${width}`);
  const printed = pandasFormatColumns(rows.map((r) => r.cells));
  return rows.map((r, i) => {
    const cells = printed[i]!;
    const answer = r.cells[width - 1]!.trim();
    if (!MMLU_CHOICES.slice(0, width - 2).includes(answer)) throw new DataFormatError(file, r.line, `answer: expected one of ${MMLU_CHOICES.slice(0, width - 2).join(', ')}, got '${answer}'`);
    return { question: cells[0]!, choices: cells.slice(1, width - 1), answer: cells[width - 1]!, line: r.line };
  });
}

/** evaluate.py `format_subject`: "abstract_algebra" → " abstract algebra" (note the leading space). */
export function formatSubject(subject: string): string {
  let s = '';
  for (const entry of subject.split('_')) s += ` ${entry}`;
  return s;
}

/** evaluate.py `format_example`: question, "\nA. …" per choice, "\nAnswer:" and, with the answer, " X\n\n". */
export function formatExample(q: MmluQuestion, includeAnswer = true): string {
  let prompt = q.question;
  q.choices.forEach((c, j) => (prompt += `\n${MMLU_CHOICES[j]}. ${c}`));
  prompt += '\nAnswer:';
  if (includeAnswer) prompt += ` ${q.answer}\n\n`;
  return prompt;
}

/** evaluate.py `gen_prompt`: the subject header and the first k dev examples with answers (k = -1: all). */
export function genPrompt(train: readonly MmluQuestion[], subject: string, k = -1): string {
  let prompt = `The following are multiple choice questions (with answers) about ${formatSubject(subject)}.\n\n`;
  const n = k === -1 ? train.length : k;
  for (let i = 0; i < n; i++) prompt += formatExample(train[i]!);
  return prompt;
}

export interface MmluPromptOptions {
  /** Number of shots (evaluate.py `--ntrain`, default 5). */
  readonly k?: number;
  /** evaluate.py drops shots while the prompt is too long (`crop`); pass the model's check here. */
  readonly fits?: (prompt: string) => boolean;
}

/** The full prompt of test question `q`: `gen_prompt(dev, subject, k) + format_example(q, False)`. */
export function mmluPrompt(dev: readonly MmluQuestion[], subject: string, q: MmluQuestion, opts: MmluPromptOptions = {}): string {
  let k = Math.min(opts.k ?? 5, dev.length);
  const end = formatExample(q, false);
  let prompt = genPrompt(dev, subject, k) + end;
  while (opts.fits && k > 0 && !opts.fits(prompt)) {
    k--;
    prompt = genPrompt(dev, subject, k) + end;
  }
  return prompt;
}

/** The subject of a file name `<subject>_{dev,val,test}.csv`. */
export function mmluSubjectOf(fileName: string): string | undefined {
  return /^(.*)_(dev|val|test)\.csv$/.exec(fileName)?.[1];
}
