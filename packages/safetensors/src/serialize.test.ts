import { decodeBF16, decodeF16, encodeBF16, encodeF16 } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { expectCode } from './_test_helpers.ts';
import { type SafetensorsArray, type SafetensorsDType, SAFETENSORS_DTYPES, arrayClassOf, dtypeBits } from './dtype.ts';
import { loadSafetensors, openSafetensors, tensorToF32 } from './file.ts';
import { MAX_HEADER_SIZE, parseSafetensorsHeader } from './format.ts';
import { type TensorInput, compareCodePoints, prepareSafetensors, serializeSafetensors } from './serialize.ts';

/** Deterministic contents for a tensor of `dtype` with `numel` elements. */
function sample(dtype: SafetensorsDType, numel: number): SafetensorsArray {
  const byteLength = (numel * dtypeBits(dtype)) / 8;
  const bytes = Uint8Array.from({ length: byteLength }, (_, i) => (i * 37 + dtype.length * 11) & 0xff);
  if (dtype === 'bool') return bytes.map((b) => b & 1);
  const Ctor = arrayClassOf(dtype);
  return new Ctor(bytes.buffer, 0, byteLength / Ctor.BYTES_PER_ELEMENT);
}

describe('serializeSafetensors / loadSafetensors', () => {
  it('round-trips every dtype the format defines, bit for bit, in several shapes', async () => {
    const shapes = [[], [1], [6], [2, 3], [1, 2, 1, 3], [0, 5]];
    const tensors: Record<string, TensorInput> = {};
    for (const dtype of SAFETENSORS_DTYPES) {
      for (const shape of shapes) {
        const numel = shape.reduce((a, b) => a * b, 1);
        if ((numel * dtypeBits(dtype)) % 8 !== 0) continue; // f4/f6 need whole bytes
        tensors[`${dtype}.${shape.join('x')}`] = { dtype, shape, data: sample(dtype, numel) };
      }
    }
    const bytes = serializeSafetensors(tensors, { format: 'pt' });
    const loaded = loadSafetensors(bytes);
    expect(loaded.size).toBe(Object.keys(tensors).length);
    for (const [name, input] of Object.entries(tensors)) {
      const got = loaded.get(name)!;
      expect(got.dtype, name).toBe(input.dtype);
      expect(got.shape, name).toEqual(input.shape);
      expect(got.data.constructor, name).toBe(arrayClassOf(input.dtype));
      expect(new Uint8Array(got.data.buffer, got.data.byteOffset, got.data.byteLength), name).toEqual(
        new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength),
      );
    }
    // Re-serializing what was read reproduces the file exactly.
    expect(serializeSafetensors(loaded, (await openSafetensors(bytes)).metadata)).toEqual(bytes);
  });

  it('places tensors by descending dtype width order, then by name, every tensor aligned', () => {
    const input = {
      b_bool: { dtype: 'bool' as const, shape: [3], data: new Uint8Array(3) },
      a_f16: { dtype: 'f16' as const, shape: [1], data: new Uint16Array(1) },
      z_i64: { dtype: 'i64' as const, shape: [1], data: new BigInt64Array(1) },
      y_f32: { dtype: 'f32' as const, shape: [1], data: new Float32Array(1) },
      x_f32: { dtype: 'f32' as const, shape: [1], data: new Float32Array(1) },
      u_f64: { dtype: 'f64' as const, shape: [1], data: new Float64Array(1) },
      i_u8: { dtype: 'u8' as const, shape: [1], data: new Uint8Array(1) },
      j_i8: { dtype: 'i8' as const, shape: [1], data: new Int8Array(1) },
      bf: { dtype: 'bf16' as const, shape: [1], data: new Uint16Array(1) },
    };
    const header = parseSafetensorsHeader(serializeSafetensors(input));
    expect([...header.tensors.keys()]).toEqual(['z_i64', 'u_f64', 'x_f32', 'y_f32', 'bf', 'a_f16', 'j_i8', 'i_u8', 'b_bool']);
    expect(header.dataStart % 8).toBe(0);
    for (const info of header.tensors.values()) expect(info.dataOffsets[0] % Math.max(1, dtypeBits(info.dtype) / 8)).toBe(0);
  });

  it('sorts names by code point (UTF-8 byte order), as Rust does, not by UTF-16 unit', () => {
    const astral = '\u{1F600}'; // surrogate pair in UTF-16, 4 bytes in UTF-8
    const bmp = '\uFF21'; // above the surrogates in UTF-16 order
    expect(compareCodePoints(astral, bmp)).toBeGreaterThan(0);
    expect(astral < bmp).toBe(true); // what a plain JS comparison says
    const one = { dtype: 'u8' as const, shape: [1], data: new Uint8Array(1) };
    const header = parseSafetensorsHeader(serializeSafetensors({ [astral]: one, [bmp]: one, b: one, a: one, ab: one }));
    expect([...header.tensors.keys()]).toEqual(['a', 'ab', 'b', bmp, astral]);
  });

  it('writes names and metadata with JSON escapes a reader decodes back exactly', async () => {
    const names = ['model.layers.0.self_attn.q_proj.lora_A.weight', 'quote"back\\slash', 'tab\tnew\nline\u0001', 'ünïcödé 名前', '__proto__', ''];
    const tensors = new Map(names.map((n, i) => [n, { dtype: 'i32' as const, shape: [1], data: new Int32Array([i]) }]));
    const metadata = new Map([['format', 'pt'], ['__proto__', 'x'], ['json', '{"a": [1, 2]}']]);
    const file = await openSafetensors(serializeSafetensors(tensors, metadata));
    expect(new Set(file.names())).toEqual(new Set(names));
    for (const [i, n] of names.entries()) expect((await file.read(n)).data).toEqual(new Int32Array([i]));
    expect(Object.entries(file.metadata!)).toEqual([...metadata]);
  });

  it('encodes Float32Array input for f16/bf16 with round-to-nearest-even, and decodes it back', () => {
    const values = new Float32Array([0, 1 / 3, -2.5, 65504, 1e-7, 3e38]);
    const loaded = loadSafetensors(
      serializeSafetensors({ h: { dtype: 'f16', shape: [6], data: values }, b: { dtype: 'bf16', shape: [6], data: values } }),
    );
    expect(loaded.get('h')!.data).toEqual(encodeF16(values));
    expect(loaded.get('b')!.data).toEqual(encodeBF16(values));
    expect(tensorToF32(loaded.get('h')!)).toEqual(decodeF16(encodeF16(values)));
    expect(tensorToF32(loaded.get('b')!)).toEqual(decodeBF16(encodeBF16(values)));
  });

  it('takes raw little-endian bytes for any dtype', () => {
    const raw = new Uint8Array(new Float32Array([1.5, -3]).buffer);
    expect(loadSafetensors(serializeSafetensors({ w: { dtype: 'f32', shape: [2], data: raw } })).get('w')!.data).toEqual(new Float32Array([1.5, -3]));
  });

  it('prepareSafetensors lays out the file without copying tensor data', () => {
    const data = new Float32Array([1, 2, 3]);
    const prepared = prepareSafetensors({ w: { dtype: 'f32', shape: [3], data } });
    expect(prepared.chunks[0]!.buffer).toBe(data.buffer);
    expect(prepared.byteLength).toBe(prepared.header.length + 12);
  });

  it('rejects bad input with typed errors naming the tensor', async () => {
    const e = await expectCode(() => serializeSafetensors({ w: { dtype: 'f32', shape: [2, 2], data: new Float32Array(3) } }), 'SIZE_MISMATCH');
    expect(e.message).toContain('tensor "w"');
    await expectCode(() => serializeSafetensors({ w: { dtype: 'f32', shape: [2], data: new Float64Array(2) } }), 'INVALID_ARGUMENT');
    await expectCode(() => serializeSafetensors({ w: { dtype: 'i64', shape: [2], data: new Int32Array(4) } }), 'INVALID_ARGUMENT');
    await expectCode(() => serializeSafetensors({ w: { dtype: 'f32', shape: [-1], data: new Float32Array(0) } }), 'INVALID_ARGUMENT');
    await expectCode(() => serializeSafetensors({ w: { dtype: 'f32', shape: [1.5], data: new Float32Array(0) } }), 'INVALID_ARGUMENT');
    await expectCode(() => serializeSafetensors({ w: { dtype: 'q4' as SafetensorsDType, shape: [1], data: new Uint8Array(1) } }), 'UNKNOWN_DTYPE');
    await expectCode(() => serializeSafetensors({ w: { dtype: 'f4', shape: [3], data: new Uint8Array(2) } }), 'MISALIGNED');
    await expectCode(() => serializeSafetensors({ w: { dtype: 'u8', shape: [2 ** 40, 2 ** 40], data: new Uint8Array(0) } }), 'OVERFLOW');
    await expectCode(() => serializeSafetensors({ __metadata__: { dtype: 'u8', shape: [1], data: new Uint8Array(1) } }), 'INVALID_ARGUMENT');
    await expectCode(() => serializeSafetensors({ ['bad\uD800']: { dtype: 'u8', shape: [1], data: new Uint8Array(1) } }), 'INVALID_ARGUMENT');
    await expectCode(() => serializeSafetensors({}, { n: 1 as unknown as string }), 'INVALID_ARGUMENT');
  });

  it('refuses to write a header past the 100 MB limit readers enforce', async () => {
    await expectCode(() => serializeSafetensors({}, { big: 'a'.repeat(MAX_HEADER_SIZE) }), 'HEADER_TOO_LARGE');
  });
});
