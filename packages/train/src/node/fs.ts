// Durable file writes: temp file in the same folder, fsync, rename over the target, fsync the
// folder. After a crash the target holds the old bytes or the new ones, never a mix.
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDirectory } from '@webpeft/safetensors/node';

export { syncDirectory };

/** A fresh hidden name next to `path` for a temp file. */
export function tempPath(path: string, tag = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.${tag}`);
}

/** Write `bytes` to `path` atomically and durably (temp file + fsync + rename + folder fsync). */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, opts: { syncDir?: boolean } = {}): Promise<void> {
  const temp = tempPath(path);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  if (opts.syncDir ?? true) await syncDirectory(dirname(path));
}

/** The errno code of a Node error, if any. */
export function errnoCode(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code as string | undefined;
}
