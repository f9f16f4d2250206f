/// <reference types="@webgpu/types" />
// Buffer pool. A released buffer may still be read by recorded-but-unsubmitted commands, so it
// waits in `pending` until the next submit; only then can an upload (queue.writeBuffer, which
// runs ahead of unsubmitted commands) or a kernel reuse it.

/** Size classes with ≤ 12.5% waste: multiples of 1/8 of the enclosing power of two (min 256 B). */
export function sizeClass(bytes: number): number {
  const b = Math.max(bytes, 16);
  if (b <= 256) return 256;
  const step = 2 ** Math.max(8, Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

export interface PoolStats {
  /** Bytes of every GPUBuffer the pool owns (in use, pending or free). */
  readonly ownedBytes: number;
  readonly ownedBuffers: number;
  readonly freeBuffers: number;
}

export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  #pending: GPUBuffer[] = [];
  #ownedBytes = 0;
  #owned = 0;
  #freeCount = 0;

  constructor(
    private readonly create: (size: number) => GPUBuffer,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.#free.get(size);
    const hit = list?.pop();
    if (hit) {
      this.#freeCount--;
      return hit;
    }
    const buf = this.create(size);
    this.#ownedBytes += size;
    this.#owned++;
    return buf;
  }

  release(buf: GPUBuffer): void {
    this.#pending.push(buf);
  }

  /** Called right after a queue submit: pending buffers become reusable. */
  onSubmit(): void {
    for (const b of this.#pending) {
      let list = this.#free.get(b.size);
      if (!list) this.#free.set(b.size, (list = []));
      list.push(b);
      this.#freeCount++;
    }
    this.#pending = [];
  }

  /** Destroy free buffers (e.g. after a memory spike). */
  trim(): void {
    for (const list of this.#free.values()) {
      for (const b of list) {
        this.#ownedBytes -= b.size;
        this.#owned--;
        b.destroy();
      }
    }
    this.#free.clear();
    this.#freeCount = 0;
  }

  stats(): PoolStats {
    return { ownedBytes: this.#ownedBytes, ownedBuffers: this.#owned, freeBuffers: this.#freeCount };
  }
}
