// Round-robin timing (A B C A B C …) so every stack sees the same clock and background drift on
// this noisy 2-core machine; medians after warm-up.

export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly reps: number;
}

export interface MeasureOptions {
  readonly warmup: number;
  readonly minReps: number;
  readonly maxReps: number;
  readonly minTimeMs: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function measureInterleaved<K>(reps: ReadonlyMap<K, () => unknown>, opts: MeasureOptions): Promise<Map<K, Timing | Error>> {
  const out = new Map<K, Timing | Error>();
  const samples = new Map<K, number[]>();
  for (const [k, rep] of reps) {
    try {
      for (let i = 0; i < opts.warmup; i++) await rep();
      samples.set(k, []);
    } catch (e) {
      out.set(k, e as Error);
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
        out.set(k, e as Error);
      }
    }
  }
  for (const [k, xs] of samples) if (!out.has(k)) out.set(k, { medianMs: median(xs), minMs: Math.min(...xs), reps: xs.length });
  return out;
}
