// Shared by the tests: hand-made files and a byte source that records what was read.
import { expect } from 'vitest';
import { SafetensorsError, type SafetensorsErrorCode } from './errors.ts';
import { type ByteSource, bytesSource } from './source.ts';

const encoder = new TextEncoder();

/** A file from a header (JSON text, or a value to stringify) and a byte buffer, with no padding added. */
export function makeFile(header: string | object, data: Uint8Array | number = 0, lengthOverride?: bigint): Uint8Array {
  const json = encoder.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** Bytes from a Python-style byte string literal body, e.g. `<\x00\x00…{"test":…}`. */
export function pyBytes(literal: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < literal.length; i++) {
    if (literal[i] === '\\' && literal[i + 1] === 'x') {
      out.push(parseInt(literal.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(literal.charCodeAt(i));
    }
  }
  return Uint8Array.from(out);
}

export interface CountingSource extends ByteSource {
  readonly reads: { offset: number; length: number }[];
  readonly bytesRead: number;
}

/** Wrap a source and record every read (offset, length). */
export function countingSource(inner: ByteSource | Uint8Array): CountingSource {
  const source = inner instanceof Uint8Array ? bytesSource(inner) : inner;
  const reads: { offset: number; length: number }[] = [];
  return {
    size: source.size,
    reads,
    get bytesRead() {
      return reads.reduce((sum, r) => sum + r.length, 0);
    },
    read(offset, length) {
      reads.push({ offset, length });
      return source.read(offset, length);
    },
    close: () => source.close?.() ?? Promise.resolve(),
  };
}

/** Assert that `fn` throws (or rejects with) a SafetensorsError with this code; returns it. */
export async function expectCode(fn: () => unknown, code: SafetensorsErrorCode): Promise<SafetensorsError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected SafetensorsError ${code}`).toBeInstanceOf(SafetensorsError);
  expect((caught as SafetensorsError).code, (caught as Error).message).toBe(code);
  return caught as SafetensorsError;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
