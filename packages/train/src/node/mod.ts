// Node entry of @webpeft/train (`@webpeft/train/node`): checkpoints and metrics logs on disk,
// progress on the terminal. Re-exports the runtime-neutral API.
import { join } from 'node:path';
import { type JsonLinesOptions, type ProgressBarOptions, type ProgressReporter, type TextSink, createProgress } from '../progress.ts';
import { FileCheckpointStore } from './file-store.ts';
import { JsonlMetricsFile } from './jsonl.ts';

export * from '../mod.ts';
export { FileCheckpointStore } from './file-store.ts';
export { JsonlMetricsFile, readJsonl } from './jsonl.ts';
export { writeFileAtomic, syncDirectory } from './fs.ts';

/** A run folder: checkpoints in it, `metrics.jsonl` beside them. */
export interface RunDirectory {
  readonly dir: string;
  readonly checkpoints: FileCheckpointStore;
  readonly metrics: JsonlMetricsFile;
}

/** The checkpoint store and metrics log of a run folder (created on first write). */
export function runDirectory(dir: string): RunDirectory {
  return { dir, checkpoints: new FileCheckpointStore(dir), metrics: new JsonlMetricsFile(join(dir, 'metrics.jsonl')) };
}

/** Progress on stderr (or `stream`): a bar on a terminal, JSON lines when piped. */
export function terminalProgress(stream: TextSink = process.stderr, opts: ProgressBarOptions & JsonLinesOptions = {}): ProgressReporter {
  return createProgress(stream, opts);
}
