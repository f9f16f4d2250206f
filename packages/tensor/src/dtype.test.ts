import { describe, expect, it } from 'vitest';
import { decodeBF16, decodeF16, encodeBF16, encodeF16, toTypedArray } from './dtype.ts';

describe('f16 / bf16 storage', () => {
  it('decodes IEEE half precision bit patterns', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504 (max), 0x0001 = 2^-24 (min subnormal), 0x7c00 = Inf, 0x3555 ≈ 1/3
    const out = decodeF16(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x8000, 0x3555]));
    expect(Array.from(out.slice(0, 7))).toEqual([1, -2, 65504, 2 ** -24, Infinity, -Infinity, -0]);
    expect(out[7]).toBeCloseTo(0.33325195, 7);
    expect(Number.isNaN(decodeF16(new Uint16Array([0x7e00]))[0])).toBe(true);
  });

  it('encodes f16 with round-to-nearest-even and round-trips every finite half', () => {
    const all = new Uint16Array(0x7c00);
    for (let i = 0; i < all.length; i++) all[i] = i;
    expect(Array.from(encodeF16(decodeF16(all)))).toEqual(Array.from(all));
    // 1 + 2^-11 is halfway between 1 and the next half: ties to even (1)
    expect(encodeF16([1 + 2 ** -11])[0]).toBe(0x3c00);
    expect(encodeF16([1e6])[0]).toBe(0x7c00);
  });

  it('decodes and encodes bfloat16', () => {
    expect(Array.from(decodeBF16(new Uint16Array([0x3f80, 0xc040, 0x7f80])))).toEqual([1, -3, Infinity]);
    expect(Array.from(encodeBF16([1, -3, 3.140625]))).toEqual([0x3f80, 0xc040, 0x4049]);
    expect(Number.isNaN(decodeBF16(encodeBF16([NaN]))[0])).toBe(true);
  });

  it('rejects non-finite values for i32', () => {
    expect(() => toTypedArray([1, NaN], 'i32')).toThrow(/NaN at index 1 as i32/);
    expect(Array.from(toTypedArray([1.9, -1.9], 'i32'))).toEqual([1, -1]);
  });
});
