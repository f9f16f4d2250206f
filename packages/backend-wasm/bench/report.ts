// Merge raw-tfjs1T.json and raw-tfjs{T}T.json (bench/results, or the folder given as the first argument)
// into results.json and results.md: GFLOP/s per stack, ratios at equal thread count, % of the host's
// fp32 peak on T threads, and the LoRA train step. Speed-ups over tfjs-wasm are given twice: as the
// ratio of the two medians, and paired by round (measure.ts's pairedSpeedup), which cancels rounds
// where the whole host slowed; runs written before samples were kept have only the first. Then each
// stack's share of the WebAssembly FMA ceiling (bench/ceiling.ts) where the run measured it.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ceilingName } from './ceiling.ts';
import type { Host } from './host.ts';
import { median, pairedSpeedup } from './measure.ts';

interface Result {
  medianMs?: number;
  gflops?: number;
  samplesMs?: number[];
  /** Flops per call where they are not the cell's product (the FMA ceiling probe). */
  flopsPerRep?: number;
  error?: string;
}
interface Raw {
  date: string;
  node: string;
  host: Host;
  /** Threads of the multi-threaded stacks (absent in runs before `--threads`: every core). */
  threads?: number;
  tfjsThreads: number;
  cells: { label: string; m: number; k: number; n: number; results: Record<string, Result> }[];
  train: Record<string, number | string>;
}

const dir = resolve(process.argv[2] ?? join(import.meta.dirname, 'results'));
const runs = readdirSync(dir)
  .filter((f) => /^raw-tfjs\d+T\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Raw)
  .sort((a, b) => a.tfjsThreads - b.tfjsThreads);
if (!runs.length) throw new Error(`no raw-tfjs*T.json in ${dir}: run bench/main.ts first`);
const host = runs[0]!.host;
const cores = runs[0]!.threads ?? host.cores;
const mixed = runs.find((r) => (r.threads ?? r.host.cores) !== cores);
if (mixed) throw new Error(`${dir} mixes runs on ${cores} and ${mixed.threads ?? mixed.host.cores} threads: keep one thread count per folder`);
const peak = host.peakPerCore * cores;

// one row per shape: every stack's GFLOP/s, from whichever run measured it (webpeft all-cores from the threaded run when present)
const rows = runs[0]!.cells.map((c, i) => {
  const g: Record<string, number | undefined> = {};
  for (const run of runs) for (const [k, r] of Object.entries(run.cells[i]!.results)) if (r.gflops !== undefined && (g[k] === undefined || run.tfjsThreads > 1)) g[k] = r.gflops;
  return { label: c.label, g };
});
const W1 = 'webpeft-wasm 1T';
const WN = `webpeft-wasm ${cores}T`;
const T1 = 'tfjs-wasm 1T';
const TN = `tfjs-wasm ${cores}T`;
const O1 = 'onnxruntime-node 1T';
const ON = `onnxruntime-node ${cores}T`;
const P1 = 'webpeft-wasm SIMD128 1T';
const PN = `webpeft-wasm SIMD128 ${cores}T`;
const cols = [W1, WN, P1, PN, T1, TN, O1, ON];
// paired speed-ups, each from the one process that ran both stacks: 1 thread from the tfjs 1-thread
// run, `cores` threads from the tfjs `cores`-thread run
const run1 = runs.find((r) => r.tfjsThreads === 1);
const runN = cores === 1 ? run1 : runs.find((r) => r.tfjsThreads === cores);
const samples = (run: Raw | undefined, i: number, k: string) => run?.cells[i]!.results[k]?.samplesMs;
const paired = rows.map((_, i) => ({ one: pairedSpeedup(samples(run1, i, W1), samples(run1, i, T1)), all: pairedSpeedup(samples(runN, i, WN), samples(runN, i, TN)) }));
const f = (x: number | undefined, d = 1) => (x === undefined ? '–' : x.toFixed(d));
const quotient = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b);
const times = (x: number | undefined) => (x === undefined ? '–' : `${x.toFixed(2)}×`);
const ratio = (a: number | undefined, b: number | undefined) => times(quotient(a, b));

const lines: string[] = [];
lines.push(`Host: ${host.cpu}, ${host.cores} cores, ${host.isa}; multi-threaded stacks on ${cores} threads; fp32 peak on ${cores} cores ≈ ${peak.toFixed(0)} GFLOP/s (${host.peakPerCore.toFixed(0)} per core: 2 FMA pipes × ${host.isa === 'AVX-512' ? 16 : host.isa === 'AVX2' ? 8 : 4} lanes × 2 × ${host.ghz.toFixed(2)} GHz). Node ${runs[0]!.node}, ${runs[0]!.date.slice(0, 10)}. Medians of back-to-back bursts (≈20 ms each, a settle pause before each), stacks interleaved; GFLOP/s. webpeft-wasm = the Relaxed SIMD (FMA) build; SIMD128 = the portable build.`);
lines.push('');
lines.push(`| shape | ${cols.join(' | ')} | wasm/tfjs 1T | wasm/tfjs ${cores}T | paired wasm/tfjs 1T | paired wasm/tfjs ${cores}T | SIMD128/tfjs 1T | SIMD128/tfjs ${cores}T | wasm/ORT ${cores}T | % peak (wasm ${cores}T) |`);
lines.push(`|---|${cols.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|---:|---:|---:|`);
rows.forEach((r, i) => {
  lines.push(`| ${r.label} | ${cols.map((c) => f(r.g[c])).join(' | ')} | ${ratio(r.g[W1], r.g[T1])} | ${ratio(r.g[WN], r.g[TN])} | ${times(paired[i]!.one)} | ${times(paired[i]!.all)} | ${ratio(r.g[P1], r.g[T1])} | ${ratio(r.g[PN], r.g[TN])} | ${ratio(r.g[WN], r.g[ON])} | ${r.g[WN] === undefined ? '–' : ((100 * r.g[WN]!) / peak).toFixed(1)}% |`);
});
lines.push('');
// the target, counted both ways: webpeft-wasm ≥ 1.5× tfjs-wasm at equal threads
const count = (plain: boolean, pick: (i: number) => number | undefined) => {
  const idx = rows.map((r, i) => [r, i] as const).filter(([r]) => !r.label.includes('ᵀ') === plain);
  const xs = idx.map(([, i]) => pick(i)).filter((x): x is number => x !== undefined);
  return xs.length ? `${xs.filter((x) => x >= 1.5).length} of ${xs.length} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×)` : '–';
};
const byMedian = (a: string, b: string) => (i: number) => quotient(rows[i]!.g[a], rows[i]!.g[b]);
lines.push('webpeft-wasm ≥ 1.5× tfjs-wasm, shapes:');
lines.push('');
lines.push(`| | plain, 1T | plain, ${cores}T | transposed, 1T | transposed, ${cores}T |`);
lines.push('|---|---:|---:|---:|---:|');
lines.push(`| ratio of medians | ${count(true, byMedian(W1, T1))} | ${count(true, byMedian(WN, TN))} | ${count(false, byMedian(W1, T1))} | ${count(false, byMedian(WN, TN))} |`);
lines.push(`| paired by round | ${count(true, (i) => paired[i]!.one)} | ${count(true, (i) => paired[i]!.all)} | ${count(false, (i) => paired[i]!.one)} | ${count(false, (i) => paired[i]!.all)} |`);
lines.push('');
lines.push('LoRA layer train step, N=512 d=768 r=8 (forward, backward for A and B, SGD update), median ms:');
lines.push('');
lines.push('| stack | ms |');
lines.push('|---|---:|');
for (const run of runs) for (const [k, v] of Object.entries(run.train)) lines.push(`| ${k}${run.tfjsThreads > 1 && k.startsWith('webpeft') ? ' (threaded run)' : ''} | ${typeof v === 'number' ? v.toFixed(1) : v} |`);
// against the WebAssembly FMA ceiling (runs from before it was measured have none). It is timed in
// every cell's rounds, but one figure per thread count is used: the median over the whole run. The
// FMA loop holds its rate in rounds where contention slows the GEMMs (it needs fewer issue slots per
// FMA), so pairing by round adds its own outliers (rounds where the probe's 2-thread rep ran at one
// core's rate) without cancelling anything.
const ceilingOf = (run: Raw | undefined, key: string) => {
  const rates = (run?.cells ?? []).flatMap((c) => {
    const r = c.results[key];
    return r?.samplesMs && r.flopsPerRep ? r.samplesMs.map((ms) => r.flopsPerRep! / ms / 1e6) : [];
  });
  return rates.length ? median(rates) : undefined;
};
const c1 = ceilingOf(run1, ceilingName(1));
const cN = ceilingOf(runN, ceilingName(cores));
if (c1 !== undefined || cN !== undefined) {
  const pct = (x: number | undefined, c: number | undefined) => (x === undefined || c === undefined ? '–' : `${((100 * x) / c).toFixed(0)}%`);
  lines.push('');
  lines.push(
    `Against the WebAssembly ceiling: a loop of nothing but independent f32x4 FMAs (bench/ceiling.ts), timed in every cell's rounds beside the stacks, ran at ${f(c1)} GFLOP/s on 1 thread and ${f(cN)} on ${cores} (medians over the run). No WebAssembly SIMD128 kernel multiply-adds faster, so "ceiling ÷ tfjs" is the largest speed-up over tfjs-wasm any such kernel could have shown in that cell.`,
  );
  lines.push('');
  lines.push(`| shape | webpeft 1T | tfjs 1T | ceiling ÷ tfjs 1T | webpeft ${cores}T | tfjs ${cores}T | ceiling ÷ tfjs ${cores}T |`);
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  rows.forEach((r) => {
    const g = r.g;
    lines.push(`| ${r.label} | ${pct(g[W1], c1)} | ${pct(g[T1], c1)} | ${times(quotient(c1, g[T1]))} | ${pct(g[WN], cN)} | ${pct(g[TN], cN)} | ${times(quotient(cN, g[TN]))} |`);
  });
  lines.push('');
  lines.push(`Plain layouts where the ceiling itself reaches 1.5× tfjs-wasm: ${count(true, (i) => quotient(c1, rows[i]!.g[T1]))} at 1T, ${count(true, (i) => quotient(cN, rows[i]!.g[TN]))} at ${cores}T.`);
}
const md = lines.join('\n') + '\n';
writeFileSync(join(dir, 'results.md'), md);
writeFileSync(join(dir, 'results.json'), JSON.stringify({ host, peakGflops: peak, ceilingGflops: { 1: c1, [cores]: cN }, rows: rows.map((r, i) => ({ ...r, paired: paired[i] })), train: runs.map((r) => ({ tfjsThreads: r.tfjsThreads, ...r.train })) }, null, 1));
console.log(md);
