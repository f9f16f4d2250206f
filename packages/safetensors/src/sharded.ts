// Sharded checkpoints: `model.safetensors.index.json` maps each tensor name to the shard file
// holding it ({"metadata": {"total_size": …}, "weight_map": {name: "model-00001-of-00002.safetensors"}}).
// Shards are opened on first use (header only) and tensors read one at a time. Pure: the runtime
// supplies how to open a shard (see `openShardedSafetensors` in the Node entry).
import { JsonFloat, type JsonValue, parseJson } from './_json.ts';
import { SafetensorsError } from './errors.ts';
import type { SafetensorsFile, SafetensorsTensor } from './file.ts';
import type { TensorInfo } from './format.ts';

/** The file name transformers gives the index of a sharded checkpoint. */
export const SHARD_INDEX_NAME = 'model.safetensors.index.json';

export interface ShardIndex {
  /** The index's `metadata` object (e.g. `total_size`) as plain JSON values; {} when absent. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Tensor name → shard file name, in index order. */
  readonly weightMap: ReadonlyMap<string, string>;
}

/** Parse and check an index file: a `weight_map` of names to plain shard file names. */
export function parseShardIndex(source: Uint8Array | string, file?: string): ShardIndex {
  let text: string;
  try {
    text = typeof source === 'string' ? source : new TextDecoder('utf-8', { fatal: true }).decode(source);
  } catch (cause) {
    throw new SafetensorsError('INVALID_UTF8', 'index is not valid UTF-8', { file }, { cause });
  }
  const root = parseJson(text, file);
  if (!(root instanceof Map)) throw new SafetensorsError('INVALID_INDEX', 'expected a JSON object with a weight_map', { file });
  const rawMeta = root.get('metadata') ?? null;
  if (rawMeta !== null && !(rawMeta instanceof Map)) throw new SafetensorsError('INVALID_INDEX', 'expected an object', { file, field: 'metadata' });
  const rawMap = root.get('weight_map');
  if (!(rawMap instanceof Map)) throw new SafetensorsError('INVALID_INDEX', 'expected an object mapping tensor names to shard files', { file, field: 'weight_map' });
  const weightMap = new Map<string, string>();
  for (const [name, shard] of rawMap) {
    if (typeof shard !== 'string' || !isPlainFileName(shard)) {
      throw new SafetensorsError('INVALID_INDEX', `expected a shard file name in the index's folder, got ${JSON.stringify(toPlain(shard))}`, { file, tensor: name, field: 'weight_map' });
    }
    weightMap.set(name, shard);
  }
  return { metadata: rawMeta === null ? {} : (toPlain(rawMeta) as Record<string, unknown>), weightMap };
}

/** No folders, no `..`: an index must not reach outside its own directory. */
function isPlainFileName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

function toPlain(value: JsonValue): unknown {
  if (value instanceof Map) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of value) out[k] = toPlain(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof JsonFloat) return value.value;
  return value;
}

/** Opens one shard by its file name; `forTensor` is the tensor that needed it (for error messages). */
export type ShardOpener = (shard: string, forTensor: string) => Promise<SafetensorsFile>;

/** A sharded checkpoint read lazily: one tensor, and one shard header, at a time. */
export class ShardedSafetensors {
  private readonly opened = new Map<string, Promise<SafetensorsFile>>();

  constructor(
    readonly index: ShardIndex,
    private readonly openShard: ShardOpener,
    /** Name used in error messages (the index path). */
    readonly name?: string,
  ) {}

  /** The index's `metadata` (not the shards' `__metadata__`). */
  get metadata(): Readonly<Record<string, unknown>> {
    return this.index.metadata;
  }

  /** Tensor names in index order. */
  names(): string[] {
    return [...this.index.weightMap.keys()];
  }

  has(name: string): boolean {
    return this.index.weightMap.has(name);
  }

  /** Distinct shard file names, in order of first mention. */
  shardFiles(): string[] {
    return [...new Set(this.index.weightMap.values())];
  }

  /** The shard file the index assigns `name` to. */
  shardOf(name: string): string {
    const shard = this.index.weightMap.get(name);
    if (shard === undefined) throw new SafetensorsError('NOT_FOUND', `the index's weight_map has no such key (${this.index.weightMap.size} keys)`, { file: this.name, tensor: name });
    return shard;
  }

  /** The shard holding `name`, opened (header read) on first use. */
  async fileOf(name: string): Promise<SafetensorsFile> {
    const shard = this.shardOf(name);
    let pending = this.opened.get(shard);
    if (!pending) {
      pending = this.openShard(shard, name);
      this.opened.set(shard, pending);
      pending.catch(() => this.opened.delete(shard)); // a failed open may be retried
    }
    const file = await pending;
    if (!file.has(name)) {
      throw new SafetensorsError('NOT_FOUND', `the index maps it to shard ${JSON.stringify(shard)}, which does not hold it`, { file: this.name, tensor: name });
    }
    return file;
  }

  async info(name: string): Promise<TensorInfo> {
    return (await this.fileOf(name)).info(name);
  }

  async readBytes(name: string): Promise<Uint8Array> {
    return (await this.fileOf(name)).readBytes(name);
  }

  async read(name: string): Promise<SafetensorsTensor> {
    return (await this.fileOf(name)).read(name);
  }

  async readAsF32(name: string): Promise<Float32Array> {
    return (await this.fileOf(name)).readAsF32(name);
  }

  /** Open every shard's header and check that each indexed tensor is where the index says. */
  async validate(): Promise<void> {
    for (const name of this.index.weightMap.keys()) await this.fileOf(name);
  }

  /** Close every shard opened so far. */
  async close(): Promise<void> {
    const files = await Promise.allSettled(this.opened.values());
    this.opened.clear();
    for (const f of files) if (f.status === 'fulfilled') await f.value.close();
  }
}
