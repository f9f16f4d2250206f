// XSum and CNN/DailyMail in their Hugging Face exports: JSONL (one JSON object per line) and
// Parquet (read with `hyparquet`, one row group at a time so large files stream).
import { type AsyncBuffer, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { DataFormatError } from './errors.ts';
import { type TextSource, readLines } from './text-source.ts';

export type SummarizationDataset = 'xsum' | 'cnn_dailymail';

/** Field names per dataset (HF `xsum`: document/summary/id; `cnn_dailymail`: article/highlights/id). */
export const SUMMARIZATION_FIELDS: Readonly<Record<SummarizationDataset, { readonly document: string; readonly summary: string; readonly id: string }>> = {
  xsum: { document: 'document', summary: 'summary', id: 'id' },
  cnn_dailymail: { document: 'article', summary: 'highlights', id: 'id' },
};

export interface SummarizationExample {
  readonly id: string;
  readonly document: string;
  readonly summary: string;
}

/** A byte range reader (the `hyparquet` AsyncBuffer): `@webpeft/data/node`'s `parquetFile(path)` or an in-memory ArrayBuffer. */
export type ParquetSource = AsyncBuffer | ArrayBuffer;

function pick(rec: unknown, dataset: SummarizationDataset, file: string, line: number | undefined, where: string): SummarizationExample {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new DataFormatError(file, line, `${where}expected an object with ${Object.values(SUMMARIZATION_FIELDS[dataset]).join(', ')}`);
  const r = rec as Record<string, unknown>;
  const f = SUMMARIZATION_FIELDS[dataset];
  for (const key of [f.document, f.summary] as const) {
    if (typeof r[key] !== 'string') throw new DataFormatError(file, line, `${where}${dataset}: '${key}' must be a string, got ${r[key] === undefined || r[key] === null ? 'nothing' : typeof r[key]}`);
  }
  const id = r[f.id];
  return { id: id === undefined || id === null ? '' : String(id), document: r[f.document] as string, summary: r[f.summary] as string };
}

/** Stream a JSONL export; blank lines are skipped; errors name `file:line`. */
export async function* readSummarizationJsonl(source: TextSource, dataset: SummarizationDataset, file: string): AsyncGenerator<SummarizationExample & { readonly line: number }> {
  for await (const { text, line } of readLines(source)) {
    if (text.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch (e) {
      throw new DataFormatError(file, line, `invalid JSON: ${(e as Error).message}`);
    }
    yield { ...pick(rec, dataset, file, line, ''), line };
  }
}

/** Stream a Parquet export, one row group at a time; errors name the file and the row. */
export async function* readSummarizationParquet(source: ParquetSource, dataset: SummarizationDataset, file: string): AsyncGenerator<SummarizationExample & { readonly row: number }> {
  let metadata;
  try {
    metadata = await parquetMetadataAsync(source);
  } catch (e) {
    throw new DataFormatError(file, undefined, `not a readable Parquet file: ${(e as Error).message}`);
  }
  const f = SUMMARIZATION_FIELDS[dataset];
  const names = metadata.schema.slice(1).map((s) => s.name);
  for (const col of [f.document, f.summary]) {
    if (!names.includes(col)) throw new DataFormatError(file, undefined, `${dataset}: column '${col}' missing (columns: ${names.join(', ')})`);
  }
  const columns = [f.document, f.summary, ...(names.includes(f.id) ? [f.id] : [])];
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file: source, metadata, columns, rowStart, rowEnd });
    for (let i = 0; i < rows.length; i++) yield { ...pick(rows[i], dataset, file, undefined, `row ${rowStart + i}: `), row: rowStart + i };
    rowStart = rowEnd;
  }
}
