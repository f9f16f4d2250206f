// Timing: warm up, then at least `minReps` timed reps (more while under `minTimeMs`), median.
// Each rep must force completion itself (the stacks end every rep with a small readback).

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
export const TRAIN_TIMING: MeasureOptions = { warmup: 2, minReps: 5, maxReps: 20, minTimeMs: 1500 };

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function measure(rep: () => Promise<unknown>, opts: MeasureOptions): Promise<Timing> {
  for (let i = 0; i < opts.warmup; i++) await rep();
  const samples: number[] = [];
  let total = 0;
  while (samples.length < opts.minReps || (total < opts.minTimeMs && samples.length < opts.maxReps)) {
    const t0 = performance.now();
    await rep();
    const dt = performance.now() - t0;
    samples.push(dt);
    total += dt;
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), reps: samples.length, samplesMs: samples.map((x) => Math.round(x * 1000) / 1000) };
}

/** One untimed call, then one timed call (ms): a cheap estimate before committing to a slow cell. */
export async function probe(rep: () => Promise<unknown>): Promise<number> {
  await rep();
  const t0 = performance.now();
  await rep();
  return performance.now() - t0;
}
