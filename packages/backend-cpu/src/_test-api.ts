// Test helpers shared by this package's tests.
export * from '@webpeft/tensor';

/** Deterministic, non-trivial values 0.1·sin(i+1)… without an RNG. */
export function wave(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(i + 1) + 0.1 * Math.cos(3 * i));
}
