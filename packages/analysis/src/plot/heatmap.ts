// Heatmap (e.g. per-layer A/B similarity, Figure 1): labelled rows and columns, optional value
// annotations, and a viridis colour bar with ticks and a label.
import { AnalysisError } from '../errors.ts';
import { type PlotOptions, checkSize, esc, fixed, niceTicks, formatTick, px, svgDocument, textColorOn, textWidth, titleBlock, viridis } from './svg.ts';

export interface HeatmapOptions extends PlotOptions {
  /** rows × cols; NaN marks a missing cell (drawn grey, labelled "n/a"). */
  readonly values: readonly (readonly number[])[];
  /** One per row (default "0", "1", …), e.g. ['A', 'B'] or layer names. */
  readonly rowLabels?: readonly string[];
  /** One per column, e.g. layer indices. */
  readonly colLabels?: readonly string[];
  /** Colour-scale domain. Default [0, 1] when every value lies there (similarities), else the data range. */
  readonly min?: number;
  readonly max?: number;
  /** Label of the colour bar (e.g. "subspace similarity"). */
  readonly colorbarLabel?: string;
  /** Print each value in its cell. Default: when cells are at least 34×18 px. */
  readonly annotate?: boolean;
  /** Decimals of the annotations (default 2). */
  readonly decimals?: number;
}

/** A standalone SVG heatmap. */
export function heatmapSvg(o: HeatmapOptions): string {
  const values = o.values;
  if (!Array.isArray(values) || values.length === 0 || !Array.isArray(values[0]) || values[0].length === 0) throw new AnalysisError('heatmapSvg: values must be a non-empty rows × cols array');
  const rows = values.length;
  const cols = values[0].length;
  values.forEach((row, i) => {
    if (row.length !== cols) throw new AnalysisError(`heatmapSvg: values is ragged (row ${i} has ${row.length} entries, row 0 has ${cols})`);
  });
  const rowLabels = o.rowLabels ?? Array.from({ length: rows }, (_, i) => String(i));
  const colLabels = o.colLabels ?? Array.from({ length: cols }, (_, j) => String(j));
  if (rowLabels.length !== rows) throw new AnalysisError(`heatmapSvg: ${rowLabels.length} row labels for ${rows} rows`);
  if (colLabels.length !== cols) throw new AnalysisError(`heatmapSvg: ${colLabels.length} column labels for ${cols} columns`);
  const finite = values.flat().filter((v) => Number.isFinite(v));
  const inUnit = finite.every((v) => v >= 0 && v <= 1);
  let min = o.min ?? (inUnit ? 0 : Math.min(...finite, 0));
  let max = o.max ?? (inUnit ? 1 : Math.max(...finite, 1));
  if (!(max > min)) [min, max] = [min - 0.5, min + 0.5];

  const fontSize = 12;
  if (o.width !== undefined) checkSize('width', o.width, 0);
  if (o.height !== undefined) checkSize('height', o.height, 0);
  const yLabelW = o.yLabel ? 26 : 6;
  const rowLabelW = Math.max(...rowLabels.map((l) => textWidth(l, fontSize))) + 10;
  const gridX0 = 10 + yLabelW + rowLabelW;
  const barGap = 22;
  const barW = 16;
  const barTicksW = 48;
  const barLabelW = o.colorbarLabel ? 24 : 0;
  const rightW = barGap + barW + barTicksW + barLabelW + 10;
  const cellW = o.width !== undefined ? Math.max(4, (o.width - gridX0 - rightW) / cols) : Math.min(64, Math.max(16, 640 / cols));
  const colLabelMax = Math.max(...colLabels.map((l) => textWidth(l, fontSize)));
  // Label every k-th column when labels would overlap: horizontally they need their width, rotated
  // by 45° they need a line height across; rotate only when that shows more labels.
  const everyFlat = Math.max(1, Math.ceil((colLabelMax + 6) / cellW));
  const everyRotated = Math.max(1, Math.ceil((fontSize + 2) / (cellW * Math.SQRT1_2)));
  const rotate = everyFlat > everyRotated;
  const every = rotate ? everyRotated : everyFlat;
  const colLabelH = rotate ? colLabelMax * 0.72 + 16 : fontSize + 10;
  // A rotated first label reaches left of its column by ~0.72 × its width.
  const shift = rotate ? Math.max(0, colLabelMax * 0.72 + 6 - (gridX0 + cellW / 2)) : 0;
  const gridX = gridX0 + shift;
  const xLabelH = o.xLabel ? 24 : 0;
  const gridW = cellW * cols;
  const titleW = (o.title ? textWidth(o.title, 16) * 1.08 : 0) + 30; // the subtitle wraps (titleBlock)
  const width = o.width ?? Math.max(gridX + gridW + rightW, titleW);
  const titleH = titleBlock(o, width).height;
  const gridY = titleH + 6;
  const fixedH = gridY + colLabelH + xLabelH + 10;
  const cellH = o.height !== undefined ? Math.max(4, (o.height - fixedH) / rows) : Math.min(48, Math.max(18, cellW * 0.8, 200 / rows));
  const gridH = cellH * rows;
  const height = o.height ?? Math.max(fixedH + gridH, gridY + 150);
  const decimals = o.decimals ?? 2;
  const annotate = o.annotate ?? (cellW >= textWidth(fixed(0, decimals), 11) + 8 && cellH >= 18);

  const parts: string[] = [...titleBlock(o, width).parts];
  // Cells.
  parts.push('<g stroke="#fff" stroke-width="1">');
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = values[i]![j]!;
      const x = gridX + j * cellW;
      const y = gridY + i * cellH;
      const ok = Number.isFinite(v);
      const fill = ok ? viridis((v - min) / (max - min)) : '#dddddd';
      const tip = `${rowLabels[i]} · ${colLabels[j]}: ${ok ? fixed(v, Math.max(decimals, 3)) : 'n/a'}`;
      parts.push(`<rect x="${px(x)}" y="${px(y)}" width="${px(cellW)}" height="${px(cellH)}" fill="${fill}"><title>${esc(tip)}</title></rect>`);
    }
  }
  parts.push('</g>');
  if (annotate) {
    parts.push(`<g font-size="11" text-anchor="middle">`);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = values[i]![j]!;
        const ok = Number.isFinite(v);
        const color = ok ? textColorOn(viridis((v - min) / (max - min))) : '#555';
        parts.push(`<text x="${px(gridX + (j + 0.5) * cellW)}" y="${px(gridY + (i + 0.5) * cellH + 4)}" fill="${color}">${ok ? fixed(v, decimals) : 'n/a'}</text>`);
      }
    }
    parts.push('</g>');
  }
  parts.push(`<rect x="${px(gridX)}" y="${px(gridY)}" width="${px(gridW)}" height="${px(gridH)}" fill="none" stroke="#333" stroke-width="1"/>`);
  // Row labels.
  parts.push(`<g font-size="${fontSize}" text-anchor="end">`);
  rowLabels.forEach((l, i) => parts.push(`<text x="${px(gridX - 6)}" y="${px(gridY + (i + 0.5) * cellH + 4)}">${esc(l)}</text>`));
  parts.push('</g>');
  // Column labels (every k-th when crowded; rotated when long).
  parts.push(`<g font-size="${fontSize}">`);
  colLabels.forEach((l, j) => {
    if (j % every !== 0) return;
    const x = gridX + (j + 0.5) * cellW;
    const y = gridY + gridH + 6;
    parts.push(`<line x1="${px(x)}" y1="${px(gridY + gridH)}" x2="${px(x)}" y2="${px(y - 2)}" stroke="#333"/>`);
    if (rotate) parts.push(`<text x="${px(x)}" y="${px(y + 8)}" text-anchor="end" transform="rotate(-45 ${px(x)} ${px(y + 8)})">${esc(l)}</text>`);
    else parts.push(`<text x="${px(x)}" y="${px(y + fontSize)}" text-anchor="middle">${esc(l)}</text>`);
  });
  parts.push('</g>');
  if (o.xLabel) parts.push(`<text x="${px(gridX + gridW / 2)}" y="${px(gridY + gridH + colLabelH + 16)}" text-anchor="middle" font-size="13">${esc(o.xLabel)}</text>`);
  if (o.yLabel) {
    const cy = gridY + gridH / 2;
    parts.push(`<text x="18" y="${px(cy)}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${px(cy)})">${esc(o.yLabel)}</text>`);
  }
  // Colour bar.
  const barX = gridX + gridW + barGap;
  const barH = Math.max(gridH, 120);
  const barY = gridY + (gridH - barH) / 2 < titleH ? gridY : gridY + (gridH - barH) / 2;
  const id = `cb${Math.abs(hash(JSON.stringify([o.title ?? '', rows, cols, min, max])))}`;
  parts.push(`<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">`);
  for (let k = 0; k <= 10; k++) parts.push(`<stop offset="${fixed(k / 10, 1)}" stop-color="${viridis(k / 10)}"/>`);
  parts.push('</linearGradient></defs>');
  parts.push(`<rect x="${px(barX)}" y="${px(barY)}" width="${barW}" height="${px(barH)}" fill="url(#${id})" stroke="#333"/>`);
  const t = niceTicks(min, max, 4);
  parts.push(`<g font-size="11">`);
  for (const v of t.ticks) {
    if (v < min - 1e-12 || v > max + 1e-12) continue;
    const y = barY + barH - ((v - min) / (max - min)) * barH;
    parts.push(`<line x1="${px(barX + barW)}" y1="${px(y)}" x2="${px(barX + barW + 4)}" y2="${px(y)}" stroke="#333"/>`);
    parts.push(`<text x="${px(barX + barW + 7)}" y="${px(y + 4)}">${formatTick(v, t.step)}</text>`);
  }
  parts.push('</g>');
  if (o.colorbarLabel) {
    const lx = barX + barW + barTicksW + 8;
    const cy = barY + barH / 2;
    parts.push(`<text x="${px(lx)}" y="${px(cy)}" text-anchor="middle" font-size="12" transform="rotate(-90 ${px(lx)} ${px(cy)})">${esc(o.colorbarLabel)}</text>`);
  }
  return svgDocument(width, Math.max(height, barY + barH + 10), parts, o.title);
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
