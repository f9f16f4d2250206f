// Grouped bar chart with error bars (e.g. accuracy mean ± std over seeds, per method and domain).
import { AnalysisError } from '../errors.ts';
import { type Frame, legend, legendWidth, seriesStyle, yAxis, yAxisWidth } from './axes.ts';
import { type PlotOptions, checkSize, esc, fixed, formatTick, niceTicks, px, svgDocument, textWidth, titleBlock } from './svg.ts';

/** One series: a value (and optional ± error, e.g. std) per category. NaN = missing (no bar, "n/a"). */
export interface BarSeries {
  readonly name: string;
  readonly values: readonly number[];
  /** Half-length of each error bar (drawn value − e … value + e); omit or NaN for none. */
  readonly errors?: readonly number[];
  readonly color?: string;
}

export interface BarChartOptions extends PlotOptions {
  /** The groups along x (e.g. ['in-domain', 'out-of-domain']). */
  readonly categories: readonly string[];
  /** One bar per series in each group; a legend names them. */
  readonly series: readonly BarSeries[];
  /** y-axis range; default from 0 (or the lowest bar) to the highest bar + error. */
  readonly yMin?: number;
  readonly yMax?: number;
  /** Print each value above its bar. Default: when bars are at least 30 px wide. */
  readonly showValues?: boolean;
  readonly decimals?: number;
}

/** A standalone SVG grouped bar chart with error bars and a legend. */
export function barChartSvg(o: BarChartOptions): string {
  const cats = o.categories;
  const series = o.series;
  if (cats.length === 0) throw new AnalysisError('barChartSvg: categories must be a non-empty list');
  if (series.length === 0) throw new AnalysisError('barChartSvg: series must be a non-empty list');
  for (const s of series) {
    if (s.values.length !== cats.length) throw new AnalysisError(`barChartSvg: series '${s.name}' has ${s.values.length} values for ${cats.length} categories`);
    if (s.errors && s.errors.length !== cats.length) throw new AnalysisError(`barChartSvg: series '${s.name}' has ${s.errors.length} errors for ${cats.length} categories`);
  }
  const err = (s: BarSeries, i: number): number => {
    const e = s.errors?.[i];
    return e !== undefined && Number.isFinite(e) ? Math.abs(e) : 0;
  };
  let lo = Infinity;
  let hi = -Infinity;
  series.forEach((s) => s.values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    lo = Math.min(lo, v - err(s, i));
    hi = Math.max(hi, v + err(s, i));
  }));
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  const t = niceTicks(o.yMin ?? Math.min(0, lo), o.yMax ?? Math.max(0, hi), 5);
  const yMin = o.yMin ?? t.min;
  const yMax = o.yMax ?? t.max;
  const ticks = t.ticks.filter((v) => v >= yMin - 1e-12 && v <= yMax + 1e-12);
  const label = (v: number): string => formatTick(v, t.step);

  const width = checkSize('width', o.width, Math.max(560, 180 + cats.length * (series.length * 34 + 40)));
  const height = checkSize('height', o.height, 440);
  const title = titleBlock(o, width);
  const entries = series.map((s, i) => ({ name: s.name, color: seriesStyle(i, s.color).color, kind: 'bar' as const }));
  const left = yAxisWidth(ticks, label, o.yLabel);
  const legendW = legendWidth(entries);
  const groupW0 = (width - left - legendW - 40) / cats.length;
  const catLabelMax = Math.max(...cats.map((c) => textWidth(c, 12)));
  const rotate = catLabelMax > groupW0 - 6;
  const bottom = (rotate ? catLabelMax * 0.72 + 20 : 26) + (o.xLabel ? 26 : 4);
  const frame: Frame = { x: left, y: title.height + 8, w: width - left - legendW - 40, h: height - title.height - 8 - bottom };
  const toY = (v: number): number => frame.y + frame.h - ((v - yMin) / (yMax - yMin)) * frame.h;
  const groupW = frame.w / cats.length;
  const barW = (groupW * 0.8) / series.length;
  const decimals = o.decimals ?? 1;
  const showValues = o.showValues ?? barW >= 30;

  const parts: string[] = [...title.parts, ...yAxis(frame, ticks, toY, label, o.yLabel)];
  const base = toY(Math.min(Math.max(0, yMin), yMax));
  series.forEach((s, k) => {
    const { color } = seriesStyle(k, s.color);
    parts.push(`<g>`);
    s.values.forEach((v, i) => {
      const x = frame.x + i * groupW + groupW * 0.1 + k * barW;
      const cx = x + barW / 2;
      if (!Number.isFinite(v)) {
        parts.push(`<text x="${px(cx)}" y="${px(base - 4)}" text-anchor="middle" font-size="10" fill="#777">n/a</text>`);
        return;
      }
      const y = toY(Math.min(Math.max(v, yMin), yMax));
      const e = err(s, i);
      const tip = `${s.name} · ${cats[i]}: ${fixed(v, Math.max(decimals, 2))}${e ? ` ± ${fixed(e, Math.max(decimals, 2))}` : ''}`;
      parts.push(`<rect x="${px(x + 1)}" y="${px(Math.min(y, base))}" width="${px(Math.max(1, barW - 2))}" height="${px(Math.abs(base - y))}" fill="${color}"><title>${esc(tip)}</title></rect>`);
      let top = Math.min(y, base);
      if (e > 0) {
        const y1 = toY(Math.min(v + e, yMax));
        const y2 = toY(Math.max(v - e, yMin));
        const cap = Math.min(8, barW * 0.35);
        parts.push(`<path d="M${px(cx)} ${px(y1)}V${px(y2)}M${px(cx - cap)} ${px(y1)}H${px(cx + cap)}M${px(cx - cap)} ${px(y2)}H${px(cx + cap)}" stroke="#222" stroke-width="1.4" fill="none"/>`);
        top = Math.min(top, y1);
      }
      if (showValues) parts.push(`<text x="${px(cx)}" y="${px(top - 4)}" text-anchor="middle" font-size="10">${fixed(v, decimals)}</text>`);
    });
    parts.push('</g>');
  });
  parts.push(`<line x1="${px(frame.x)}" y1="${px(base)}" x2="${px(frame.x + frame.w)}" y2="${px(base)}" stroke="#333"/>`);
  // Category labels.
  const by = frame.y + frame.h;
  parts.push('<g font-size="12">');
  cats.forEach((c, i) => {
    const cx = frame.x + (i + 0.5) * groupW;
    if (rotate) parts.push(`<text x="${px(cx)}" y="${px(by + 16)}" text-anchor="end" transform="rotate(-35 ${px(cx)} ${px(by + 16)})">${esc(c)}</text>`);
    else parts.push(`<text x="${px(cx)}" y="${px(by + 18)}" text-anchor="middle">${esc(c)}</text>`);
  });
  parts.push('</g>');
  if (o.xLabel) parts.push(`<text x="${px(frame.x + frame.w / 2)}" y="${px(height - 8)}" text-anchor="middle" font-size="13">${esc(o.xLabel)}</text>`);
  parts.push(...legend(entries, frame.x + frame.w + 16, frame.y));
  return svgDocument(width, height, parts, o.title);
}
