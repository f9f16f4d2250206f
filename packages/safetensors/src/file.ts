// Lazy access to one safetensors file: the header is read and validated at open (8 bytes, then
// n bytes), and each tensor's bytes only when asked for, so a multi-GB checkpoint is never
// held in memory whole.
import { decodeBF16, decodeF16 } from '@webpeft/tensor';
import { type DTypeArrayMap, type SafetensorsDType, isPacked, viewAs } from './dtype.ts';
import { SafetensorsError } from './errors.ts';
import { PREFIX_BYTES, type SafetensorsHeader, type TensorInfo, parseHeader, parseSafetensorsHeader, readHeaderLength } from './format.ts';
import { type ByteSource, blobSource, bytesSource } from './source.ts';

/** A tensor read from a file: narrow on `dtype` to get its typed array (f16/bf16 as raw bits). */
export type SafetensorsTensor = { [D in SafetensorsDType]: { readonly dtype: D; readonly shape: number[]; readonly data: DTypeArrayMap[D] } }[SafetensorsDType];

export interface OpenOptions {
  /** Name shown in error messages (the Node entry passes the path). */
  readonly name?: string | undefined;
}

/**
 * Open a safetensors file from a byte source, a Blob/File, or bytes in memory: reads and
 * validates the header only. Throws SafetensorsError for any malformed file.
 */
export async function openSafetensors(source: ByteSource | Blob | Uint8Array, options: OpenOptions = {}): Promise<SafetensorsFile> {
  const src = source instanceof Uint8Array ? bytesSource(source) : typeof Blob !== 'undefined' && source instanceof Blob ? blobSource(source) : (source as ByteSource);
  const file = options.name;
  const size = src.size;
  if (!Number.isSafeInteger(size) || size < 0) throw new SafetensorsError('IO', `source reports an invalid size ${size}`, { file });
  const prefix = await readExact(src, 0, Math.min(PREFIX_BYTES, size), file);
  const n = readHeaderLength(prefix, size, file); // checks n against the cap and the size before reading it
  const header = parseHeader(await readExact(src, PREFIX_BYTES, n, file), size, file);
  return new SafetensorsFile(src, header, file);
}

/** A validated file whose tensors are read on demand. */
export class SafetensorsFile {
  constructor(
    private readonly source: ByteSource,
    /** The validated header (tensor table, metadata, offsets). */
    readonly header: SafetensorsHeader,
    /** Name used in error messages. */
    readonly name?: string,
  ) {}

  /** `__metadata__`, or undefined when the file has none. */
  get metadata(): Readonly<Record<string, string>> | undefined {
    return this.header.metadata;
  }

  /** Tensor names in the order of their data in the file. */
  names(): string[] {
    return [...this.header.tensors.keys()];
  }

  has(name: string): boolean {
    return this.header.tensors.has(name);
  }

  /** dtype, shape, byte length and offsets of one tensor, from the header (no I/O). */
  info(name: string): TensorInfo {
    const info = this.header.tensors.get(name);
    if (!info) {
      const count = this.header.tensors.size;
      throw new SafetensorsError('NOT_FOUND', `no such tensor; the file holds ${count} tensor${count === 1 ? '' : 's'}`, { file: this.name, tensor: name });
    }
    return info;
  }

  /** The tensor's raw little-endian bytes (only this tensor's range is read). */
  async readBytes(name: string): Promise<Uint8Array> {
    const { dataOffsets, byteLength } = this.info(name);
    return readExact(this.source, this.header.dataStart + dataOffsets[0], byteLength, this.name, name);
  }

  /** The tensor as its dtype's typed array (see `DTypeArrayMap`). */
  async read(name: string): Promise<SafetensorsTensor> {
    const { dtype, shape } = this.info(name);
    const data = viewAs(dtype, await this.readBytes(name));
    return { dtype, shape: [...shape], data } as SafetensorsTensor;
  }

  /** The tensor decoded to f32: f16/bf16 exactly, f64 rounded, integers converted (i64/u64 checked ≤ 2^53). */
  async readAsF32(name: string): Promise<Float32Array> {
    return tensorToF32(await this.read(name), name, this.name);
  }

  /** Close the underlying source (a file handle for the Node entry). */
  async close(): Promise<void> {
    await this.source.close?.();
  }
}

/**
 * Parse a whole file held in memory and decode every tensor (synchronous). For big files
 * prefer `openSafetensors`, which reads tensors one at a time.
 */
export function loadSafetensors(bytes: Uint8Array, options: OpenOptions = {}): Map<string, SafetensorsTensor> {
  const header = parseSafetensorsHeader(bytes, options.name);
  const out = new Map<string, SafetensorsTensor>();
  for (const [name, { dtype, shape, dataOffsets }] of header.tensors) {
    const data = viewAs(dtype, bytes.slice(header.dataStart + dataOffsets[0], header.dataStart + dataOffsets[1]));
    out.set(name, { dtype, shape: [...shape], data } as SafetensorsTensor);
  }
  return out;
}

/** Decode a tensor to f32. c64 and the packed float8/6/4 dtypes throw UNSUPPORTED_DTYPE. */
export function tensorToF32(tensor: SafetensorsTensor, name?: string, file?: string): Float32Array {
  switch (tensor.dtype) {
    case 'f32':
      return tensor.data;
    case 'f16':
      return decodeF16(tensor.data);
    case 'bf16':
      return decodeBF16(tensor.data);
    case 'i64':
    case 'u64':
      return bigintsToF32(tensor.data, name, file);
    case 'c64':
      throw new SafetensorsError('UNSUPPORTED_DTYPE', 'c64 (complex) has no f32 decoding; use read() for interleaved (re, im) pairs', { file, tensor: name, field: 'dtype' });
    default:
      if (isPacked(tensor.dtype)) {
        throw new SafetensorsError('UNSUPPORTED_DTYPE', `${tensor.dtype} has no f32 decoding here; use read() or readBytes() for its raw bytes`, { file, tensor: name, field: 'dtype' });
      }
      return Float32Array.from(tensor.data as ArrayLike<number>);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function bigintsToF32(values: BigInt64Array | BigUint64Array, name: string | undefined, file: string | undefined): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > MAX_SAFE || v < -MAX_SAFE) {
      throw new SafetensorsError('OVERFLOW', `element ${i} is ${v}, outside ±(2^53 - 1), where a number stops being exact`, { file, tensor: name });
    }
    out[i] = Number(v);
  }
  return out;
}

/** Read exactly `length` bytes, turning any failure of the source into a SafetensorsError. */
async function readExact(source: ByteSource, offset: number, length: number, file: string | undefined, tensor?: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await source.read(offset, length);
  } catch (cause) {
    if (cause instanceof SafetensorsError) throw cause;
    throw new SafetensorsError('IO', `reading ${length} bytes at offset ${offset} failed: ${(cause as Error)?.message ?? String(cause)}`, { file, tensor }, { cause });
  }
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new SafetensorsError('TRUNCATED', `expected ${length} bytes at offset ${offset}, the source returned ${bytes?.length ?? 'nothing'} (file changed since it was opened?)`, { file, tensor });
  }
  return bytes;
}
