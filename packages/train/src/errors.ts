// Typed errors of @webpeft/train: each says what was expected, what came, and where
// (step, micro-batch, checkpoint file, key).
import { WebpeftError } from '@webpeft/tensor';

/** A bad trainer option or a misuse of the trainer (caught before any step runs). */
export class TrainerError extends WebpeftError {}

/** The loss of a micro-batch was NaN or ±Infinity; the optimizer step was not taken. */
export class NonFiniteLossError extends WebpeftError {
  /** The optimizer step (1-based) whose loss was not finite. */
  readonly step: number;
  /** Which micro-batch of that step (0-based, < gradientAccumulation). */
  readonly microBatch: number;
  readonly epoch: number;
  /** Index of the batch within its epoch. */
  readonly batchIndex: number;
  readonly value: number;

  constructor(info: { step: number; microBatch: number; epoch: number; batchIndex: number; value: number }) {
    super(
      `the loss is ${info.value} at step ${info.step} (micro-batch ${info.microBatch}, epoch ${info.epoch}, batch ${info.batchIndex}); ` +
        'training stopped before the optimizer step, so the parameters are those after step ' +
        `${info.step - 1}. Lower the learning rate, clip gradients (maxGradNorm) or check the inputs of that batch.`,
    );
    this.step = info.step;
    this.microBatch = info.microBatch;
    this.epoch = info.epoch;
    this.batchIndex = info.batchIndex;
    this.value = info.value;
  }
}

/** Which rule a checkpoint broke. */
export type CheckpointErrorCode =
  /** No checkpoint to resume from (empty store, or the step asked for is not there). */
  | 'NOT_FOUND'
  /** A file of the checkpoint is missing. */
  | 'MISSING_FILE'
  /** A file's bytes do not match the length or CRC-32 recorded in trainer_state.json. */
  | 'CORRUPT'
  /** trainer_state.json is not valid JSON, or a field is missing or of the wrong type. */
  | 'INVALID_STATE'
  /** A safetensors file is malformed (see `cause`). */
  | 'INVALID_TENSORS'
  /** A tensor's shape or dtype, a key set, or the optimizer layout differs from the live objects. */
  | 'MISMATCH'
  /** The checkpoint was written for a different run configuration (config hash). */
  | 'CONFIG_CHANGED'
  /** The store could not read or write. */
  | 'IO';

/** A checkpoint that cannot be written or resumed from. Nothing was loaded when it is thrown. */
export class CheckpointError extends WebpeftError {
  readonly code: CheckpointErrorCode;
  /** The checkpoint's step, when known. */
  readonly step: number | undefined;
  /** The file (as the store describes it: a path for the filesystem store). */
  readonly file: string | undefined;
  /** The key (tensor name or JSON field) within the file. */
  readonly key: string | undefined;

  constructor(code: CheckpointErrorCode, detail: string, where: { step?: number | undefined; file?: string | undefined; key?: string | undefined } = {}, options?: { cause?: unknown }) {
    const parts: string[] = [];
    if (where.file !== undefined) parts.push(where.file);
    else if (where.step !== undefined) parts.push(`checkpoint-${where.step}`);
    if (where.key !== undefined) parts.push(`key ${JSON.stringify(where.key)}`);
    super(`${parts.length ? `${parts.join(': ')}: ` : ''}${detail} [${code}]`);
    if (options && 'cause' in options) Object.defineProperty(this, 'cause', { value: options.cause, configurable: true, writable: true });
    this.code = code;
    this.step = where.step;
    this.file = where.file;
    this.key = where.key;
  }
}
