// Shared input checks; every failure is a MetricError naming the public function.
import { MetricError } from './errors.ts';

/** Two arrays scored element by element must have the same, sufficient, length. */
export function checkPaired(
  metric: string,
  names: readonly [string, string],
  a: readonly unknown[],
  b: readonly unknown[],
  minLength = 1,
): void {
  if (!Array.isArray(a) || !Array.isArray(b)) {
    throw new MetricError(metric, `${names[0]} and ${names[1]} must be arrays, got ${describe(a)} and ${describe(b)}`);
  }
  if (a.length !== b.length) {
    throw new MetricError(metric, `${names[0]} has ${a.length} values but ${names[1]} has ${b.length}; they must pair up one to one`);
  }
  if (a.length < minLength) {
    const need = minLength === 1 ? 'at least one pair' : `at least ${minLength} pairs`;
    throw new MetricError(metric, `${names[0]} and ${names[1]} ${a.length === 0 ? 'are empty' : `have ${a.length} value`}; the metric needs ${need}`);
  }
}

/** Numbers a statistic is computed from must be finite (NaN would silently poison the result). */
export function checkFinite(metric: string, name: string, values: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new MetricError(metric, `${name}[${i}] is ${describe(v)}; expected a finite number`);
    }
  }
}

/** Class labels: finite numbers or strings (string labels are compared exactly). */
export function checkLabels(metric: string, name: string, values: readonly (number | string)[]): void {
  for (let i = 0; i < values.length; i++) checkLabel(metric, `${name}[${i}]`, values[i]);
}

export function checkLabel(metric: string, name: string, value: unknown): void {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return;
  throw new MetricError(metric, `${name} is ${describe(value)}; expected a class label (finite number or string)`);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
