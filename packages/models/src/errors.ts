// Errors of model loading and running: each says what was expected, what came, and where
// (file, config field, checkpoint key, shape), so a user can act on it.
import { WebpeftError, fmtShape } from '@webpeft/tensor';

/** A config.json field is missing, of the wrong type, or out of range. */
export class ConfigError extends WebpeftError {
  constructor(
    message: string,
    readonly file?: string,
    readonly field?: string,
  ) {
    super(`${file ? `${file}: ` : ''}${field ? `'${field}': ` : ''}${message}`);
  }
}

/** config.json names a `model_type` this package has no family for. */
export class UnknownModelTypeError extends ConfigError {
  constructor(
    readonly modelType: unknown,
    readonly known: readonly string[],
    file?: string,
  ) {
    super(`unknown model_type ${JSON.stringify(modelType)}; supported: ${known.join(', ')}`, file, 'model_type');
  }
}

/** A file the loader needs is not in the directory (nothing is downloaded). */
export class MissingFileError extends WebpeftError {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`missing file ${path}: ${what} (fromPretrained reads local directories only; nothing is downloaded)`);
  }
}

/** One checkpoint tensor whose shape differs from the model's parameter. */
export interface MisshapedWeight {
  readonly key: string;
  readonly expected: readonly number[];
  readonly got: readonly number[];
}

const LISTED = 20;
function list(keys: readonly string[]): string {
  return `${keys.slice(0, LISTED).join(', ')}${keys.length > LISTED ? `, … and ${keys.length - LISTED} more` : ''}`;
}

/** The checkpoint lacks weights the model needs, or holds them in the wrong shape. Nothing was loaded. */
export class CheckpointError extends WebpeftError {
  constructor(
    readonly file: string,
    readonly missing: readonly string[],
    readonly misshaped: readonly MisshapedWeight[],
  ) {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing weights (${missing.length}): ${list(missing)}`);
    if (misshaped.length) {
      const shown = misshaped.slice(0, LISTED).map((m) => `${m.key}: model expects ${fmtShape(m.expected)}, checkpoint has ${fmtShape(m.got)}`);
      parts.push(`mis-shaped weights (${misshaped.length}): ${shown.join('; ')}${misshaped.length > LISTED ? '; …' : ''}`);
    }
    super(`${file}: the checkpoint does not fit the model, nothing was loaded.\n  ${parts.join('\n  ')}`);
  }
}

/** tokenizer.json does not fit the model's vocabulary. */
export class TokenizerMismatchError extends WebpeftError {}

/** An input is longer than the model's position table (or patch grid). */
export class SequenceTooLongError extends WebpeftError {
  constructor(
    readonly length: number,
    readonly limit: number,
    what: string,
  ) {
    super(`${what}: sequence length ${length} exceeds the position table (at most ${limit} positions)`);
  }
}

/** An image or pixel tensor of the wrong size or layout. */
export class ImageError extends WebpeftError {}

/** Invalid generation settings or inputs. */
export class GenerationError extends WebpeftError {}
