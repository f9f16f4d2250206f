// Packed-weight cache: a matrix used again as the right operand of a matmul (a frozen weight, x·W0ᵀ
// in every step of LoRA training) is packed once into the GEMM's panel layout (packBAll) and kept,
// so later products neither pack it nor read it with a large stride — as XNNPACK (inside
// tfjs-wasm) keeps the packed weights of a fully-connected operator.
// Exact by construction: storage is written once (kernels always write fresh outputs, `assign`
// swaps storage), so an entry is valid for as long as its storage lives, and it is freed when the
// storage is released. Admission: on the second use with the same layout (one-off operands are
// never packed whole), while the packed bytes stay within the budget. No eviction: a full cache
// simply stops admitting, so a model larger than the budget cannot make it thrash.
import type { Heap, WasmStorage } from './heap.ts';

export interface PackCacheStats {
  /** Bytes of packed panels held (as requested from the heap). */
  readonly bytes: number;
  readonly entries: number;
  /** Products that used a packed entry. */
  readonly hits: number;
  /** Weights packed into the cache. */
  readonly packs: number;
  /** Uses of a weight seen before that were not admitted because the budget was full (it is admitted later if room frees up). */
  readonly refused: number;
}

interface Entry {
  readonly key: string;
  /** Packed storage, or null while only seen once. */
  packed: WasmStorage | null;
}

/** Panels are NR = 8 columns wide (assembly/gemm-kernels.ts). */
const NR = 8;

/** Bytes packBAll writes for op(B) of k rows and n columns. */
export function packedBytes(k: number, n: number): number {
  return k * Math.ceil(n / NR) * NR * 4;
}

/** `bytes` as a cache budget: a RangeError unless it is a number ≥ 0. */
export function checkPackCacheBytes(bytes: number): number {
  if (!(bytes >= 0)) throw new RangeError(`backend-wasm: packCacheBytes must be ≥ 0, got ${bytes}`);
  return bytes;
}

export class PackCache {
  readonly #heap: Heap;
  readonly #pack: (b: number, n: number, k: number, transB: number, dst: number) => void;
  readonly #entries = new Map<WasmStorage, Entry[]>();
  #maxBytes: number;
  #bytes = 0;
  #count = 0;
  #hits = 0;
  #packs = 0;
  #refused = 0;

  constructor(heap: Heap, pack: (b: number, n: number, k: number, transB: number, dst: number) => void, maxBytes: number) {
    this.#heap = heap;
    this.#pack = pack;
    this.#maxBytes = checkPackCacheBytes(maxBytes);
  }

  /** Budget in bytes (0 disables the cache); lowering it does not drop entries already held. */
  get maxBytes(): number {
    return this.#maxBytes;
  }

  set maxBytes(v: number) {
    this.#maxBytes = checkPackCacheBytes(v);
  }

  /**
   * Address of op(B) packed whole for gemm's bPre, or 0 to pack as usual: `storage` holds B at byte
   * offset `offset`, [k×n] (or [n×k] when transB).
   */
  lookup(storage: WasmStorage, offset: number, k: number, n: number, transB: boolean): number {
    if (this.#maxBytes === 0 || k === 0 || n === 0) return 0;
    const key = `${offset}:${k}:${n}:${transB ? 1 : 0}`;
    let list = this.#entries.get(storage);
    let e = list?.find((x) => x.key === key);
    if (e?.packed) {
      this.#hits++;
      return e.packed.ptr;
    }
    if (!e) {
      // first use: remember it, pack as usual
      if (!list) this.#entries.set(storage, (list = []));
      list.push({ key, packed: null });
      return 0;
    }
    const bytes = packedBytes(k, n);
    if (this.#bytes + bytes > this.#maxBytes) {
      this.#refused++;
      return 0;
    }
    const packed = this.#heap.alloc(bytes, `the packed panels of a [${transB ? `${n}×${k}]ᵀ` : `${k}×${n}]`} matmul weight`);
    this.#pack(storage.ptr + offset, n, k, transB ? 1 : 0, packed.ptr);
    e.packed = packed;
    this.#bytes += bytes;
    this.#count++;
    this.#packs++;
    return packed.ptr;
  }

  /** Forget `storage` (it is being released): its packed panels go back to the heap. */
  drop(storage: WasmStorage): void {
    const list = this.#entries.get(storage);
    if (!list) return;
    this.#entries.delete(storage);
    for (const e of list) if (e.packed) this.#free(e.packed);
  }

  /** Free every packed entry (and forget what was seen). */
  clear(): void {
    for (const list of this.#entries.values()) for (const e of list) if (e.packed) this.#free(e.packed);
    this.#entries.clear();
  }

  #free(p: WasmStorage): void {
    this.#heap.release(p);
    this.#bytes -= p.bytes;
    this.#count--;
  }

  stats(): PackCacheStats {
    return { bytes: this.#bytes, entries: this.#count, hits: this.#hits, packs: this.#packs, refused: this.#refused };
  }
}
