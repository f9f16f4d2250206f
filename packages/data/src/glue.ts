// GLUE TSV readers with the column layouts of the GLUE distribution (as read by HF
// transformers' `glue` processors): tab-separated, no quoting, a header line except CoLA
// train/dev. Labels map to ids in the processors' label order; STS-B is a float score.
import { DataFormatError } from './errors.ts';
import { type TextSource, readLines } from './text-source.ts';

export type GlueTask = 'cola' | 'sst2' | 'mrpc' | 'qqp' | 'stsb' | 'mnli' | 'qnli' | 'rte' | 'wnli';
/** `train`, `dev`, `test`; MNLI also `dev_matched`, `dev_mismatched`, `test_matched`, `test_mismatched`. */
export type GlueSplit = 'train' | 'dev' | 'test' | 'dev_matched' | 'dev_mismatched' | 'test_matched' | 'test_mismatched';

export interface GlueExample {
  /** Row id: the `index`/`id` column, or the 0-based data row where the file has none. */
  readonly id: string;
  readonly textA: string;
  readonly textB?: string;
  /** Class id (index into `GLUE_TASKS[task].labels`) or the STS-B score; absent in test files. */
  readonly label?: number;
  /** 1-based line in the file. */
  readonly line: number;
}

interface Layout {
  /** Header cells (absent: the file has no header). */
  readonly header?: readonly string[];
  /** Minimum number of columns of a data row. */
  readonly columns: number;
  readonly id?: number;
  readonly a: number;
  readonly b?: number;
  /** Column of the label; negative counts from the end. */
  readonly label?: number;
}

export interface GlueTaskSpec {
  readonly labels: readonly string[] | null;
  readonly train: Layout;
  readonly test: Layout;
}

const MNLI_TRAIN = ['index', 'promptID', 'pairID', 'genre', 'sentence1_binary_parse', 'sentence2_binary_parse', 'sentence1_parse', 'sentence2_parse', 'sentence1', 'sentence2'];
const STSB = ['index', 'genre', 'filename', 'year', 'old_index', 'source1', 'source2', 'sentence1', 'sentence2'];

/** Column layouts per task: `train` is used for train and dev files, `test` for test files. */
export const GLUE_TASKS: Readonly<Record<GlueTask, GlueTaskSpec>> = {
  // CoLA train/dev: source, label, original label ('*' or empty), sentence — no header.
  cola: { labels: ['0', '1'], train: { columns: 4, a: 3, label: 1 }, test: { header: ['index', 'sentence'], columns: 2, id: 0, a: 1 } },
  sst2: { labels: ['0', '1'], train: { header: ['sentence', 'label'], columns: 2, a: 0, label: 1 }, test: { header: ['index', 'sentence'], columns: 2, id: 0, a: 1 } },
  mrpc: { labels: ['0', '1'], train: { header: ['Quality', '#1 ID', '#2 ID', '#1 String', '#2 String'], columns: 5, a: 3, b: 4, label: 0 }, test: { header: ['index', '#1 ID', '#2 ID', '#1 String', '#2 String'], columns: 5, id: 0, a: 3, b: 4 } },
  qqp: { labels: ['0', '1'], train: { header: ['id', 'qid1', 'qid2', 'question1', 'question2', 'is_duplicate'], columns: 6, id: 0, a: 3, b: 4, label: 5 }, test: { header: ['id', 'question1', 'question2'], columns: 3, id: 0, a: 1, b: 2 } },
  stsb: { labels: null, train: { header: [...STSB, 'score'], columns: 10, id: 0, a: 7, b: 8, label: -1 }, test: { header: STSB, columns: 9, id: 0, a: 7, b: 8 } },
  mnli: { labels: ['contradiction', 'entailment', 'neutral'], train: { header: [...MNLI_TRAIN, 'label1'], columns: 12, id: 0, a: 8, b: 9, label: -1 }, test: { header: MNLI_TRAIN, columns: 10, id: 0, a: 8, b: 9 } },
  qnli: { labels: ['entailment', 'not_entailment'], train: { header: ['index', 'question', 'sentence', 'label'], columns: 4, id: 0, a: 1, b: 2, label: -1 }, test: { header: ['index', 'question', 'sentence'], columns: 3, id: 0, a: 1, b: 2 } },
  rte: { labels: ['entailment', 'not_entailment'], train: { header: ['index', 'sentence1', 'sentence2', 'label'], columns: 4, id: 0, a: 1, b: 2, label: -1 }, test: { header: ['index', 'sentence1', 'sentence2'], columns: 3, id: 0, a: 1, b: 2 } },
  wnli: { labels: ['0', '1'], train: { header: ['index', 'sentence1', 'sentence2', 'label'], columns: 4, id: 0, a: 1, b: 2, label: -1 }, test: { header: ['index', 'sentence1', 'sentence2'], columns: 3, id: 0, a: 1, b: 2 } },
};

/** The file name of a split in the GLUE distribution (`<TASK>/<split>.tsv`). */
export function glueFileName(task: GlueTask, split: GlueSplit): string {
  const dirs: Record<GlueTask, string> = { cola: 'CoLA', sst2: 'SST-2', mrpc: 'MRPC', qqp: 'QQP', stsb: 'STS-B', mnli: 'MNLI', qnli: 'QNLI', rte: 'RTE', wnli: 'WNLI' };
  return `${dirs[task]}/${split}.tsv`;
}

export interface GlueReadOptions {
  /** What to do with a row that has too few columns: throw (default) or skip it (HF skips QQP's few broken rows). */
  readonly onMalformed?: 'error' | 'skip';
}

/** Stream the examples of one GLUE TSV file; `file` names it in errors (`file:line: ...`). */
export async function* readGlueTsv(source: TextSource, task: GlueTask, split: GlueSplit, file: string = glueFileName(task, split), opts: GlueReadOptions = {}): AsyncGenerator<GlueExample> {
  const spec = GLUE_TASKS[task];
  if (!spec) throw new DataFormatError(file, undefined, `unknown GLUE task '${task}' (expected one of ${Object.keys(GLUE_TASKS).join(', ')})`);
  const layout = split.startsWith('test') ? spec.test : spec.train;
  let row = 0;
  for await (const { text, line } of readLines(source)) {
    const cells = text.split('\t');
    if (line === 1 && layout.header) {
      const want = layout.header;
      if (want.some((h, i) => cells[i] !== h)) throw new DataFormatError(file, line, `${task} ${split} header: expected columns starting '${want.join('\\t')}', got '${text.slice(0, 200)}'`);
      continue;
    }
    if (text === '') continue;
    if (cells.length < layout.columns) {
      if (opts.onMalformed === 'skip') continue;
      throw new DataFormatError(file, line, `${task} ${split}: expected ${layout.columns} tab-separated columns, got ${cells.length}`);
    }
    const example: { -readonly [K in keyof GlueExample]: GlueExample[K] } = { id: layout.id === undefined ? String(row) : cells[layout.id]!, textA: cells[layout.a]!, line };
    if (layout.b !== undefined) example.textB = cells[layout.b]!;
    if (layout.label !== undefined) {
      const raw = cells[layout.label < 0 ? cells.length + layout.label : layout.label]!;
      if (spec.labels === null) {
        const score = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(score)) throw new DataFormatError(file, line, `${task}: expected a numeric score, got '${raw}'`);
        example.label = score;
      } else {
        const id = spec.labels.indexOf(raw);
        if (id < 0) throw new DataFormatError(file, line, `${task}: expected a label in {${spec.labels.join(', ')}}, got '${raw}'`);
        example.label = id;
      }
    }
    row++;
    yield example;
  }
}

/** All examples of a GLUE TSV in memory (small files; stream with `readGlueTsv` otherwise). */
export async function loadGlueTsv(source: TextSource, task: GlueTask, split: GlueSplit, file?: string, opts: GlueReadOptions = {}): Promise<GlueExample[]> {
  const out: GlueExample[] = [];
  for await (const e of readGlueTsv(source, task, split, file, opts)) out.push(e);
  return out;
}
