// Options and results of the Trainer (kept apart from the loop itself).
import type { Generator, Tensor } from '@webpeft/tensor';
import type { TrainableModel, TrainerOptimizer, TrainerScheduler } from './checkpoint.ts';
import type { DataSource } from './data.ts';
import type { MetricSpec, MetricsSink, StepRecord } from './metrics.ts';
import type { ProgressReporter } from './progress.ts';
import type { EvalRecord } from './state.ts';
import type { CheckpointStore } from './store.ts';

export interface EvaluationOptions<M, B> {
  readonly data: DataSource<B>;
  /** Evaluate after every this many optimizer steps (default 0: only after the last step). */
  readonly every?: number;
  /** What the metrics see: the model's output for a batch (run in eval mode, without gradients). */
  readonly predict?: (model: M, batch: B) => Tensor;
  /** Metrics by name, computed over the whole evaluation set. */
  readonly metrics?: Readonly<Record<string, MetricSpec<B>>>;
  /** Report the mean of `lossFn` over the evaluation batches as 'loss' (default true). */
  readonly loss?: boolean;
  /** Evaluate after the last step as well (default true). */
  readonly atEnd?: boolean;
}

export interface CheckpointOptions {
  readonly store: CheckpointStore;
  /** Save after every this many optimizer steps (0: only at the end). */
  readonly every: number;
  /** How many checkpoints to keep (default 3; `Infinity` keeps all). */
  readonly keep?: number;
  /** Save only the parameters that require grad (default, right for adapters) or the whole state dict. */
  readonly params?: 'trainable' | 'all';
  /** Save after the last step as well (default true). */
  readonly atEnd?: boolean;
}

export interface TrainerOptions<M extends TrainableModel, B> {
  readonly model: M;
  readonly optimizer: TrainerOptimizer;
  readonly scheduler?: TrainerScheduler;
  readonly data: DataSource<B>;
  /** The loss of one micro-batch: a one-element tensor that requires grad. Runs inside `tidy`. */
  readonly lossFn: (model: M, batch: B) => Tensor;
  /** Passes over `data` (default 1); ignored when `maxSteps` is set. */
  readonly epochs?: number;
  /** Optimizer steps to train for; epochs continue as long as needed. */
  readonly maxSteps?: number;
  /** Micro-batches per optimizer step; gradients are summed with the loss scaled by 1/K (default 1). */
  readonly gradientAccumulation?: number;
  /** Clip the gradients' global L2 norm to this before each step. */
  readonly maxGradNorm?: number;
  readonly evaluation?: EvaluationOptions<M, B>;
  readonly checkpoint?: CheckpointOptions;
  /** Generators to checkpoint (dropout, augmentation); the global default one is always saved as 'default'. */
  readonly generators?: Readonly<Record<string, Generator>>;
  /** Reseed the global default generator when the trainer is built. */
  readonly seed?: number | bigint;
  /** The run's configuration; its hash is saved, and resuming with a different one is refused. */
  readonly config?: unknown;
  readonly progress?: ProgressReporter;
  readonly metricsLog?: MetricsSink;
  /** Dispose the tensors found in each batch after use (default true: collate makes fresh ones). */
  readonly disposeBatches?: boolean;
  /** Called after each optimizer step (after logging, before evaluation and checkpointing). */
  readonly onStep?: (record: StepRecord) => void | Promise<void>;
  /** Clock in milliseconds, for rate and ETA (default performance.now). */
  readonly now?: () => number;
}

export interface ResumeOptions {
  /** If the checkpoint is damaged (not merely mismatched), try the older ones, newest first. */
  readonly fallback?: boolean;
  /** Resume even though the run configuration's hash or the accumulation differ. */
  readonly allowConfigChange?: boolean;
}

export interface FitOptions extends ResumeOptions {
  /** Continue from the latest checkpoint (`true`) or that of a given step first. */
  readonly resume?: boolean | number;
}

export interface FitResult {
  readonly step: number;
  readonly totalSteps: number;
  /** Loss of every step (index 0 is step 1), restored steps included. */
  readonly losses: readonly number[];
  readonly evals: readonly EvalRecord[];
  /** The step the run resumed from, or null. */
  readonly resumedFrom: number | null;
}
