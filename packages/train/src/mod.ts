// Public surface of @webpeft/train (runtime-neutral; checkpoints and logs on disk: '@webpeft/train/node').
export { TrainerError, NonFiniteLossError, CheckpointError, type CheckpointErrorCode } from './errors.ts';
export { type DataSource, type ArrayDatasetOptions, ArrayDataset, shuffledIndices } from './data.ts';
export { type CheckpointStore, CHECKPOINT_FILES, MemoryCheckpointStore, pruneCheckpoints } from './store.ts';
export { type EvalRecord, type OptimizerStateJson, type TrainerStateJson, TRAINER_STATE_FORMAT, TRAINER_STATE_VERSION, parseTrainerState } from './state.ts';
export {
  type TrainableModel,
  type TrainerOptimizer,
  type TrainerScheduler,
  type HostTensor,
  type CheckpointTargets,
  type CheckpointProgress,
  type LoadedCheckpoint,
  captureCheckpoint,
  readCheckpoint,
  checkCheckpoint,
  applyCheckpoint,
} from './checkpoint.ts';
export { type Metric, type MetricFn, type MetricSpec, type StepRecord, type EvalLine, type MetricsRecord, type MetricsSink, MemoryMetricsSink, meanMetric } from './metrics.ts';
export { type TrainEvent, type ProgressReporter, type TextSink, type JsonLinesOptions, type ProgressBarOptions, JsonLinesProgress, ProgressBar, createProgress, formatDuration, silentProgress } from './progress.ts';
export { Trainer } from './trainer.ts';
export type { TrainerOptions, EvaluationOptions, CheckpointOptions, ResumeOptions, FitOptions, FitResult } from './options.ts';
export { configHash, crc32 } from './hash.ts';
