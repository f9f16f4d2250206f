// The experiment: LoRA, B-only and A-only adapters (rank r, α = 2r) trained with plain SGD
// on the same seeded data stream, each tracked by its exact expected loss.
import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator, mean, setBackend, square, sub, tidy } from '@webpeft/tensor';
import { LowRankAdapter, METHOD_SPECS, METHODS, type Method, optimumLoss } from './adapter.ts';
import { RegressionTask, type TaskConfig } from './task.ts';

export interface ExperimentConfig extends TaskConfig {
  readonly steps: number;
  readonly seed: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Adapter rank r. */
  readonly rank: number;
  /** LoRA α; the paper's choice is 2r. */
  readonly alpha: number;
  readonly methods: readonly Method[];
  /** Report progress every this many steps. */
  readonly logEvery: number;
}

export const DEFAULT_CONFIG: ExperimentConfig = {
  dIn: 32,
  dOut: 32,
  deltaRank: 4,
  noiseStd: 0.1,
  inputRank: 32,
  steps: 200,
  seed: 0,
  batchSize: 64,
  learningRate: 0.2,
  rank: 4,
  alpha: 8,
  methods: METHODS,
  logEvery: 20,
};

export interface ProgressEvent {
  readonly method: Method;
  readonly step: number;
  readonly steps: number;
  /** Mean squared error of the current minibatch. */
  readonly trainLoss: number;
  /** Exact expected loss of the current weights. */
  readonly loss: number;
}

export interface MethodResult {
  readonly method: Method;
  readonly label: string;
  readonly trainableParams: number;
  /** Expected loss before training (ΔŴ = 0). */
  readonly initialLoss: number;
  readonly finalLoss: number;
  /** Lowest loss reachable with the frozen factor (closed form), or null if unknown. */
  readonly optimumLoss: number | null;
  /** Expected loss after each step, index 0 = before training (length steps + 1). */
  readonly lossCurve: readonly number[];
  /** Minibatch loss at each step (length steps). */
  readonly trainLosses: readonly number[];
  readonly seconds: number;
}

export interface ExperimentResult {
  readonly config: ExperimentConfig;
  readonly noiseFloor: number;
  readonly results: readonly MethodResult[];
}

function checkConfig(c: ExperimentConfig): void {
  const positiveInts: (keyof ExperimentConfig)[] = ['dIn', 'dOut', 'deltaRank', 'inputRank', 'steps', 'batchSize', 'rank', 'logEvery'];
  for (const k of positiveInts) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${String(v)}`);
  }
  if (!Number.isInteger(c.seed) || c.seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${c.seed}`);
  if (!(c.learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${c.learningRate}`);
  if (c.methods.length === 0) throw new RangeError('methods must name at least one method');
}

/** Train one adapter; the task and data stream are shared so methods see identical batches. */
export function trainMethod(method: Method, task: RegressionTask, config: ExperimentConfig, onProgress?: (e: ProgressEvent) => void): MethodResult {
  const spec = METHOD_SPECS[method];
  const started = performance.now();
  // Streams: seed+1 for the data (identical for every method), seed+2 for the adapter init.
  const data = new Generator(config.seed + 1);
  const adapter = new LowRankAdapter(spec, { dIn: config.dIn, dOut: config.dOut, rank: config.rank, alpha: config.alpha }, new Generator(config.seed + 2));
  try {
    const lossOf = () => tidy(() => task.populationLoss(adapter.update()));
    const lossCurve = [lossOf()];
    const trainLosses: number[] = [];
    for (let step = 1; step <= config.steps; step++) {
      const trainLoss = tidy(() => {
        const { x, y } = task.sample(config.batchSize, data);
        const loss = mean(square(sub(adapter.forward(x, task.w0), y)));
        loss.backward();
        return loss.dataSync()[0]!;
      });
      adapter.sgdStep(config.learningRate);
      const loss = lossOf();
      if (!Number.isFinite(loss)) throw new Error(`${method}: the loss diverged at step ${step} (${loss}); lower --lr (now ${config.learningRate})`);
      trainLosses.push(trainLoss);
      lossCurve.push(loss);
      if (onProgress && (step % config.logEvery === 0 || step === config.steps)) onProgress({ method, step, steps: config.steps, trainLoss, loss });
    }
    return {
      method,
      label: spec.label,
      trainableParams: adapter.trainableParams,
      initialLoss: lossCurve[0]!,
      finalLoss: lossCurve[lossCurve.length - 1]!,
      optimumLoss: optimumLoss(adapter, task),
      lossCurve,
      trainLosses,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    adapter.dispose();
  }
}

/** Build the task from `seed` and train every requested method on it. */
export function runExperiment(overrides: Partial<ExperimentConfig> = {}, onProgress?: (e: ProgressEvent) => void): ExperimentResult {
  const config: ExperimentConfig = { ...DEFAULT_CONFIG, ...overrides };
  checkConfig(config);
  setBackend(cpuBackend());
  const task = new RegressionTask(config, new Generator(config.seed));
  try {
    const results = config.methods.map((m) => trainMethod(m, task, config, onProgress));
    return { config, noiseFloor: config.noiseStd ** 2, results };
  } finally {
    task.dispose();
  }
}
