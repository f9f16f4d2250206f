// Typed errors of @webpeft/metrics: each names the metric and says what was expected and what came.
import { WebpeftError } from '@webpeft/tensor';

/**
 * Input a metric cannot score: empty or different-length arrays, values outside what the
 * metric accepts (e.g. a 2 given to binary `f1`), non-finite numbers, unknown GLUE task or
 * MMLU subject, bad options. The message starts with the function's name.
 */
export class MetricError extends WebpeftError {
  /** The public function that rejected its input, e.g. `"pearson"`. */
  readonly metric: string;

  constructor(metric: string, problem: string) {
    super(`${metric}: ${problem}`);
    this.metric = metric;
  }
}
