import type { Backend, TensorMeta } from './backend.ts';
import { WebpeftError } from './errors.ts';
import type { Tensor } from './tensor.ts';

/** What an op's gradient function receives besides the output gradient. */
export interface GradContext<A> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: A;
  /** `needsGrad[i]` is false for inputs that are frozen or off every gradient path: skip them. */
  readonly needsGrad: readonly boolean[];
}

/**
 * One op, defined once: shape/dtype inference (which throws the typed error) and its
 * gradient in terms of other ops, so every backend differentiates it the same way.
 */
export interface OpDef<A = Record<string, never>> {
  readonly name: string;
  infer(inputs: readonly TensorMeta[], attrs: A): TensorMeta;
  /** Gradient w.r.t. each input (null where `needsGrad` is false or not differentiable). */
  grad?(dy: Tensor, ctx: GradContext<A>): (Tensor | null)[];
  /** The output shares input 0's storage (reshape): no kernel runs. */
  readonly view?: boolean;
  /** Extra check that needs the backend (e.g. f64 support). */
  check?(inputs: readonly TensorMeta[], attrs: A, backend: Backend): void;
}

const ops = new Map<string, OpDef<never>>();

export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  if (ops.has(def.name)) throw new WebpeftError(`op '${def.name}' is defined twice`);
  ops.set(def.name, def as unknown as OpDef<never>);
  return def;
}

/** Every op in the registry (backends use this list to check they cover all of them). */
export function opNames(): string[] {
  return [...ops.keys()].sort();
}

export function getOp(name: string): OpDef<unknown> | undefined {
  return ops.get(name) as OpDef<unknown> | undefined;
}
