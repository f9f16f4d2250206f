// Typed errors: each says what was expected, what came, and where (op, shape, dtype).

/** Base class of every error webpeft throws on purpose. */
export class WebpeftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit an op (rank, size, broadcasting). */
export class ShapeError extends WebpeftError {}

/** A dtype an op or backend does not accept, or two dtypes that differ. */
export class DTypeError extends WebpeftError {}

/** A tensor was used after `dispose()` (directly or by a scope). */
export class DisposedTensorError extends WebpeftError {}

/** A backend has no kernel registered for an op. */
export class MissingKernelError extends WebpeftError {
  constructor(
    readonly op: string,
    readonly backend: string,
  ) {
    super(`backend '${backend}' has no kernel for op '${op}'; register one with registerKernel('${backend}', '${op}', ...)`);
  }
}

/** Inputs of one op live on different backends. */
export class BackendMismatchError extends WebpeftError {}

/** Misuse of autograd: backward on a non-scalar without a seed, NaN seeds, no grad path. */
export class GradientError extends WebpeftError {}

/** Index out of range, bad axis, bad argument value. */
export class ArgumentError extends WebpeftError {}

/** A feature the current backend cannot do (e.g. synchronous readback on WebGPU). */
export class UnsupportedError extends WebpeftError {}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
