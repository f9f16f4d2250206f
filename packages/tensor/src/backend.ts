import type { DType, TypedArray } from './dtype.ts';
import { MissingKernelError, WebpeftError } from './errors.ts';
import type { Shape } from './shape.ts';

/** Shape and dtype of a tensor, without its data. */
export interface TensorMeta {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** A tensor as a kernel sees it: metadata plus the backend's own storage handle. */
export interface KernelTensor<S = unknown> extends TensorMeta {
  readonly storage: S;
}

export interface KernelArgs<A, S> {
  readonly inputs: readonly KernelTensor<S>[];
  readonly attrs: A;
  /** Output shape and dtype, already inferred and validated by the op definition. */
  readonly out: TensorMeta;
  readonly backend: Backend<S>;
}

/** A kernel computes one op's output on one backend and returns a new storage handle. */
export type Kernel<A = unknown, S = unknown> = (args: KernelArgs<A, S>) => S;

export interface MemoryInfo {
  /** Bytes held by live storage. */
  readonly bytes: number;
  /** Number of live storage allocations. */
  readonly allocations: number;
}

/**
 * A compute backend: owns storage and runs kernels looked up by op name.
 * Storage handles are opaque to the core (typed arrays on the CPU, buffers on WebGPU).
 */
export interface Backend<S = unknown> {
  readonly name: string;
  readonly dtypes: ReadonlySet<DType>;
  /** Copy host values into new storage. */
  upload(values: TypedArray, dtype: DType): S;
  /** Copy storage back to the host. The copy is taken when called: the storage may be released before the promise settles. */
  read(storage: S, meta: TensorMeta): Promise<TypedArray>;
  /** Synchronous readback, where the backend can do it (the CPU backend can; WebGPU cannot). */
  readSync?(storage: S, meta: TensorMeta): TypedArray;
  release(storage: S): void;
  memory(): MemoryInfo;
  /** Submit recorded work (no-op for synchronous backends). */
  flush?(): void;
}

const kernels = new Map<string, Map<string, Kernel<never, never>>>();

/** Register the kernel `backendName` runs for `op`. Re-registering replaces it. */
export function registerKernel<A, S>(backendName: string, op: string, kernel: Kernel<A, S>): void {
  let table = kernels.get(backendName);
  if (!table) kernels.set(backendName, (table = new Map()));
  table.set(op, kernel as unknown as Kernel<never, never>);
}

export function getKernel<A, S>(backendName: string, op: string): Kernel<A, S> {
  const k = kernels.get(backendName)?.get(op);
  if (!k) throw new MissingKernelError(op, backendName);
  return k as unknown as Kernel<A, S>;
}

export function hasKernel(backendName: string, op: string): boolean {
  return kernels.get(backendName)?.has(op) ?? false;
}

/** Op names a backend has kernels for (used by conformance tests to find gaps). */
export function kernelNames(backendName: string): string[] {
  return [...(kernels.get(backendName)?.keys() ?? [])].sort();
}

let defaultBackend: Backend | null = null;

/** The backend new tensors go to when none is named. */
export function setBackend(backend: Backend): void {
  defaultBackend = backend;
}

export function getBackend(): Backend {
  if (!defaultBackend) throw new WebpeftError('no backend is set: call setBackend(cpuBackend()) from @webpeft/backend-cpu (or another backend) first');
  return defaultBackend;
}
