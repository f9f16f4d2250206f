import { type Backend, type DType, type Kernel, type MemoryInfo, type TensorMeta, type TypedArray, allocArray, registerKernel } from '@webpeft/tensor';

/** Name the CPU backend registers its kernels under. */
export const CPU = 'cpu';

/**
 * The reference backend: storage is a typed array, kernels are plain TypeScript.
 * Every other backend is checked against it; it is also a usable fallback.
 */
export class CpuBackend implements Backend<TypedArray> {
  readonly name = CPU;
  readonly dtypes: ReadonlySet<DType> = new Set<DType>(['f32', 'f64', 'i32', 'bool']);
  #bytes = 0;
  #allocations = 0;

  upload(values: TypedArray, dtype: DType): TypedArray {
    const out = allocArray(dtype, values.length);
    out.set(values);
    return this.adopt(out);
  }

  /** Count a freshly allocated array as live storage. */
  adopt(a: TypedArray): TypedArray {
    this.#bytes += a.byteLength;
    this.#allocations++;
    return a;
  }

  async read(storage: TypedArray, meta: TensorMeta): Promise<TypedArray> {
    return this.readSync(storage, meta);
  }

  readSync(storage: TypedArray, _meta: TensorMeta): TypedArray {
    return storage.slice();
  }

  release(storage: TypedArray): void {
    this.#bytes -= storage.byteLength;
    this.#allocations--;
  }

  memory(): MemoryInfo {
    return { bytes: this.#bytes, allocations: this.#allocations };
  }
}

let shared: CpuBackend | null = null;

/** The process-wide CPU backend (kernels are registered once, on first use). */
export function cpuBackend(): CpuBackend {
  return (shared ??= new CpuBackend());
}

/** Register a CPU kernel; its output array is counted as live storage. */
export function cpuKernel<A>(op: string, fn: (args: { inputs: readonly { shape: readonly number[]; dtype: DType; storage: TypedArray }[]; attrs: A; out: TensorMeta }) => TypedArray): void {
  const k: Kernel<A, TypedArray> = (args) => (args.backend as CpuBackend).adopt(fn(args));
  registerKernel(CPU, op, k);
}
