// Progress: a bar redrawn in place (with rate and ETA) on a terminal, one JSON object per line
// otherwise (CI logs, pipes, parent processes that parse it).

/** What the trainer reports while it runs. */
export type TrainEvent =
  | { readonly event: 'start'; readonly step: number; readonly totalSteps: number; readonly epoch: number; readonly resumedFrom: number | null }
  | {
      readonly event: 'step';
      readonly step: number;
      readonly totalSteps: number;
      readonly epoch: number;
      readonly loss: number;
      readonly lr: number;
      readonly gradNorm?: number;
      /** Optimizer steps per second in this process. */
      readonly stepsPerSecond: number;
      /** Seconds left at that rate (null before the rate is known). */
      readonly etaSeconds: number | null;
    }
  | { readonly event: 'eval'; readonly step: number; readonly epoch: number; readonly metrics: Readonly<Record<string, number>> }
  | { readonly event: 'checkpoint'; readonly step: number; readonly location: string; readonly pruned: readonly number[] }
  | { readonly event: 'warning'; readonly step: number; readonly message: string }
  | { readonly event: 'end'; readonly step: number; readonly totalSteps: number; readonly seconds: number; readonly loss: number | null };

/** Receives the trainer's events. */
export interface ProgressReporter {
  report(event: TrainEvent): void;
  /** Finish the output (end the bar's line). */
  close?(): void;
}

/** A text stream: Node's process.stdout/stderr fit, as does any `{ write }`. */
export interface TextSink {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  /** Terminal width; lines are cut to it. */
  readonly columns?: number | undefined;
}

/** Reports nothing. */
export const silentProgress: ProgressReporter = { report() {} };

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(3);
  return x.toFixed(4);
}

export interface JsonLinesOptions {
  /** Write every n-th step event (the last step always); other events always. Default 1. */
  readonly every?: number;
}

/** One JSON object per line. */
export class JsonLinesProgress implements ProgressReporter {
  readonly #sink: TextSink;
  readonly #every: number;

  constructor(sink: TextSink, opts: JsonLinesOptions = {}) {
    this.#sink = sink;
    this.#every = Math.max(1, Math.floor(opts.every ?? 1));
  }

  report(event: TrainEvent): void {
    if (event.event === 'step' && event.step % this.#every !== 0 && event.step !== event.totalSteps) return;
    this.#sink.write(`${JSON.stringify(event)}\n`);
  }
}

export interface ProgressBarOptions {
  /** Characters of the bar itself (default 24). */
  readonly width?: number;
  /** Redraw at most this often, except for the last step (default 100 ms). */
  readonly minIntervalMs?: number;
  /** Clock in milliseconds (tests inject one). */
  readonly now?: () => number;
}

/** A single line rewritten with `\r`: steps, bar, percent, loss, lr, rate and ETA. */
export class ProgressBar implements ProgressReporter {
  readonly #sink: TextSink;
  readonly #width: number;
  readonly #interval: number;
  readonly #now: () => number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #line: string | null = null;

  constructor(sink: TextSink, opts: ProgressBarOptions = {}) {
    this.#sink = sink;
    this.#width = opts.width ?? 24;
    this.#interval = opts.minIntervalMs ?? 100;
    this.#now = opts.now ?? (() => Date.now());
  }

  /** The bar line for a step event (no control characters). */
  static line(e: Extract<TrainEvent, { event: 'step' }>, width = 24): string {
    const frac = e.totalSteps > 0 ? Math.min(1, e.step / e.totalSteps) : 1;
    const filled = Math.round(frac * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const steps = `${String(e.step).padStart(String(e.totalSteps).length)}/${e.totalSteps}`;
    const rate = e.stepsPerSecond >= 1 || e.stepsPerSecond === 0 ? `${e.stepsPerSecond.toFixed(1)} it/s` : `${(1 / e.stepsPerSecond).toFixed(1)} s/it`;
    const eta = e.etaSeconds === null ? '--:--' : formatDuration(e.etaSeconds);
    return `step ${steps} ${bar} ${String(Math.floor(frac * 100)).padStart(3)}% | loss ${fmtNumber(e.loss)} | lr ${e.lr.toExponential(2)} | ${rate} | ETA ${eta}`;
  }

  report(e: TrainEvent): void {
    switch (e.event) {
      case 'step': {
        const t = this.#now();
        if (e.step !== e.totalSteps && t - this.#lastDraw < this.#interval) {
          this.#line = ProgressBar.line(e, this.#width);
          return;
        }
        this.#lastDraw = t;
        this.#draw(ProgressBar.line(e, this.#width));
        return;
      }
      case 'start':
        this.#message(e.resumedFrom === null ? `training ${e.totalSteps} steps` : `resumed at step ${e.resumedFrom} of ${e.totalSteps}`);
        return;
      case 'eval':
        this.#message(`eval @ step ${e.step}: ${Object.entries(e.metrics).map(([k, v]) => `${k} ${fmtNumber(v)}`).join(', ')}`);
        return;
      case 'checkpoint':
        this.#message(`checkpoint @ step ${e.step} → ${e.location}${e.pruned.length ? ` (pruned ${e.pruned.join(', ')})` : ''}`);
        return;
      case 'warning':
        this.#message(`warning @ step ${e.step}: ${e.message}`);
        return;
      case 'end':
        // keep the final bar on screen, then the summary below it
        if (this.#line !== null) this.#sink.write(`\r\x1b[2K${this.#fit(this.#line)}\n`);
        this.#line = null;
        this.#message(`done: ${e.step}/${e.totalSteps} steps in ${formatDuration(e.seconds)}${e.loss === null ? '' : `, last loss ${fmtNumber(e.loss)}`}`);
        return;
    }
  }

  close(): void {
    if (this.#line !== null) this.#sink.write('\n');
    this.#line = null;
  }

  #fit(text: string): string {
    const cols = this.#sink.columns;
    return cols && cols > 1 && text.length >= cols ? text.slice(0, cols - 1) : text;
  }

  #draw(line: string): void {
    this.#line = line;
    this.#sink.write(`\r\x1b[2K${this.#fit(line)}`);
  }

  /** A permanent line above the bar, then the bar again. */
  #message(text: string): void {
    this.#sink.write(`\r\x1b[2K${text}\n`);
    if (this.#line !== null) this.#sink.write(this.#fit(this.#line));
  }
}

/** A bar on a terminal, JSON lines otherwise. */
export function createProgress(sink: TextSink, opts: ProgressBarOptions & JsonLinesOptions = {}): ProgressReporter {
  return sink.isTTY ? new ProgressBar(sink, opts) : new JsonLinesProgress(sink, opts);
}
