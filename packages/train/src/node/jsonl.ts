// metrics.jsonl: one JSON object per line, appended as the run goes. On resume the lines of steps
// after the checkpoint (logged by the process that crashed) are dropped, so the file of a resumed
// run equals that of an uninterrupted one.
import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MetricsRecord, MetricsSink } from '../metrics.ts';
import { errnoCode, writeFileAtomic } from './fs.ts';

/** Appends each record as a line of JSON to `path` (folders are created). */
export class JsonlMetricsFile implements MetricsSink {
  readonly path: string;
  #handle: FileHandle | undefined;

  constructor(path: string) {
    this.path = path;
  }

  async append(record: MetricsRecord): Promise<void> {
    if (!this.#handle) {
      await mkdir(dirname(this.path), { recursive: true });
      this.#handle = await open(this.path, 'a');
    }
    await this.#handle.write(`${JSON.stringify(record)}\n`);
  }

  /** Keep only the lines with `step ≤ step` (and drop a torn last line); rewritten atomically. */
  async truncateAfter(step: number): Promise<void> {
    await this.close();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw error;
    }
    const kept: string[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // torn write of a killed process
      }
      const s = (parsed as { step?: unknown } | null)?.step;
      if (typeof s !== 'number' || s <= step) kept.push(line);
    }
    await writeFileAtomic(this.path, kept.length ? `${kept.join('\n')}\n` : '');
  }

  /** Close the file (appending again reopens it). */
  async close(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    await h?.close();
  }
}

/** Every record of a metrics.jsonl file (torn lines skipped). */
export async function readJsonl(path: string): Promise<MetricsRecord[]> {
  const text = await readFile(path, 'utf8');
  const out: MetricsRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as MetricsRecord);
    } catch {
      // torn last line
    }
  }
  return out;
}
