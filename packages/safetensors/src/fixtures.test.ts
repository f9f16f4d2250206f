// Golden files: written by the Python safetensors library (fixtures/iree, fixtures/hf-samples;
// see fixtures/README.md for provenance) and by fixtures/generate.py (values from PyTorch).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, hex } from './_test_helpers.ts';
import { openSafetensors, tensorToF32 } from './file.ts';
import { type SafetensorsDType } from './dtype.ts';
import { type TensorInput, serializeSafetensors } from './serialize.ts';

const fixture = (path: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${path}`, import.meta.url)));
const full = <T extends Float32Array | BigInt64Array>(array: T, value: number | bigint) => (array.fill(value as never), array);
const f32 = (shape: number[], value = 0): TensorInput => ({ dtype: 'f32', shape, data: full(new Float32Array(shape.reduce((a, b) => a * b, 1)), value) });
const arangeI64 = (from: number, to: number): TensorInput => ({ dtype: 'i64', shape: [to - from], data: BigInt64Array.from({ length: to - from }, (_, i) => BigInt(from + i)) });

// What each IREE generator script passed to safetensors' save_file (torch / numpy).
const IREE: Record<string, Record<string, TensorInput>> = {
  'empty.safetensors': {},
  'single.safetensors': { tensor0: f32([2, 2]) },
  'multiple.safetensors': { tensor0: f32([2, 2]), tensor1: f32([1, 2]), tensor2: f32([4, 3]) },
  'parameters_b.safetensors': { b0: arangeI64(8, 16), b1: arangeI64(16, 32) },
  'parameters_dynamic.safetensors': { param0: arangeI64(0, 4), param1: arangeI64(4, 8), param2: arangeI64(8, 12), param3: arangeI64(12, 16) },
  'parameter_weight_bias_1.safetensors': { weight: f32([30, 20], 2), bias: f32([30], 1) },
};

describe('files written by the Python safetensors library', () => {
  for (const [name, tensors] of Object.entries(IREE)) {
    it(`iree/${name}: reads exactly, and our writer reproduces it byte for byte`, async () => {
      const bytes = fixture(`iree/${name}`);
      const file = await openSafetensors(bytes, { name });
      expect(file.metadata).toBeUndefined();
      expect(new Set(file.names())).toEqual(new Set(Object.keys(tensors)));
      for (const [key, input] of Object.entries(tensors)) {
        const got = await file.read(key);
        expect(got.dtype).toBe(input.dtype);
        expect(got.shape).toEqual(input.shape);
        expect(got.data).toEqual(input.data);
      }
      expect(hex(serializeSafetensors(tensors))).toBe(hex(bytes));
    });
  }

  it('hf-samples/overall.safetensors (safetensors 0.2.5, before header padding and dtype ordering): reads exactly', async () => {
    const bytes = fixture('hf-samples/overall.safetensors');
    const file = await openSafetensors(bytes);
    expect(file.header.headerLength).toBe(526); // not a multiple of 8: data starts unaligned
    expect({ ...file.metadata }).toEqual({ test: 'a' });
    expect(file.names()).toEqual(['B', 'H', 'I', 'b', 'd', 'e', 'f', 'h', 'i']); // legacy layout: by name
    const range = [-3, -2, -1, 0, 1, 2];
    const expected: Record<string, [SafetensorsDType, ArrayLike<number>]> = {
      B: ['u8', Uint8Array.from(range)],
      H: ['u16', Uint16Array.from(range)],
      I: ['u32', Uint32Array.from(range)],
      b: ['i8', Int8Array.from(range)],
      d: ['f64', Float64Array.from(range)],
      e: ['f16', Uint16Array.from([0xc200, 0xc000, 0xbc00, 0, 0x3c00, 0x4000])],
      f: ['f32', Float32Array.from(range)],
      h: ['i16', Int16Array.from(range)],
      i: ['i32', Int32Array.from(range)],
    };
    for (const [key, [dtype, data]] of Object.entries(expected)) {
      const got = await file.read(key);
      expect([got.dtype, got.shape, got.data]).toEqual([dtype, [6], data]);
      if (key !== 'B' && key !== 'H' && key !== 'I') expect(await file.readAsF32(key)).toEqual(Float32Array.from(range));
    }
    // Today's writer lays the same tensors out differently (padded header, dtype order).
    const rewritten = await openSafetensors(serializeSafetensors(new Map(await Promise.all(file.names().map(async (n) => [n, await file.read(n)] as const))), file.metadata));
    expect(rewritten.names()).toEqual(['d', 'f', 'I', 'i', 'e', 'H', 'h', 'b', 'B']);
    expect(rewritten.header.dataStart % 8).toBe(0);
  });
});

interface Expected {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: SafetensorsDType; shape: number[]; bytes: string; f32: (number | string)[] | null }>;
}

describe('fixtures/torch/dtypes.safetensors (layout by generate.py, values by PyTorch)', () => {
  const expected = JSON.parse(readFileSync(new URL('../fixtures/torch/dtypes.json', import.meta.url), 'utf8')) as Expected;

  it('reads every dtype bit for bit and decodes f16/bf16/f64/ints to the f32 values PyTorch computes', async () => {
    const file = await openSafetensors(fixture('torch/dtypes.safetensors'));
    expect({ ...file.metadata }).toEqual(expected.metadata);
    expect(new Set(file.names())).toEqual(new Set(Object.keys(expected.tensors)));
    for (const [name, want] of Object.entries(expected.tensors)) {
      const got = await file.read(name);
      expect([got.dtype, got.shape], name).toEqual([want.dtype, want.shape]);
      expect(hex(await file.readBytes(name)), name).toBe(want.bytes);
      if (want.f32 === null) continue;
      const values = want.f32.map((v) => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity'))));
      expect(tensorToF32(got), name).toEqual(Float32Array.from(values));
    }
  });

  it('i64 reads exactly as BigInt64Array; readAsF32 refuses values past 2^53', async () => {
    const file = await openSafetensors(fixture('torch/dtypes.safetensors'));
    const got = await file.read('int64');
    expect(got.data).toEqual(BigInt64Array.from([-(2n ** 53n - 1n), 2n ** 53n - 1n, -1n, 0n, 2n ** 62n]));
    await expect(file.readAsF32('int64')).rejects.toMatchObject({ code: 'OVERFLOW', tensor: 'int64' });
  });

  it('our writer reproduces the file from the same tensors and metadata', async () => {
    const tensors = Object.fromEntries(Object.entries(expected.tensors).map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, data: fromHex(t.bytes) }]));
    expect(hex(serializeSafetensors(tensors, expected.metadata))).toBe(hex(fixture('torch/dtypes.safetensors')));
  });
});
