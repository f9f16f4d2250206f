// Timing: warm up, then at least `minReps` timed reps (more while under `minTimeMs`), median.
// Each rep must force completion itself (the stacks end every rep with a small readback).
// Candidates compared with each other are measured interleaved (A B C A B C …): on this noisy
// 2-core machine the clock and the background load drift by up to 2× over a run, and interleaving
// makes every candidate see the same drift, so the ratios stay meaningful.

export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly reps: number;
  readonly samplesMs: readonly number[];
}

export interface MeasureOptions {
  readonly warmup: number;
  readonly minReps: number;
  readonly maxReps: number;
  /** Keep repeating (up to maxReps) until the timed reps add up to this. */
  readonly minTimeMs: number;
}

export const MATMUL_TIMING: MeasureOptions = { warmup: 2, minReps: 5, maxReps: 25, minTimeMs: 400 };
export const TRAIN_TIMING: MeasureOptions = { warmup: 2, minReps: 7, maxReps: 20, minTimeMs: 2000 };

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Measure several candidates round-robin: warm each up, then one timed rep of every candidate per
 * round, a candidate leaving the rotation once it has its reps. A candidate that throws (wrong
 * result, GPU error) leaves the rotation with its error; the others go on.
 */
export async function measureInterleaved<K>(reps: ReadonlyMap<K, () => Promise<unknown>>, opts: MeasureOptions): Promise<Map<K, Timing | Error>> {
  const out = new Map<K, Timing | Error>();
  const samples = new Map<K, number[]>();
  const fail = (k: K, e: unknown) => out.set(k, e instanceof Error ? e : new Error(String(e)));
  for (const [k, rep] of reps) {
    try {
      for (let i = 0; i < opts.warmup; i++) await rep();
      samples.set(k, []);
    } catch (e) {
      fail(k, e);
    }
  }
  const done = (xs: number[]) => xs.length >= opts.maxReps || (xs.length >= opts.minReps && xs.reduce((a, b) => a + b, 0) >= opts.minTimeMs);
  for (;;) {
    const active = [...samples].filter(([k, xs]) => !out.has(k) && !done(xs));
    if (!active.length) break;
    for (const [k, xs] of active) {
      try {
        const t0 = performance.now();
        await reps.get(k)!();
        xs.push(performance.now() - t0);
      } catch (e) {
        fail(k, e);
      }
    }
  }
  for (const [k, xs] of samples) {
    if (out.has(k)) continue;
    const us = (x: number) => Math.round(x * 1000) / 1000;
    out.set(k, { medianMs: us(median(xs)), minMs: us(Math.min(...xs)), maxMs: us(Math.max(...xs)), reps: xs.length, samplesMs: xs.map(us) });
  }
  return out;
}

/** One untimed call, then one timed call (ms): a cheap estimate before committing to a slow cell. */
export async function probe(rep: () => Promise<unknown>): Promise<number> {
  await rep();
  const t0 = performance.now();
  await rep();
  return performance.now() - t0;
}
