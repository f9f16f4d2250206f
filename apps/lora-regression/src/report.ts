// Results as text (a Markdown table and an ASCII loss curve) and as an SVG plot.
import type { Method } from './adapter.ts';
import type { ExperimentResult } from './train.ts';

const MARKS: Readonly<Record<Method, string>> = { lora: 'L', 'b-only': 'B', 'a-only': 'A' };
const COLORS: Readonly<Record<Method, string>> = { lora: '#1f77b4', 'b-only': '#d62728', 'a-only': '#2ca02c' };

function fmt(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(4);
}

/** Markdown table: one row per method. */
export function resultsTable(r: ExperimentResult): string {
  const head = ['method', 'trainable', 'initial loss', 'final loss', 'best reachable', 'final / initial'];
  const rows = r.results.map((m) => [m.label, String(m.trainableParams), fmt(m.initialLoss), fmt(m.finalLoss), fmt(m.optimumLoss), `${((100 * m.finalLoss) / m.initialLoss).toFixed(1)}%`]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

function logRange(r: ExperimentResult): [number, number] {
  const all = r.results.flatMap((m) => m.lossCurve).filter((v) => v > 0 && Number.isFinite(v));
  let lo = Math.log10(Math.min(r.noiseFloor > 0 ? r.noiseFloor : Infinity, ...all));
  let hi = Math.log10(Math.max(...all));
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = 0.03 * (hi - lo); // keep the floor line and the start off the frame
  return [lo - pad, hi + pad];
}

/** Loss (log scale) against step, one letter per method: L = LoRA, B = B-only, A = A-only. */
export function asciiChart(r: ExperimentResult, width = 64, height = 14): string {
  const [lo, hi] = logRange(r);
  const steps = r.config.steps;
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  const rowOf = (v: number) => Math.round(((hi - Math.log10(v)) / (hi - lo)) * (height - 1));
  if (r.noiseFloor > 0) grid[rowOf(r.noiseFloor)]!.fill('·');
  for (const m of r.results) {
    for (let col = 0; col < width; col++) {
      const v = m.lossCurve[Math.round((col / (width - 1)) * steps)]!;
      const row = grid[Math.min(height - 1, Math.max(0, rowOf(v)))]!;
      const here = row[col]!;
      row[col] = here === ' ' || here === '·' ? MARKS[m.method] : here === MARKS[m.method] ? here : '*';
    }
  }
  const label = (row: number) => (10 ** (hi - (row / (height - 1)) * (hi - lo))).toPrecision(2).padStart(8);
  const lines = grid.map((cells, row) => `${row % 3 === 0 || row === height - 1 ? label(row) : ' '.repeat(8)} ┤${cells.join('')}`);
  const axis = `${' '.repeat(9)}└${'─'.repeat(width)}`;
  const ticks = `${' '.repeat(10)}0${String(steps).padStart(width - 1)}`;
  const legend = `${' '.repeat(10)}step → (log loss; L = LoRA, B = B-only, A = A-only, * = overlap, · = noise floor σ²)`;
  return [...lines, axis, ticks, legend].join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A standalone SVG line plot of the expected loss per method (log y axis). */
export function lossCurveSvg(r: ExperimentResult, width = 720, height = 440): string {
  const m = { left: 70, right: 220, top: 40, bottom: 50 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const [lo, hi] = logRange(r);
  const steps = r.config.steps;
  const x = (step: number) => m.left + (step / steps) * pw;
  const y = (v: number) => m.top + ((hi - Math.log10(v)) / (hi - lo)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  const c = r.config;
  out.push(`<text x="${m.left}" y="24" font-size="14">Synthetic low-rank regression: d=${c.dIn}, rank(Δ)=${c.deltaRank}, r=${c.rank}, α=${c.alpha}, input rank ${c.inputRank}, seed ${c.seed}</text>`);
  // decade gridlines and labels
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const mult of [1, 2, 5]) {
      const v = mult * 10 ** e;
      const lv = Math.log10(v);
      if (lv < lo - 1e-9 || lv > hi + 1e-9) continue;
      out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${mult === 1 ? '#ccc' : '#eee'}"/>`);
      out.push(`<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toPrecision(1)}</text>`);
    }
  }
  for (let i = 0; i <= 5; i++) {
    const s = Math.round((i / 5) * steps);
    out.push(`<line x1="${x(s).toFixed(1)}" x2="${x(s).toFixed(1)}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="#333"/>`);
    out.push(`<text x="${x(s).toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle">${s}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${height - 12}" text-anchor="middle">SGD step</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">expected loss (log scale)</text>`);
  if (r.noiseFloor > 0) out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y(r.noiseFloor).toFixed(1)}" y2="${y(r.noiseFloor).toFixed(1)}" stroke="#888" stroke-dasharray="4 4"/>`);
  r.results.forEach((res, i) => {
    const pts = res.lossCurve.map((v, s) => `${x(s).toFixed(1)},${y(Math.max(v, 10 ** lo)).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${COLORS[res.method]}" stroke-width="2" points="${pts}"/>`);
    const ly = m.top + 10 + i * 36;
    out.push(`<line x1="${m.left + pw + 14}" x2="${m.left + pw + 40}" y1="${ly}" y2="${ly}" stroke="${COLORS[res.method]}" stroke-width="2"/>`);
    out.push(`<text x="${m.left + pw + 46}" y="${ly + 4}">${esc(res.method)}: ${res.finalLoss.toFixed(4)}</text>`);
    out.push(`<text x="${m.left + pw + 46}" y="${ly + 18}" fill="#666" font-size="10">${esc(res.label)}</text>`);
  });
  const ny = m.top + 10 + r.results.length * 36;
  out.push(`<line x1="${m.left + pw + 14}" x2="${m.left + pw + 40}" y1="${ny}" y2="${ny}" stroke="#888" stroke-dasharray="4 4"/>`);
  out.push(`<text x="${m.left + pw + 46}" y="${ny + 4}">noise floor σ² = ${r.noiseFloor.toPrecision(2)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
