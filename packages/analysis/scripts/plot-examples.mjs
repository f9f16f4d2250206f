// Writes example plots (built package, no browser) to the folder given as the first argument
// (default: ./plot-examples). Render them with e.g. `rsvg-convert -o x.png x.svg` to check them by eye.
// Run after `npx tsup`: node scripts/plot-examples.mjs [outDir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChartSvg, createRng, heatmapSvg, lineChartSvg } from '../dist/mod.js';

const out = process.argv[2] ?? 'plot-examples';
mkdirSync(out, { recursive: true });
const rng = createRng(1);
const layers = Array.from({ length: 24 }, (_, i) => String(i + 1));

writeFileSync(join(out, 'heatmap-figure1.svg'), heatmapSvg({
  title: 'Similarity of learned A and B across layers',
  subtitle: '(a) random init, same task — mean over 10 seed pairs',
  values: [layers.map(() => 0.05 + 0.1 * rng.uniform()), layers.map((_, i) => 0.6 + 0.35 * rng.uniform() - i * 0.005)],
  rowLabels: ['A', 'B'],
  colLabels: layers,
  xLabel: 'layer',
  yLabel: 'factor',
  colorbarLabel: 'subspace similarity',
}));

const modules = ['blocks.0.attn.qkv', 'blocks.0.attn.proj', 'blocks.1.attn.qkv', 'blocks.1.attn.proj', 'blocks.2.attn.qkv', 'blocks.2.attn.proj'];
writeFileSync(join(out, 'heatmap-layers.svg'), heatmapSvg({
  title: 'Per-layer similarity (ViT, q/v adapters)',
  values: modules.map(() => [rng.uniform(), rng.uniform(), Number.NaN]),
  rowLabels: modules,
  colLabels: ['A (row space)', 'B (column space)', 'missing'],
  xLabel: 'factor',
  yLabel: 'adapted module',
  colorbarLabel: 'similarity',
}));

const methods = ['FT', 'LP', 'LoRA r=8', 'B̂0A_rand r=8', 'B̂0A_rand r=16', 'B_randÂ0 r=8'];
writeFileSync(join(out, 'bars-accuracy.svg'), barChartSvg({
  title: 'RotatedMNIST, trained on 0°: accuracy over 3 seeds',
  subtitle: 'mean ± std',
  categories: ['in-domain', 'out-of-domain', 'train − test gap'],
  series: methods.map((name, i) => ({
    name,
    values: [96 + rng.uniform() * 3, 55 + i * 3 + rng.uniform() * 5, 2 + rng.uniform() * 4],
    errors: [0.3 + rng.uniform(), 1 + rng.uniform() * 2, 0.3 + rng.uniform()],
  })),
  yLabel: 'accuracy (%)',
  xLabel: 'metric',
}));

const steps = Array.from({ length: 300 }, (_, i) => i * 10);
const curve = (floor, rate, noise) => steps.map((s) => floor + 3 * Math.exp(-s * rate) * (1 + noise * (rng.uniform() - 0.5)));
writeFileSync(join(out, 'lines-loss.svg'), lineChartSvg({
  title: 'Least squares, d = 64, r = 4: expected loss during training',
  series: [
    { name: 'B trained, A = Q random', y: curve(0.9, 0.004, 0.1), x: steps },
    { name: 'A trained, B = U random', y: curve(2.2, 0.006, 0.1), x: steps },
    { name: 'LoRA (both)', y: curve(0.7, 0.003, 0.1), x: steps, spread: steps.map(() => 0.05) },
  ],
  references: [{ label: 'Lemma 4.1 optimum L(Q, B*)', y: 0.9 }, { label: 'Lemma 4.2 optimum L(A*, U)', y: 2.2, color: '#aa3377' }],
  logY: true,
  xLabel: 'step',
  yLabel: 'expected loss',
}));

writeFileSync(join(out, 'lines-linear.svg'), lineChartSvg({
  title: 'Short run, linear axes, with a gap (NaN)',
  series: [
    { name: 'train', y: [1, 0.8, 0.7, Number.NaN, 0.55, 0.5, 0.48, 0.47] },
    { name: 'test', y: [1.1, 0.95, 0.9, 0.88, 0.87, 0.87, 0.88, 0.9] },
  ],
  xLabel: 'epoch',
  yLabel: 'loss',
}));
console.log(`wrote 5 SVGs to ${out}`);
