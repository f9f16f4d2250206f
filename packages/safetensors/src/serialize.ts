// Writing the safetensors layout exactly as the reference writer does (safetensors/src/tensor.rs,
// `prepare` + `serialize`): tensors sorted by dtype (descending enum order, so wider types come
// first and stay aligned) then by name; compact JSON header with `__metadata__` first; the
// header padded with spaces to a multiple of 8 bytes; data concatenated without gaps.
import { UnsupportedError, encodeBF16, encodeF16 } from '@webpeft/tensor';
import { HOST_IS_LITTLE_ENDIAN, type SafetensorsArray, type SafetensorsDType, arrayClassOf, dtypeBits, dtypeRank, dtypeToFile, isSafetensorsDType } from './dtype.ts';
import { SafetensorsError } from './errors.ts';
import { MAX_HEADER_SIZE, PREFIX_BYTES } from './format.ts';

/**
 * One tensor to write. `data` is the dtype's typed array (see `DTypeArrayMap`: f16/bf16 as
 * Uint16Array bits, i64 as BigInt64Array, …), or a Uint8Array of raw little-endian bytes for
 * any dtype; f16 and bf16 also take a Float32Array, rounded to nearest even.
 */
export interface TensorInput {
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly data: SafetensorsArray;
}

/** Tensors by name: a plain object or a Map (a Map keeps names such as `__proto__` safe). */
export type TensorInputs = Readonly<Record<string, TensorInput>> | ReadonlyMap<string, TensorInput>;

/** `__metadata__`: free-form string → string pairs, written in insertion order. */
export type MetadataInput = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

/** A file split into its header (length prefix + padded JSON) and each tensor's bytes, in order. */
export interface PreparedSafetensors {
  readonly header: Uint8Array;
  readonly chunks: readonly Uint8Array[];
  /** Total file size. */
  readonly byteLength: number;
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Lay out a file without copying tensor data (what `saveSafetensors` streams to disk). */
export function prepareSafetensors(tensors: TensorInputs, metadata?: MetadataInput, file?: string): PreparedSafetensors {
  const entries = tensors instanceof Map ? [...(tensors as ReadonlyMap<string, TensorInput>)] : Object.entries(tensors as Record<string, TensorInput>);
  const items = entries.map(([name, input]) => ({ name, input, ...checkInput(name, input, file) }));
  items.sort((a, b) => dtypeRank(b.input.dtype) - dtypeRank(a.input.dtype) || compareCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${stringifyMetadata(metadata, file)}`);
  let offset = 0;
  for (const { name, input, bytes } of items) {
    const end = offset + bytes.length;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtypeToFile(input.dtype)}","shape":[${input.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > MAX_HEADER_SIZE) {
    throw new SafetensorsError('HEADER_TOO_LARGE', `the header would be ${padded} bytes, above the ${MAX_HEADER_SIZE}-byte limit readers enforce`, { file });
  }
  const header = new Uint8Array(PREFIX_BYTES + padded).fill(0x20, PREFIX_BYTES + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, PREFIX_BYTES);
  return { header, chunks: items.map((item) => item.bytes), byteLength: header.length + offset };
}

/** Serialize tensors (and optional `__metadata__`) to the bytes of a .safetensors file. */
export function serializeSafetensors(tensors: TensorInputs, metadata?: MetadataInput): Uint8Array {
  const { header, chunks, byteLength } = prepareSafetensors(tensors, metadata);
  const out = new Uint8Array(byteLength);
  out.set(header, 0);
  let at = header.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function checkInput(name: string, input: TensorInput, file: string | undefined): { bytes: Uint8Array } {
  const where = { file, tensor: name };
  if (name === '__metadata__') throw new SafetensorsError('INVALID_ARGUMENT', 'a tensor cannot be named __metadata__ (that key holds the metadata)', where);
  if (LONE_SURROGATE.test(name)) throw new SafetensorsError('INVALID_ARGUMENT', 'the name holds a lone UTF-16 surrogate, which UTF-8 cannot encode', where);
  if (typeof input !== 'object' || input === null) throw new SafetensorsError('INVALID_ARGUMENT', 'expected {dtype, shape, data}', where);
  const { dtype, shape, data } = input;
  if (!isSafetensorsDType(dtype)) throw new SafetensorsError('UNKNOWN_DTYPE', `unknown dtype ${JSON.stringify(dtype)}`, { ...where, field: 'dtype' });
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError('INVALID_ARGUMENT', `expected an array of non-negative integers, got ${JSON.stringify(shape)}`, { ...where, field: 'shape' });
  }
  let numel = 1;
  for (const d of shape) {
    numel *= d;
    if (!Number.isSafeInteger(numel)) throw new SafetensorsError('OVERFLOW', `shape [${shape.join(', ')}] has more than 2^53 - 1 elements`, { ...where, field: 'shape' });
  }
  const bits = numel * dtypeBits(dtype);
  if (bits % 8 !== 0) throw new SafetensorsError('MISALIGNED', `${numel} elements of ${dtype} fill ${bits} bits, not whole bytes`, { ...where, field: 'shape' });
  const bytes = toBytes(dtype, data, where);
  if (bytes.length !== bits / 8) {
    throw new SafetensorsError('SIZE_MISMATCH', `shape [${shape.join(', ')}] of ${dtype} needs ${bits / 8} bytes, data holds ${bytes.length}`, { ...where, field: 'data' });
  }
  return { bytes };
}

function toBytes(dtype: SafetensorsDType, data: SafetensorsArray, where: { file: string | undefined; tensor: string }): Uint8Array {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) {
    throw new SafetensorsError('INVALID_ARGUMENT', `expected a typed array, got ${Object.prototype.toString.call(data)}`, { ...where, field: 'data' });
  }
  let view: ArrayBufferView = data;
  if ((dtype === 'f16' || dtype === 'bf16') && data instanceof Float32Array) view = dtype === 'f16' ? encodeF16(data) : encodeBF16(data);
  else if (!(data instanceof Uint8Array) && !(data instanceof arrayClassOf(dtype))) {
    const expected = `${arrayClassOf(dtype).name}${dtype === 'f16' || dtype === 'bf16' ? ' of bits, a Float32Array' : ''} or a Uint8Array of raw bytes`;
    throw new SafetensorsError('INVALID_ARGUMENT', `${dtype} data must be a ${expected}, got ${data.constructor.name}`, { ...where, field: 'data' });
  }
  if (!HOST_IS_LITTLE_ENDIAN && !(view instanceof Uint8Array)) throw new UnsupportedError('safetensors needs a little-endian host to write typed arrays');
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function stringifyMetadata(metadata: MetadataInput, file: string | undefined): string {
  const entries = metadata instanceof Map ? [...(metadata as ReadonlyMap<string, string>)] : Object.entries(metadata as Record<string, string>);
  const fields = entries.map(([key, value]) => {
    if (typeof value !== 'string') {
      throw new SafetensorsError('INVALID_ARGUMENT', `metadata values must be strings (the format stores a string map); key ${JSON.stringify(key)} holds ${typeof value}`, { file, field: '__metadata__' });
    }
    if (LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) {
      throw new SafetensorsError('INVALID_ARGUMENT', `key ${JSON.stringify(key)} holds a lone UTF-16 surrogate`, { file, field: '__metadata__' });
    }
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${fields.join(',')}}`;
}

/** Order by Unicode code point, i.e. by UTF-8 bytes, as Rust's `str::cmp` does (UTF-16 order differs past U+D7FF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate starts an astral code point, above every BMP one
    return x - y;
  }
  return a.length - b.length;
}
