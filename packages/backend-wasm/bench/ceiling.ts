// The WebAssembly fp32 ceiling of this host, measured: a loop of nothing but independent f32x4
// multiply-adds (Relaxed SIMD's relaxed_madd, one FMA instruction where the CPU has FMA), on one or
// more threads at once. No kernel written in WebAssembly SIMD128 can multiply-add faster on this
// host at that moment, whatever its blocking, so the bench times it in the same rounds as the
// stacks: `ceiling ÷ tfjs-wasm` is the largest speed-up over tfjs-wasm any such kernel could show
// in a cell, and `webpeft ÷ ceiling` is how much of what WebAssembly allows the GEMM reaches.
// The probe is compiled here from the AssemblyScript below (a devDependency; the bench is dev-only).
import asc from 'assemblyscript/asc';
import { Worker } from 'node:worker_threads';

/**
 * 12 independent accumulators: more than FMA latency × pipes (4 × 2 = 8 on current x64 cores; 8 and
 * 12 both ran at 58 GFLOP/s on the AMD host), and with the two operands 14 of the 15 vector
 * registers V8 allocates on x64, so nothing spills.
 */
const ACC = 12;
/** Flops per loop iteration: ACC f32x4 multiply-adds, 4 lanes × 2 flops each. */
export const FLOPS_PER_ITER = ACC * 8;

// do/while, not for: with a for loop V8 11.3 (Node 20) recomputed the splats of m and c in every
// iteration (`--print-wasm-code`: 10 more instructions per 12 FMAs; 46 GFLOP/s against 55–58).
const SOURCE = `
export function fma(n: i32, x: f32): f32 {
${Array.from({ length: ACC }, (_, i) => `  let a${i} = f32x4.splat(x + ${i}.0);`).join('\n')}
  const m = f32x4.splat(x * 0.5);
  const c = f32x4.splat(x * 0.25);
  let i = 0;
  do {
${Array.from({ length: ACC }, (_, i) => `    a${i} = f32x4.relaxed_madd(a${i}, m, c);`).join('\n')}
  } while (++i < n);
  const s = ${Array.from({ length: ACC }, (_, i) => `a${i}`).reduce((acc, v) => `f32x4.add(${acc}, ${v})`)};
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
`;

async function compileProbe(): Promise<Uint8Array<ArrayBuffer>> {
  let binary: Uint8Array<ArrayBuffer> | null = null;
  const stderr: string[] = [];
  const { error } = await asc.main(['probe.ts', '-O3', '--runtime', 'stub', '--enable', 'simd', '--enable', 'relaxed-simd', '--outFile', 'probe.wasm'], {
    readFile: (name: string) => (name === 'probe.ts' ? SOURCE : null),
    writeFile: (name: string, contents: string | Uint8Array) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') binary = new Uint8Array(contents);
    },
    listFiles: () => [],
    stderr: { write: (s: string) => void stderr.push(String(s)) },
    stdout: { write: () => {} },
  });
  if (error || !binary) throw new Error(`ceiling probe: asc failed: ${error?.message ?? 'no output'}\n${stderr.join('')}`);
  return binary;
}

/**
 * Warm-up, run on each thread before use (source text: the workers run it too). V8 runs the probe
 * from its baseline compiler (≈ 5 GFLOP/s) until TurboFan's code replaces it: call it until the
 * time per call has been within 20% of the best for 10 calls in a row, the best is under half the
 * first (tiered up), and 400 ms have passed; at most 5 s.
 */
const WARM = `(fma) => {
  const t0 = performance.now();
  let first = 0, best = Infinity, steady = 0;
  while (performance.now() - t0 < 5000) {
    const t = performance.now();
    fma(16384, 1);
    const d = performance.now() - t;
    if (!first) first = d;
    best = Math.min(best, d);
    steady = d <= 1.2 * best ? steady + 1 : 0;
    if (steady >= 10 && best < first / 2 && performance.now() - t0 > 400) return;
  }
}`;

// A helper thread runs `n` iterations whenever the generation word moves, then counts itself done.
// It polls for 2 ms before sleeping, so a rep inside a burst does not wait for a futex wake-up; 2 ms
// is less than the bench's settle pause, so it does not spin into the next stack's burst.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, sab } = workerData;
const I = new Int32Array(sab);
const fma = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.fma;
(${WARM})(fma);
let gen = Atomics.load(I, 0);
parentPort.postMessage('ready');
for (;;) {
  const t0 = Date.now();
  while (Atomics.load(I, 0) === gen && Date.now() - t0 < 2) {}
  if (Atomics.load(I, 0) === gen) Atomics.wait(I, 0, gen);
  gen = Atomics.load(I, 0);
  if (Atomics.load(I, 2) === 1) break;
  fma(Atomics.load(I, 1), 1);
  Atomics.add(I, 3, 1);
}
`;

/** The ceiling's name among the stacks of a bench run. */
export const ceilingName = (threads: number): string => `wasm FMA ceiling ${threads}T`;

export interface Ceiling {
  readonly threads: number;
  /** Flops one rep() runs, over all threads. */
  readonly flopsPerRep: number;
  /** One rep: every thread runs its iterations at once; returns when all are done. */
  rep(): void;
  close(): Promise<void>;
}

/**
 * The probe on `threads` threads (this one and threads − 1 workers), `iters` loop iterations each
 * per rep (default 2^16: ≈ 6 Mflop per thread, ≈ 0.1 ms at 50 GFLOP/s).
 */
export async function fmaCeiling(threads: number, iters = 1 << 16): Promise<Ceiling> {
  const bytes = await compileProbe();
  const fma = (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { fma: (n: number, x: number) => number }).fma;
  if (!Number.isFinite(fma(16, 1))) throw new Error('ceiling probe: non-finite result');
  (new Function(`return ${WARM}`)() as (f: typeof fma) => void)(fma);
  const sab = new SharedArrayBuffer(16);
  const I = new Int32Array(sab); // [generation, iterations, stop, done]
  const workers = await Promise.all(
    Array.from({ length: threads - 1 }, async () => {
      const w = new Worker(WORKER, { eval: true, workerData: { bytes, sab } });
      await new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      });
      return w;
    }),
  );
  Atomics.store(I, 1, iters);
  return {
    threads,
    flopsPerRep: threads * iters * FLOPS_PER_ITER,
    rep() {
      Atomics.store(I, 3, 0);
      Atomics.add(I, 0, 1);
      Atomics.notify(I, 0);
      fma(iters, 1);
      const t0 = performance.now();
      while (Atomics.load(I, 3) < threads - 1) {
        if (performance.now() - t0 > 5000) throw new Error('ceiling probe: a worker did not finish within 5 s');
      }
    },
    async close() {
      Atomics.store(I, 2, 1);
      Atomics.add(I, 0, 1);
      Atomics.notify(I, 0);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
