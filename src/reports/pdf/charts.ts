/**
 * Vector charts drawn with pdfkit paths (no images): horizontal bars, a line with markers and a
 * heatmap. Each fills the box (x, y, w, h) including its title and axis labels.
 */
import { formatValue } from '../format.ts';
import type { ChartSpec } from '../types.ts';
import { winAnsi } from './winAnsi.ts';

const PRIMARY = '#1F4E79';
const ACCENT = '#2E86C1';
const GRID = '#D5DEE6';
const MUTED = '#666666';

type Pdf = PDFKit.PDFDocument;
type Fmt = 'currency' | 'percent' | 'int' | 'number';

function compact(x: number, format: Fmt): string {
  if (format === 'percent') return formatValue(x, 'percent');
  const prefix = format === 'currency' ? 'R$ ' : '';
  const a = Math.abs(x);
  if (a >= 1e6) return `${prefix}${(x / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${prefix}${(x / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${prefix}${(x / 1e3).toFixed(1)}k`;
  return `${prefix}${format === 'int' ? Math.round(x) : Number(x.toFixed(2))}`;
}

function title(pdf: Pdf, text: string, x: number, y: number, w: number): number {
  pdf
    .font('Helvetica-Bold')
    .fontSize(10)
    .fillColor(PRIMARY)
    .text(winAnsi(text), x, y, { width: w, lineBreak: false, ellipsis: true });
  return y + 16;
}

function barChart(
  pdf: Pdf,
  c: Extract<ChartSpec, { kind: 'bar' }>,
  x: number,
  y: number,
  w: number,
  h: number,
) {
  const top = title(pdf, c.title, x, y, w);
  const n = Math.max(c.labels.length, 1);
  const labelW = Math.min(150, w * 0.3);
  const valueW = 70;
  const plotX = x + labelW + 6;
  const plotW = w - labelW - valueW - 12;
  const rowH = Math.min(18, (y + h - top) / n);
  const max = Math.max(...c.values.map((v) => Math.abs(v)), 1e-9);
  pdf.fontSize(Math.min(8, rowH * 0.6));
  c.labels.forEach((label, i) => {
    const v = c.values[i] ?? 0;
    const ry = top + i * rowH;
    pdf
      .font('Helvetica')
      .fillColor('#222222')
      .text(winAnsi(label), x, ry + rowH * 0.2, {
        width: labelW,
        align: 'right',
        lineBreak: false,
        ellipsis: true,
      });
    const bw = (Math.abs(v) / max) * plotW;
    pdf.rect(plotX, ry + rowH * 0.15, Math.max(bw, 0.5), rowH * 0.7).fill(i % 2 ? ACCENT : PRIMARY);
    pdf.fillColor(MUTED).text(winAnsi(compact(v, c.format)), plotX + bw + 4, ry + rowH * 0.2, {
      width: valueW,
      lineBreak: false,
    });
  });
  pdf
    .moveTo(plotX, top)
    .lineTo(plotX, top + n * rowH)
    .lineWidth(0.6)
    .strokeColor(MUTED)
    .stroke();
}

function lineChart(
  pdf: Pdf,
  c: Extract<ChartSpec, { kind: 'line' }>,
  x: number,
  y: number,
  w: number,
  h: number,
) {
  const top = title(pdf, c.title, x, y, w);
  const axisW = 52;
  const plotX = x + axisW;
  const plotW = w - axisW - 6;
  const plotH = y + h - top - 22;
  const vals = c.values.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(...vals, 0);
  const min = Math.min(...vals, 0);
  const span = max - min || 1;
  const yOf = (v: number) => top + plotH - ((v - min) / span) * plotH;
  pdf.font('Helvetica').fontSize(7);
  for (let t = 0; t <= 4; t++) {
    const v = min + (span * t) / 4;
    const gy = yOf(v);
    pdf
      .moveTo(plotX, gy)
      .lineTo(plotX + plotW, gy)
      .lineWidth(0.4)
      .strokeColor(GRID)
      .stroke();
    pdf
      .fillColor(MUTED)
      .text(winAnsi(compact(v, c.format)), x, gy - 3.5, { width: axisW - 4, align: 'right' });
  }
  const n = c.values.length;
  const xOf = (i: number) => plotX + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  let started = false;
  c.values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      started = false;
      return;
    }
    if (!started) pdf.moveTo(xOf(i), yOf(v));
    else pdf.lineTo(xOf(i), yOf(v));
    started = true;
  });
  pdf.lineWidth(1.6).strokeColor(ACCENT).stroke();
  c.values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) pdf.circle(xOf(i), yOf(v), 1.8).fill(PRIMARY);
  });
  const every = Math.max(1, Math.ceil(n / 12));
  pdf.fillColor(MUTED).fontSize(6.5);
  c.labels.forEach((label, i) => {
    if (i % every === 0 || i === n - 1) {
      pdf.text(winAnsi(label), xOf(i) - 20, top + plotH + 5, {
        width: 40,
        align: 'center',
        lineBreak: false,
      });
    }
  });
}

/** White → dark blue by value (0–1). */
function heat(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  const mix = (a: number, b: number) =>
    Math.round(a + (b - a) * t)
      .toString(16)
      .padStart(2, '0');
  return `#${mix(0xf4, 0x1f)}${mix(0xf8, 0x4e)}${mix(0xfb, 0x79)}`;
}

function heatmap(
  pdf: Pdf,
  c: Extract<ChartSpec, { kind: 'heatmap' }>,
  x: number,
  y: number,
  w: number,
  h: number,
) {
  const top = title(pdf, c.title, x, y, w);
  const labelW = 52;
  const rows = Math.max(c.rowLabels.length, 1);
  const cols = Math.max(c.colLabels.length, 1);
  const cellW = (w - labelW) / cols;
  const cellH = Math.min(14, (y + h - top - 12) / rows);
  // Scale colours to the largest share after period 0 (period 0 is 100% by construction).
  const later = c.values.flatMap((r) => r.slice(1)).filter((v): v is number => v !== null);
  const scale = Math.max(...later, 0.01);
  const font = Math.max(4, Math.min(7, cellH * 0.55, cellW * 0.28));
  pdf.font('Helvetica').fontSize(Math.min(7, font));
  c.colLabels.forEach((label, j) => {
    pdf
      .fillColor(MUTED)
      .text(winAnsi(label), x + labelW + j * cellW, top, { width: cellW, align: 'center', lineBreak: false });
  });
  const gy = top + 10;
  c.rowLabels.forEach((label, i) => {
    const ry = gy + i * cellH;
    pdf
      .fillColor(MUTED)
      .fontSize(Math.min(7, font))
      .text(winAnsi(label), x, ry + (cellH - font) / 2, {
        width: labelW - 4,
        align: 'right',
        lineBreak: false,
      });
    const row = c.values[i] ?? [];
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      const cx = x + labelW + j * cellW;
      if (v === null || v === undefined) {
        pdf.rect(cx, ry, cellW, cellH).fill('#FFFFFF');
        continue;
      }
      const t = j === 0 ? 1 : v / scale;
      pdf.rect(cx, ry, cellW, cellH).fill(heat(t));
      if (cellW >= 18 && cellH >= 7) {
        pdf
          .fillColor(t > 0.55 ? '#FFFFFF' : '#222222')
          .fontSize(font)
          .text(formatValue(v, 'percent'), cx, ry + (cellH - font) / 2, {
            width: cellW,
            align: 'center',
            lineBreak: false,
          });
      }
    }
  });
  pdf
    .rect(x + labelW, gy, cols * cellW, rows * cellH)
    .lineWidth(0.4)
    .strokeColor(GRID)
    .stroke();
}

export function drawChart(pdf: Pdf, spec: ChartSpec, x: number, y: number, w: number, h: number): void {
  pdf.save();
  if (spec.kind === 'bar') barChart(pdf, spec, x, y, w, h);
  else if (spec.kind === 'line') lineChart(pdf, spec, x, y, w, h);
  else heatmap(pdf, spec, x, y, w, h);
  pdf.restore();
  pdf.fillColor('#222222').font('Helvetica').fontSize(10);
}
