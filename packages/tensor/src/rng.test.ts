import { describe, expect, it } from 'vitest';
import { Generator, bitsToUniform, philox4x32, philoxBits, seedToKey } from './rng.ts';

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  // Known-answer vectors published with Random123 (kat_vectors, philox4x32 10 rounds)
  it('matches the Random123 known answers', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('is counter-based: any slice of a stream is reproducible from (key, offset)', () => {
    const key = seedToKey(42);
    const all = philoxBits(key, 0, 40);
    expect(Array.from(philoxBits(key, 3, 12))).toEqual(Array.from(all.slice(12, 24)));
  });

  it('splits 64-bit seeds into key words', () => {
    expect(seedToKey(1)).toEqual([1, 0]);
    expect(seedToKey(2 ** 32 + 5)).toEqual([5, 1]);
    expect(seedToKey(0xffffffffffffffffn)).toEqual([0xffffffff, 0xffffffff]);
    expect(() => seedToKey(-1)).toThrow(/non-negative/);
    expect(() => seedToKey(1n << 64n)).toThrow(/64 bits/);
  });

  it('generator state round-trips so a resumed stream continues identically', () => {
    const g = new Generator(7);
    g.normal(10);
    const state = g.getState();
    const next = g.uniform(9);
    const h = Generator.fromState(JSON.parse(JSON.stringify(state)));
    expect(Array.from(h.uniform(9))).toEqual(Array.from(next));
  });

  it('uniforms are 24-bit exact in f32 and normals have the right moments', () => {
    expect(bitsToUniform(0xffffffff)).toBe(1 - 2 ** -24);
    expect(Math.fround(bitsToUniform(0x12345678))).toBe(bitsToUniform(0x12345678));
    const z = new Generator(3).normal(20000);
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
    const u = new Generator(4).uniform(20000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((a, b) => a + b, 0) / u.length - 0.5)).toBeLessThan(0.01);
  });
});
