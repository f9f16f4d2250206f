import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countingSource, expectCode } from './_test_helpers.ts';
import { openSafetensors } from './file.ts';
import { openFileSource, openSafetensorsFile, openShardedSafetensors, saveSafetensors } from './node.ts';
import { serializeSafetensors } from './serialize.ts';
import { SHARD_INDEX_NAME, ShardedSafetensors, parseShardIndex } from './sharded.ts';

const root = mkdtempSync(join(tmpdir(), 'webpeft-safetensors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = (name: string) => {
  const d = join(root, name);
  rmSync(d, { recursive: true, force: true });
  return (mkdtempSync(`${d}-`));
};

describe('lazy reads from disk', () => {
  it('reads only the 8-byte prefix, the header and the one tensor asked for from a 64 MB file', async () => {
    const path = join(dir('lazy'), 'big.safetensors');
    const big = new Float32Array(16 * 1024 * 1024).fill(0.5); // 64 MiB
    const small = new Float32Array([1, 2, 3, 4]);
    await saveSafetensors(path, { 'model.embed.weight': { dtype: 'f32', shape: [4096, 4096], data: big }, 'model.norm.weight': { dtype: 'f32', shape: [4], data: small } });
    const source = countingSource(await openFileSource(path));
    expect(source.size).toBeGreaterThan(64 * 1024 * 1024);
    const file = await openSafetensors(source, { name: path });
    const { headerLength, dataStart } = file.header;
    expect(source.reads).toEqual([{ offset: 0, length: 8 }, { offset: 8, length: headerLength }]);

    expect(await file.readAsF32('model.norm.weight')).toEqual(small);
    const { dataOffsets } = file.info('model.norm.weight');
    expect(source.reads.slice(2)).toEqual([{ offset: dataStart + dataOffsets[0], length: 16 }]);
    expect(source.bytesRead).toBe(8 + headerLength + 16);
    await file.close();
  });

  it('openSafetensorsFile opens by path and names the path in errors', async () => {
    const d = dir('paths');
    const path = join(d, 'x.safetensors');
    await saveSafetensors(path, { w: { dtype: 'bf16', shape: [2], data: new Float32Array([1, -2]) } }, { format: 'pt' });
    const file = await openSafetensorsFile(path);
    expect(await file.readAsF32('w')).toEqual(new Float32Array([1, -2]));
    expect(file.metadata).toEqual({ format: 'pt' });
    const e = await expectCode(() => file.read('missing'), 'NOT_FOUND');
    expect(e.message).toContain(path);
    await file.close();

    await expectCode(() => openSafetensorsFile(join(d, 'nope.safetensors')), 'IO');
    await expectCode(() => openSafetensorsFile(d), 'IO');
    writeFileSync(join(d, 'junk.safetensors'), 'not a safetensors file at all');
    const junk = await expectCode(() => openSafetensorsFile(join(d, 'junk.safetensors')), 'HEADER_TOO_LARGE');
    expect(junk.file).toBe(join(d, 'junk.safetensors'));
  });

  it('reports a file truncated after it was opened instead of returning short data', async () => {
    const path = join(dir('shrink'), 'x.safetensors');
    await saveSafetensors(path, { a: { dtype: 'f32', shape: [4], data: new Float32Array(4) }, b: { dtype: 'f32', shape: [4], data: new Float32Array(4) } });
    const file = await openSafetensorsFile(path);
    truncateSync(path, file.header.dataStart + 20);
    await expectCode(() => file.read(file.names()[1]!), 'TRUNCATED');
    await file.close();
  });

  it('reads from a Blob by slicing it', async () => {
    const bytes = serializeSafetensors({ w: { dtype: 'i16', shape: [3], data: new Int16Array([1, -2, 3]) } });
    const file = await openSafetensors(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    expect((await file.read('w')).data).toEqual(new Int16Array([1, -2, 3]));
  });
});

describe('saveSafetensors', () => {
  it('writes the same bytes as serializeSafetensors and replaces an existing file atomically', async () => {
    const d = dir('save');
    const path = join(d, 'model.safetensors');
    const v1 = { w: { dtype: 'f32' as const, shape: [2], data: new Float32Array([1, 2]) } };
    const v2 = { w: { dtype: 'f64' as const, shape: [3], data: new Float64Array([3, 4, 5]) } };
    await saveSafetensors(path, v1);
    expect(new Uint8Array(readFileSync(path))).toEqual(serializeSafetensors(v1));
    await saveSafetensors(path, v2, { step: '2' });
    expect(new Uint8Array(readFileSync(path))).toEqual(serializeSafetensors(v2, { step: '2' }));
    expect(readdirSync(d)).toEqual(['model.safetensors']); // no temp file left behind
  });

  it('leaves the old file and no temp file when the input is rejected', async () => {
    const d = dir('save-bad');
    const path = join(d, 'model.safetensors');
    writeFileSync(path, 'old');
    await expectCode(() => saveSafetensors(path, { w: { dtype: 'f32', shape: [3], data: new Float32Array(2) } }), 'SIZE_MISMATCH');
    await expectCode(() => saveSafetensors(join(d, 'no-such-dir', 'x.safetensors'), {}), 'IO');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['model.safetensors']);
  });
});

describe('sharded checkpoints (model.safetensors.index.json)', () => {
  async function makeSharded(name: string) {
    const d = dir(name);
    await saveSafetensors(join(d, 'model-00001-of-00002.safetensors'), {
      'embed.weight': { dtype: 'f32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      'layers.0.weight': { dtype: 'f16', shape: [2], data: new Float32Array([0.5, -1]) },
    }, { format: 'pt' });
    await saveSafetensors(join(d, 'model-00002-of-00002.safetensors'), {
      'layers.1.weight': { dtype: 'bf16', shape: [2], data: new Float32Array([2, 4]) },
      'lm_head.weight': { dtype: 'i64', shape: [1], data: new BigInt64Array([7n]) },
    }, { format: 'pt' });
    const index = {
      metadata: { total_size: 36 },
      weight_map: {
        'embed.weight': 'model-00001-of-00002.safetensors',
        'layers.0.weight': 'model-00001-of-00002.safetensors',
        'layers.1.weight': 'model-00002-of-00002.safetensors',
        'lm_head.weight': 'model-00002-of-00002.safetensors',
      },
    };
    writeFileSync(join(d, SHARD_INDEX_NAME), JSON.stringify(index, null, 2));
    return { d, index };
  }

  it('reads tensors across shards by name, from the folder or the index path', async () => {
    const { d } = await makeSharded('sharded');
    const model = await openShardedSafetensors(d);
    expect(model.names()).toEqual(['embed.weight', 'layers.0.weight', 'layers.1.weight', 'lm_head.weight']);
    expect(model.metadata).toEqual({ total_size: 36 });
    expect(model.shardFiles()).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(await model.readAsF32('layers.0.weight')).toEqual(new Float32Array([0.5, -1]));
    expect(await model.readAsF32('layers.1.weight')).toEqual(new Float32Array([2, 4]));
    expect((await model.read('lm_head.weight')).data).toEqual(new BigInt64Array([7n]));
    expect((await model.info('embed.weight')).shape).toEqual([2, 2]);
    await model.validate();
    await model.close();
    const byIndex = await openShardedSafetensors(join(d, SHARD_INDEX_NAME));
    expect(await byIndex.readAsF32('embed.weight')).toEqual(new Float32Array([1, 2, 3, 4]));
    await byIndex.close();
  });

  it('opens each shard once, on first use', async () => {
    const { d, index } = await makeSharded('sharded-lazy');
    const opened: string[] = [];
    const model = new ShardedSafetensors(parseShardIndex(JSON.stringify(index)), async (shard) => {
      opened.push(shard);
      return openSafetensorsFile(join(d, shard));
    });
    expect(opened).toEqual([]);
    await model.read('embed.weight');
    await model.read('layers.0.weight');
    expect(opened).toEqual(['model-00001-of-00002.safetensors']);
    await model.read('lm_head.weight');
    expect(opened).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    await model.close();
  });

  it('names the missing shard and key, a key absent from its shard, and a key absent from the index', async () => {
    const { d, index } = await makeSharded('sharded-bad');
    rmSync(join(d, 'model-00002-of-00002.safetensors'));
    const missing = await expectCode(() => openShardedSafetensors(d), 'MISSING_SHARD');
    expect(missing.message).toContain('model-00002-of-00002.safetensors');
    expect(missing.tensor).toBe('layers.1.weight');

    writeFileSync(join(d, SHARD_INDEX_NAME), JSON.stringify({ ...index, weight_map: { 'embed.weight': 'model-00001-of-00002.safetensors', ghost: 'model-00001-of-00002.safetensors' } }));
    const model = await openShardedSafetensors(d);
    const ghost = await expectCode(() => model.read('ghost'), 'NOT_FOUND');
    expect(ghost.message).toMatch(/tensor "ghost".*model-00001-of-00002\.safetensors/);
    await expectCode(() => model.validate(), 'NOT_FOUND');
    const absent = await expectCode(() => model.read('not.in.index'), 'NOT_FOUND');
    expect(absent.message).toContain('weight_map');
    await model.close();
  });

  it('rejects malformed indexes', async () => {
    const d = dir('bad-index');
    const write = (text: string) => writeFileSync(join(d, SHARD_INDEX_NAME), text);
    write('{"metadata": {}}');
    await expectCode(() => openShardedSafetensors(d), 'INVALID_INDEX');
    write('{"weight_map": {"w": "../../etc/passwd"}}');
    await expectCode(() => openShardedSafetensors(d), 'INVALID_INDEX');
    write('{"weight_map": {"w": 3}}');
    await expectCode(() => openShardedSafetensors(d), 'INVALID_INDEX');
    write('{"weight_map": {"w": "a.safetensors", "w": "b.safetensors"}}');
    await expectCode(() => openShardedSafetensors(d), 'DUPLICATE');
    write('{"weight_map": ');
    await expectCode(() => openShardedSafetensors(d), 'INVALID_JSON');
    await expectCode(() => openShardedSafetensors(join(d, 'nowhere')), 'IO');
  });
});
