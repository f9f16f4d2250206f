// One error class for everything this package rejects; `code` says which rule broke and the
// message says where (file, tensor, field), what was expected and what came.
import { WebpeftError } from '@webpeft/tensor';

/** Which rule a file, an index or an argument broke. */
export type SafetensorsErrorCode =
  /** Fewer bytes than the 8-byte length prefix or than the header length claims. */
  | 'TRUNCATED'
  /** The header length prefix is above the 100,000,000-byte cap. */
  | 'HEADER_TOO_LARGE'
  /** The header is not valid UTF-8. */
  | 'INVALID_UTF8'
  /** The header is not valid JSON (syntax, nesting deeper than 128). */
  | 'INVALID_JSON'
  /** Valid JSON of the wrong shape: not an object, a missing or mistyped field. */
  | 'INVALID_HEADER'
  /** A key appears twice in one JSON object. */
  | 'DUPLICATE'
  /** A dtype string that safetensors does not define. */
  | 'UNKNOWN_DTYPE'
  /** A safetensors dtype this package stores as bytes but cannot decode to numbers. */
  | 'UNSUPPORTED_DTYPE'
  /** An integer past 2^53 − 1 (shape, offsets, element count, or an i64/u64 value). */
  | 'OVERFLOW'
  /** A sub-byte dtype (f4, f6) whose element count does not fill whole bytes. */
  | 'MISALIGNED'
  /** `data_offsets` with begin > end. */
  | 'INVALID_OFFSETS'
  /** A tensor whose bytes end past the end of the file. */
  | 'OFFSET_OUT_OF_BOUNDS'
  /** Two tensors share bytes. */
  | 'OVERLAP'
  /** Bytes between two tensors (or before the first) that no tensor covers. */
  | 'GAP'
  /** `data_offsets` span ≠ element count × dtype size (or data of the wrong length when writing). */
  | 'SIZE_MISMATCH'
  /** Bytes after the last tensor. */
  | 'TRAILING_BYTES'
  /** A tensor name that the file (or the shard index) does not hold. */
  | 'NOT_FOUND'
  /** `model.safetensors.index.json` is malformed. */
  | 'INVALID_INDEX'
  /** A shard file the index names is not there. */
  | 'MISSING_SHARD'
  /** A bad argument to a writer (name, dtype/array pairing, metadata value). */
  | 'INVALID_ARGUMENT'
  /** The underlying file or blob could not be read or written. */
  | 'IO';

/** Where an error happened; each part is optional and shows up in the message. */
export interface SafetensorsErrorWhere {
  file?: string | undefined;
  tensor?: string | undefined;
  field?: string | undefined;
}

/** A malformed safetensors file, shard index or writer argument. */
export class SafetensorsError extends WebpeftError {
  readonly code: SafetensorsErrorCode;
  readonly file: string | undefined;
  readonly tensor: string | undefined;
  readonly field: string | undefined;

  constructor(code: SafetensorsErrorCode, detail: string, where: SafetensorsErrorWhere = {}, options?: { cause?: unknown }) {
    super(`${formatWhere(where)}${detail} [${code}]`);
    if (options && 'cause' in options) Object.defineProperty(this, 'cause', { value: options.cause, configurable: true, writable: true });
    this.code = code;
    this.file = where.file;
    this.tensor = where.tensor;
    this.field = where.field;
  }
}

function formatWhere({ file, tensor, field }: SafetensorsErrorWhere): string {
  const parts: string[] = [];
  if (file !== undefined) parts.push(file);
  if (tensor !== undefined) parts.push(`tensor ${JSON.stringify(tensor)}`);
  if (field !== undefined) parts.push(`field '${field}'`);
  return parts.length ? `${parts.join(': ')}: ` : '';
}

/** Show at most `max` characters of a value taken from an untrusted file. */
export function preview(value: unknown, max = 60): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = value.toString();
  else if (value === undefined) text = 'nothing';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
