// Progress: a redrawn bar on a terminal, one JSON object per line otherwise (CI logs, pipes).
import type { ProgressEvent } from './train.ts';

export interface ProgressSink {
  readonly isTTY?: boolean;
  write(chunk: string): unknown;
}

export interface ProgressReporter {
  (event: ProgressEvent): void;
  /** End the current bar line (TTY) before other output. */
  finish(): void;
}

const BAR_WIDTH = 30;

export function progressBar(step: number, steps: number, width = BAR_WIDTH): string {
  const filled = Math.round((step / steps) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

export function progressLine(e: ProgressEvent): string {
  return JSON.stringify({ event: 'progress', method: e.method, step: e.step, steps: e.steps, trainLoss: round(e.trainLoss), loss: round(e.loss) });
}

/** Progress to `out`; `log` (if given) receives every event as a JSON line too. */
export function createProgress(out: ProgressSink, log?: (line: string) => void): ProgressReporter {
  let open: string | null = null;
  const report = ((e: ProgressEvent) => {
    const line = progressLine(e);
    log?.(line);
    if (!out.isTTY) {
      out.write(`${line}\n`);
      return;
    }
    if (open !== null && open !== e.method) out.write('\n');
    open = e.method;
    const pct = String(Math.round((100 * e.step) / e.steps)).padStart(3);
    out.write(`\r${e.method.padEnd(7)} ${progressBar(e.step, e.steps)} ${pct}% step ${String(e.step).padStart(String(e.steps).length)}/${e.steps}  loss ${e.loss.toFixed(4)}  batch ${e.trainLoss.toFixed(4)}`);
  }) as ProgressReporter;
  report.finish = () => {
    if (out.isTTY && open !== null) out.write('\n');
    open = null;
  };
  return report;
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}
