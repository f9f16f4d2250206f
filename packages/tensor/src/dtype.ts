import { DTypeError } from './errors.ts';

/**
 * Compute dtypes. `f64` exists for gradient checks on the CPU backend; `bool` holds masks
 * (comparison results, `where` conditions). `f16`/`bf16` are storage formats only: decode
 * them with {@link decodeF16} / {@link decodeBF16} when loading weights.
 */
export type DType = 'f32' | 'f64' | 'i32' | 'bool';

export const DTYPES: readonly DType[] = ['f32', 'f64', 'i32', 'bool'];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export interface DTypeMap {
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;
  bool: Uint8Array;
}

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { f32: 4, f64: 8, i32: 4, bool: 1 };

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'f32' || dtype === 'f64';
}

export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'f32':
      return new Float32Array(size);
    case 'f64':
      return new Float64Array(size);
    case 'i32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The dtype a typed array stores natively. */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  return 'bool';
}

/** Copy `values` into a fresh array of `dtype` (bool: non-zero → 1; i32: truncation toward zero). */
export function toTypedArray(values: ArrayLike<number> | readonly boolean[], dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  } else if (dtype === 'i32') {
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      if (!Number.isFinite(v)) throw new DTypeError(`cannot store ${v} at index ${i} as i32`);
      out[i] = Math.trunc(v);
    }
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  return out;
}

/** Decode IEEE-754 half precision (f16) storage to f32. */
export function decodeF16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = f16ToNumber(bits[i]!);
  return out;
}

export function f16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal (and ±0)
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Encode f32 values as f16 storage, rounding to nearest even (overflow → ±Inf). */
export function encodeF16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i]!;
    const x = u[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    let e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let h = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const half = 1 << (shift - 1);
      if (rem > half || (rem === half && h & 1)) h++;
      out[i] = sign | h;
      continue;
    }
    let h = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
    e = h >>> 10;
    out[i] = sign | h;
  }
  return out;
}

/** Decode bfloat16 storage (the top 16 bits of an f32) to f32. */
export function decodeBF16(bits: Uint16Array): Float32Array {
  const u = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) u[i] = bits[i]! << 16;
  return new Float32Array(u.buffer);
}

/** Encode f32 values as bfloat16 storage, rounding to nearest even; NaN stays NaN. */
export function encodeBF16(values: ArrayLike<number>): Uint16Array {
  const f = Float32Array.from(values);
  const u = new Uint32Array(f.buffer);
  const out = new Uint16Array(f.length);
  for (let i = 0; i < u.length; i++) {
    const x = u[i]!;
    if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) {
      out[i] = (x >>> 16) | 0x40;
      continue;
    }
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}
