import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from './errors.ts';
import { GLUE_TASKS, type GlueSplit, type GlueTask, glueFileName, loadGlueTsv } from './glue.ts';
import { fileText } from './node.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'glue');
const splits = (task: GlueTask): GlueSplit[] => (task === 'mnli' ? ['train', 'dev_matched', 'dev_mismatched', 'test_matched', 'test_mismatched'] : ['train', 'dev', 'test']);

describe('GLUE TSV readers (committed samples in each task\'s exact format)', () => {
  for (const task of Object.keys(GLUE_TASKS) as GlueTask[]) {
    for (const split of splits(task)) {
      it(`${task} ${split}`, async () => {
        const path = join(dir, glueFileName(task, split));
        const rows = await loadGlueTsv(fileText(path), task, split, path);
        expect(rows.length).toBeGreaterThan(0);
        const pair = GLUE_TASKS[task].train.b !== undefined;
        for (const r of rows) {
          expect(r.textA.length).toBeGreaterThan(0);
          expect(r.textB !== undefined).toBe(pair);
          if (split.startsWith('test')) expect(r.label).toBeUndefined();
          else if (task === 'stsb') expect(r.label).toBeGreaterThanOrEqual(0);
          else expect(Number.isInteger(r.label)).toBe(true);
        }
      });
    }
  }

  it('reads the right columns', async () => {
    const cola = await loadGlueTsv(readFileSync(join(dir, 'CoLA/train.tsv')), 'cola', 'train');
    expect(cola.map((r) => [r.label, r.line])).toEqual([[1, 1], [1, 2], [0, 3]]);
    expect(cola[2]!.textA).toBe('They drank the pub.');
    const mrpc = await loadGlueTsv(readFileSync(join(dir, 'MRPC/train.tsv')), 'mrpc', 'train'); // starts with a BOM like the GLUE file
    expect(mrpc[0]).toMatchObject({ label: 1, line: 2 });
    expect(mrpc[0]!.textB).toMatch(/^Referring to him/);
    const stsb = await loadGlueTsv(readFileSync(join(dir, 'STS-B/train.tsv')), 'stsb', 'train');
    expect(stsb.map((r) => r.label)).toEqual([5, 3.8]);
    const mnli = await loadGlueTsv(readFileSync(join(dir, 'MNLI/dev_mismatched.tsv')), 'mnli', 'dev_mismatched');
    expect(mnli[0]).toMatchObject({ id: '0', label: 0 }); // contradiction
    const qnli = await loadGlueTsv(readFileSync(join(dir, 'QNLI/dev.tsv')), 'qnli', 'dev');
    expect(qnli[0]).toMatchObject({ textA: 'What came into force after the new constitution was herald?', label: 0 });
  });

  it('streams from chunks split anywhere (even inside a line or a \\r\\n)', async () => {
    const text = 'index\tsentence1\tsentence2\tlabel\r\n0\ta b\tc d\t1\r\n1\te\tf\t0\r\n';
    const chunks = (async function* () {
      for (let i = 0; i < text.length; i += 3) yield new TextEncoder().encode(text.slice(i, i + 3));
    })();
    const rows = await loadGlueTsv(chunks, 'wnli', 'train');
    expect(rows.map((r) => [r.textA, r.textB, r.label, r.line])).toEqual([['a b', 'c d', 1, 2], ['e', 'f', 0, 3]]);
  });

  it('errors name the file and line', async () => {
    const bad = async (text: string, task: GlueTask, split: GlueSplit) => {
      try {
        await loadGlueTsv(text, task, split, 'x.tsv');
      } catch (e) {
        expect(e).toBeInstanceOf(DataFormatError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(await bad('index\tsentence1\tsentence2\tlabel\n0\ta\tb\tmaybe\n', 'rte', 'train')).toMatch(/^x\.tsv:2: rte: expected a label in \{entailment, not_entailment\}, got 'maybe'/);
    expect(await bad('sentence\tlabel\nok\t1\nbroken\n', 'sst2', 'train')).toMatch(/^x\.tsv:3: sst2 train: expected 2 tab-separated columns, got 1/);
    expect(await bad('question\tsentence\n', 'qnli', 'dev')).toMatch(/^x\.tsv:1: qnli dev header/);
    expect(await bad('index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n0\tg\tf\ty\to\ts\ts\ta\tb\tfive\n', 'stsb', 'dev')).toMatch(/^x\.tsv:2: stsb: expected a numeric score/);
    const skipped = await loadGlueTsv('id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n1\t2\t3\tq\n4\t5\t6\ta\tb\t1\n', 'qqp', 'train', 'q.tsv', { onMalformed: 'skip' });
    expect(skipped.map((r) => r.id)).toEqual(['4']);
  });
});
