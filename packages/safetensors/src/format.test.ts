import { describe, expect, it } from 'vitest';
import { expectCode, makeFile, pyBytes } from './_test_helpers.ts';
import { loadSafetensors, openSafetensors } from './file.ts';
import { MAX_HEADER_SIZE, parseSafetensorsHeader, readHeaderLength } from './format.ts';
import { serializeSafetensors } from './serialize.ts';

const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

// Byte-level expectations copied from the reference implementation's own tests
// (huggingface/safetensors: safetensors/src/tensor.rs `mod tests`, bindings/python/tests/test_simple.py).
describe('reference implementation test vectors', () => {
  it('test_serialization: attn.0 f32 [1, 2, 3]', () => {
    const out = serializeSafetensors({ 'attn.0': { dtype: 'f32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    // prettier-ignore
    expect([...out]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
      58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
      101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
      0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    expect(loadSafetensors(out).get('attn.0')?.data).toEqual(new Float32Array([0, 1, 2, 3, 4, 5]));
  });

  it('test_serialization_forced_alignement: the header is padded with spaces to 8 bytes', () => {
    const out = serializeSafetensors({ attn0: { dtype: 'f32', shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    // prettier-ignore
    expect([...out]).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
      121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
      91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
      115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
      32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
      160, 64,
    ]);
  });

  it('test_serialization_fp4: sub-byte dtypes pack two f4 values per byte', () => {
    const out = serializeSafetensors({ 'attn.0': { dtype: 'f4', shape: [1, 2], data: new Uint8Array([0]) } });
    // prettier-ignore
    expect([...out]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 52, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
      91, 49, 44, 50, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116,
      115, 34, 58, 91, 48, 44, 49, 93, 125, 125, 32, 32, 32, 32, 0,
    ]);
    expect(loadSafetensors(out).get('attn.0')).toEqual({ dtype: 'f4', shape: [1, 2], data: new Uint8Array([0]) });
  });

  it('test_empty: no tensors, with and without metadata', () => {
    expect([...serializeSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    // prettier-ignore
    expect([...serializeSafetensors({}, { framework: 'pt' })]).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
      95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
      116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it('python test_serialization, test_serialization_metadata, test_serialization_order_invariant', () => {
    const zeros = new Int32Array(4);
    expect(serializeSafetensors({ test: { dtype: 'i32', shape: [2, 2], data: zeros } })).toEqual(
      pyBytes('@\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    ' + '\\x00'.repeat(16)),
    );
    expect(serializeSafetensors({ test1: { dtype: 'i32', shape: [2, 2], data: zeros } }, { framework: 'pt' })).toEqual(
      pyBytes('`\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"__metadata__":{"framework":"pt"},"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}} ' + '\\x00'.repeat(16)),
    );
    const half = new Uint16Array(4);
    const a = serializeSafetensors({ test1: { dtype: 'i32', shape: [2, 2], data: zeros }, test2: { dtype: 'f16', shape: [2, 2], data: half } });
    const b = serializeSafetensors(new Map([['test2', { dtype: 'f16' as const, shape: [2, 2], data: half }], ['test1', { dtype: 'i32' as const, shape: [2, 2], data: zeros }]]));
    expect(a).toEqual(b);
    expect(a).toEqual(
      pyBytes('\\x80\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"test2":{"dtype":"F16","shape":[2,2],"data_offsets":[16,24]}}      ' + '\\x00'.repeat(24)),
    );
  });

  const I32_2x2 = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';

  it('test_deserialization, test_empty_shapes_allowed, test_zero_sized_tensor, whitespace-padded headers', async () => {
    const t = loadSafetensors(pyBytes('<\\x00\\x00\\x00\\x00\\x00\\x00\\x00' + I32_2x2 + '\\x00'.repeat(16)));
    expect([...t.keys()]).toEqual(['test']);
    expect(t.get('test')).toEqual({ dtype: 'i32', shape: [2, 2], data: new Int32Array(4) });
    const scalar = loadSafetensors(pyBytes('8\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}\\x00\\x00\\x00\\x00'));
    expect(scalar.get('test')).toEqual({ dtype: 'i32', shape: [], data: new Int32Array(1) });
    const zero = loadSafetensors(pyBytes('<\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,0],"data_offsets":[0, 0]}}'));
    expect(zero.get('test')).toEqual({ dtype: 'i32', shape: [2, 0], data: new Int32Array(0) });
    expect(loadSafetensors(pyBytes('\\x06\\x00\\x00\\x00\\x00\\x00\\x00\\x00{}\\x0D\\x20\\x09\\x0A')).size).toBe(0);
    expect(loadSafetensors(pyBytes('\\x06\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x09\\x0A{}\\x0D\\x20')).size).toBe(0);
    const withMeta = await openSafetensors(
      pyBytes('f\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"__metadata__":{"framework":"pt"},"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}       ' + '\\x00'.repeat(16)),
    );
    expect({ ...withMeta.metadata }).toEqual({ framework: 'pt' });
  });

  it('test_metadata_incomplete_buffer, test_header_too_large, test_header_too_small, test_invalid_header_length', async () => {
    const prefix = '<\\x00\\x00\\x00\\x00\\x00\\x00\\x00';
    await expectCode(() => loadSafetensors(pyBytes(prefix + I32_2x2 + '\\x00'.repeat(16) + 'extra_bogus_data_for_polyglot_file')), 'TRAILING_BYTES');
    await expectCode(() => loadSafetensors(pyBytes(prefix + I32_2x2 + '\\x00'.repeat(14))), 'OFFSET_OUT_OF_BOUNDS');
    await expectCode(() => loadSafetensors(pyBytes('<\\x00\\x00\\x00\\x00\\xff\\xff\\xff' + I32_2x2 + '\\x00'.repeat(16))), 'HEADER_TOO_LARGE');
    await expectCode(() => loadSafetensors(new Uint8Array(0)), 'TRUNCATED');
    await expectCode(() => loadSafetensors(pyBytes(prefix)), 'TRUNCATED');
  });

  it('test_invalid_header_non_utf8, test_invalid_header_not_json, test_invalid_info, test_validation_overflow, test_json_attack', async () => {
    await expectCode(() => loadSafetensors(pyBytes('\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xff')), 'INVALID_UTF8');
    await expectCode(() => loadSafetensors(pyBytes('\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00{')), 'INVALID_JSON');
    await expectCode(() => loadSafetensors(pyBytes('<\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0, 4]}}')), 'SIZE_MISMATCH');
    const sixteen = '\\x00'.repeat(16);
    await expectCode(() => loadSafetensors(pyBytes('O\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,18446744073709551614],"data_offsets":[0,16]}}' + sixteen)), 'OVERFLOW');
    await expectCode(() => loadSafetensors(pyBytes('N\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,9223372036854775807],"data_offsets":[0,16]}}' + sixteen)), 'OVERFLOW');
    const attack: Record<string, object> = {};
    for (let i = 0; i < 10; i++) attack[`weight_${i}`] = { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] };
    await expectCode(() => loadSafetensors(makeFile(attack, 16)), 'OVERLAP');
  });
});

describe('header validation, one rule at a time', () => {
  const t = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
  const file = (header: object | string, data: number | Uint8Array = 0) => makeFile(header, data);
  const load = (bytes: Uint8Array) => () => loadSafetensors(bytes, { name: 'model.safetensors' });

  it('checks the header length against the 100 MB cap and the file size before reading the header', async () => {
    const prefix = (n: bigint) => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, n, true);
      return b;
    };
    expect(readHeaderLength(prefix(BigInt(MAX_HEADER_SIZE)), MAX_HEADER_SIZE + 8)).toBe(MAX_HEADER_SIZE);
    await expectCode(() => readHeaderLength(prefix(BigInt(MAX_HEADER_SIZE) + 1n), 1e12), 'HEADER_TOO_LARGE');
    await expectCode(() => readHeaderLength(prefix(2n ** 64n - 1n), 1e12), 'HEADER_TOO_LARGE');
    await expectCode(() => readHeaderLength(prefix(100n), 107), 'TRUNCATED');
    await expectCode(() => readHeaderLength(new Uint8Array(7), 7), 'TRUNCATED');
    // A 64 GB claim against a 24-byte source: refused without asking the source for those bytes.
    const reads: number[] = [];
    const source = { size: 24, read: async (_o: number, l: number) => (reads.push(l), l === 8 ? prefix(2n ** 36n) : new Uint8Array(l)) };
    await expectCode(() => openSafetensors(source), 'HEADER_TOO_LARGE');
    expect(reads).toEqual([8]);
  });

  it('INVALID_UTF8, INVALID_JSON (syntax, trailing characters, BOM, nesting past 128)', async () => {
    await expectCode(load(makeFile('{"a":1}', 0, 3n)), 'INVALID_JSON'); // header cut inside a string
    const bad = makeFile('{"x":1}');
    bad[11] = 0xc3; // lone UTF-8 lead byte
    await expectCode(load(bad), 'INVALID_UTF8');
    await expectCode(load(file('{} x')), 'INVALID_JSON');
    await expectCode(load(file('\ufeff{}')), 'INVALID_JSON');
    await expectCode(load(file("{'a':1}")), 'INVALID_JSON');
    await expectCode(load(file('{"a":[1,]}')), 'INVALID_JSON');
    await expectCode(load(file(`{"__metadata__":null,"x":${'['.repeat(200)}${']'.repeat(200)}}`)), 'INVALID_JSON');
    await expectCode(load(file('')), 'INVALID_JSON');
  });

  it('INVALID_HEADER for a JSON value of the wrong shape, naming tensor and field', async () => {
    await expectCode(load(file('[]')), 'INVALID_HEADER');
    await expectCode(load(file({ w: 3 })), 'INVALID_HEADER');
    const missing = await expectCode(load(file({ w: { dtype: 'F32', shape: [1] } }, 4)), 'INVALID_HEADER');
    expect(missing.message).toContain('model.safetensors: tensor "w": field \'data_offsets\'');
    expect(missing).toMatchObject({ file: 'model.safetensors', tensor: 'w', field: 'data_offsets' });
    await expectCode(load(file({ w: t('F32', [-1], [0, 4]) }, 4)), 'INVALID_HEADER');
    await expectCode(load(file('{"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', 4)), 'INVALID_HEADER');
    await expectCode(load(file({ w: t('F32', '1', [0, 4]) }, 4)), 'INVALID_HEADER');
    await expectCode(load(file({ w: t('F32', [1], [0, 4, 8]) }, 4)), 'INVALID_HEADER');
    await expectCode(load(file({ w: t('F32', [1], [0]) }, 4)), 'INVALID_HEADER');
    await expectCode(load(file({ w: { dtype: 32, shape: [1], data_offsets: [0, 4] } }, 4)), 'INVALID_HEADER');
    await expectCode(load(file({ __metadata__: { a: 1 } })), 'INVALID_HEADER');
    await expectCode(load(file({ __metadata__: ['a'] })), 'INVALID_HEADER');
  });

  it('DUPLICATE keys anywhere in the header', async () => {
    const dup = await expectCode(load(file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8)), 'DUPLICATE');
    expect(dup.message).toContain('"w"');
    await expectCode(load(file('{"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}', 4)), 'DUPLICATE');
    await expectCode(load(file('{"__metadata__":{},"__metadata__":{}}')), 'DUPLICATE');
    await expectCode(load(file('{"__metadata__":{"a":"1","a":"2"}}')), 'DUPLICATE');
  });

  it('UNKNOWN_DTYPE, case-sensitive like the reference', async () => {
    for (const dtype of ['f32', 'F33', 'FLOAT', 'Q4_K', '']) {
      const e = await expectCode(load(file({ w: t(dtype, [1], [0, 4]) }, 4)), 'UNKNOWN_DTYPE');
      expect(e.field).toBe('dtype');
    }
  });

  it('OVERFLOW, MISALIGNED, INVALID_OFFSETS, SIZE_MISMATCH', async () => {
    await expectCode(load(file({ w: t('F32', [2 ** 30, 2 ** 30, 2 ** 30, 0], [0, 0]) })), 'OVERFLOW');
    await expectCode(load(file({ w: t('F64', [2 ** 50, 2 ** 5], [0, 8]) }, 8)), 'OVERFLOW');
    await expectCode(load(file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999]}}', 4)), 'OVERFLOW');
    await expectCode(load(file({ w: t('F4', [3], [0, 2]) }, 2)), 'MISALIGNED');
    await expectCode(load(file({ w: t('F32', [1], [4, 0]) }, 4)), 'INVALID_OFFSETS');
    const size = await expectCode(load(file({ w: t('BF16', [3], [0, 8]) }, 8)), 'SIZE_MISMATCH');
    expect(size.message).toContain('needs 6 bytes');
  });

  it('OVERLAP, GAP, OFFSET_OUT_OF_BOUNDS, TRAILING_BYTES', async () => {
    await expectCode(load(file({ a: t('F32', [2], [0, 8]), b: t('F32', [2], [4, 12]) }, 12)), 'OVERLAP');
    const gap = await expectCode(load(file({ a: t('F32', [1], [0, 4]), b: t('F32', [1], [8, 12]) }, 12)), 'GAP');
    expect(gap.message).toContain('"a"');
    await expectCode(load(file({ a: t('F32', [1], [4, 8]) }, 8)), 'GAP'); // hole before the first tensor
    const oob = await expectCode(load(file({ a: t('F32', [1], [0, 4]), b: t('F32', [4], [4, 20]) }, 12)), 'OFFSET_OUT_OF_BOUNDS');
    expect(oob.tensor).toBe('b');
    await expectCode(load(file({ a: t('F32', [1], [0, 4]) }, 5)), 'TRAILING_BYTES');
    await expectCode(load(file({}, 1)), 'TRAILING_BYTES');
  });

  it('accepts what the reference accepts: any key order, unknown fields, null metadata, legacy unpadded headers', async () => {
    const bytes = file(
      { b: t('U8', [2], [2, 4]), __metadata__: null, a: { dtype: 'U8', shape: [2], data_offsets: [0, 2], extra: { nested: [1.5, null] } }, z: t('F16', [0, 7], [4, 4]) },
      Uint8Array.from([1, 2, 3, 4]),
    );
    const header = parseSafetensorsHeader(bytes);
    expect([...header.tensors.keys()]).toEqual(['a', 'b', 'z']);
    expect(header.metadata).toBeUndefined();
    const f = await openSafetensors(bytes);
    expect((await f.read('b')).data).toEqual(Uint8Array.from([3, 4]));
    await expectCode(() => f.read('nope'), 'NOT_FOUND');
    expect(() => f.info('nope')).toThrow(/tensor "nope"/);
  });

  it('reads f64 data that sits at an unaligned offset (pre-0.3 files had no padding)', () => {
    const data = new Uint8Array(new Float64Array([Math.PI]).buffer);
    const bytes = file({ x: t('F64', [1], [0, 8]) }, data); // 8 + 47 bytes before the data: unaligned
    expect((8 + JSON.stringify({ x: t('F64', [1], [0, 8]) }).length) % 8).not.toBe(0);
    expect(loadSafetensors(bytes).get('x')?.data).toEqual(new Float64Array([Math.PI]));
  });

  it('round-trips f32 bytes through the in-memory reader', () => {
    expect(loadSafetensors(file({ w: t('F32', [2], [0, 8]) }, f32Bytes([1, -2]))).get('w')?.data).toEqual(new Float32Array([1, -2]));
  });
});
