import { describe, expect, it } from 'vitest';
import { CheckpointError, canonicalJsonForTest, configHash, crc32, parseTrainerState } from './_test-exports.ts';

describe('checksums', () => {
  it('CRC-32 matches the zlib check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe('cbf43926');
    expect(crc32(new Uint8Array())).toBe('00000000');
  });

  it('config hashes ignore key order and see every value', () => {
    expect(configHash({ a: 1, b: [1, 2] })).toBe(configHash({ b: [1, 2], a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
    expect(configHash({ n: 10n })).toMatch(/^[0-9a-f]{16}$/);
    expect(canonicalJsonForTest({ z: { y: 1, x: 2 } })).toBe('{"z":{"x":2,"y":1}}');
  });
});

describe('parseTrainerState', () => {
  const valid = {
    format: 'webpeft.trainer_state',
    version: 1,
    step: 1,
    epoch: 0,
    batchIndex: 1,
    totalSteps: 3,
    gradientAccumulation: 1,
    configHash: null,
    params: 'trainable',
    generators: { default: { seed: '0', offset: 0 } },
    optimizer: { optimizer: 'SGD', step: 1, groups: [{ lr: 0.1, params: [0] }], paramSteps: { 0: 1 }, buffers: { 0: [] } },
    scheduler: null,
    losses: [0.5],
    evals: [],
    files: { 'model.safetensors': { bytes: 8, crc32: '00000000' } },
  };
  const parse = (o: unknown) => parseTrainerState(new TextEncoder().encode(JSON.stringify(o)), 'ts.json', 1);

  it('accepts a valid state', () => {
    expect(parse(valid).step).toBe(1);
  });

  it.each([
    ['format', { ...valid, format: 'other' }],
    ['version', { ...valid, version: 2 }],
    ['step', { ...valid, step: 2, losses: [1, 2] }],
    ['losses', { ...valid, losses: [] }],
    ['losses.0', { ...valid, losses: ['x'] }],
    ['params', { ...valid, params: 'some' }],
    ['generators.default.seed', { ...valid, generators: { default: { seed: '-1', offset: 0 } } }],
    ['optimizer.groups.0.lr', { ...valid, optimizer: { ...valid.optimizer, groups: [{ params: [0] }] } }],
    ['optimizer.buffers.0', { ...valid, optimizer: { ...valid.optimizer, buffers: {} } }],
    ['files.model.safetensors.crc32', { ...valid, files: { 'model.safetensors': { bytes: 8, crc32: 'xyz' } } }],
  ])('names the bad key %s', (key, state) => {
    let error: unknown;
    try {
      parse(state);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({ code: 'INVALID_STATE', key, file: 'ts.json' });
  });

  it('rejects bytes that are not JSON', () => {
    expect(() => parseTrainerState(new Uint8Array([0xff, 0x7b]), 'ts.json')).toThrow(/ts\.json: not valid UTF-8 JSON/);
  });
});
