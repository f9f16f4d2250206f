// Helpers shared by this package's tests (not part of the public surface).
import { type Backend, type Tensor, fromArray, getBackend } from '@webpeft/tensor';
import { assertClose, maxAbs } from '@webpeft/tensor/testing';

export interface FixtureTensor {
  readonly shape: readonly number[];
  readonly dtype?: 'i32';
  readonly data: readonly number[];
}

export function fromFixture(t: FixtureTensor, opts: { requiresGrad?: boolean; backend?: Backend } = {}): Tensor {
  const x = fromArray(t.data, t.shape, { dtype: t.dtype ?? 'f64', backend: opts.backend ?? getBackend() });
  if (opts.requiresGrad) x.requiresGrad = true;
  return x;
}

/** |actual − expected| ≤ atol·(1 + max|expected|) + rtol·|expected|, element by element. */
export function expectClose(what: string, actual: Tensor | null | undefined, expected: FixtureTensor | readonly number[], rtol = 1e-9, atol = 1e-11): void {
  if (!actual) throw new Error(`${what}: no tensor (expected a value)`);
  const values = Array.isArray(expected) ? (expected as readonly number[]) : (expected as FixtureTensor).data;
  if (!Array.isArray(expected)) {
    const shape = (expected as FixtureTensor).shape;
    if (shape.length !== actual.shape.length || shape.some((d, i) => d !== actual.shape[i])) throw new Error(`${what}: shape [${actual.shape}], expected [${shape}]`);
  }
  assertClose(what, actual.shape, actual.dataSync(), values, { rtol, atol: atol * (1 + maxAbs(values)) });
}

/** Deterministic non-trivial values without an RNG. */
export function wave(n: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(i + 1 + phase) + 0.1 * Math.cos(3 * i + phase));
}
