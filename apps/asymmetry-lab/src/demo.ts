// `demo`, the main job: the paper's Table 5 in miniature. The project's pretrained ViT is
// fine-tuned on one RotatedMNIST domain with each method over several seeds; accuracy in-domain
// and on the other domains, the train–test gap, trainable parameters, and the A/B similarity
// of the learned adapters across seeds. Finished runs are skipped when rerun (resume).
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdapterFactors } from '@webpeft/analysis';
import { loadAdapterFactors } from '@webpeft/analysis/node';
import { type FinetuneSettings, type RunResult, finetuneRun } from './finetune.ts';
import type { CommandContext, MainOutcome } from './main.ts';
import { METHODS, type MethodSpec, TARGET_MODULES, methodById } from './methods.ts';
import { type SimilarityBlock, accuracySvg, markdownTable, seedSimilarity, shortLayer, similarityHeatmap, summarize, verdict } from './report.ts';
import { rotatedMnist } from './task.ts';

export interface DemoSettings extends Omit<FinetuneSettings, 'checkpoint'> {
  readonly seeds: number;
  readonly methods: readonly string[];
}

export const DEMO_DEFAULTS: DemoSettings = { domain: '45', trainSize: 2000, evalPerDomain: 600, steps: 250, batchSize: 64, checkpointEvery: 50, seeds: 3, methods: METHODS.map((m) => m.id) };
export const QUICK: Partial<DemoSettings> = { trainSize: 64, evalPerDomain: 32, steps: 2, batchSize: 16, checkpointEvery: 1, seeds: 1 };

export function demoSettings(ctx: CommandContext): DemoSettings {
  const n = ctx.cli.numbers;
  const base = { ...DEMO_DEFAULTS, ...(ctx.cli.quick ? QUICK : {}) };
  return {
    ...base,
    seeds: n['seeds'] ?? base.seeds, steps: n['steps'] ?? base.steps, batchSize: n['batch'] ?? base.batchSize,
    trainSize: n['train-size'] ?? base.trainSize, evalPerDomain: n['eval-per-domain'] ?? base.evalPerDomain,
    checkpointEvery: Math.min(base.checkpointEvery, n['steps'] ?? base.steps), domain: ctx.cli.strings['domain'] ?? base.domain,
    methods: ctx.cli.strings['methods']?.split(',').map((s) => s.trim()).filter(Boolean) ?? base.methods,
  };
}

async function checkConfig(dir: string, config: unknown): Promise<void> {
  const file = join(dir, 'config.json');
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (existsSync(file)) {
    const old = await readFile(file, 'utf8');
    if (old !== text) throw new Error(`${dir} holds a run with another configuration (see its config.json); pass --fresh to start over or --name to use another folder`);
    return;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, text);
}

export async function runDemo(ctx: CommandContext): Promise<MainOutcome> {
  const s = demoSettings(ctx);
  const methods: MethodSpec[] = s.methods.map(methodById);
  const { dir, log } = ctx;
  await checkConfig(dir, { checkpoint: ctx.checkpoint, ...s, lrs: Object.fromEntries(methods.map((m) => [m.id, m.lr])) });
  const events = join(dir, 'log.jsonl');
  const event = (e: Record<string, unknown>): Promise<void> => appendFile(events, `${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
  const started = performance.now();
  const data = await rotatedMnist();
  const others = data.environments.filter((e) => e !== s.domain);
  log(`Fine-tuning the pretrained ViT (${ctx.checkpoint}) on the ${s.domain}° domain of ${data.name}: ${s.trainSize} images, ${s.steps} steps of ${s.batchSize}, ` +
    `${s.seeds} seed(s), adapters on ${TARGET_MODULES.join('/')}; accuracy on ${s.evalPerDomain} held-out images per domain, OOD = mean over ${others.map((o) => `${o}°`).join(', ')}`);
  await event({ event: 'start', backend: ctx.backendLine, settings: s });
  const results: RunResult[] = [];
  const total = methods.length * s.seeds;
  let k = 0;
  for (const method of methods) {
    for (let seed = 0; seed < s.seeds; seed++) {
      k++;
      const runDir = join(dir, 'runs', method.id, `seed-${seed}`);
      const finished = existsSync(join(runDir, 'result.json'));
      const r = await finetuneRun(data, method, seed, { ...s, checkpoint: ctx.checkpoint }, runDir, ctx.progress());
      results.push(r);
      const how = finished ? 'skipped (finished earlier)' : r.resumedFrom !== null ? `resumed from step ${r.resumedFrom}, ${r.seconds.toFixed(1)} s` : `${r.seconds.toFixed(1)} s`;
      log(`[${k}/${total}] ${method.label}, seed ${seed}: ID ${(100 * r.idAcc).toFixed(1)}%, OOD ${(100 * r.oodAcc).toFixed(1)}%, train ${(100 * r.trainAcc).toFixed(1)}%, ${r.trainable} trainable — ${how}`);
      await event({ event: finished ? 'skipped' : 'finished', method: method.id, seed, result: r });
    }
  }
  const rows = summarize(methods, results);
  const table = markdownTable(rows);
  const v = verdict(rows);
  const blocks: SimilarityBlock[] = [];
  if (s.seeds >= 2) {
    for (const m of methods.filter((x) => x.factors)) {
      const adapters: AdapterFactors[] = [];
      for (let seed = 0; seed < s.seeds; seed++) adapters.push(await loadAdapterFactors(join(dir, 'runs', m.id, `seed-${seed}`, 'adapter')));
      blocks.push(seedSimilarity(m.label, adapters));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const subtitle = `pretrained on 0°, fine-tuned on ${s.domain}° (${s.trainSize} images, ${s.steps} steps), ${s.seeds} seed(s); ${ctx.backendLine.slice(0, 90)}`;
  const files: Record<string, string> = { table: join(dir, 'results.md'), json: join(dir, 'results.json'), chart: join(dir, 'accuracy.svg'), log: events };
  await writeFile(files.chart!, accuracySvg(rows, subtitle));
  if (blocks.length) {
    files['similarity'] = join(dir, 'similarity-across-seeds.svg');
    await writeFile(files['similarity'], similarityHeatmap(blocks, 'Learned A and B across seeds (same task), per layer — Figure 1 (a)', `each cell: mean subspace similarity over seed pairs; ${subtitle}`));
  }
  const md = [
    `# Table 5 in miniature — RotatedMNIST, ViT pretrained on 0°, fine-tuned on ${s.domain}°`, '', ctx.backendLine, '',
    table, '', `OOD = mean accuracy over the ${others.map((o) => `${o}°`).join(', ')} domains; ID = held-out images of ${s.domain}°. Mean ± std over ${s.seeds} seed(s).`, '',
    '## Did the paper\'s ordering hold?', '', v.text, '',
    ...(blocks.length ? ['## A/B similarity across seeds (Figure 1 (a))', '', `| method | ${blocks[0]!.layers.map(shortLayer).join(' | ')} |`, '| --- |' + blocks[0]!.layers.map(() => ' ---: |').join(''),
      ...blocks.flatMap((b) => [`| ${b.label} A | ${b.A.map((x) => x.toFixed(2)).join(' | ')} |`, `| ${b.label} B | ${b.B.map((x) => x.toFixed(2)).join(' | ')} |`]), ''] : []),
  ].join('\n');
  await writeFile(files.table!, `${md}\n`);
  await writeFile(files.json!, `${JSON.stringify({ createdAt: new Date().toISOString(), backend: ctx.backendLine, settings: s, seconds, summary: rows, verdict: v.checks, similarity: blocks, runs: results }, null, 2)}\n`);
  await event({ event: 'end', seconds });
  log(['', table, '', v.text, '', `Wrote ${Object.values(files).join(', ')} (${seconds.toFixed(0)} s)`].join('\n'));
  return { exitCode: 0, dir, summary: { rows, verdict: v, blocks } };
}
