// Tolerance comparison with messages that name the worst element.
import { fmtShape } from '../errors.ts';

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

export interface Mismatch {
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
  readonly error: number;
}

/** Worst violation of |a − e| ≤ atol + rtol·|e| (NaN/Inf must match exactly), or null. */
export function findMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): Mismatch | null {
  if (actual.length !== expected.length) return { index: -1, actual: actual.length, expected: expected.length, error: Infinity };
  let worst: Mismatch | null = null;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) return { index: i, actual: a, expected: e, error: Infinity };
      continue;
    }
    const err = Math.abs(a - e);
    const excess = err - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= 0) && (!worst || excess > worst.error)) worst = { index: i, actual: a, expected: e, error: excess };
  }
  return worst;
}

export class ConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceError';
  }
}

export function assertClose(what: string, shape: readonly number[], actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): void {
  const m = findMismatch(actual, expected, tol);
  if (!m) return;
  if (m.index < 0) throw new ConformanceError(`${what}: ${m.actual} values, expected ${m.expected} (shape ${fmtShape(shape)})`);
  throw new ConformanceError(`${what}: element ${m.index} of ${fmtShape(shape)} is ${m.actual}, expected ${m.expected} (|Δ| = ${Math.abs(m.actual - m.expected).toExponential(3)}, rtol ${tol.rtol}, atol ${tol.atol})`);
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]!);
    if (Number.isFinite(v) && v > m) m = v;
  }
  return m;
}
