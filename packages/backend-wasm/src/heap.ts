// Tensor storage in wasm linear memory: size classes (quarter steps between powers of two,
// 64-byte aligned) with a free list per class, over a bump pointer that grows the memory.
// Memory is never shrunk; a steady training loop reuses the same blocks (flat memory).
import { WasmMemoryError } from './errors.ts';

/** wasm32 addresses 4 GiB (65,536 pages of 64 KiB). */
export const WASM32_MAX_BYTES = 65536 * 65536;
const PAGE = 65536;

/** A block of linear memory holding one tensor. */
export interface WasmStorage {
  /** Byte address in linear memory (64-byte aligned). */
  readonly ptr: number;
  /** Bytes the tensor uses. */
  readonly bytes: number;
  /** Bytes reserved for it (its size class). */
  readonly cls: number;
}

/** Size class of a request: ≤ 25% slack, a multiple of 64 bytes. */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return 64;
  const p = 2 ** Math.floor(Math.log2(bytes));
  const step = p / 4;
  const c = Math.ceil(bytes / step) * step;
  return Math.ceil(c / 64) * 64;
}

export interface HeapStats {
  /** Bytes of live tensors (as requested). */
  readonly bytes: number;
  readonly allocations: number;
  /** High-water mark of the bump allocator: bytes ever handed out, live or on a free list. */
  readonly reservedBytes: number;
  /** Size of the linear memory. */
  readonly memoryBytes: number;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly #base: number;
  #top: number;
  #limit: number;
  readonly #free = new Map<number, number[]>();
  #bytes = 0;
  #count = 0;

  constructor(memory: WebAssembly.Memory, base: number, limitBytes = WASM32_MAX_BYTES) {
    this.memory = memory;
    this.#base = Math.ceil(base / 64) * 64;
    this.#top = this.#base;
    this.#limit = limitBytes;
  }

  alloc(bytes: number, what = 'a tensor'): WasmStorage {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new WasmMemoryError(`backend-wasm: cannot allocate ${bytes} bytes for ${what}`, bytes, this.#limit);
    const cls = sizeClass(bytes);
    const list = this.#free.get(cls);
    let ptr = list?.pop();
    if (ptr === undefined) {
      if (this.#top + cls > this.#limit) {
        throw new WasmMemoryError(
          `backend-wasm: ${what} needs ${bytes} bytes (${fmtBytes(bytes)}), but wasm32 linear memory holds at most ${fmtBytes(this.#limit)} and ${fmtBytes(this.#top)} are already reserved; use smaller batches or the webgpu backend`,
          bytes,
          this.#limit,
        );
      }
      this.#ensure(this.#top + cls, bytes, what);
      ptr = this.#top;
      this.#top += cls;
    }
    this.#bytes += bytes;
    this.#count++;
    return { ptr, bytes, cls };
  }

  release(s: WasmStorage): void {
    let list = this.#free.get(s.cls);
    if (!list) this.#free.set(s.cls, (list = []));
    list.push(s.ptr);
    this.#bytes -= s.bytes;
    this.#count--;
  }

  #ensure(end: number, bytes: number, what: string): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // grow by at least 1/4 of the current size: fewer grows, fewer view refreshes
    const want = Math.min(this.#limit, Math.max(end, have + have / 4));
    const pages = Math.ceil((want - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (e) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw new WasmMemoryError(`backend-wasm: ${what} needs ${bytes} bytes (${fmtBytes(bytes)}); growing linear memory from ${fmtBytes(have)} to ${fmtBytes(end)} failed (${(e as Error).message})`, bytes, this.#limit);
      }
    }
  }

  stats(): HeapStats {
    return { bytes: this.#bytes, allocations: this.#count, reservedBytes: this.#top - this.#base, memoryBytes: this.memory.buffer.byteLength };
  }
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
