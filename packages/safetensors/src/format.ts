// Reading the safetensors layout from bytes, with the reference implementation's rules
// (huggingface/safetensors, safetensors/src/tensor.rs: `read_metadata`, `Metadata::validate`):
//   [u64 LE header length n][n bytes of UTF-8 JSON header][byte buffer]
// n ≤ 100,000,000; `data_offsets` are relative to the byte buffer; sorted by offset, tensors
// cover the buffer contiguously (no hole, no overlap); each spans numel × dtype size bytes; the
// last one ends exactly at the end of the file. Pure: no I/O, runs in any JavaScript runtime.
import { JsonFloat, type JsonValue, parseJson } from './_json.ts';
import { type SafetensorsDType, dtypeBits, dtypeFromFile } from './dtype.ts';
import { SafetensorsError, preview } from './errors.ts';

/** The reference implementation's cap on the header length (`MAX_HEADER_SIZE`). */
export const MAX_HEADER_SIZE = 100_000_000;

/** Bytes of the little-endian u64 header length that starts every file. */
export const PREFIX_BYTES = 8;

/** One tensor's entry in the header. */
export interface TensorInfo {
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Number of elements (product of `shape`; 1 for a scalar `[]`). */
  readonly numel: number;
  /** Bytes of data: numel × dtype bits / 8. */
  readonly byteLength: number;
  /** Begin and end of the data, relative to the start of the byte buffer (as in the file). */
  readonly dataOffsets: readonly [number, number];
}

/** A validated header. */
export interface SafetensorsHeader {
  /** The `__metadata__` string map, or undefined when the header has none. */
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** Tensors in the order of their data in the file. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** n, the header length in bytes (padding included). */
  readonly headerLength: number;
  /** Absolute file offset of the byte buffer: 8 + n. */
  readonly dataStart: number;
  /** Bytes in the byte buffer (the end of the last tensor). */
  readonly dataLength: number;
}

/**
 * Decode the 8-byte header length and check it against the cap and the file size, before
 * anything is allocated for the header.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, file?: string): number {
  if (fileSize < PREFIX_BYTES || prefix.length < PREFIX_BYTES) {
    throw new SafetensorsError('TRUNCATED', `expected at least ${PREFIX_BYTES} bytes (the u64 header length), got ${Math.min(fileSize, prefix.length)}`, { file });
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, PREFIX_BYTES).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    throw new SafetensorsError('HEADER_TOO_LARGE', `header length is ${n} bytes, above the ${MAX_HEADER_SIZE}-byte limit`, { file, field: 'header length' });
  }
  const length = Number(n);
  if (PREFIX_BYTES + length > fileSize) {
    throw new SafetensorsError('TRUNCATED', `header length is ${length} bytes but only ${fileSize - PREFIX_BYTES} bytes follow the length prefix`, { file, field: 'header length' });
  }
  return length;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parse and validate the JSON header (the n bytes after the prefix) of a file of `fileSize`
 * bytes. Throws SafetensorsError for every rule the reference enforces, plus duplicate keys.
 */
export function parseHeader(headerBytes: Uint8Array, fileSize: number, file?: string): SafetensorsHeader {
  let text: string;
  try {
    text = UTF8.decode(headerBytes);
  } catch (cause) {
    throw new SafetensorsError('INVALID_UTF8', 'header is not valid UTF-8', { file }, { cause });
  }
  const root = parseJson(text, file);
  if (!(root instanceof Map)) {
    throw new SafetensorsError('INVALID_HEADER', `expected the header to be a JSON object, got ${describe(root)}`, { file });
  }
  let metadata: Record<string, string> | undefined;
  const entries: [string, TensorInfo][] = [];
  for (const [name, value] of root) {
    if (name === '__metadata__') metadata = parseMetadata(value, file);
    else entries.push([name, parseTensorInfo(name, value, file)]);
  }
  const headerLength = headerBytes.length;
  const dataStart = PREFIX_BYTES + headerLength;
  const dataLength = checkLayout(entries, fileSize - dataStart, file);
  return { metadata, tensors: new Map(entries), headerLength, dataStart, dataLength };
}

/** Validate the header of a whole file held in memory. */
export function parseSafetensorsHeader(bytes: Uint8Array, file?: string): SafetensorsHeader {
  const n = readHeaderLength(bytes.subarray(0, PREFIX_BYTES), bytes.length, file);
  return parseHeader(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + n), bytes.length, file);
}

function parseMetadata(value: JsonValue, file: string | undefined): Record<string, string> | undefined {
  if (value === null) return undefined; // serde reads `null` as no metadata
  const where = { file, field: '__metadata__' };
  if (!(value instanceof Map)) throw new SafetensorsError('INVALID_HEADER', `expected an object of strings, got ${describe(value)}`, where);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, v] of value) {
    if (typeof v !== 'string') throw new SafetensorsError('INVALID_HEADER', `expected a string value for key ${JSON.stringify(key)}, got ${describe(v)}`, where);
    out[key] = v;
  }
  return out;
}

function parseTensorInfo(name: string, value: JsonValue, file: string | undefined): TensorInfo {
  if (!(value instanceof Map)) {
    throw new SafetensorsError('INVALID_HEADER', `expected an object {dtype, shape, data_offsets}, got ${describe(value)}`, { file, tensor: name });
  }
  const field = (key: string): JsonValue => {
    if (!value.has(key)) throw new SafetensorsError('INVALID_HEADER', 'missing', { file, tensor: name, field: key });
    return value.get(key)!;
  };
  const rawDtype = field('dtype');
  if (typeof rawDtype !== 'string') {
    throw new SafetensorsError('INVALID_HEADER', `expected a dtype string, got ${describe(rawDtype)}`, { file, tensor: name, field: 'dtype' });
  }
  const dtype = dtypeFromFile(rawDtype);
  if (dtype === undefined) {
    throw new SafetensorsError('UNKNOWN_DTYPE', `unknown dtype ${preview(rawDtype)}; safetensors defines BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64, C64, F8_*, F6_*, F4`, { file, tensor: name, field: 'dtype' });
  }
  const shape = sizeList(field('shape'), 'shape', undefined, name, file);
  const offsets = sizeList(field('data_offsets'), 'data_offsets', 2, name, file);
  const begin = offsets[0]!;
  const end = offsets[1]!;
  const numel = checkedProduct(shape, name, file);
  const bits = numel * dtypeBits(dtype);
  if (!Number.isSafeInteger(bits)) throw overflow(`${numel} elements of ${dtype}`, name, file);
  if (bits % 8 !== 0) {
    throw new SafetensorsError('MISALIGNED', `${numel} elements of ${dtype} fill ${bits} bits, not a whole number of bytes`, { file, tensor: name, field: 'shape' });
  }
  const byteLength = bits / 8;
  if (end < begin) {
    throw new SafetensorsError('INVALID_OFFSETS', `begin ${begin} is after end ${end}`, { file, tensor: name, field: 'data_offsets' });
  }
  if (end - begin !== byteLength) {
    throw new SafetensorsError('SIZE_MISMATCH', `shape [${shape.join(', ')}] of ${dtype} needs ${byteLength} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`, { file, tensor: name, field: 'data_offsets' });
  }
  return { dtype, shape, numel, byteLength, dataOffsets: [begin, end] };
}

/** A JSON array of non-negative integers (sizes and offsets are `usize` in the reference). */
function sizeList(value: JsonValue, fieldName: string, length: number | undefined, name: string, file: string | undefined): number[] {
  const where = { file, tensor: name, field: fieldName };
  if (!Array.isArray(value)) throw new SafetensorsError('INVALID_HEADER', `expected an array of non-negative integers, got ${describe(value)}`, where);
  if (length !== undefined && value.length !== length) {
    throw new SafetensorsError('INVALID_HEADER', `expected ${length} integers [begin, end], got ${value.length}`, where);
  }
  return value.map((v, i) => {
    if (typeof v === 'bigint' && v > 0n) throw new SafetensorsError('OVERFLOW', `entry ${i} is ${v}, past 2^53 - 1`, where);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || Object.is(v, -0)) {
      throw new SafetensorsError('INVALID_HEADER', `entry ${i}: expected a non-negative integer, got ${describe(v)}`, where);
    }
    return v;
  });
}

function checkedProduct(shape: readonly number[], name: string, file: string | undefined): number {
  let numel = 1;
  for (const dim of shape) {
    numel *= dim;
    // Checked at every step like the reference's `try_fold(checked_mul)`: [2^40, 2^40, 0] overflows.
    if (!Number.isSafeInteger(numel)) throw overflow(`shape [${shape.join(', ')}]`, name, file);
  }
  return numel;
}

function overflow(what: string, name: string, file: string | undefined): SafetensorsError {
  return new SafetensorsError('OVERFLOW', `${what} overflows the byte count (past 2^53 - 1)`, { file, tensor: name, field: 'shape' });
}

/** Sort by offsets and check contiguity and the file's end; returns the byte buffer length. */
function checkLayout(entries: [string, TensorInfo][], available: number, file: string | undefined): number {
  entries.sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  let end = 0;
  let previous: string | undefined;
  for (const [name, info] of entries) {
    const [begin, stop] = info.dataOffsets;
    if (begin < end) {
      throw new SafetensorsError('OVERLAP', `data_offsets [${begin}, ${stop}] overlap tensor ${JSON.stringify(previous)}, which ends at ${end}`, { file, tensor: name, field: 'data_offsets' });
    }
    if (begin > end) {
      const after = previous === undefined ? 'the start of the byte buffer' : `tensor ${JSON.stringify(previous)}`;
      throw new SafetensorsError('GAP', `data_offsets [${begin}, ${stop}] leave ${begin - end} uncovered bytes after ${after} (expected begin ${end})`, { file, tensor: name, field: 'data_offsets' });
    }
    end = stop;
    previous = name;
  }
  if (end > available) {
    throw new SafetensorsError('OFFSET_OUT_OF_BOUNDS', `data ends at byte ${end} of the byte buffer but the file holds only ${Math.max(available, 0)} bytes after the header (truncated file?)`, { file, tensor: previous, field: 'data_offsets' });
  }
  if (end < available) {
    throw new SafetensorsError('TRAILING_BYTES', `${available - end} bytes follow the last tensor's data (which ends at ${end})`, { file });
  }
  return end;
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (value instanceof Map) return `an object ${preview(Object.fromEntries([...value.keys()].slice(0, 4).map((k) => [k, '…'])))}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof JsonFloat) return `the non-integer ${value.value}`;
  return preview(value);
}
