// Round-robin timing (A B C A B C …) so every stack sees the same clock and background drift on
// this noisy 2-core machine; medians after warm-up. A sample is a burst of back-to-back calls (as
// a training loop issues them: thread pools stay awake inside a burst) sized to ≈ burstMs, and
// every burst starts after a settle pause, so a stack's spinning threads from its previous burst
// do not steal cores from the next stack's burst.

export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly reps: number;
  /** Per-call ms of each sample, in round order (sample i of every stack ran in round i). */
  readonly samplesMs: readonly number[];
}

export interface MeasureOptions {
  readonly warmup: number;
  readonly minReps: number;
  readonly maxReps: number;
  readonly minTimeMs: number;
  /** Target length of one sample's burst of calls (default 0: one call per sample). */
  readonly burstMs?: number;
  /** Pause before each burst (default 0). */
  readonly settleMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function measureInterleaved<K>(reps: ReadonlyMap<K, () => unknown>, opts: MeasureOptions): Promise<Map<K, Timing | Error>> {
  const out = new Map<K, Timing | Error>();
  const samples = new Map<K, number[]>();
  const burst = new Map<K, number>();
  for (const [k, rep] of reps) {
    try {
      for (let i = 0; i < opts.warmup; i++) await rep();
      // per-call time from back-to-back calls (≥ 3 calls and ≥ 5 ms): a single call can include a
      // thread wake-up many times the op's own length, which made the bursts of small ops short
      const t0 = performance.now();
      let calls = 0;
      do {
        await rep();
        calls++;
      } while (calls < 3 || (performance.now() - t0 < 5 && calls < 10_000));
      const once = (performance.now() - t0) / calls;
      burst.set(k, Math.max(1, Math.min(10_000, Math.round((opts.burstMs ?? 0) / Math.max(once, 1e-3)))));
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
        if (opts.settleMs) await sleep(opts.settleMs);
        const rep = reps.get(k)!;
        const n = burst.get(k)!;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await rep();
        xs.push((performance.now() - t0) / n);
      } catch (e) {
        out.set(k, e as Error);
      }
    }
  }
  for (const [k, xs] of samples) if (!out.has(k)) out.set(k, { medianMs: median(xs), minMs: Math.min(...xs), reps: xs.length, samplesMs: xs });
  return out;
}

/**
 * How many times faster `fast` ran than `slow`, paired by round: the median over the rounds both
 * ran of slow[i] / fast[i]. Adjacent bursts share the host's state (clock, neighbours' load), so a
 * round where the whole host slowed cancels out, which a ratio of the two medians does not do.
 * Undefined when either has no samples.
 */
export function pairedSpeedup(fast: readonly number[] | undefined, slow: readonly number[] | undefined): number | undefined {
  const n = Math.min(fast?.length ?? 0, slow?.length ?? 0);
  if (!n) return undefined;
  return median(Array.from({ length: n }, (_, i) => slow![i]! / fast![i]!));
}
