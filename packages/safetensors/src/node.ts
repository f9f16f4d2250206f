// Node entry (`@webpeft/safetensors/node`): files on disk. Reads go through a file handle at
// offsets (the whole file is never read); saves stream each tensor to a temp file, fsync it and
// rename it over the target, so a crash leaves the old file or the new one, never half of one.
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SafetensorsError } from './errors.ts';
import { type OpenOptions, type SafetensorsFile, openSafetensors } from './file.ts';
import { MAX_HEADER_SIZE } from './format.ts';
import { type MetadataInput, type TensorInputs, prepareSafetensors } from './serialize.ts';
import { SHARD_INDEX_NAME, ShardedSafetensors, parseShardIndex } from './sharded.ts';
import { type ByteSource, checkRange } from './source.ts';

export * from './mod.ts';

/** Largest single `read`/`write` call; Node caps one call below 2 GiB. */
const IO_CHUNK = 1 << 30;

/** A ByteSource over an open file handle; `close()` releases it. */
export async function openFileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw ioError(cause, path, 'open');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new SafetensorsError('IO', 'not a regular file', { file: path });
    size = st.size;
  } catch (cause) {
    await handle.close();
    throw cause instanceof SafetensorsError ? cause : ioError(cause, path, 'stat');
  }
  return {
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      checkRange(offset, length, size);
      const out = new Uint8Array(length); // fresh and unpooled: the caller owns it
      let done = 0;
      while (done < length) {
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(out, done, Math.min(length - done, IO_CHUNK), offset + done));
        } catch (cause) {
          throw ioError(cause, path, 'read');
        }
        if (bytesRead === 0) throw new SafetensorsError('TRUNCATED', `file ended at byte ${offset + done}, expected ${size} bytes (changed since it was opened?)`, { file: path });
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

/** Open a .safetensors file lazily: validates the header; `read(name)` reads one tensor. Call `close()` when done. */
export async function openSafetensorsFile(path: string, options: OpenOptions = {}): Promise<SafetensorsFile> {
  const source = await openFileSource(path);
  try {
    return await openSafetensors(source, { name: options.name ?? path });
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Write tensors (and `__metadata__`) to `path` atomically: temp file in the same folder, fsync, rename. */
export async function saveSafetensors(path: string, tensors: TensorInputs, metadata?: MetadataInput): Promise<void> {
  const prepared = prepareSafetensors(tensors, metadata, path);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    await writeAll(handle, prepared.header);
    for (const chunk of prepared.chunks) await writeAll(handle, chunk);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (cause) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw cause instanceof SafetensorsError ? cause : ioError(cause, path, 'write');
  }
  await syncDirectory(dirname(path));
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.length - done, IO_CHUNK));
    done += bytesWritten;
  }
}

/** Make a rename durable; not every platform can fsync a folder (Windows), so failures are ignored. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Open a sharded checkpoint from its folder (reads `model.safetensors.index.json`) or from an
 * index file's path. Checks that every shard the index names exists; shard headers are read on
 * first use and tensors one at a time. Call `close()` when done.
 */
export async function openShardedSafetensors(path: string): Promise<ShardedSafetensors> {
  let indexPath = path;
  try {
    if ((await stat(path)).isDirectory()) indexPath = join(path, SHARD_INDEX_NAME);
    const size = (await stat(indexPath)).size;
    if (size > MAX_HEADER_SIZE) throw new SafetensorsError('INVALID_INDEX', `index is ${size} bytes, above the ${MAX_HEADER_SIZE}-byte limit`, { file: indexPath });
  } catch (cause) {
    throw cause instanceof SafetensorsError ? cause : ioError(cause, indexPath, 'open');
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(indexPath);
  } catch (cause) {
    throw ioError(cause, indexPath, 'read');
  }
  const index = parseShardIndex(bytes, indexPath);
  const dir = dirname(indexPath);
  const firstKey = new Map<string, string>();
  for (const [name, shard] of index.weightMap) if (!firstKey.has(shard)) firstKey.set(shard, name);
  for (const [shard, name] of firstKey) {
    const exists = await stat(join(dir, shard)).then((s) => s.isFile(), () => false);
    if (!exists) throw missingShard(shard, name, indexPath);
  }
  const opener = async (shard: string, forTensor: string): Promise<SafetensorsFile> => {
    try {
      return await openSafetensorsFile(join(dir, shard));
    } catch (cause) {
      throw cause instanceof SafetensorsError && cause.code === 'IO' && (cause.cause as { code?: string } | undefined)?.code === 'ENOENT' ? missingShard(shard, forTensor, indexPath) : cause;
    }
  };
  return new ShardedSafetensors(index, opener, indexPath);
}

function missingShard(shard: string, tensor: string, indexPath: string): SafetensorsError {
  return new SafetensorsError('MISSING_SHARD', `the index maps it to shard ${JSON.stringify(shard)}, which is not in ${dirname(indexPath)}`, { file: indexPath, tensor, field: 'weight_map' });
}

function ioError(cause: unknown, path: string, action: string): SafetensorsError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new SafetensorsError('IO', `could not ${action} the file: ${message}`, { file: path }, { cause });
}
