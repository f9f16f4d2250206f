import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pandasFormatColumns, pythonFloatRepr } from './_pandas.ts';
import { ALPACA_PROMPT_INPUT, ALPACA_PROMPT_NO_INPUT, alpacaPrompt, parseAlpacaJson, readAlpacaJson } from './alpaca.ts';
import { DataFormatError } from './errors.ts';
import { formatExample, formatSubject, genPrompt, mmluPrompt, mmluSubjectOf, parseMmluCsv } from './mmlu.ts';
import { fileText, loadMmluSplit, mmluSubjects } from './node.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

function formatError(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('no error thrown');
}

describe('MMLU (hendrycks/test evaluate.py)', () => {
  it('format_subject keeps the leading space of its loop', () => {
    expect(formatSubject('abstract_algebra')).toBe(' abstract algebra');
  });

  it('builds the 5-shot prompt exactly as gen_prompt + format_example(include_answer=False)', async () => {
    const root = join(fixtures, 'mmlu');
    expect(await mmluSubjects(root)).toEqual(['abstract_algebra']);
    const dev = await loadMmluSplit(root, 'abstract_algebra', 'dev');
    const test = await loadMmluSplit(root, 'abstract_algebra', 'test');
    const tf = '"True, True"'.slice(1, -1);
    const shots =
      'Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\n' +
      `Statement 1 | If aH is an element of a factor group, then |aH| divides |a|. Statement 2 | If H and K are subgroups of G then HK is a subgroup of G.\nA. ${tf}\nB. False, False\nC. True, False\nD. False, True\nAnswer: B\n\n` +
      `Statement 1 | Every element of a group generates a cyclic subgroup of the group. Statement 2 | The symmetric group S_10 has 10 elements.\nA. ${tf}\nB. False, False\nC. True, False\nD. False, True\nAnswer: C\n\n` +
      `Statement 1| Every function from a finite set onto itself must be one to one. Statement 2 | Every subgroup of an abelian group is abelian.\nA. ${tf}\nB. False, False\nC. True, False\nD. False, True\nAnswer: A\n\n` +
      'Find the characteristic of the ring 2Z.\nA. 0\nB. 3\nC. 12\nD. 30\nAnswer: A\n\n';
    const expected = 'The following are multiple choice questions (with answers) about  abstract algebra.\n\n' + shots + 'Find the degree for the given field extension Q(sqrt(2)) over Q.\nA. 0\nB. 2\nC. 1\nD. 3\nAnswer:';
    expect(mmluPrompt(dev, 'abstract_algebra', test[0]!)).toBe(expected);
    expect(test[1]!.question).toBe('Let p = (1, 2, 5, 4)(2, 3) in S_5 . Find the index of <p> in S_5.');
    expect(test.map((q) => q.answer)).toEqual(['B', 'C']);
    // crop: shots are dropped until the prompt fits
    const short = mmluPrompt(dev, 'abstract_algebra', test[0]!, { fits: (p) => p.length < 400 });
    expect(short).toBe(genPrompt(dev, 'abstract_algebra', 1) + formatExample(test[0]!, false));
    expect(mmluSubjectOf('high_school_physics_val.csv')).toBe('high_school_physics');
  });

  it('prints cells as pandas parsed them (int/float columns, NA), quotes and multi-line cells', () => {
    const path = join(fixtures, 'mmlu', 'dev', 'high_school_physics_dev.csv');
    const rows = parseMmluCsv(readFileSync(path, 'utf8'), path);
    expect(rows.map((r) => r.line)).toEqual([1, 3, 4]);
    expect(rows[0]!.question).toBe('A multiline\nquestion about 01 units?');
    expect(rows.map((r) => r.choices)).toEqual([
      ['1.0', '2', '3.0', '4.0'],
      ['0.5', '1', '2e-05', 'nan'],
      ['1.0', '2', '3.0', '4.0'],
    ]);
    expect([1e16, 1.5e-5, 123.25, 1e15, -0.0001, 0.1].map(pythonFloatRepr)).toEqual(['1e+16', '1.5e-05', '123.25', '1000000000000000.0', '-0.0001', '0.1']);
    expect(pandasFormatColumns([['true'], ['FALSE']])).toEqual([['True'], ['False']]);
  });

  it('errors name file and line', () => {
    expect(formatError(() => parseMmluCsv('q,a,b,c,d,A\nq2,a,b,c,d,E\n', 'x_test.csv')).message).toMatch(/^x_test\.csv:2: answer: expected one of A, B, C, D, got 'E'/);
    expect(formatError(() => parseMmluCsv('q,a,b,c,d,A\nq2,a,b,c\n', 'x_test.csv')).message).toMatch(/^x_test\.csv:2: expected 6 columns/);
    expect(formatError(() => parseMmluCsv('q,a,b,c,d,A\n"open,a,b,c,d,A\n', 'x_dev.csv')).message).toMatch(/^x_dev\.csv:2: unterminated quoted field/);
  });
});

describe('Alpaca (tatsu-lab/stanford_alpaca train.py PROMPT_DICT)', () => {
  it('uses the with-input and no-input templates verbatim', async () => {
    const path = join(fixtures, 'alpaca', 'alpaca_sample.json');
    const data = await readAlpacaJson(fileText(path), path);
    expect(data.map((d) => d.line)).toEqual([2, 7]);
    expect(alpacaPrompt(data[0]!)).toBe(
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nGive three tips for staying healthy.\n\n### Response:',
    );
    expect(alpacaPrompt(data[1]!)).toBe(
      'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\nIdentify the odd one out.\n\n### Input:\nTwitter, Instagram, Telegram\n\n### Response:',
    );
    expect(ALPACA_PROMPT_INPUT).toContain('{input}');
    expect(ALPACA_PROMPT_NO_INPUT).not.toContain('{input}');
    expect(alpacaPrompt({ instruction: 'Use $& and {input}', input: '' })).toContain('Use $& and {input}');
  });

  it('errors name file and line of the bad record', () => {
    expect(formatError(() => parseAlpacaJson('[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "c"}\n]', 'a.json')).message).toMatch(/^a\.json:3: record 1: 'output' must be a string/);
    expect(formatError(() => parseAlpacaJson('[\n  {"instruction": "a", "output": "b"},\n  {"instruction": }\n]', 'a.json')).message).toMatch(/^a\.json:3: invalid JSON/);
    expect(formatError(() => parseAlpacaJson('{"instruction": "a"}', 'a.json')).message).toMatch(/^a\.json:1: expected a JSON array/);
  });
});
