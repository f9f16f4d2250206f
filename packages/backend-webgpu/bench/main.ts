// `npm run bench` (root or this package): webpeft-webgpu, tfjs-webgpu, tfjs-cpu and webpeft-cpu side
// by side in ONE Node process, on the same Dawn adapter. Not a test: numbers are noisy, compare the
// ratios measured in one run.
//
// Runs with tsx (`node --conditions=@webpeft/source --import tsx`) rather than an esbuild bundle: the bench
// then executes the same TypeScript sources the tests run (the `@webpeft/source` export condition resolves
// every @webpeft/* package to src/), with no build step and no bundle to keep in sync; tsx only
// strips types at load time, so the timed code is identical either way.
//
// Flags: --full (adds N=4096), --no-variants (skip the matmul variant sweep),
//        --chain=R (GPU stacks: R products per matmul rep before its one readback, times reported per
//        product; on a real GPU a small product finishes long before a readback round trip does),
//        --only=matmul|train, --out=DIR (default bench/results).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cpuBackend } from '@webpeft/backend-cpu';
import { nodeWebGPUBackend } from '../src/node.ts';
import { type MatmulPlan, type MatmulShape, isCpuDriver, planMatmul, setMatmulPlan } from '../src/mod.ts';
import { GPU_SPLIT, splitKSlices } from '../src/kernels/matmul/select.ts';
import type { WebGPUBackend } from '../src/backend.ts';
import { type MatmulCase, type MatmulData, TRAIN, matmulCase, matmulCases, matmulData, SAMPLES, trainData, trainReference, verifySamples, verifyTrainStep } from './cases.ts';
import { MATMUL_TIMING, TRAIN_TIMING, type Timing, measureInterleaved, probe } from './measure.ts';
import { type BenchReport, type Cell, type MatmulResult, type Target, type TrainResult, type VariantResult, cellText, fmt, ratio, renderMarkdown } from './report.ts';
import { type MatmulRun, type Stack, type StackName, type TrainRun, initTfjsWebGPU, loadTf, tfjsStack, webpeftStack } from './stacks.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const FULL = flag('full');
const VARIANTS = !flag('no-variants');
const CHAIN = Number(opt('chain') ?? 1);
if (!Number.isInteger(CHAIN) || CHAIN < 1) throw new RangeError(`--chain must be a positive integer, got ${opt('chain')}`);
const GPU_STACKS: ReadonlySet<StackName> = new Set(['webpeft-webgpu', 'tfjs-webgpu']);

/** A rep of `chain` products timed per product (every sample divided by `chain`). */
function perProduct(t: Timing | Error | undefined, chain: number): Timing | Error | undefined {
  if (!t || t instanceof Error || chain === 1) return t;
  return { medianMs: t.medianMs / chain, minMs: t.minMs / chain, maxMs: t.maxMs / chain, reps: t.reps, samplesMs: t.samplesMs.map((x) => x / chain) };
}
const ONLY = opt('only');
const OUT = path.resolve(opt('out') ?? path.join(import.meta.dirname, 'results'));
/** A CPU-stack cell whose single rep is estimated above this is skipped ("—"): tfjs-cpu needs ~10 s at [4096×1024]·[1024×1024]. */
const MAX_REP_MS = 10_000;
/** Below this many flops no CPU stack here comes near MAX_REP_MS, so no probe is run. */
const PROBE_FLOPS = 5e8;
/** The estimate runs the same case at this N (cost is linear in N); only larger N are probed. */
const PROBE_N = 512;
const CPU_STACKS: ReadonlySet<StackName> = new Set(['webpeft-cpu', 'tfjs-cpu']);

const started = performance.now();
const log = (s: string) => process.stderr.write(`${s}\n`);
const wrongWebpeft: string[] = [];

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 400);
}

function failCell(stack: StackName, what: string, e: unknown): Cell {
  const reason = message(e);
  const wrong = reason.includes('WRONG');
  if (wrong) {
    log(`\n!!! ${reason}\n`);
    if (stack.startsWith('webpeft')) wrongWebpeft.push(`${stack} ${what}: ${reason}`);
  } else log(`  ${stack} ${what}: error: ${reason}`);
  return { status: wrong ? 'wrong' : 'error', reason };
}

/** Single-rep time estimate (ms) from the same case at N = PROBE_N (cost is linear in N for all three kinds). */
async function estimateRepMs(stack: Stack, c: MatmulCase): Promise<number> {
  const small = matmulCase(c.kind, PROBE_N, c.d, c.r);
  const run = await stack.prepareMatmul(small, matmulData(small, 7));
  try {
    return ((await probe(() => run.run())) * c.N) / PROBE_N;
  } finally {
    run.dispose();
  }
}

/** Split-K count for `variant`: select.ts's splitKSlices for that variant's tiles; where that says 1, the most it would ever pick (⌊K/256⌋ ≤ 64). */
function splitFor(backend: WebGPUBackend, variant: MatmulPlan['variant'], s: MatmulShape): number {
  const tile = variant === 'tiled' ? 32 : 4;
  const units = s.batch * Math.ceil(s.m / tile) * Math.ceil(s.n / tile) * (variant === 'tiled' ? 64 : 1);
  const cap = Math.min(64, Math.max(1, Math.floor(s.k / 256)));
  // CPU drivers: planMatmul no longer splits there; measure the split its earlier rule picked (256 items, K ≥ 512)
  const heuristic = isCpuDriver(backend) ? splitKSlices(units, s.k, 256, 512) : splitKSlices(units, s.k, GPU_SPLIT.want, GPU_SPLIT.minK);
  return heuristic > 1 ? heuristic : cap;
}

/** The webpeft-webgpu plans to measure: blocked/tiled × 1 slice/split-K (just planMatmul's choice with --no-variants). */
function plansFor(backend: WebGPUBackend, shape: MatmulShape, def: MatmulPlan): { label: string; plan: MatmulPlan }[] {
  if (!VARIANTS) return [{ label: `${def.variant}/${def.slices > 1 ? 'split' : '1'}`, plan: def }];
  const out: { label: string; plan: MatmulPlan }[] = [];
  for (const variant of ['blocked', 'tiled'] as const) {
    out.push({ label: `${variant}/1`, plan: { variant, slices: 1 } });
    const split = splitFor(backend, variant, shape);
    if (split > 1) out.push({ label: `${variant}/split`, plan: { variant, slices: split } });
  }
  if (!out.some((p) => p.plan.variant === def.variant && p.plan.slices === def.slices)) out.push({ label: `${def.variant}/default`, plan: def });
  return out;
}

const cellFrom = (stack: StackName, what: string, t: Timing | Error | undefined, flops?: number): Cell => {
  if (!t) return { status: 'error', reason: 'not measured' };
  if (t instanceof Error) return failCell(stack, what, t);
  return flops === undefined ? { status: 'ok', timing: t } : { status: 'ok', timing: t, gflops: flops / (t.medianMs * 1e6) };
};

/** One matmul shape: every stack and every webpeft-webgpu plan, measured interleaved. */
async function matmulShape(wgpu: WebGPUBackend, stacks: readonly Stack[], c: MatmulCase, data: MatmulData): Promise<MatmulResult> {
  const shape: MatmulShape = { m: c.m, n: c.n, k: c.k, batch: 1, transA: c.transA, transB: c.transB };
  const def = planMatmul(wgpu, shape);
  const plans = plansFor(wgpu, shape, def);
  const cells: MatmulResult['cells'] = {};
  const reps = new Map<string, () => Promise<unknown>>();
  /** Products per rep, by rep key (CHAIN for the GPU stacks, else 1). */
  const chainOf = new Map<string, number>();
  const runs: MatmulRun[] = [];
  const verified = (what: string, run: MatmulRun, chain: number) => async () => verifySamples(what, await run.run(chain), data);
  log(`  ${c.label}`);
  for (const s of stacks) {
    try {
      if (CPU_STACKS.has(s.name) && c.flops > PROBE_FLOPS && c.N > PROBE_N) {
        const est = await estimateRepMs(s, c);
        if (est > MAX_REP_MS) {
          const reason = `one rep estimated at ${(est / 1000).toFixed(0)} s (> ${MAX_REP_MS / 1000} s) from N=${PROBE_N}`;
          log(`    ${s.name}: skipped, ${reason}`);
          cells[s.name] = { status: 'skipped', reason };
          continue;
        }
      }
      const run = await s.prepareMatmul(c, data);
      runs.push(run);
      const chain = GPU_STACKS.has(s.name) ? CHAIN : 1;
      if (s.name !== 'webpeft-webgpu') {
        reps.set(s.name, verified(`${s.name} ${c.label}`, run, chain));
        chainOf.set(s.name, chain);
      } else {
        for (const p of plans) {
          const rep = verified(`webpeft-webgpu ${c.label} [${p.plan.variant}, ${p.plan.slices} slice(s)]`, run, chain);
          reps.set(`plan:${p.label}`, async () => {
            setMatmulPlan(wgpu, shape, p.plan);
            await rep();
          });
          chainOf.set(`plan:${p.label}`, chain);
        }
      }
    } catch (e) {
      cells[s.name] = failCell(s.name, c.label, e);
    }
  }
  const measured = await measureInterleaved(reps, MATMUL_TIMING);
  const timings = new Map([...measured].map(([k, t]) => [k, perProduct(t, chainOf.get(k) ?? 1)]));
  for (const r of runs) r.dispose();
  setMatmulPlan(wgpu, shape, def); // back to what planMatmul chose
  const variants: VariantResult[] = plans.map((p) => ({
    plan: p.plan,
    label: p.label,
    isDefault: p.plan.variant === def.variant && p.plan.slices === def.slices,
    cell: cells['webpeft-webgpu'] ?? cellFrom('webpeft-webgpu', `${c.label} [${p.label}]`, timings.get(`plan:${p.label}`), c.flops),
  }));
  for (const s of stacks) {
    if (s.name === 'webpeft-webgpu') cells[s.name] ??= variants.find((v) => v.isDefault)!.cell;
    else cells[s.name] ??= cellFrom(s.name, c.label, timings.get(s.name), c.flops);
  }
  for (const v of variants) log(`    webpeft-webgpu ${`${v.label}${v.plan.slices > 1 ? `×${v.plan.slices}` : ''}${v.isDefault ? ' (default)' : ''}`.padEnd(26)} ${cellText(v.cell, 'gflops')} GFLOP/s`);
  for (const s of stacks.slice(1)) log(`    ${s.name.padEnd(41)} ${cellText(cells[s.name], 'gflops')} GFLOP/s`);
  const ok = variants.filter((v) => v.cell.status === 'ok');
  const best = ok.length ? ok.reduce((a, b) => (b.cell.timing!.medianMs < a.cell.timing!.medianMs ? b : a)) : null;
  const defV = variants.find((v) => v.isDefault);
  return {
    case: c,
    cells,
    defaultPlan: def,
    variants: VARIANTS ? variants : [],
    winner: VARIANTS ? (best?.label ?? null) : null,
    defaultOverWinner: VARIANTS && best && defV ? ratio(best.cell, defV.cell) : null,
  };
}

/** The train step on every stack, LoRA and B-only, each checked on its first step, then measured interleaved. */
async function trainAll(stacks: readonly Stack[]): Promise<TrainResult[]> {
  log('\ntrain step: float64 reference of the first step…');
  const data = trainData(TRAIN, 4242);
  const ref = trainReference(TRAIN, data);
  const reps = new Map<string, () => Promise<unknown>>();
  const runs: TrainRun[] = [];
  const failed = new Map<string, Cell>();
  for (const s of stacks) {
    for (const bOnly of [false, true]) {
      const key = `${s.name}:${bOnly ? 'bOnly' : 'lora'}`;
      const what = `train step ${bOnly ? 'B-only' : 'LoRA'}`;
      try {
        const run = await s.prepareTrain(TRAIN, data, bOnly);
        runs.push(run);
        const loss = await run.step();
        verifyTrainStep(`${s.name} ${what}`, TRAIN, ref, bOnly, { loss, ...(await run.params()) }, data.a);
        reps.set(key, () => run.step());
      } catch (e) {
        failed.set(key, failCell(s.name, what, e));
      }
    }
  }
  const timings = await measureInterleaved(reps, TRAIN_TIMING);
  for (const r of runs) r.dispose();
  return stacks.map((s) => {
    const cell = (kind: 'lora' | 'bOnly') => failed.get(`${s.name}:${kind}`) ?? cellFrom(s.name, `train ${kind}`, timings.get(`${s.name}:${kind}`));
    const lora = cell('lora');
    const bOnly = cell('bOnly');
    log(`  ${s.name.padEnd(15)} LoRA ${cellText(lora, 'ms')} ms/step, B-only ${cellText(bOnly, 'ms')} ms/step`);
    return { stack: s.name, lora, bOnly, bOnlyOverLora: ratio(lora, bOnly) };
  });
}

function cpuFlags(): string {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.split(/\s+/) ?? [];
    return ['avx512f', 'avx2', 'fma', 'neon'].filter((f) => flags.includes(f)).join(' ');
  } catch {
    return '';
  }
}

function version(pkg: string): string {
  try {
    return (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const wgpu = await nodeWebGPUBackend();
  const adapter: Record<string, unknown> = { ...wgpu.report, maxStorageBuffersPerShaderStage: wgpu.limits.maxStorageBuffersPerShaderStage, maxComputeInvocationsPerWorkgroup: wgpu.limits.maxComputeInvocationsPerWorkgroup, maxStorageBufferBindingSize: wgpu.limits.maxStorageBufferBindingSize, cpuDriver: isCpuDriver(wgpu) };
  log(`webpeft-webgpu adapter: ${JSON.stringify(adapter)}`);

  const tf = loadTf();
  const stacks: Stack[] = [webpeftStack('webpeft-webgpu', wgpu)];
  let tfjsWebGPU: BenchReport['tfjsWebGPU'];
  try {
    const init = await initTfjsWebGPU(wgpu.instance as GPU, wgpu.report.featureLevel);
    stacks.push(init.stack);
    tfjsWebGPU = { status: 'ok', adapter: init.adapter };
  } catch (e) {
    tfjsWebGPU = { status: 'unavailable', reason: message(e) };
    log(`tfjs-webgpu unavailable: ${message(e)}`);
  }
  stacks.push(webpeftStack('webpeft-cpu', cpuBackend()), tfjsStack('tfjs-cpu', 'cpu'));
  const unavailable = (): Cell => ({ status: 'error', reason: `tfjs-webgpu unavailable: ${tfjsWebGPU.reason}` });

  const matmul: MatmulResult[] = [];
  if (ONLY !== 'train') {
    const cases = matmulCases(FULL);
    log(`\nmatmul: ${cases.length} shapes`);
    for (const [i, c] of cases.entries()) {
      const m = await matmulShape(wgpu, stacks, c, matmulData(c, 1000 + i));
      m.cells['tfjs-webgpu'] ??= unavailable();
      matmul.push(m);
    }
  }

  const trainResults: TrainResult[] = [];
  if (ONLY !== 'matmul') {
    trainResults.push(...(await trainAll(stacks)));
    if (tfjsWebGPU.status !== 'ok') trainResults.splice(1, 0, { stack: 'tfjs-webgpu', lora: unavailable(), bOnly: unavailable(), bOnlyOverLora: null });
  }

  // ---- targets (the issue's) ----
  const loraRatios = matmul.filter((m) => m.case.lora).map((m) => ratio(m.cells['webpeft-webgpu'], m.cells['tfjs-webgpu']));
  const known = loraRatios.filter((x): x is number => x !== null);
  const byStack = (s: StackName) => trainResults.find((t) => t.stack === s);
  const stepSpeedup = ratio(byStack('webpeft-webgpu')?.lora, byStack('tfjs-cpu')?.lora);
  const bRatio = byStack('webpeft-webgpu')?.bOnlyOverLora ?? null;
  const targets: Target[] = [
    {
      name: 'matmul vs tfjs-webgpu at LoRA shapes',
      goal: '≥ 2× on every LoRA shape',
      measured: known.length ? `${fmt(Math.min(...known))}× – ${fmt(Math.max(...known))}× (${known.filter((x) => x >= 2).length}/${loraRatios.length} shapes ≥ 2×)` : 'not measured',
      met: known.length && known.length === loraRatios.length ? known.every((x) => x >= 2) : null,
    },
    { name: 'LoRA train step vs tfjs-cpu', goal: '≥ 3× faster', measured: stepSpeedup === null ? 'not measured' : `${fmt(stepSpeedup)}×`, met: stepSpeedup === null ? null : stepSpeedup >= 3 },
    { name: 'B-only step ÷ LoRA step (webpeft-webgpu)', goal: '≤ 0.8', measured: bRatio === null ? 'not measured' : fmt(bRatio), met: bRatio === null ? null : bRatio <= 0.8 },
  ];

  const date = new Date().toISOString();
  const report: BenchReport = {
    date,
    mode: FULL ? 'full' : 'default',
    machine: { cpuModel: os.cpus()[0]?.model ?? '?', logicalCpus: os.cpus().length, cpuFlags: cpuFlags(), platform: `${os.platform()} ${os.release()} ${os.arch()}`, node: process.version, totalMemGiB: Math.round(os.totalmem() / 2 ** 30) },
    adapter,
    tfjsWebGPU,
    versions: { webgpu: version('webgpu'), '@tensorflow/tfjs': tf.version.tfjs, '@tensorflow/tfjs-backend-webgpu': version('@tensorflow/tfjs-backend-webgpu') },
    method: `all stacks (and every webpeft-webgpu matmul plan) of one case are measured interleaved, round-robin, after ${MATMUL_TIMING.warmup} warm-up reps each; median of ≥${MATMUL_TIMING.minReps} reps (more, up to ${MATMUL_TIMING.maxReps}, while a candidate's reps add up to under ${MATMUL_TIMING.minTimeMs} ms); train steps likewise (≥${TRAIN_TIMING.minReps} steps, up to ${TRAIN_TIMING.maxReps} while under ${TRAIN_TIMING.minTimeMs} ms). Every rep ends in a small readback (${SAMPLES} sampled entries of C, or the loss after the update was issued) that forces completion; every matmul rep is checked against a float64 reference, and each train stack's first step (loss, A, B) too. Ratios are medians of per-round time ratios (drift cancels); absolute figures are medians. CPU-stack cells estimated above ${MAX_REP_MS / 1000} s per rep (from a run at N=${PROBE_N}) are skipped.${CHAIN > 1 ? ` GPU stacks: ${CHAIN} products per matmul rep before its readback (--chain), times per product.` : ''}`,
    matmul,
    train: { config: { ...TRAIN }, results: trainResults, webgpuOverTfjsCpu: stepSpeedup },
    targets,
    wallSeconds: (performance.now() - started) / 1000,
  };

  const md = renderMarkdown(report);
  process.stdout.write(`\n${md}\n`);
  mkdirSync(OUT, { recursive: true });
  const slug = String(wgpu.report.device || wgpu.report.description || 'adapter').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 32);
  const base = path.join(OUT, `${date.slice(0, 10)}-${slug}-${report.mode}${CHAIN > 1 ? `-chain${CHAIN}` : ''}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${md}\n`);
  log(`\nwrote ${base}.json and ${base}.md`);
  if (wrongWebpeft.length) {
    log(`\nFAILED: webpeft produced wrong results:\n${wrongWebpeft.join('\n')}`);
    process.exit(1);
  }
}

main().then(
  () => process.exit(0), // Dawn keeps the event loop alive
  (e: unknown) => {
    log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
