/// <reference types="@webgpu/types" />
// The WebGPU backend: storage is a pooled GPUBuffer; kernels record compute dispatches into one
// command encoder that is submitted in batches; readback is async.
import { type Backend, type DType, type MemoryInfo, type TensorMeta, type TypedArray, UnsupportedError, fmtShape } from '@webpeft/tensor';
import type { AcquiredDevice, AdapterReport } from './device.ts';
import { DeviceLostError, GpuMemoryError, GpuValidationError } from './errors.ts';
import { BufferPool, type PoolStats } from './pool.ts';

export const WEBGPU = 'webgpu';

export interface GpuStorage {
  readonly buffer: GPUBuffer;
  /** Logical size in bytes (4 per element: bool is stored as u32). */
  readonly bytes: number;
}

export interface Dispatch {
  /** Pipeline cache key; `code()` is only called on a miss. */
  readonly key: string;
  readonly code: () => string;
  /** u32 words (f32 values bit-cast) bound at binding 0 as `array<u32>`. */
  readonly meta: readonly number[] | Uint32Array;
  /** Read-only storage bound at 1..n; the output is bound last, read_write. */
  readonly inputs: readonly GPUBuffer[];
  readonly output: GPUBuffer;
  /** Total invocations; workgroups are 64 wide and spill into y beyond 65535. */
  readonly threads: number;
  readonly workgroupSize?: number;
}

/** Bit pattern of an f32 as a u32 (to pass floats in the meta words). */
export function f32Bits(x: number): number {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0]!;
}

const USAGE_STORAGE = 0x0080 | 0x0004 | 0x0008; // STORAGE | COPY_SRC | COPY_DST
const USAGE_READBACK = 0x0001 | 0x0008; // MAP_READ | COPY_DST
const MAP_READ = 0x0001;

export class WebGPUBackend implements Backend<GpuStorage> {
  readonly name = WEBGPU;
  readonly dtypes: ReadonlySet<DType> = new Set<DType>(['f32', 'i32', 'bool']);
  readonly device: GPUDevice;
  readonly report: AdapterReport;
  readonly limits: GPUSupportedLimits;
  /** Dispatches recorded before an automatic submit. */
  maxBatch = 64;
  readonly #keepAlive: unknown;
  readonly #pool: BufferPool;
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #recorded = 0;
  #liveBytes = 0;
  #live = 0;
  #lost: string | null = null;
  #error: string | null = null;
  dispatches = 0;
  submits = 0;

  constructor(acquired: AcquiredDevice) {
    this.device = acquired.device;
    this.report = acquired.report;
    this.limits = acquired.device.limits;
    this.#keepAlive = acquired.keepAlive;
    this.#pool = new BufferPool((size) => this.#createBuffer(size));
    void this.device.lost.then((info) => {
      this.#lost = `${info.reason}: ${info.message}`;
    });
    this.device.addEventListener?.('uncapturederror', (ev) => {
      this.#error ??= (ev as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** The Dawn instance (or navigator.gpu) this device came from; referenced so it is not collected. */
  get instance(): unknown {
    return this.#keepAlive;
  }

  #check(): void {
    if (this.#lost) throw new DeviceLostError(`the WebGPU device was lost (${this.#lost}); create a new backend`);
    if (this.#error) {
      const e = this.#error;
      this.#error = null;
      throw new GpuValidationError(`WebGPU reported an error: ${e}`);
    }
  }

  #createBuffer(size: number): GPUBuffer {
    const max = Math.min(this.limits.maxBufferSize, this.limits.maxStorageBufferBindingSize);
    if (size > max) {
      throw new GpuMemoryError(`a buffer of ${size} bytes exceeds this device's limit of ${max} bytes per storage binding (maxStorageBufferBindingSize ${this.limits.maxStorageBufferBindingSize}, maxBufferSize ${this.limits.maxBufferSize}); split the tensor`, size, max);
    }
    this.device.pushErrorScope('out-of-memory');
    const buf = this.device.createBuffer({ size, usage: USAGE_STORAGE });
    void this.device.popErrorScope().then((err) => {
      if (err) this.#error ??= `out of memory allocating ${size} bytes: ${err.message}`;
    });
    return buf;
  }

  /** Allocate storage for `n` elements (4 bytes each). */
  alloc(n: number, what = 'tensor'): GpuStorage {
    this.#check();
    const bytes = n * 4;
    const max = this.limits.maxStorageBufferBindingSize;
    if (bytes > max) throw new GpuMemoryError(`${what} of ${n} elements needs ${bytes} bytes; this device binds at most ${max} bytes per buffer (maxStorageBufferBindingSize)`, bytes, max);
    this.#liveBytes += bytes;
    this.#live++;
    return { buffer: this.#pool.acquire(bytes), bytes };
  }

  upload(values: TypedArray, dtype: DType): GpuStorage {
    if (!this.dtypes.has(dtype)) throw new UnsupportedError(`WebGPU has no ${dtype} storage`);
    const s = this.alloc(values.length);
    if (values.length === 0) return s;
    const words = dtype === 'f32' ? Float32Array.from(values) : dtype === 'i32' ? Int32Array.from(values) : Uint32Array.from(values);
    this.device.queue.writeBuffer(s.buffer, 0, words.buffer, words.byteOffset, words.byteLength);
    return s;
  }

  release(storage: GpuStorage): void {
    this.#liveBytes -= storage.bytes;
    this.#live--;
    this.#pool.release(storage.buffer);
  }

  memory(): MemoryInfo & PoolStats {
    return { bytes: this.#liveBytes, allocations: this.#live, ...this.#pool.stats() };
  }

  #pipeline(key: string, code: () => string): GPUComputePipeline {
    let p = this.#pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: code(), label: key });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.#pipelines.set(key, p);
    }
    return p;
  }

  #computePass(): GPUComputePassEncoder {
    this.#encoder ??= this.device.createCommandEncoder();
    this.#pass ??= this.#encoder.beginComputePass();
    return this.#pass;
  }

  #commandEncoder(): GPUCommandEncoder {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
    return (this.#encoder ??= this.device.createCommandEncoder());
  }

  /** Record one compute dispatch. */
  run(d: Dispatch): void {
    this.#check();
    if (d.threads === 0) return;
    const pipeline = this.#pipeline(d.key, d.code);
    const metaWords = d.meta.length ? d.meta : [0];
    const meta = this.#pool.acquire(metaWords.length * 4);
    const words = Uint32Array.from(metaWords, (v) => v >>> 0);
    this.device.queue.writeBuffer(meta, 0, words.buffer, 0, words.byteLength);
    const entries: GPUBindGroupEntry[] = [meta, ...d.inputs, d.output].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.#computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    const wg = d.workgroupSize ?? 64;
    const groups = Math.ceil(d.threads / wg);
    const maxX = this.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(groups, maxX);
    const y = Math.ceil(groups / x);
    if (y > maxX) throw new GpuMemoryError(`a dispatch of ${d.threads} invocations exceeds ${maxX}² workgroups`, d.threads, maxX * maxX * wg);
    pass.dispatchWorkgroups(x, y);
    this.#pool.release(meta);
    this.dispatches++;
    if (++this.#recorded >= this.maxBatch) this.flush();
  }

  /** Fill a buffer with zeros, in order with the recorded dispatches. */
  clear(buffer: GPUBuffer, bytes: number): void {
    if (bytes > 0) this.#commandEncoder().clearBuffer(buffer, 0, Math.ceil(bytes / 4) * 4);
  }

  /** Copy bytes between buffers, in order with the recorded dispatches. */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes > 0) this.#commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submit everything recorded so far. */
  flush(): void {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
    if (this.#encoder) {
      this.device.queue.submit([this.#encoder.finish()]);
      this.#encoder = null;
      this.submits++;
    }
    this.#recorded = 0;
    this.#pool.onSubmit();
  }

  async read(storage: GpuStorage, meta: TensorMeta): Promise<TypedArray> {
    this.#check();
    const n = meta.shape.reduce((a, d) => a * d, 1);
    if (n === 0) return meta.dtype === 'f32' ? new Float32Array(0) : meta.dtype === 'i32' ? new Int32Array(0) : new Uint8Array(0);
    const staging = this.device.createBuffer({ size: n * 4, usage: USAGE_READBACK });
    this.#commandEncoder().copyBufferToBuffer(storage.buffer, 0, staging, 0, n * 4);
    this.flush();
    try {
      await staging.mapAsync(MAP_READ);
    } catch (e) {
      this.#check();
      throw new DeviceLostError(`reading back ${fmtShape(meta.shape)} ${meta.dtype} failed: ${(e as Error).message}`);
    }
    const raw = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    this.#check();
    if (meta.dtype === 'f32') return new Float32Array(raw);
    if (meta.dtype === 'i32') return new Int32Array(raw);
    return Uint8Array.from(new Uint32Array(raw));
  }

  /** Wait until every submitted command has finished. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.#check();
  }

  /** Release pooled buffers nobody uses and the device. */
  destroy(): void {
    this.flush();
    this.#pool.trim();
    this.device.destroy();
  }
}

export function createWebGPUBackend(acquired: AcquiredDevice): WebGPUBackend {
  return new WebGPUBackend(acquired);
}
