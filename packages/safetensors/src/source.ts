// Random-access byte sources: what a lazy reader needs from a file, a Blob or a buffer.
import { SafetensorsError } from './errors.ts';

/**
 * Bytes readable at any offset. `read` resolves to exactly `length` bytes that the caller
 * may keep and mutate (implementations copy or read into a fresh buffer).
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Release the underlying handle, if any. */
  close?(): Promise<void>;
}

/** A source over bytes already in memory; each read copies its range. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => {
      checkRange(offset, length, bytes.length);
      return bytes.slice(offset, offset + length);
    },
  };
}

/** A source over a `Blob` or `File` (browsers, Deno, Node ≥ 18): reads slice the blob, never load it whole. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (offset, length) => {
      checkRange(offset, length, blob.size);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}

/** Throws when a read would leave [0, size): a bug in the caller, reported rather than clamped. */
export function checkRange(offset: number, length: number, size: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new SafetensorsError('IO', `read of ${length} bytes at offset ${offset} is outside the ${size}-byte source`);
  }
}
