// The dtypes of the safetensors format, spelled in lower case here ('bf16') and in upper case in
// files ('BF16'). The table order is the reference implementation's `Dtype` enum order, which
// its writer uses to place tensors (descending, so 8-byte types come first and stay aligned).
import { UnsupportedError } from '@webpeft/tensor';

/** Dtypes read into a numeric typed array (and decodable to f32 by `readAsF32`, c64 aside). */
export type NumericDType = 'f64' | 'f32' | 'f16' | 'bf16' | 'i64' | 'i32' | 'i16' | 'i8' | 'u64' | 'u32' | 'u16' | 'u8' | 'bool' | 'c64';

/** Dtypes the format defines that this package keeps as raw bytes (8-, 6- and 4-bit floats). */
export type PackedDType = 'f8_e5m2' | 'f8_e4m3' | 'f8_e8m0' | 'f8_e4m3fnuz' | 'f8_e5m2fnuz' | 'f6_e2m3' | 'f6_e3m2' | 'f4';

/** Every dtype a safetensors header may name. */
export type SafetensorsDType = NumericDType | PackedDType;

/** The typed array `read()` returns for each dtype: f16/bf16 as raw bits, c64 as interleaved (re, im). */
export interface DTypeArrayMap {
  f64: Float64Array;
  f32: Float32Array;
  f16: Uint16Array;
  bf16: Uint16Array;
  i64: BigInt64Array;
  i32: Int32Array;
  i16: Int16Array;
  i8: Int8Array;
  u64: BigUint64Array;
  u32: Uint32Array;
  u16: Uint16Array;
  u8: Uint8Array;
  bool: Uint8Array;
  c64: Float32Array;
  f8_e5m2: Uint8Array;
  f8_e4m3: Uint8Array;
  f8_e8m0: Uint8Array;
  f8_e4m3fnuz: Uint8Array;
  f8_e5m2fnuz: Uint8Array;
  f6_e2m3: Uint8Array;
  f6_e3m2: Uint8Array;
  f4: Uint8Array;
}

export type SafetensorsArray = DTypeArrayMap[SafetensorsDType];

interface DTypeSpec {
  /** Bits per element. */
  bits: number;
  /** Position in the reference `Dtype` enum (v0.7); the writer sorts by it, descending. */
  rank: number;
  /** Constructor of the array `read()` returns (c64: two f32 lanes per element). */
  array: TypedArrayConstructor;
}

type TypedArrayConstructor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): SafetensorsArray; readonly BYTES_PER_ELEMENT: number };

const u8 = Uint8Array as unknown as TypedArrayConstructor;
const spec = (bits: number, rank: number, array: unknown): DTypeSpec => ({ bits, rank, array: array as TypedArrayConstructor });

const SPECS: Readonly<Record<SafetensorsDType, DTypeSpec>> = {
  bool: spec(8, 0, Uint8Array),
  f4: spec(4, 1, u8),
  f6_e2m3: spec(6, 2, u8),
  f6_e3m2: spec(6, 3, u8),
  u8: spec(8, 4, Uint8Array),
  i8: spec(8, 5, Int8Array),
  f8_e5m2: spec(8, 6, u8),
  f8_e4m3: spec(8, 7, u8),
  f8_e8m0: spec(8, 8, u8),
  f8_e4m3fnuz: spec(8, 9, u8),
  f8_e5m2fnuz: spec(8, 10, u8),
  i16: spec(16, 11, Int16Array),
  u16: spec(16, 12, Uint16Array),
  f16: spec(16, 13, Uint16Array),
  bf16: spec(16, 14, Uint16Array),
  i32: spec(32, 15, Int32Array),
  u32: spec(32, 16, Uint32Array),
  f32: spec(32, 17, Float32Array),
  c64: spec(64, 18, Float32Array),
  f64: spec(64, 19, Float64Array),
  i64: spec(64, 20, BigInt64Array),
  u64: spec(64, 21, BigUint64Array),
};

/** All dtypes, in the reference enum order. */
export const SAFETENSORS_DTYPES: readonly SafetensorsDType[] = Object.keys(SPECS) as SafetensorsDType[];

const BY_FILE_NAME = new Map<string, SafetensorsDType>(SAFETENSORS_DTYPES.map((d) => [d.toUpperCase(), d]));

export function isSafetensorsDType(x: unknown): x is SafetensorsDType {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(SPECS, x);
}

/** `'BF16'` → `'bf16'`; undefined for anything the format does not define (case matters, as in the reference). */
export function dtypeFromFile(name: string): SafetensorsDType | undefined {
  return BY_FILE_NAME.get(name);
}

/** `'bf16'` → `'BF16'`, the spelling inside files. */
export function dtypeToFile(dtype: SafetensorsDType): string {
  return dtype.toUpperCase();
}

export function dtypeBits(dtype: SafetensorsDType): number {
  return SPECS[dtype].bits;
}

export function dtypeRank(dtype: SafetensorsDType): number {
  return SPECS[dtype].rank;
}

/** True for the dtypes `read()` hands back as raw bytes. */
export function isPacked(dtype: SafetensorsDType): dtype is PackedDType {
  return SPECS[dtype].array === u8 && dtype !== 'u8' && dtype !== 'bool';
}

/** The typed array class `read()` returns for `dtype`. */
export function arrayClassOf(dtype: SafetensorsDType): TypedArrayConstructor {
  return SPECS[dtype].array;
}

/**
 * View little-endian tensor bytes as the dtype's typed array. `bytes` must own its buffer
 * region (it is not copied unless misaligned). Assumes a little-endian host, as every
 * JavaScript engine in use is.
 */
export function viewAs<D extends SafetensorsDType>(dtype: D, bytes: Uint8Array): DTypeArrayMap[D] {
  const { array } = SPECS[dtype];
  const width = array.BYTES_PER_ELEMENT;
  if (width > 1 && !HOST_IS_LITTLE_ENDIAN) throw new UnsupportedError('safetensors data is little-endian; this host is big-endian');
  const aligned = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
  return new array(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / width) as DTypeArrayMap[D];
}

/** Number of bytes per element for whole-byte dtypes; undefined for f4/f6. */
export function bytesPerElement(dtype: SafetensorsDType): number | undefined {
  const { bits } = SPECS[dtype];
  return bits % 8 === 0 ? bits / 8 : undefined;
}

/** Is the host little-endian? (safetensors data is little-endian; typed arrays use host order.) */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
