/// <reference types="@webgpu/types" />
// Opt-in autotuning: time each matmul variant × split on this device for a shape, keep the
// fastest, and export/import the winners as JSON keyed by adapter so a later run skips the timing.
import type { WebGPUBackend } from '../../backend.ts';
import { runMatmul } from './matmul.ts';
import { type MatmulPlan, type MatmulShape, planMatmul, setMatmulPlan, shapeKey } from './select.ts';

export interface AutotuneEntry {
  readonly plan: MatmulPlan;
  /** Median milliseconds per matmul of every candidate, for the record. */
  readonly timings: Readonly<Record<string, number>>;
}

export interface AutotuneCache {
  readonly adapter: string;
  readonly entries: Record<string, AutotuneEntry>;
}

const caches = new WeakMap<WebGPUBackend, AutotuneCache>();

function adapterKey(b: WebGPUBackend): string {
  const r = b.report;
  return `${r.via}|${r.vendor}|${r.architecture}|${r.device}|${r.description}`;
}

export function autotuneCache(backend: WebGPUBackend): AutotuneCache {
  let c = caches.get(backend);
  if (!c) caches.set(backend, (c = { adapter: adapterKey(backend), entries: {} }));
  return c;
}

/** Load winners saved by {@link autotuneCache} (ignored if they came from another adapter). */
export function importAutotune(backend: WebGPUBackend, saved: AutotuneCache): number {
  if (saved.adapter !== adapterKey(backend)) return 0;
  const cache = autotuneCache(backend);
  let n = 0;
  for (const [key, entry] of Object.entries(saved.entries)) {
    const m = /^(\d+)x(\d+)x(\d+)x(\d+):([NT])([NT])$/.exec(key);
    if (!m) continue;
    const shape: MatmulShape = { batch: +m[1]!, m: +m[2]!, n: +m[3]!, k: +m[4]!, transA: m[5] === 'T', transB: m[6] === 'T' };
    setMatmulPlan(backend, shape, entry.plan);
    cache.entries[key] = entry;
    n++;
  }
  return n;
}

function candidates(backend: WebGPUBackend, s: MatmulShape): MatmulPlan[] {
  const auto = planMatmul(backend, s);
  const splits = [...new Set([1, auto.slices, Math.max(1, Math.min(64, Math.floor(s.k / 256)))])];
  return (['blocked', 'vec4', 'wide', 'tiled'] as const).flatMap((variant) => splits.map((slices) => ({ variant, slices })));
}

/** Time every candidate plan for `shape` (median of `reps`), install and return the fastest. */
export async function autotuneMatmul(backend: WebGPUBackend, shape: MatmulShape, reps = 5): Promise<AutotuneEntry> {
  const key = shapeKey(shape);
  const cached = autotuneCache(backend).entries[key];
  if (cached) return cached;
  const { m, n, k, batch } = shape;
  const a = backend.alloc(batch * m * k, 'autotune A');
  const b = backend.alloc(batch * k * n, 'autotune B');
  const batchMeta = batch > 1 ? [1, batch, 1, 1] : [0];
  const timings: Record<string, number> = {};
  let best: MatmulPlan | null = null;
  let bestMs = Infinity;
  for (const plan of candidates(backend, shape)) {
    const times: number[] = [];
    for (let r = 0; r <= reps; r++) {
      await backend.sync();
      const t0 = performance.now();
      const out = runMatmul(backend, a.buffer, b.buffer, shape, plan, batchMeta);
      await backend.sync();
      if (r > 0) times.push(performance.now() - t0); // the first run compiles the pipeline
      backend.release(out);
    }
    times.sort((x, y) => x - y);
    const med = times[Math.floor(times.length / 2)]!;
    timings[`${plan.variant}/${plan.slices}`] = med;
    if (med < bestMs) {
      bestMs = med;
      best = plan;
    }
  }
  backend.release(a);
  backend.release(b);
  const entry: AutotuneEntry = { plan: best!, timings };
  setMatmulPlan(backend, shape, entry.plan);
  autotuneCache(backend).entries[key] = entry;
  return entry;
}
