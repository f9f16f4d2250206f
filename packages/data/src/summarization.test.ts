import { join } from 'node:path';
import { parquetMetadataAsync } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from './errors.ts';
import { fileText, parquetFile } from './node.ts';
import { type SummarizationDataset, readSummarizationJsonl, readSummarizationParquet } from './summarization.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'summarization');
async function all<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}
async function rejection(p: Promise<unknown>): Promise<DataFormatError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('no error thrown');
}

describe('XSum / CNN-DM readers', () => {
  for (const dataset of ['xsum', 'cnn_dailymail'] as SummarizationDataset[]) {
    it(`${dataset}: JSONL and Parquet exports give the same examples`, async () => {
      const jsonlPath = join(dir, `${dataset}.jsonl`);
      const fromJsonl = await all(readSummarizationJsonl(fileText(jsonlPath), dataset, jsonlPath));
      const pq = await parquetFile(join(dir, `${dataset}.parquet`));
      const fromParquet = await all(readSummarizationParquet(pq, dataset, `${dataset}.parquet`));
      await pq.close();
      expect(fromJsonl.length).toBeGreaterThan(1);
      expect(fromParquet.map(({ id, document, summary }) => ({ id, document, summary }))).toEqual(fromJsonl.map(({ id, document, summary }) => ({ id, document, summary })));
      expect(fromJsonl.map((e) => e.line)).toEqual(fromJsonl.map((_, i) => i + 1));
      expect(fromParquet.map((e) => e.row)).toEqual(fromJsonl.map((_, i) => i));
    });
  }

  it('streams Parquet row group by row group', async () => {
    const pq = await parquetFile(join(dir, 'xsum.parquet'));
    expect((await parquetMetadataAsync(pq)).row_groups.length).toBe(2);
    const first = await readSummarizationParquet(pq, 'xsum', 'xsum.parquet').next();
    expect(first.value).toMatchObject({ id: '35232142', row: 0 });
    await pq.close();
  });

  it('errors name the file and the line (JSONL) or row/column (Parquet)', async () => {
    const e1 = await rejection(all(readSummarizationJsonl('{"document": "a", "summary": "b"}\n{"document": "a"\n', 'xsum', 'x.jsonl')));
    expect(e1.message).toMatch(/^x\.jsonl:2: invalid JSON/);
    expect(e1.line).toBe(2);
    const e2 = await rejection(all(readSummarizationJsonl('\n{"article": "a", "summary": "b"}\n', 'cnn_dailymail', 'c.jsonl')));
    expect(e2.message).toMatch(/^c\.jsonl:2: cnn_dailymail: 'highlights' must be a string, got nothing/);
    const pq = await parquetFile(join(dir, 'xsum_no_summary.parquet'));
    const e3 = await rejection(all(readSummarizationParquet(pq, 'xsum', 'xsum_no_summary.parquet')));
    expect(e3.message).toMatch(/^xsum_no_summary\.parquet: xsum: column 'summary' missing \(columns: document, id\)/);
    await pq.close();
    const e4 = await rejection(all(readSummarizationParquet(new TextEncoder().encode('not parquet at all').buffer, 'xsum', 'bad.parquet')));
    expect(e4.message).toMatch(/^bad\.parquet: not a readable Parquet file/);
  });
});
