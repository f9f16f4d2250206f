import { type Backend, type TensorMeta, getBackend, getKernel } from './backend.ts';
import { BYTES_PER_ELEMENT, type DType, type TypedArray, allocArray, toTypedArray } from './dtype.ts';
import { BackendMismatchError, DTypeError, WebpeftError, fmtShape } from './errors.ts';
import type { OpDef } from './op.ts';
import { type Shape, checkShape, sizeOf } from './shape.ts';
import { type DataRef, Tensor, tensorHooks } from './tensor.ts';

// ---- scopes: bounded memory without a garbage collector for device buffers ----

const scopes: Set<Tensor>[] = [];

function track(t: Tensor): Tensor {
  scopes[scopes.length - 1]?.add(t);
  return t;
}

tensorHooks.onDispose = (t) => {
  for (const s of scopes) s.delete(t);
};
tensorHooks.onCreate = track;

/** Something that holds tensors: a tensor, or an array/object of them. */
export type TensorContainer = Tensor | void | undefined | null | number | string | boolean | readonly TensorContainer[] | { readonly [k: string]: TensorContainer };

function collect(x: unknown, into: Set<Tensor>, depth = 0): void {
  if (depth > 16 || x === null || typeof x !== 'object') return;
  if (x instanceof Tensor) {
    into.add(x);
    return;
  }
  for (const v of Array.isArray(x) ? x : Object.values(x)) collect(v, into, depth + 1);
}

/**
 * Run `fn`; every tensor it creates is disposed when it returns, except the tensors it
 * returns (handed to the enclosing scope) and tensors marked with {@link keep}.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result && typeof (result as { then?: unknown }).then === 'function') throw new WebpeftError('tidy() takes a synchronous function; await outside of it');
  } catch (e) {
    scopes.pop();
    for (const t of scope) if (!t._kept) t.dispose();
    throw e;
  }
  scopes.pop();
  const out = new Set<Tensor>();
  collect(result, out);
  for (const t of scope) {
    if (out.has(t)) track(t);
    else if (!t._kept) t.dispose();
  }
  return result;
}

/** Exempt a tensor from every scope (parameters, optimizer state); dispose it yourself. */
export function keep<T extends Tensor>(t: T): T {
  t._kept = true;
  for (const s of scopes) s.delete(t);
  return t;
}

// ---- gradient mode ----

let gradEnabled = true;

/** Run `fn` without recording autograd history. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

// ---- kernel statistics (tests prove that frozen factors launch no gradient kernels) ----

const kernelCounts = new Map<string, number>();

/** Count kernel launches per op name while `fn` runs. */
export function countKernels(fn: () => void): Map<string, number> {
  const before = new Map(kernelCounts);
  fn();
  const diff = new Map<string, number>();
  for (const [k, v] of kernelCounts) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) diff.set(k, d);
  }
  return diff;
}

// ---- tensor creation and op dispatch ----

function makeRef(backend: Backend, storage: unknown, meta: TensorMeta): DataRef {
  return { backend, storage, bytes: sizeOf(meta.shape) * BYTES_PER_ELEMENT[meta.dtype], refs: 1 };
}

export interface CreateOptions {
  readonly dtype?: DType;
  readonly backend?: Backend;
  readonly requiresGrad?: boolean;
  readonly name?: string;
}

function checkBackendDType(backend: Backend, dtype: DType, where: string): void {
  if (!backend.dtypes.has(dtype)) throw new DTypeError(`${where}: backend '${backend.name}' does not support dtype ${dtype} (supported: ${[...backend.dtypes].join(', ')})`);
}

/** Wrap host values (copied) as a tensor. */
export function fromArray(values: TypedArray | ArrayLike<number> | readonly boolean[], shape: Shape, opts: CreateOptions = {}): Tensor {
  checkShape(shape, 'tensor');
  const dtype = opts.dtype ?? 'f32';
  const backend = opts.backend ?? getBackend();
  checkBackendDType(backend, dtype, 'tensor');
  if (values.length !== sizeOf(shape)) throw new DTypeError(`tensor: ${values.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`);
  const data = toTypedArray(values as ArrayLike<number>, dtype);
  const t = new Tensor(makeRef(backend, backend.upload(data, dtype), { shape, dtype }), shape, dtype, false, null);
  if (opts.name !== undefined) t.name = opts.name;
  if (opts.requiresGrad) t.requiresGrad = true;
  return track(t);
}

export function zerosOf(shape: Shape, opts: CreateOptions = {}): Tensor {
  return fromArray(allocArray(opts.dtype ?? 'f32', sizeOf(shape)), shape, opts);
}

/** Run an op: validate, infer, dispatch to the inputs' backend, record autograd. */
export function runOp<A>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  if (inputs.length === 0) throw new WebpeftError(`op '${op.name}' needs at least one input tensor`);
  const backend = inputs[0]!.backend;
  for (const t of inputs) {
    t.ref();
    if (t.backend !== backend) throw new BackendMismatchError(`${op.name}: inputs live on different backends ('${backend.name}' and '${t.backend.name}'); move one of them first`);
  }
  const out = op.infer(inputs, attrs);
  checkBackendDType(backend, out.dtype, op.name);
  op.check?.(inputs, attrs, backend);
  const needsGrad = gradEnabled && op.grad ? inputs.map((t) => t.requiresGrad) : [];
  const tracked = needsGrad.some(Boolean);
  const node = tracked ? { op: op as OpDef<unknown>, inputs: [...inputs], attrs, needsGrad, versions: inputs.map((t) => t._version) } : null;
  let ref: DataRef;
  if (op.view) {
    ref = inputs[0]!.ref();
    ref.refs++;
  } else {
    const kernel = getKernel<A, unknown>(backend.name, op.name);
    const storage = kernel({ inputs: inputs.map((t) => ({ shape: t.shape, dtype: t.dtype, storage: t.ref().storage })), attrs, out, backend });
    kernelCounts.set(op.name, (kernelCounts.get(op.name) ?? 0) + 1);
    ref = makeRef(backend, storage, out);
  }
  return track(new Tensor(ref, out.shape, out.dtype, tracked, node));
}

/** Number of tensors currently held by open scopes (diagnostics). */
export function scopeDepth(): number {
  return scopes.length;
}
