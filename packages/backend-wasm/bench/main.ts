// Benchmark (not a test): fp32 matmul GFLOP/s at LoRA shapes and a LoRA layer train step, for
// webpeft-wasm (1 thread, all cores) beside tfjs-wasm and onnxruntime-node in the same process.
// tfjs-wasm is initialised once per process, so `--tfjs-threads 1` and `--tfjs-threads 2` are two
// runs; report.ts merges them. Usage: node --conditions=@webpeft/source --import tsx bench/main.ts --tfjs-threads 1
// `--threads T` (default: every core) sets the thread count of the multi-threaded webpeft and ORT stacks,
// so a many-core host can compare at 2, 4, … threads: run with `--tfjs-threads T --threads T`.
// `--out DIR` (default bench/results) is where raw-tfjs{1,T}T.json go; `report.ts DIR` merges them.
// `--only TEXT` measures only the cells whose label contains TEXT (write them with `--out` elsewhere).
// `--no-portable` leaves out the SIMD128 (no FMA) build and `--no-ort` onnxruntime-node, to shorten a
// run. `--warm S` (default 3) runs GEMMs for S seconds before the first cell: on a VM that was idle the
// first cells ran both stacks at half their rate (the CPU clock and the host's scheduler ramp up).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Generator } from '@webpeft/tensor';
import { enableNodeRelaxedSimd } from '@webpeft/backend-wasm';
import { ceilingName, fmaCeiling } from './ceiling.ts';
import { detectHost } from './host.ts';
import { measureInterleaved } from './measure.ts';
import { type MatmulCase, type Prepared, type Stack, ortStack, tfjsStack, webpeftStack } from './stacks.ts';
import { loadTfjsWasm } from './tfjs.ts';
import { tfjsTrainStep, webpeftTrainStep } from './train.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const tfjsThreads = Number(arg('tfjs-threads', '1'));
const quick = process.argv.includes('--quick');
const only = arg('only', '');
const host = detectHost();
const threads = Number(arg('threads', String(host.cores)));
if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`--threads must be a positive integer, got ${arg('threads', '')}`);
const N = 512;
const dims = quick ? [768] : [768, 1024];
const ranks = quick ? [8] : [8, 16, 64];

interface Cell extends MatmulCase {
  readonly label: string;
}

function cases(): Cell[] {
  const out: Cell[] = [];
  for (const d of dims) {
    out.push({ label: `[${N}×${d}]·[${d}×${d}]`, m: N, k: d, n: d, transA: false, transB: false });
    out.push({ label: `[${N}×${d}]·[${d}×${d}]ᵀ (nn.Linear)`, m: N, k: d, n: d, transA: false, transB: true });
    for (const r of ranks) {
      out.push({ label: `[${N}×${d}]·[${r}×${d}]ᵀ (x·Aᵀ)`, m: N, k: d, n: r, transA: false, transB: true });
      out.push({ label: `[${N}×${d}]·[${d}×${r}]`, m: N, k: d, n: r, transA: false, transB: false });
      out.push({ label: `[${r}×${N}]·[${N}×${d}]`, m: r, k: N, n: d, transA: false, transB: false });
      out.push({ label: `[${N}×${r}]ᵀ·[${N}×${d}] (Gᵀ·x)`, m: r, k: N, n: d, transA: true, transB: false });
    }
  }
  return out;
}

/** |got − want| on 64 sampled entries against float64 dot products. */
function check(c: MatmulCase, a: Float32Array, b: Float32Array, got: ArrayLike<number>): void {
  const g = new Generator(99);
  const picks = g.bits(64);
  for (const p of picks) {
    const idx = p % (c.m * c.n);
    const i = Math.floor(idx / c.n);
    const j = idx % c.n;
    let s = 0;
    for (let t = 0; t < c.k; t++) s += a[c.transA ? t * c.m + i : i * c.k + t]! * b[c.transB ? j * c.k + t : t * c.n + j]!;
    if (Math.abs(got[idx]! - s) > 1e-3 * Math.sqrt(c.k) * (1 + Math.abs(s))) throw new Error(`wrong result at (${i}, ${j}): ${got[idx]} vs ${s}`);
  }
}

// Node 20 ships Relaxed SIMD behind a V8 flag; the FMA build is measured beside the portable one.
if (!(await enableNodeRelaxedSimd())) throw new Error('this engine has no Relaxed SIMD: the FMA build cannot be measured');
const { tf, threads: tfThreads } = await loadTfjsWasm(tfjsThreads);
const stacks: Stack[] = [];
const wasm1 = await webpeftStack(1);
const wasmAll = await webpeftStack(threads);
const portable = process.argv.includes('--no-portable') ? null : await webpeftStack(tfThreads === 1 ? 1 : threads, false);
if (tfThreads === 1) stacks.push(wasm1);
stacks.push(wasmAll, ...(portable ? [portable] : []), tfjsStack(tf, tfThreads));
if (tfThreads === 1 && !process.argv.includes('--no-ort')) {
  const ort = await import('onnxruntime-node');
  stacks.push(ortStack(ort, 1), ortStack(ort, threads));
}
// the WebAssembly FMA ceiling on tfjs-wasm's thread count, timed in the same rounds as the stacks
const ceiling = await fmaCeiling(tfThreads);
const ceilingKey = ceilingName(tfThreads);
console.log(`host: ${host.cpu}, ${host.cores} cores (${threads} threads here), ${host.isa}, peak ≈ ${(host.peakPerCore * threads).toFixed(0)} GFLOP/s fp32 on ${threads}; stacks: ${stacks.map((s) => s.name).join(', ')}`);

const warmS = Number(arg('warm', quick ? '0' : '3'));
if (warmS > 0) {
  const w = await wasm1.prepare({ m: N, k: 768, n: 768, transA: false, transB: false }, new Float32Array(N * 768).fill(1), new Float32Array(768 * 768).fill(1));
  for (const t0 = performance.now(); performance.now() - t0 < warmS * 1000; ) w.rep();
  w.dispose();
}

const timing = { warmup: 2, minReps: 5, maxReps: 15, minTimeMs: quick ? 100 : 300, burstMs: 20, settleMs: 20 };
const cells: unknown[] = [];
for (const c of cases().filter((x) => x.label.includes(only))) {
  const g = new Generator(c.m * 7 + c.k + c.n);
  const a = Float32Array.from(g.normal(c.m * c.k));
  const b = Float32Array.from(g.normal(c.k * c.n));
  const prepared = new Map<string, Prepared>();
  const errors: Record<string, string> = {};
  for (const s of stacks) {
    try {
      const p = await s.prepare(c, a, b);
      check(c, a, b, await p.result());
      prepared.set(s.name, p);
    } catch (e) {
      errors[s.name] = (e as Error).message;
    }
  }
  const reps = new Map<string, () => unknown>([...prepared].map(([k, p]) => [k, () => p.rep()]));
  reps.set(ceilingKey, () => ceiling.rep());
  const res = await measureInterleaved(reps, timing);
  const flops = 2 * c.m * c.n * c.k;
  const results: Record<string, { medianMs: number; gflops: number; samplesMs: readonly number[]; flopsPerRep?: number } | { error: string }> = {};
  for (const [k, t] of res) {
    const fl = k === ceilingKey ? ceiling.flopsPerRep : flops;
    results[k] = t instanceof Error ? { error: t.message } : { medianMs: t.medianMs, gflops: fl / t.medianMs / 1e6, samplesMs: t.samplesMs, ...(k === ceilingKey ? { flopsPerRep: fl } : {}) };
  }
  for (const [k, e] of Object.entries(errors)) results[k] = { error: e };
  for (const p of prepared.values()) p.dispose();
  cells.push({ ...c, results });
  console.log(`${c.label.padEnd(40)} ${Object.entries(results).map(([k, r]) => `${k}: ${'gflops' in r ? r.gflops.toFixed(1) : r.error}`).join('  ')}`);
}

const shape = { n: N, d: 768, r: 8 };
const wpTrain = webpeftTrainStep(tfThreads === 1 ? wasm1.backend : wasmAll.backend, shape);
const wpAll = tfThreads === 1 ? webpeftTrainStep(wasmAll.backend, shape) : null;
const trainReps = new Map<string, () => unknown>([
  [tfThreads === 1 ? wasm1.name : wasmAll.name, wpTrain.step],
  ...(portable ? ([[portable.name, webpeftTrainStep(portable.backend, shape).step]] as const) : []),
  [`tfjs-wasm ${tfThreads}T`, tfjsTrainStep(tf, shape, 'linear').step],
  [`tfjs-wasm ${tfThreads}T plain layout`, tfjsTrainStep(tf, shape, 'plain').step],
]);
if (wpAll) trainReps.set(wasmAll.name, wpAll.step);
await ceiling.close();
const trainRes = await measureInterleaved(trainReps, { warmup: 2, minReps: 5, maxReps: 20, minTimeMs: quick ? 300 : 1500, burstMs: 40, settleMs: 8 });
const train: Record<string, number | string> = {};
for (const [k, t] of trainRes) train[k] = t instanceof Error ? t.message : t.medianMs;
console.log(`LoRA train step N=512 d=768 r=8 (ms): ${JSON.stringify(train)}`);

const dir = resolve(arg('out', join(import.meta.dirname, 'results')));
mkdirSync(dir, { recursive: true });
const file = join(dir, `raw-tfjs${tfThreads}T.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, host, threads, tfjsThreads: tfThreads, stacks: stacks.map((s) => s.name), cells, train }, null, 1));
console.log(`wrote ${file}`);
process.exit(0); // onnxruntime and tfjs threads keep handles open
