// The demo's outputs: Table 5 in miniature as Markdown, the verdict on the paper's ordering, and
// the SVG charts (accuracy bars with ± std, A/B similarity heatmaps across seeds).
import { type AdapterFactors, barChartSvg, heatmapSvg, meanStd, pairwiseSimilarity } from '@webpeft/analysis';
import type { RunResult } from './finetune.ts';
import type { MethodSpec } from './methods.ts';

export interface Stat {
  readonly mean: number;
  readonly std: number;
}

export interface MethodSummary {
  readonly method: string;
  readonly label: string;
  readonly seeds: number;
  readonly trainable: number;
  readonly trainablePercent: number;
  readonly id: Stat;
  readonly ood: Stat;
  readonly train: Stat;
  /** Train accuracy − in-domain test accuracy (the paper's Table 10 gap). */
  readonly gap: Stat;
}

const stat = (xs: readonly number[]): Stat => {
  const { mean, std } = meanStd(xs);
  return { mean, std };
};

export function summarize(methods: readonly MethodSpec[], results: readonly RunResult[]): MethodSummary[] {
  return methods.map((m) => {
    const rs = results.filter((r) => r.method === m.id);
    const first = rs[0]!;
    return {
      method: m.id, label: m.label, seeds: rs.length, trainable: first.trainable, trainablePercent: (100 * first.trainable) / first.totalParams,
      id: stat(rs.map((r) => 100 * r.idAcc)), ood: stat(rs.map((r) => 100 * r.oodAcc)), train: stat(rs.map((r) => 100 * r.trainAcc)),
      gap: stat(rs.map((r) => 100 * (r.trainAcc - r.idAcc))),
    };
  });
}

const pm = (s: Stat, d = 1): string => `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)}`;

export function markdownTable(rows: readonly MethodSummary[]): string {
  const head = '| method | trainable params | ID acc % | OOD acc % (mean of other domains) | train acc % | gap (train − ID) |\n| --- | ---: | ---: | ---: | ---: | ---: |';
  const body = rows.map((r) => `| ${r.label} | ${r.trainable.toLocaleString('en-US')} (${r.trainablePercent.toFixed(2)}%) | ${pm(r.id)} | ${pm(r.ood)} | ${pm(r.train)} | ${pm(r.gap)} |`);
  return [head, ...body].join('\n');
}

export interface Verdict {
  readonly checks: readonly { readonly claim: string; readonly held: boolean | null; readonly detail: string }[];
  readonly text: string;
}

/** Whether the paper's ordering held: B-only ≥ LoRA > A-only out of domain; a smaller gap for B-only. Reported as measured. */
export function verdict(rows: readonly MethodSummary[]): Verdict {
  const get = (id: string): MethodSummary | undefined => rows.find((r) => r.method === id);
  const lora = get('lora-r8');
  const aOnly = get('a-only-r8');
  const bOnly = ['b-only-r8', 'b-only-r16'].map(get).filter((x): x is MethodSummary => !!x);
  const checks: { claim: string; held: boolean | null; detail: string }[] = [];
  const cmp = (claim: string, x: MethodSummary | undefined, y: MethodSummary | undefined, key: 'ood' | 'gap', better: 'higher' | 'lower', orEqual: boolean): void => {
    if (!x || !y) return void checks.push({ claim, held: null, detail: 'not run' });
    const dx = x[key].mean;
    const dy = y[key].mean;
    const diff = dx - dy;
    const noise = Math.max(x[key].std, y[key].std);
    const held = better === 'higher' ? (orEqual ? diff >= -noise : diff > 0) : orEqual ? diff <= noise : diff < 0;
    const within = Math.abs(diff) <= noise ? ' (within one std: not distinguishable at this size)' : '';
    checks.push({ claim, held, detail: `${x.label} ${pm(x[key])} vs ${y.label} ${pm(y[key])}: difference ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} points${within}` });
  };
  for (const b of bOnly) cmp(`${b.label} ≥ LoRA r=8 out of domain`, b, lora, 'ood', 'higher', true);
  cmp('LoRA r=8 > A-only r=8 out of domain', lora, aOnly, 'ood', 'higher', false);
  for (const b of bOnly) cmp(`${b.label} has a smaller train–test gap than LoRA r=8`, b, lora, 'gap', 'lower', false);
  const decided = checks.filter((c) => c.held !== null);
  const all = decided.length > 0 && decided.every((c) => c.held);
  const none = decided.every((c) => !c.held);
  const lines = checks.map((c) => `- [${c.held === null ? 'n/a' : c.held ? 'held' : 'did not hold'}] ${c.claim}: ${c.detail}`);
  const head = all ? "The paper's ordering held in this run." : none ? "The paper's ordering did not hold in this run." : "The paper's ordering held only in part in this run.";
  return { checks, text: [head, ...lines, '("≥" counts a difference within one standard deviation as holding; ">" and "smaller" need the means to differ in the stated direction.)'].join('\n') };
}

export function accuracySvg(rows: readonly MethodSummary[], subtitle: string): string {
  return barChartSvg({
    title: 'Table 5 in miniature: accuracy on RotatedMNIST (mean ± std over seeds)', subtitle,
    categories: ['in-domain', 'out-of-domain (mean)', 'train − ID gap'],
    series: rows.map((r) => ({ name: r.label, values: [r.id.mean, r.ood.mean, r.gap.mean], errors: [r.id.std, r.ood.std, r.gap.std] })),
    yLabel: 'accuracy / gap (%)', width: 980, height: 520,
  });
}

export interface SimilarityBlock {
  readonly label: string;
  readonly layers: readonly string[];
  readonly A: readonly number[];
  readonly B: readonly number[];
}

/** Per-layer A/B similarity across seeds for each method (Figure 1 (a): same task, different random inits). */
export function seedSimilarity(label: string, adapters: readonly AdapterFactors[]): SimilarityBlock {
  const p = pairwiseSimilarity(adapters);
  return { label, layers: p.layers, A: p.A, B: p.B };
}

export function shortLayer(path: string): string {
  const m = /layer\.(\d+)\..*\.(\w+)$/.exec(path);
  return m ? `L${m[1]} ${m[2]}` : path;
}

export function similarityHeatmap(blocks: readonly SimilarityBlock[], title: string, subtitle: string): string {
  const values = blocks.flatMap((b) => [[...b.A], [...b.B]]);
  return heatmapSvg({
    title, subtitle, values, rowLabels: blocks.flatMap((b) => [`${b.label}: A`, `${b.label}: B`]), colLabels: blocks[0]!.layers.map(shortLayer),
    min: 0, max: 1, xLabel: 'adapted layer', colorbarLabel: 'subspace similarity', width: 260 + 90 * blocks[0]!.layers.length, height: 140 + 36 * values.length,
  });
}
