// Axes, grid lines and legends shared by the bar chart and the line chart.
import { DASHES, PALETTE, esc, px, textWidth } from './svg.ts';

/** The plotting rectangle in pixels. */
export interface Frame {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A y axis: tick marks, labels, light horizontal grid lines across the frame, and the rotated axis label. */
export function yAxis(frame: Frame, ticks: readonly number[], toY: (v: number) => number, label: (v: number) => string, title?: string): string[] {
  const parts = ['<g font-size="11">'];
  for (const v of ticks) {
    const y = toY(v);
    parts.push(`<line x1="${px(frame.x)}" y1="${px(y)}" x2="${px(frame.x + frame.w)}" y2="${px(y)}" stroke="#e3e3e3"/>`);
    parts.push(`<line x1="${px(frame.x - 5)}" y1="${px(y)}" x2="${px(frame.x)}" y2="${px(y)}" stroke="#333"/>`);
    parts.push(`<text x="${px(frame.x - 8)}" y="${px(y + 4)}" text-anchor="end">${esc(label(v))}</text>`);
  }
  parts.push('</g>');
  parts.push(`<line x1="${px(frame.x)}" y1="${px(frame.y)}" x2="${px(frame.x)}" y2="${px(frame.y + frame.h)}" stroke="#333"/>`);
  if (title) {
    const width = Math.max(...ticks.map((v) => textWidth(label(v), 11)), 10);
    const x = Math.max(14, frame.x - width - 22);
    const cy = frame.y + frame.h / 2;
    parts.push(`<text x="${px(x)}" y="${px(cy)}" text-anchor="middle" font-size="13" transform="rotate(-90 ${px(x)} ${px(cy)})">${esc(title)}</text>`);
  }
  return parts;
}

/** Room to leave left of the frame for y tick labels and the axis title. */
export function yAxisWidth(ticks: readonly number[], label: (v: number) => string, title?: string): number {
  return Math.max(...ticks.map((v) => textWidth(label(v), 11)), 10) + 14 + (title ? 26 : 0) + 8;
}

/** A numeric x axis along the bottom of the frame, with ticks, labels and optional vertical grid lines. */
export function xAxis(frame: Frame, ticks: readonly number[], toX: (v: number) => number, label: (v: number) => string, title?: string, grid = true): string[] {
  const bottom = frame.y + frame.h;
  const parts = ['<g font-size="11">'];
  for (const v of ticks) {
    const x = toX(v);
    if (grid) parts.push(`<line x1="${px(x)}" y1="${px(frame.y)}" x2="${px(x)}" y2="${px(bottom)}" stroke="#eeeeee"/>`);
    parts.push(`<line x1="${px(x)}" y1="${px(bottom)}" x2="${px(x)}" y2="${px(bottom + 5)}" stroke="#333"/>`);
    parts.push(`<text x="${px(x)}" y="${px(bottom + 18)}" text-anchor="middle">${esc(label(v))}</text>`);
  }
  parts.push('</g>');
  parts.push(`<line x1="${px(frame.x)}" y1="${px(bottom)}" x2="${px(frame.x + frame.w)}" y2="${px(bottom)}" stroke="#333"/>`);
  if (title) parts.push(`<text x="${px(frame.x + frame.w / 2)}" y="${px(bottom + 40)}" text-anchor="middle" font-size="13">${esc(title)}</text>`);
  return parts;
}

/** One legend entry: a swatch (bar, line or dashed line) and its name. */
export interface LegendEntry {
  readonly name: string;
  readonly color: string;
  readonly kind: 'bar' | 'line';
  readonly dash?: string;
  readonly marker?: boolean;
}

/** Width the legend needs. */
export function legendWidth(entries: readonly LegendEntry[]): number {
  if (entries.length === 0) return 0;
  return Math.max(...entries.map((e) => textWidth(e.name, 12))) + 46;
}

/** A boxed legend with its top-left corner at (x, y). */
export function legend(entries: readonly LegendEntry[], x: number, y: number): string[] {
  if (entries.length === 0) return [];
  const w = legendWidth(entries);
  const h = entries.length * 20 + 10;
  const parts = [`<g font-size="12"><rect x="${px(x)}" y="${px(y)}" width="${px(w)}" height="${px(h)}" fill="#fff" fill-opacity="0.9" stroke="#bbb"/>`];
  entries.forEach((e, i) => {
    const cy = y + 15 + i * 20;
    if (e.kind === 'bar') parts.push(`<rect x="${px(x + 8)}" y="${px(cy - 6)}" width="22" height="12" fill="${e.color}"/>`);
    else {
      parts.push(`<line x1="${px(x + 6)}" y1="${px(cy)}" x2="${px(x + 32)}" y2="${px(cy)}" stroke="${e.color}" stroke-width="2.2"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''}/>`);
      if (e.marker) parts.push(`<circle cx="${px(x + 19)}" cy="${px(cy)}" r="3" fill="${e.color}"/>`);
    }
    parts.push(`<text x="${px(x + 38)}" y="${px(cy + 4)}">${esc(e.name)}</text>`);
  });
  parts.push('</g>');
  return parts;
}

/** The i-th series' colour and dash pattern. */
export function seriesStyle(i: number, color?: string): { color: string; dash: string } {
  return { color: color ?? PALETTE[i % PALETTE.length]!, dash: DASHES[i % DASHES.length]! };
}
