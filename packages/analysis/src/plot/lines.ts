// Line chart for loss curves: several series (optional ± bands), linear or log axes, dashed
// horizontal reference lines (e.g. a closed-form optimum), a legend and ticked axes.
import { AnalysisError } from '../errors.ts';
import { type Frame, type LegendEntry, legend, legendWidth, seriesStyle, xAxis, yAxis, yAxisWidth } from './axes.ts';
import { type PlotOptions, checkSize, esc, formatLogTick, formatTick, logTicks, niceTicks, px, svgDocument, titleBlock } from './svg.ts';

export interface LineSeries {
  readonly name: string;
  /** y values; non-finite ones (and ≤ 0 on a log axis) break the line. */
  readonly y: readonly number[];
  /** x values (default 0, 1, 2, …), same length as y. */
  readonly x?: readonly number[];
  /** Half-width of a shaded band around y (e.g. std over seeds), same length as y. */
  readonly spread?: readonly number[];
  readonly color?: string;
  /** SVG dash pattern; default: solid for the first series, then distinct patterns. */
  readonly dash?: string;
  /** Draw point markers (default when the series has ≤ 40 points). */
  readonly markers?: boolean;
}

/** A dashed horizontal line at y, named in the legend. */
export interface ReferenceLine {
  readonly label: string;
  readonly y: number;
  readonly color?: string;
}

export interface LineChartOptions extends PlotOptions {
  readonly series: readonly LineSeries[];
  readonly references?: readonly ReferenceLine[];
  readonly logY?: boolean;
  readonly logX?: boolean;
  readonly xMin?: number;
  readonly xMax?: number;
  readonly yMin?: number;
  readonly yMax?: number;
  /** Longer series are thinned to about this many points (default 1500). */
  readonly maxPoints?: number;
}

interface Pt {
  readonly x: number;
  readonly y: number;
  readonly s: number;
}

/** A standalone SVG line chart with legend and ticked axes. */
export function lineChartSvg(o: LineChartOptions): string {
  if (o.series.length === 0) throw new AnalysisError('lineChartSvg: series must be a non-empty list');
  const logY = o.logY ?? false;
  const logX = o.logX ?? false;
  const maxPoints = o.maxPoints ?? 1500;
  const usable = (p: Pt): boolean => Number.isFinite(p.x) && Number.isFinite(p.y) && (!logY || p.y > 0) && (!logX || p.x > 0);
  const data: Pt[][] = o.series.map((s) => {
    if (s.x && s.x.length !== s.y.length) throw new AnalysisError(`lineChartSvg: series '${s.name}' has ${s.x.length} x values and ${s.y.length} y values`);
    if (s.spread && s.spread.length !== s.y.length) throw new AnalysisError(`lineChartSvg: series '${s.name}' has ${s.spread.length} spread values and ${s.y.length} y values`);
    const stride = Math.max(1, Math.ceil(s.y.length / maxPoints));
    const pts: Pt[] = [];
    for (let i = 0; i < s.y.length; i++) {
      if (i % stride !== 0 && i !== s.y.length - 1) continue;
      const sp = s.spread?.[i];
      pts.push({ x: s.x ? s.x[i]! : i, y: s.y[i]!, s: sp !== undefined && Number.isFinite(sp) ? Math.abs(sp) : 0 });
    }
    return pts;
  });
  const all = data.flat().filter(usable);
  if (all.length === 0) throw new AnalysisError(`lineChartSvg: no plottable points${logY ? ' (a log y axis needs values > 0)' : ''}`);
  const refs = (o.references ?? []).filter((r) => Number.isFinite(r.y) && (!logY || r.y > 0));
  const ys = [...all.flatMap((p) => (p.s > 0 ? [p.y - p.s, p.y + p.s] : [p.y])), ...refs.map((r) => r.y)].filter((v) => !logY || v > 0);
  const xs = all.map((p) => p.x);
  const yLo = o.yMin ?? Math.min(...ys);
  const yHi = o.yMax ?? Math.max(...ys);
  const xLo = o.xMin ?? Math.min(...xs);
  const xHi = o.xMax ?? Math.max(...xs);

  const yt = logY ? { ...logTicks(yLo, yHi), step: 0 } : niceTicks(yLo, yHi, 6);
  const xt = logX ? { ...logTicks(xLo, xHi), step: 0 } : niceTicks(xLo, xHi === xLo ? xLo + 1 : xHi, 7);
  const yDom = [o.yMin ?? yt.min, o.yMax ?? yt.max] as const;
  const xDom = [o.xMin ?? xt.min, o.xMax ?? xt.max] as const;
  const yLabel = (v: number): string => (logY ? formatLogTick(v) : formatTick(v, yt.step));
  const xLabel = (v: number): string => (logX ? formatLogTick(v) : formatTick(v, xt.step));
  const yTicks = yt.ticks.filter((v) => within(v, yDom));
  const xTicks = xt.ticks.filter((v) => within(v, xDom));

  const width = checkSize('width', o.width, 760);
  const height = checkSize('height', o.height, 460);
  const title = titleBlock(o, width);
  const entries: LegendEntry[] = o.series.map((s, i) => {
    const st = seriesStyle(i, s.color);
    return { name: s.name, color: st.color, kind: 'line', dash: s.dash ?? st.dash, marker: s.markers ?? s.y.length <= 40 };
  });
  refs.forEach((r) => entries.push({ name: r.label, color: r.color ?? '#555', kind: 'line', dash: '5 4' }));
  const left = yAxisWidth(yTicks, yLabel, o.yLabel);
  const legendW = legendWidth(entries);
  const frame: Frame = { x: left, y: title.height + 8, w: width - left - legendW - 36, h: height - title.height - 8 - (o.xLabel ? 56 : 34) };
  if (frame.w < 80 || frame.h < 80) throw new AnalysisError(`lineChartSvg: ${width}×${height} px leaves no room for the plot; make the figure larger or the names shorter`);
  const map = (v: number, lo: number, hi: number, log: boolean): number => (log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo));
  const toX = (v: number): number => frame.x + map(v, xDom[0], xDom[1], logX) * frame.w;
  const toY = (v: number): number => frame.y + frame.h - map(v, yDom[0], yDom[1], logY) * frame.h;
  const clampY = (v: number): number => Math.min(frame.y + frame.h, Math.max(frame.y, toY(v)));

  const clip = `clip${Math.abs(hashOf(`${o.title ?? ''}${width}${height}${o.series.length}`))}`;
  const parts: string[] = [...title.parts];
  parts.push(`<defs><clipPath id="${clip}"><rect x="${px(frame.x)}" y="${px(frame.y)}" width="${px(frame.w)}" height="${px(frame.h)}"/></clipPath></defs>`);
  parts.push(...yAxis(frame, yTicks, toY, yLabel, o.yLabel));
  parts.push(...xAxis(frame, xTicks, toX, xLabel, o.xLabel));
  parts.push(`<g clip-path="url(#${clip})">`);
  data.forEach((pts, i) => {
    const e = entries[i]!;
    const runs = splitRuns(pts, usable);
    for (const run of runs) {
      if (run.some((p) => p.s > 0)) {
        const upper = run.map((p) => `${px(toX(p.x))} ${px(clampY(p.y + p.s))}`);
        const lower = run.map((p) => `${px(toX(p.x))} ${px(clampY(logY && p.y - p.s <= 0 ? yDom[0] : p.y - p.s))}`).reverse();
        parts.push(`<path d="M${[...upper, ...lower].join('L')}Z" fill="${e.color}" fill-opacity="0.15" stroke="none"/>`);
      }
      const d = run.map((p, k) => `${k === 0 ? 'M' : 'L'}${px(toX(p.x))} ${px(toY(p.y))}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${e.color}" stroke-width="2"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''} stroke-linejoin="round"><title>${esc(o.series[i]!.name)}</title></path>`);
      if (e.marker) for (const p of run) parts.push(`<circle cx="${px(toX(p.x))}" cy="${px(toY(p.y))}" r="2.6" fill="${e.color}"/>`);
    }
  });
  refs.forEach((r, k) => {
    const y = toY(r.y);
    parts.push(`<line x1="${px(frame.x)}" y1="${px(y)}" x2="${px(frame.x + frame.w)}" y2="${px(y)}" stroke="${entries[o.series.length + k]!.color}" stroke-width="1.5" stroke-dasharray="5 4"><title>${esc(r.label)}</title></line>`);
  });
  parts.push('</g>');
  parts.push(`<rect x="${px(frame.x)}" y="${px(frame.y)}" width="${px(frame.w)}" height="${px(frame.h)}" fill="none" stroke="#333"/>`);
  parts.push(...legend(entries, frame.x + frame.w + 14, frame.y));
  return svgDocument(width, height, parts, o.title);
}

function within(v: number, [lo, hi]: readonly [number, number]): boolean {
  const tol = (hi - lo) * 1e-9;
  return v >= lo - tol && v <= hi + tol;
}

function splitRuns(pts: readonly Pt[], ok: (p: Pt) => boolean): Pt[][] {
  const runs: Pt[][] = [];
  let cur: Pt[] = [];
  for (const p of pts) {
    if (ok(p)) cur.push(p);
    else if (cur.length > 0) {
      runs.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) runs.push(cur);
  return runs;
}

function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
