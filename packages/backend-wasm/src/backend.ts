// The WebAssembly backend: tensors live in one linear memory (shared with the worker threads
// when SharedArrayBuffer exists), kernels are AssemblyScript compiled with SIMD128.
import { type Backend, type DType, type MemoryInfo, type TensorMeta, type TypedArray, allocArray, BYTES_PER_ELEMENT, fmtShape } from '@webpeft/tensor';
import { Heap, type HeapStats, type WasmStorage } from './heap.ts';
import { WasmLoadError } from './errors.ts';
import { type KernelExports, instantiate, isNode, loadModule, nodeBuiltin, relaxedSimdSupported } from './module.ts';
import { WorkerPool } from './pool.ts';
import { PackCache, type PackCacheStats, checkPackCacheBytes } from './pack-cache.ts';
import { CTRL_BYTES } from './_worker-source.ts';

/** Name the wasm backend registers its kernels under. */
export const WASM = 'wasm';

export interface WasmBackendOptions {
  /** Threads, the calling thread included: a number, or 'auto' (every core; the default). */
  readonly threads?: number | 'auto';
  /** Fail an op when no worker chunk completes for this long (default 5000 ms). */
  readonly stallTimeoutMs?: number;
  /** Print the one-line notice when threads are unavailable (default true). */
  readonly notice?: boolean;
  /**
   * Relaxed SIMD (FMA in the GEMM micro-kernels): 'auto' (the default) uses it when the engine
   * validates it, false never, true requires it (a WasmLoadError where the engine lacks it).
   * FMA rounds once per multiply-add, so results differ from the portable module in the last bits.
   */
  readonly relaxedSimd?: boolean | 'auto';
  /**
   * Budget of the packed-weight cache in bytes (default 256 MiB; 0 disables it). A matrix used a
   * second time as a matmul's right operand (a frozen weight) is kept packed in the GEMM's panel
   * layout for as long as it lives; later products skip the packing. Change it later through
   * `backend.packCache.maxBytes`.
   */
  readonly packCacheBytes?: number;
}

/** Default budget of the packed-weight cache. */
export const DEFAULT_PACK_CACHE_BYTES = 256 * 2 ** 20;

export interface WasmMemoryInfo extends MemoryInfo, HeapStats {
  /** The packed-weight cache (its bytes are included in `bytes`). */
  readonly packCache: PackCacheStats;
}

/**
 * Chunks per thread when one matrix is split: enough that a thread slowed by other load (a vCPU
 * the host deschedules, a core shared with another process) has its share taken by the others —
 * the pool hands out chunks dynamically — and few enough that each chunk still covers whole packed
 * panels. Beside a busy process on a 2-vCPU machine, [512×1024]·[1024×16] on 2 threads ran 24
 * GFLOP/s with one chunk per thread and 35 with four (one thread: 40); on a quiet one, 70 and 81.
 */
export const CHUNKS_PER_THREAD = 4;

/** Meta block for shapes/strides handed to kernels (synchronous, so one block is enough). */
const META_BYTES = 4096;

export class WasmBackend implements Backend<WasmStorage> {
  readonly name = WASM;
  readonly dtypes: ReadonlySet<DType> = new Set<DType>(['f32', 'i32', 'bool']);
  readonly heap: Heap;
  /** The main thread's kernels. */
  readonly k: KernelExports;
  /** Scratch of the main thread's GEMM. */
  readonly scratch: number;
  /** Byte address of the i32 meta block. */
  readonly meta: number;
  /** Why threads are off, when they are. */
  readonly singleThreadReason: string | null;
  /** Whether the kernels are the Relaxed SIMD (FMA) build. */
  readonly relaxedSimd: boolean;
  /** Weights kept packed for the GEMM (see WasmBackendOptions.packCacheBytes). */
  readonly packCache: PackCache;
  /** Matmuls below this many multiply-adds stay on the calling thread (waking workers costs ~20 µs). */
  parallelMinMacs: number = 131072;
  /** Elementwise f32 ops below this many elements stay on the calling thread. */
  parallelMinElements: number = 262144;
  #chunksPerThread = CHUNKS_PER_THREAD;
  #pool: WorkerPool | null;

  /** A split matmul's bands per thread (see planChunks): more absorb a thread slowed by other load. A positive integer. */
  get matmulChunksPerThread(): number {
    return this.#chunksPerThread;
  }
  set matmulChunksPerThread(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`backend-wasm: matmulChunksPerThread must be a positive integer, got ${n}`);
    this.#chunksPerThread = n;
  }

  constructor(k: KernelExports, heap: Heap, pool: WorkerPool | null, scratch: number, meta: number, reason: string | null, relaxedSimd = false, packCacheBytes = DEFAULT_PACK_CACHE_BYTES) {
    this.k = k;
    this.packCache = new PackCache(heap, (b, n, kk, t, dst) => k.packBAll(b, n, kk, t, dst), packCacheBytes);
    this.relaxedSimd = relaxedSimd;
    this.heap = heap;
    this.#pool = pool;
    this.scratch = scratch;
    this.meta = meta;
    this.singleThreadReason = reason;
  }

  /** Threads the kernels may use right now (1 after a worker failure). */
  get threads(): number {
    return this.#pool?.alive ? this.#pool.threads : 1;
  }

  /** One line for CLIs: the build and the threads, e.g. `WebAssembly Relaxed SIMD (FMA), 2 threads`. */
  get summary(): string {
    const t = this.threads;
    return `WebAssembly ${this.relaxedSimd ? 'Relaxed SIMD (FMA)' : 'SIMD128'}, ${t} thread${t === 1 ? '' : 's'}${this.singleThreadReason ? ` (${this.singleThreadReason})` : ''}`;
  }

  /** The worker pool until it is closed: a pool whose worker failed throws once from its next run, then closes. */
  get pool(): WorkerPool | null {
    return this.#pool && !this.#pool.closed ? this.#pool : null;
  }

  get memoryObject(): WebAssembly.Memory {
    return this.heap.memory;
  }

  alloc(bytes: number, what?: string): WasmStorage {
    return this.heap.alloc(bytes, what);
  }

  /** Storage for an op's output. */
  output(meta: TensorMeta, op: string): WasmStorage {
    let n = 1;
    for (const d of meta.shape) n *= d;
    return this.heap.alloc(n * BYTES_PER_ELEMENT[meta.dtype], `the ${meta.dtype} output ${fmtShape(meta.shape)} of ${op}`);
  }

  upload(values: TypedArray, dtype: DType): WasmStorage {
    const s = this.heap.alloc(values.byteLength, `a ${dtype} tensor of ${values.length} elements`);
    new Uint8Array(this.heap.memory.buffer, s.ptr, values.byteLength).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return s;
  }

  async read(storage: WasmStorage, meta: TensorMeta): Promise<TypedArray> {
    return this.readSync(storage, meta);
  }

  readSync(storage: WasmStorage, meta: TensorMeta): TypedArray {
    const n = storage.bytes / BYTES_PER_ELEMENT[meta.dtype];
    const out = allocArray(meta.dtype, n);
    new Uint8Array(out.buffer).set(new Uint8Array(this.heap.memory.buffer, storage.ptr, storage.bytes));
    return out;
  }

  release(storage: WasmStorage): void {
    this.packCache.drop(storage);
    this.heap.release(storage);
  }

  memory(): WasmMemoryInfo {
    return { ...this.heap.stats(), packCache: this.packCache.stats() };
  }

  /** Write i32 words into the meta block; returns its address. */
  putMeta(words: readonly number[]): number {
    new Int32Array(this.heap.memory.buffer, this.meta, words.length).set(words);
    return this.meta;
  }

  /** Stop the worker threads (the backend keeps working single-threaded). */
  dispose(): void {
    this.#pool?.close();
  }
}

async function defaultThreads(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  if (isNode()) {
    const os = await nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return 1;
}

let noticed = false;

/** A WebAssembly backend: threads on every core when SharedArrayBuffer is available. */
export async function wasmBackend(opts: WasmBackendOptions = {}): Promise<WasmBackend> {
  const want = opts.threads === undefined || opts.threads === 'auto' ? await defaultThreads() : Math.max(1, Math.floor(opts.threads));
  const sabOk = typeof SharedArrayBuffer !== 'undefined';
  const shared = want > 1 && sabOk;
  let reason: string | null = null;
  if (want > 1 && !sabOk) {
    reason = 'SharedArrayBuffer is unavailable (a page must be cross-origin isolated)';
    if (opts.notice !== false && !noticed) {
      noticed = true;
      console.info(`[backend-wasm] ${reason}: running single-threaded`);
    }
  }
  // checked before any worker starts
  const packCacheBytes = checkPackCacheBytes(opts.packCacheBytes ?? DEFAULT_PACK_CACHE_BYTES);
  const relaxedOk = relaxedSimdSupported();
  if (opts.relaxedSimd === true && !relaxedOk) {
    throw new WasmLoadError(`backend-wasm: relaxedSimd: true, but this engine does not validate Relaxed SIMD (Node 20: run node --experimental-wasm-relaxed-simd or call enableNodeRelaxedSimd() first; Node ≥ 22, Deno and Chrome ≥ 114 have it)`);
  }
  const relaxed = opts.relaxedSimd !== false && relaxedOk;
  const module = await loadModule(shared, relaxed);
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, ...(shared ? { shared: true } : {}) });
  const k = instantiate(module, memory);
  const heap = new Heap(memory, k.heapBase());
  const gemmScratch = k.gemmScratchBytes();
  const scratch = heap.alloc(gemmScratch, 'GEMM scratch').ptr;
  const meta = heap.alloc(META_BYTES, 'kernel metadata').ptr;
  let pool: WorkerPool | null = null;
  if (shared) {
    const ctrl = heap.alloc(CTRL_BYTES, 'the worker control block').ptr;
    const scratches = Array.from({ length: want - 1 }, () => heap.alloc(gemmScratch, 'GEMM scratch').ptr);
    pool = await WorkerPool.start(module, memory, ctrl, scratches, opts.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: opts.stallTimeoutMs });
  }
  return new WasmBackend(k, heap, pool, scratch, meta, reason, relaxed, packCacheBytes);
}
