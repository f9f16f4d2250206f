import { describe, expect, it } from 'vitest';
import { AnalysisError } from './errors.ts';
import { barChartSvg } from './plot/bars.ts';
import { heatmapSvg } from './plot/heatmap.ts';
import { lineChartSvg } from './plot/lines.ts';
import { meanStd } from './stats.ts';
import { decimalsFor, esc, formatTick, logTicks, niceTicks, viridis } from './plot/svg.ts';

/** Minimal XML well-formedness check: every tag closes in order, attributes are quoted, no stray '<' or '&'. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const text = svg.slice(last, m.index);
    expect(text, `text before <${m[2]}>`).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
    last = tag.lastIndex;
    if (m[1]) expect(stack.pop(), `closing </${m[2]}>`).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]!);
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('axis helpers', () => {
  it('niceTicks: 1/2/2.5/5 steps covering the range; formatTick prints them exactly', () => {
    expect(niceTicks(0, 1, 4)).toEqual({ ticks: [0, 0.25, 0.5, 0.75, 1], min: 0, max: 1, step: 0.25 });
    expect(niceTicks(0.13, 0.87, 5).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 17, 5).ticks).toEqual([-5, 0, 5, 10, 15, 20]);
    expect(niceTicks(2, 2).ticks.length).toBeGreaterThan(1); // flat data still gets an axis
    expect([0, 0.25, 0.5, 0.75, 1].map((v) => formatTick(v, 0.25))).toEqual(['0', '0.25', '0.50', '0.75', '1.00']);
    expect(formatTick(2e-5, 1e-5)).toBe('2e-5');
    expect(formatTick(3_000_000, 1_000_000)).toBe('3e6');
    expect(decimalsFor(0.25)).toBe(2);
    expect(decimalsFor(20)).toBe(0);
  });
  it('logTicks: 1-2-3-5 ticks within the padded data range; decades past three decades', () => {
    expect(logTicks(0.7, 5).ticks).toEqual([1, 2, 3, 5]);
    expect(logTicks(1e-3, 10).ticks).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(() => logTicks(0, 1)).toThrow(AnalysisError);
  });
  it('viridis ends and escaping', () => {
    expect(viridis(0)).toBe('#440154');
    expect(viridis(1)).toBe('#fde725');
    expect(viridis(Number.NaN)).toBe('#440154');
    expect(esc(`a<b & "c"`)).toBe('a&lt;b &amp; &quot;c&quot;');
  });
});

describe('heatmapSvg', () => {
  const values = [[0, 0.5, 1], [0.25, Number.NaN, 0.75]];
  const svg = heatmapSvg({ title: 'Similarity <A & B>', values, rowLabels: ['A', 'B'], colLabels: ['L1', 'L2', 'L3'], xLabel: 'layer', yLabel: 'factor', colorbarLabel: 'subspace similarity', annotate: true });
  it('is well-formed, titled, labelled on both axes, with a colour bar and legend label', () => {
    expectWellFormed(svg);
    const t = texts(svg);
    expect(t).toContain('Similarity &lt;A &amp; B&gt;');
    for (const l of ['A', 'B', 'L1', 'L2', 'L3', 'layer', 'factor', 'subspace similarity', '0', '0.50', '1.00']) expect(t).toContain(l);
    expect(svg).toContain('<linearGradient');
  });
  it('one cell per value, coloured by viridis on [0, 1]; NaN is a grey "n/a" cell', () => {
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(6);
    expect(svg).toContain(`fill="${viridis(0)}"><title>A · L1: 0.000`);
    expect(svg).toContain(`fill="${viridis(1)}"><title>A · L3: 1.000`);
    expect(svg).toContain('fill="#dddddd"><title>B · L2: n/a');
    expect(texts(svg)).toEqual(expect.arrayContaining(['0.00', '0.50', '1.00', '0.25', 'n/a', '0.75']));
  });
  it('a data range outside [0, 1] sets the scale (or min/max do); many columns thin the labels', () => {
    const wide = heatmapSvg({ values: [Array.from({ length: 60 }, (_, j) => j - 10)], colLabels: Array.from({ length: 60 }, (_, j) => `layer ${j}`) });
    expectWellFormed(wide);
    expect(wide).toContain(`fill="${viridis(0)}"><title>0 · layer 0: -10.000`);
    expect(texts(wide).filter((t) => t.startsWith('layer ')).length).toBeLessThan(60);
    expect(heatmapSvg({ values: [[5]], min: 0, max: 10 })).toContain(`fill="${viridis(0.5)}"`);
  });
  it('rejects ragged values and label counts that do not match', () => {
    expect(() => heatmapSvg({ values: [[1, 2], [3]] })).toThrow(/ragged/);
    expect(() => heatmapSvg({ values: [[1, 2]], colLabels: ['x'] })).toThrow(/1 column labels for 2 columns/);
    expect(() => heatmapSvg({ values: [] })).toThrow(AnalysisError);
  });
});

describe('barChartSvg', () => {
  const series = [
    { name: 'LoRA r=8', values: [97.1, 56.4], errors: [0.4, 2.1] },
    { name: 'B̂0A_rand r=8', values: [96.8, 75.8], errors: [0.3, 1.2] },
    { name: 'B_randÂ0 r=8', values: [95.0, Number.NaN] },
  ];
  const svg = barChartSvg({ title: 'Accuracy', categories: ['in-domain', 'out-of-domain'], series, yLabel: 'accuracy (%)', xLabel: 'split', showValues: true });
  it('is well-formed with a legend entry per series, category and axis labels, y ticks', () => {
    expectWellFormed(svg);
    const t = texts(svg);
    for (const l of ['Accuracy', 'in-domain', 'out-of-domain', 'accuracy (%)', 'split', 'LoRA r=8', 'B̂0A_rand r=8', 'B_randÂ0 r=8', '0', '100']) expect(t).toContain(l);
  });
  it('draws one bar per finite value, an error bar per error, and "n/a" for a missing value', () => {
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(5);
    expect(svg.match(/<path d="M[^"]*V[^"]*H/g)).toHaveLength(4);
    expect(texts(svg)).toContain('n/a');
    expect(svg).toContain('<title>B̂0A_rand r=8 · out-of-domain: 75.80 ± 1.20</title>');
    expect(texts(svg)).toContain('75.8');
  });
  it('meanStd gives the bar and its error bar from per-seed values (sample std)', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(meanStd([7])).toEqual({ mean: 7, std: 0, n: 1 });
    expect(() => meanStd([])).toThrow(AnalysisError);
  });
  it('rejects series whose lengths do not match the categories', () => {
    expect(() => barChartSvg({ categories: ['a', 'b'], series: [{ name: 's', values: [1] }] })).toThrow(/1 values for 2 categories/);
    expect(() => barChartSvg({ categories: ['a'], series: [{ name: 's', values: [1], errors: [1, 2] }] })).toThrow(/errors/);
  });
});

describe('lineChartSvg', () => {
  it('draws each series (broken at NaN), reference lines, legend, and ticked axes', () => {
    const svg = lineChartSvg({
      title: 'Loss',
      series: [{ name: 'train', y: [1, 0.8, Number.NaN, 0.5, 0.4] }, { name: 'test', x: [0, 1, 2, 3, 4], y: [1.1, 1, 0.9, 0.9, 0.95], spread: [0.1, 0.1, 0.1, 0.1, 0.1] }],
      references: [{ label: 'closed form', y: 0.45 }],
      xLabel: 'epoch',
      yLabel: 'loss',
    });
    expectWellFormed(svg);
    const t = texts(svg);
    for (const l of ['Loss', 'epoch', 'loss', 'train', 'test', 'closed form', '0', '4']) expect(t).toContain(l);
    expect(svg.match(/<path d="M[^"]*" fill="none"/g)).toHaveLength(3); // train in two runs + test
    expect(svg).toContain('fill-opacity="0.15"'); // the ± band
    expect(svg.match(/stroke-dasharray="5 4"><title>closed form/g)).toHaveLength(1);
  });
  it('log y axis: drops non-positive points, labels decades', () => {
    const svg = lineChartSvg({ series: [{ name: 'loss', y: [100, 10, 1, 0, 0.01, 0.001] }], logY: true });
    expectWellFormed(svg);
    expect(texts(svg)).toEqual(expect.arrayContaining(['0.001', '0.01', '0.1', '1', '10', '100']));
    expect(() => lineChartSvg({ series: [{ name: 'x', y: [0, -1] }], logY: true })).toThrow(/log y axis needs values > 0/);
  });
  it('thins long series and rejects mismatched x/y', () => {
    const long = lineChartSvg({ series: [{ name: 'long', y: Array.from({ length: 20_000 }, (_, i) => 1 / (i + 1)) }], maxPoints: 500 });
    expectWellFormed(long);
    expect(long.length).toBeLessThan(40_000);
    expect(() => lineChartSvg({ series: [{ name: 's', x: [1, 2], y: [1] }] })).toThrow(/2 x values and 1 y values/);
    expect(() => lineChartSvg({ series: [] })).toThrow(AnalysisError);
  });
});

describe('subtitle wrapping', () => {
  it('wraps a long subtitle to the plot width instead of clipping it', async () => {
    const { wrapText, textWidth } = await import('./plot/svg.ts');
    const text = 'pretrained on 0°, fine-tuned on 45° (2000 images, 250 steps), 3 seed(s); backend: wasm — WebAssembly SIMD, 2 threads; WebGPU adapter seen: llvmpipe';
    const lines = wrapText(text, 12, 400);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(text);
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(400);
  });
});
