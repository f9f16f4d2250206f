// Shared pieces of the SVG plots: escaping, "nice" tick positions and labels, palettes, the
// viridis colour map, and the document wrapper. Pure string generation, no DOM, no browser.
import { AnalysisError } from '../errors.ts';

/** Options every plot takes. */
export interface PlotOptions {
  readonly title?: string;
  /** A second, smaller line under the title (e.g. the setting or the seeds). */
  readonly subtitle?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Pixel size of the whole figure (each plot has its own default). */
  readonly width?: number;
  readonly height?: number;
}

/** Font stack: DejaVu Sans is what headless renderers (librsvg, resvg) usually have. */
export const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** Okabe–Ito colour-blind-safe palette (yellow moved last: it is faint on white). */
export const PALETTE: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933'];

/** Dash patterns that tell series apart without colour. */
export const DASHES: readonly string[] = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4'];

/** Text-safe for SVG content and attributes. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Rough rendered width of `text` in pixels (DejaVu Sans averages ~0.6 em per character). */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.6;
}

/** A number printed to n decimals without "-0" or float noise. */
export function fixed(v: number, decimals: number): string {
  const s = v.toFixed(Math.max(0, Math.min(20, decimals)));
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A tick label for `v` on an axis with spacing `step`: plain decimals, or e-notation for very large/small magnitudes. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) {
    const s = v.toExponential(Math.max(0, Math.min(6, Math.round(Math.log10(a) - Math.log10(Math.abs(step))))));
    return s.replace(/\.?0+e/, 'e').replace('e+', 'e');
  }
  return fixed(v, decimalsFor(step));
}

/** The fewest decimals that print every multiple of `step` exactly (0.25 → 2, 0.5 → 1, 20 → 0). */
export function decimalsFor(step: number): number {
  const a = Math.abs(step);
  if (!(a > 0) || !Number.isFinite(a)) return 0;
  for (let d = 0; d <= 12; d++) {
    const scaled = a * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 12;
}

/** Evenly spaced "nice" ticks (1, 2, 2.5, 5 × 10^k) covering [min, max]; the domain is widened to the outer ticks. */
export function niceTicks(min: number, max: number, count = 5): { ticks: number[]; min: number; max: number; step: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new AnalysisError(`niceTicks: the range must be finite, got [${min}, ${max}]`);
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0; lo + k * step <= hi + step * 1e-9; k++) ticks.push(Number((lo + k * step).toPrecision(12)));
  return { ticks, min: lo, max: hi, step };
}

/**
 * A log axis over [min, max] (both > 0): the domain is the data range padded by 10% (in ratio),
 * ticks at 1, 2, 3, 5 × 10^k inside it (1, 2, 5 past 1.2 decades, decades only past 3; every
 * 1…9 × 10^k when that leaves fewer than three).
 */
export function logTicks(min: number, max: number): { ticks: number[]; min: number; max: number } {
  if (!(min > 0) || !(max > 0)) throw new AnalysisError(`logTicks: a log axis needs positive values, got [${min}, ${max}]`);
  if (max < min) [min, max] = [max, min];
  const lo = min / 1.1;
  const hi = max * 1.1;
  const pick = (mults: readonly number[]): number[] => {
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of mults) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= lo && v <= hi) ticks.push(v);
      }
    }
    return ticks;
  };
  const span = Math.log10(hi / lo);
  let ticks = span > 3 ? pick([1]) : span > 1.2 ? pick([1, 2, 5]) : pick([1, 2, 3, 5]);
  if (ticks.length < 3) ticks = pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  return { ticks, min: lo, max: hi };
}

/** Label for a log-axis tick: 0.01, 0.1, 1, 10, … and e-notation past 1e±4. */
export function formatLogTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return Number(v.toPrecision(6)).toString();
}

// Viridis (matplotlib), 11 evenly spaced stops.
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [72, 35, 116], [64, 67, 135], [52, 94, 141], [41, 120, 142], [32, 144, 140],
  [34, 167, 132], [68, 190, 112], [121, 209, 81], [189, 222, 38], [253, 231, 37],
];

/** Viridis colour for t ∈ [0, 1] (clamped), as #rrggbb. */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return '#' + [0, 1, 2].map((k) => Math.round(a[k]! + f * (b[k]! - a[k]!)).toString(16).padStart(2, '0')).join('');
}

/** Black or white, whichever reads better on the background colour `hex`. */
export function textColorOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#000' : '#fff';
}

/** Round to 0.01 px: short, stable output. */
export function px(v: number): string {
  return fixed(Math.round(v * 100) / 100, 2).replace(/\.?0+$/, '') || '0';
}

/** The outer <svg> with a white background. */
export function svgDocument(width: number, height: number, body: readonly string[], label?: string): string {
  const aria = label ? ` role="img" aria-label="${esc(label)}"` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="${FONT}" font-size="12"${aria}>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Title and subtitle centred at the top; returns the elements and the height they take. */
export function titleBlock(o: PlotOptions, width: number): { parts: string[]; height: number } {
  const parts: string[] = [];
  let y = 8;
  if (o.title) {
    y += 18;
    parts.push(`<text x="${px(width / 2)}" y="${px(y)}" text-anchor="middle" font-size="16" font-weight="bold">${esc(o.title)}</text>`);
  }
  if (o.subtitle) {
    // long subtitles wrap to the plot's width instead of running off both edges
    for (const line of wrapText(o.subtitle, 12, width - 24)) {
      y += 16;
      parts.push(`<text x="${px(width / 2)}" y="${px(y)}" text-anchor="middle" font-size="12" fill="#444">${esc(line)}</text>`);
    }
  }
  return { parts, height: y + 10 };
}

/** Greedy word wrap of `text` into lines no wider than `maxWidth` (a single long word stays whole). */
export function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Check that a size option is a sensible pixel count. */
export function checkSize(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 100 || v > 10000) throw new AnalysisError(`${name} must be between 100 and 10000 px, got ${v}`);
  return v;
}
