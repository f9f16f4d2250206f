// `bounds`: Lemma 4.5 for the ViT's adapted layers (query/value): the information-theoretic
// generalization bound of tuning BA, B only or A only, trainable parameters, and the largest rank
// B-only (or A-only) may use with a bound no larger than LoRA's at rank r.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LayerShape, type Tuned, equalBoundRank, generalizationBound, parameterCount } from '@webpeft/analysis';
import type { ViTForImageClassification } from '@webpeft/models';
import { fromPretrained } from '@webpeft/models/node';
import { Linear } from '@webpeft/nn';
import type { CommandContext, MainOutcome } from './main.ts';
import { TARGET_MODULES } from './methods.ts';

export interface BoundRow {
  readonly adapter: string;
  readonly tuned: Tuned;
  readonly r: number;
  readonly params: number;
  readonly bound: number;
}

/** [d_in, d_out] of every Linear whose name ends in one of the target names. */
export function targetLayers(model: ViTForImageClassification, targets: readonly string[] = TARGET_MODULES): { names: string[]; layers: LayerShape[] } {
  const names: string[] = [];
  const layers: LayerShape[] = [];
  for (const [name, m] of model.namedModules()) {
    if (m instanceof Linear && targets.some((t) => name === t || name.endsWith(`.${t}`))) {
      names.push(name);
      layers.push([m.inFeatures, m.outFeatures]);
    }
  }
  return { names, layers };
}

export function boundRows(layers: readonly LayerShape[], o: { r: number; q: number; sigma: number; n: number }): { rows: BoundRow[]; bOnlyRank: number; aOnlyRank: number } {
  const row = (adapter: string, tuned: Tuned, r: number): BoundRow => ({ adapter, tuned, r, params: parameterCount({ r, layers, tuned }).total, bound: generalizationBound({ r, q: o.q, sigma: o.sigma, n: o.n, layers, tuned }) });
  const bOnlyRank = equalBoundRank({ r: o.r, layers, from: 'BA', to: 'B' });
  const aOnlyRank = equalBoundRank({ r: o.r, layers, from: 'BA', to: 'A' });
  return {
    rows: [row(`LoRA r=${o.r}`, 'BA', o.r), row(`B-only r=${o.r}`, 'B', o.r), row(`A-only r=${o.r}`, 'A', o.r), row(`B-only r=${bOnlyRank} (equal bound)`, 'B', bOnlyRank), row(`A-only r=${aOnlyRank} (equal bound)`, 'A', aOnlyRank)],
    bOnlyRank, aOnlyRank,
  };
}

export async function runBounds(ctx: CommandContext): Promise<MainOutcome> {
  const n = ctx.cli.numbers;
  const o = { r: n['r'] ?? 8, q: n['q'] ?? 32, sigma: n['sigma'] ?? 1, n: n['n'] ?? 2000 };
  const { model } = await fromPretrained(ctx.checkpoint, { imageProcessor: false, log: null });
  const { names, layers } = targetLayers(model as ViTForImageClassification);
  if (!layers.length) throw new Error(`no ${TARGET_MODULES.join('/')} layers in ${ctx.checkpoint}`);
  const { rows, bOnlyRank, aOnlyRank } = boundRows(layers, o);
  ctx.log(`Lemma 4.5 on ${names.length} adapted layers of ${ctx.checkpoint} (${names.map((x, i) => `${x} [${layers[i]![0]}→${layers[i]![1]}]`).join(', ')}), q = ${o.q} bits, σ = ${o.sigma}, n = ${o.n}`);
  const table = ['| adapter | trained | rank | trainable params | bound on |gen| |', '| --- | :---: | ---: | ---: | ---: |', ...rows.map((r) => `| ${r.adapter} | ${r.tuned} | ${r.r} | ${r.params} | ${r.bound.toFixed(4)} |`)].join('\n');
  const note = `At LoRA r=${o.r}'s bound, B-only may use rank ${bOnlyRank} and A-only rank ${aOnlyRank} (the bound squared is proportional to the parameter count r·Σ D_i; these layers are square, so B-only gets 2r).`;
  await mkdir(ctx.dir, { recursive: true });
  const files = { table: join(ctx.dir, 'bounds.md'), json: join(ctx.dir, 'bounds.json') };
  await writeFile(files.table, `# Lemma 4.5 for ${ctx.checkpoint}\n\n${table}\n\n${note}\n`);
  await writeFile(files.json, `${JSON.stringify({ options: o, layers: names.map((name, i) => ({ name, dIn: layers[i]![0], dOut: layers[i]![1] })), rows, bOnlyRank, aOnlyRank }, null, 2)}\n`);
  ctx.log(['', table, '', note, '', `Wrote ${Object.values(files).join(', ')}`].join('\n'));
  return { exitCode: 0, dir: ctx.dir, summary: { rows, bOnlyRank, aOnlyRank } };
}
