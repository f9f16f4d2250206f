import type { Backend, TensorMeta } from './backend.ts';
import type { DType, TypedArray } from './dtype.ts';
import { DisposedTensorError, GradientError, UnsupportedError, fmtShape } from './errors.ts';
import type { OpDef } from './op.ts';
import { type Shape, sizeOf } from './shape.ts';

/** Reference-counted storage, shared by views (reshape, detach). */
export interface DataRef {
  readonly backend: Backend;
  readonly storage: unknown;
  readonly bytes: number;
  refs: number;
}

/** The autograd record of how a tensor was computed. */
export interface GradNode {
  readonly op: OpDef<unknown>;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly needsGrad: readonly boolean[];
  /** Input versions when recorded: an in-place `assign` afterwards invalidates the gradient. */
  readonly versions: readonly number[];
}

export type BackwardSeed = number | ArrayLike<number> | Tensor;

/** Hooks filled in by engine.ts and autograd.ts (keeps this module free of import cycles). */
export const tensorHooks: {
  backward: (t: Tensor, seed?: BackwardSeed) => void;
  onDispose: (t: Tensor) => void;
  onCreate: (t: Tensor) => Tensor;
} = {
  backward: () => {
    throw new Error('autograd is not loaded');
  },
  onDispose: () => {},
  onCreate: (t) => t,
};

let nextId = 1;

/** @internal the id the next tensor will get (ids only grow). */
export function peekNextTensorId(): number {
  return nextId;
}

export class Tensor implements TensorMeta {
  readonly id = nextId++;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  /** Gradient accumulated by `backward()` (leaf tensors only). */
  grad: Tensor | null = null;
  /** Optional label used in error messages and reports. */
  name: string | undefined;
  /** @internal */ _ref: DataRef | null;
  /** @internal */ _node: GradNode | null;
  /** @internal kept tensors survive `tidy` scopes. */ _kept = false;
  /** @internal bumped by every `assign`. */ _version = 0;
  #requiresGrad: boolean;

  /** @internal use the creation functions (`tensor`, `zeros`, ...) or ops instead. */
  constructor(ref: DataRef, shape: Shape, dtype: DType, requiresGrad: boolean, node: GradNode | null) {
    this._ref = ref;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.#requiresGrad = requiresGrad;
    this._node = node;
  }

  get rank(): number {
    return this.shape.length;
  }

  get backend(): Backend {
    return this.ref().backend;
  }

  get isDisposed(): boolean {
    return this._ref === null;
  }

  /** True for tensors created directly (parameters, inputs), false for op results. */
  get isLeaf(): boolean {
    return this._node === null;
  }

  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  /** Only leaves can be switched: a frozen leaf gets no gradient and costs no gradient compute. */
  set requiresGrad(value: boolean) {
    if (this._node) throw new GradientError(`requiresGrad can only be set on leaf tensors; ${this.describe()} is the result of op '${this._node.op.name}' (use detach())`);
    if (value && this.dtype !== 'f32' && this.dtype !== 'f64') throw new GradientError(`only floating-point tensors can require grad; ${this.describe()} is ${this.dtype}`);
    this.#requiresGrad = value;
  }

  /** @internal the storage reference, or a DisposedTensorError. */
  ref(): DataRef {
    if (!this._ref) throw new DisposedTensorError(`${this.describe()} was used after it was disposed`);
    return this._ref;
  }

  describe(): string {
    return `tensor${this.name ? ` '${this.name}'` : ''} #${this.id} ${fmtShape(this.shape)} ${this.dtype}`;
  }

  /** Copy of the values, on any backend. */
  async data(): Promise<TypedArray> {
    const ref = this.ref();
    return ref.backend.read(ref.storage, this);
  }

  /** Synchronous copy of the values (backends with synchronous readback only, e.g. CPU). */
  dataSync(): TypedArray {
    const ref = this.ref();
    if (!ref.backend.readSync) throw new UnsupportedError(`backend '${ref.backend.name}' has no synchronous readback; use await tensor.data()`);
    return ref.backend.readSync(ref.storage, this);
  }

  /** The value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new GradientError(`item() needs a one-element tensor, got ${this.describe()}`);
    return (await this.data())[0]!;
  }

  /** Values as nested arrays. */
  async toArray(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  /** Reverse-mode autograd from this tensor; `seed` is required unless it has one element. */
  backward(seed?: BackwardSeed): void {
    tensorHooks.backward(this, seed);
  }

  /** Same storage, cut from the autograd graph. */
  detach(): Tensor {
    const ref = this.ref();
    ref.refs++;
    return tensorHooks.onCreate(new Tensor(ref, this.shape, this.dtype, false, null));
  }

  /**
   * Replace this tensor's values with `value`'s, in place (optimizer updates): the tensor keeps
   * its identity, so modules holding it see the new values. Shapes, dtypes and backends must match.
   */
  assign(value: Tensor): this {
    const ref = this.ref();
    const next = value.ref();
    if (value.dtype !== this.dtype || value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])) {
      throw new GradientError(`assign: ${value.describe()} does not match ${this.describe()}`);
    }
    if (next.backend !== ref.backend) throw new GradientError(`assign: ${value.describe()} lives on backend '${next.backend.name}', ${this.describe()} on '${ref.backend.name}'`);
    if (next === ref) return this;
    next.refs++;
    this._ref = next;
    this._version++;
    if (--ref.refs === 0) ref.backend.release(ref.storage);
    return this;
  }

  /** Release the storage now. Idempotent. The gradient, if any, is disposed too. */
  dispose(): void {
    const ref = this._ref;
    if (!ref) return;
    this._ref = null;
    this._node = null;
    if (--ref.refs === 0) ref.backend.release(ref.storage);
    tensorHooks.onDispose(this);
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }
}

export type NestedArray = number | NestedArray[];

export function nest(values: ArrayLike<number>, shape: Shape): NestedArray {
  if (shape.length === 0) return values[0]!;
  const [d, ...rest] = shape as [number, ...number[]];
  const step = sizeOf(rest);
  const out: NestedArray[] = [];
  for (let i = 0; i < d; i++) out.push(nest(Array.prototype.slice.call(values, i * step, (i + 1) * step) as number[], rest));
  return out;
}
