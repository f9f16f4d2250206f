// Evaluation metrics (a reduce API: reset → update per batch → compute) and the JSONL metrics
// log: one JSON object per optimizer step and per evaluation.
import type { HostTensor } from './checkpoint.ts';
import { TrainerError } from './errors.ts';

/** A metric accumulated over the batches of one evaluation. */
export interface Metric<B> {
  /** Forget the previous evaluation. */
  reset(): void;
  /** Fold in one batch: the model's predictions (read back to the host) and the batch. */
  update(predictions: HostTensor, batch: B): void;
  /** The value over every batch since `reset()`. */
  compute(): number;
}

/**
 * A per-batch metric: a number (averaged over batches) or `{ sum, count }` (summed, then divided:
 * a per-example mean that weighs a short last batch correctly).
 */
export type MetricFn<B> = (predictions: HostTensor, batch: B) => number | { readonly sum: number; readonly count: number };

/** Either form; functions are wrapped with {@link meanMetric}. */
export type MetricSpec<B> = Metric<B> | MetricFn<B>;

/** The mean of a per-batch metric function (see {@link MetricFn}). */
export function meanMetric<B>(fn: MetricFn<B>): Metric<B> {
  let sum = 0;
  let count = 0;
  return {
    reset() {
      sum = 0;
      count = 0;
    },
    update(predictions, batch) {
      const v = fn(predictions, batch);
      if (typeof v === 'number') {
        sum += v;
        count += 1;
      } else {
        sum += v.sum;
        count += v.count;
      }
    },
    compute: () => (count === 0 ? Number.NaN : sum / count),
  };
}

/** Normalise metric specs to metrics. */
export function toMetrics<B>(specs: Readonly<Record<string, MetricSpec<B>>>): Map<string, Metric<B>> {
  const out = new Map<string, Metric<B>>();
  for (const [name, spec] of Object.entries(specs)) {
    if (name === 'loss') throw new TrainerError("evaluation: 'loss' is reserved for the evaluation loss; name the metric differently");
    out.set(name, typeof spec === 'function' ? meanMetric(spec) : spec);
  }
  return out;
}

/** One line of metrics.jsonl after an optimizer step. */
export interface StepRecord {
  readonly event: 'step';
  readonly step: number;
  readonly epoch: number;
  /** Mean loss over the step's micro-batches. */
  readonly loss: number;
  /** Learning rate of the first parameter group for this step. */
  readonly lr: number;
  /** Gradient norm before clipping (only when `maxGradNorm` is set). */
  readonly gradNorm?: number;
}

/** One line of metrics.jsonl after an evaluation. */
export interface EvalLine {
  readonly event: 'eval';
  readonly step: number;
  readonly epoch: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export type MetricsRecord = StepRecord | EvalLine;

/** Where step and eval records go (`@webpeft/train/node` has a JSONL file writer). */
export interface MetricsSink {
  append(record: MetricsRecord): void | Promise<void>;
  /**
   * Drop records of steps after `step`: called on resume, so the log of a resumed run equals
   * that of an uninterrupted one (the crashed process logged steps the checkpoint does not hold).
   */
  truncateAfter?(step: number): void | Promise<void>;
}

/** A sink that keeps the records in an array. */
export class MemoryMetricsSink implements MetricsSink {
  readonly records: MetricsRecord[] = [];

  append(record: MetricsRecord): void {
    this.records.push(record);
  }

  truncateAfter(step: number): void {
    const keep = this.records.filter((r) => r.step <= step);
    this.records.length = 0;
    this.records.push(...keep);
  }
}
