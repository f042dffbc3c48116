/**
 * Layout helpers over pdfkit for the designed reports: a title page, headings, paragraphs and
 * bullets, KPI tiles, charts, and tables that paginate (the header row repeats on every page,
 * the heading says "continued", and every row is printed: nothing is cut). Page numbers
 * ("Page N of M") are added at the end over the buffered pages. Only pdfkit's built-in
 * Helvetica is used (no system fonts); text goes through `winAnsi`.
 */
import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { formatValue } from '../format.ts';
import type { ChartSpec, ColumnSpec, Kpi, Row } from '../types.ts';
import { drawChart } from './charts.ts';
import { winAnsi } from './winAnsi.ts';

export const COLORS = {
  primary: '#1F4E79',
  accent: '#2E86C1',
  light: '#EAF2F8',
  zebra: '#F5F8FA',
  text: '#222222',
  muted: '#666666',
  rule: '#C8D3DC',
} as const;

const MARGIN = 50;
const FOOTER = 28;

export interface TitlePage {
  readonly title: string;
  readonly subtitle: string;
  readonly lines: readonly [string, string][];
  readonly kpis?: readonly Kpi[];
}

export class ReportPdf {
  readonly pdf: PDFKit.PDFDocument;
  private readonly footerLeft: string;

  constructor(out: Writable, info: { title: string; footer: string }) {
    this.pdf = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
      bufferPages: true,
      info: { Title: winAnsi(info.title), Author: 'Olist Analytics', Creator: 'Olist Analytics' },
    });
    this.pdf.pipe(out);
    this.pdf.font('Helvetica').fillColor(COLORS.text);
    this.footerLeft = winAnsi(info.footer);
  }

  get left(): number {
    return this.pdf.page.margins.left;
  }
  get width(): number {
    return this.pdf.page.width - this.pdf.page.margins.left - this.pdf.page.margins.right;
  }
  get bottom(): number {
    return this.pdf.page.height - this.pdf.page.margins.bottom;
  }

  /** Starts a new page unless `height` fits below the cursor. */
  ensureSpace(height: number): void {
    if (this.pdf.y + height > this.bottom) this.pdf.addPage();
  }

  titlePage(t: TitlePage): void {
    const { pdf } = this;
    pdf.rect(0, 0, pdf.page.width, 230).fill(COLORS.primary);
    pdf
      .fillColor('#FFFFFF')
      .font('Helvetica')
      .fontSize(11)
      .text('OLIST ANALYTICS', this.left, 60, { characterSpacing: 2 });
    pdf.font('Helvetica-Bold').fontSize(28).text(winAnsi(t.title), this.left, 95, { width: this.width });
    pdf
      .font('Helvetica')
      .fontSize(13)
      .fillColor('#D6E4F0')
      .text(winAnsi(t.subtitle), this.left, pdf.y + 8, { width: this.width });
    pdf.fillColor(COLORS.text);
    pdf.y = 260;
    for (const [k, v] of t.lines) {
      const y = pdf.y;
      pdf.font('Helvetica-Bold').fontSize(10).text(winAnsi(k), this.left, y, { width: 140 });
      const h1 = pdf.y;
      pdf
        .font('Helvetica')
        .fontSize(10)
        .text(winAnsi(v), this.left + 150, y, { width: this.width - 150 });
      pdf.y = Math.max(h1, pdf.y) + 4;
    }
    if (t.kpis?.length) {
      pdf.moveDown(1);
      this.kpiTiles(t.kpis);
    }
  }

  heading(text: string, level: 1 | 2 = 1): void {
    const { pdf } = this;
    const size = level === 1 ? 17 : 12.5;
    this.ensureSpace(size * 4);
    if (level === 1 && pdf.y > pdf.page.margins.top + 1) pdf.moveDown(0.8);
    pdf
      .font('Helvetica-Bold')
      .fontSize(size)
      .fillColor(COLORS.primary)
      .text(winAnsi(text), this.left, pdf.y, { width: this.width });
    if (level === 1) {
      const y = pdf.y + 2;
      pdf
        .moveTo(this.left, y)
        .lineTo(this.left + this.width, y)
        .lineWidth(1)
        .strokeColor(COLORS.accent)
        .stroke();
      pdf.y = y + 6;
    } else {
      pdf.y += 3;
    }
    pdf.font('Helvetica').fontSize(10).fillColor(COLORS.text);
  }

  paragraph(text: string, opts: { size?: number; color?: string } = {}): void {
    const { pdf } = this;
    pdf
      .font('Helvetica')
      .fontSize(opts.size ?? 10)
      .fillColor(opts.color ?? COLORS.text);
    const t = winAnsi(text);
    this.ensureSpace(Math.min(pdf.heightOfString(t, { width: this.width }), 60));
    pdf.text(t, this.left, pdf.y, { width: this.width, lineGap: 1.5 });
    pdf.moveDown(0.4);
    pdf.fillColor(COLORS.text);
  }

  bullets(items: readonly string[]): void {
    const { pdf } = this;
    pdf.font('Helvetica').fontSize(10).fillColor(COLORS.text);
    for (const item of items) {
      const t = winAnsi(item);
      const h = pdf.heightOfString(t, { width: this.width - 14 });
      this.ensureSpace(Math.min(h, 40) + 4);
      const y = pdf.y;
      pdf.circle(this.left + 4, y + 5, 2).fill(COLORS.accent);
      pdf.fillColor(COLORS.text).text(t, this.left + 14, y, { width: this.width - 14, lineGap: 1.5 });
      pdf.y += 4;
    }
  }

  /** KPI tiles, three per row. */
  kpiTiles(kpis: readonly Kpi[]): void {
    const { pdf } = this;
    const perRow = 3;
    const gap = 10;
    const w = (this.width - gap * (perRow - 1)) / perRow;
    const h = 58;
    for (let i = 0; i < kpis.length; i += perRow) {
      this.ensureSpace(h + gap);
      const y = pdf.y;
      kpis.slice(i, i + perRow).forEach((k, j) => {
        const x = this.left + j * (w + gap);
        pdf.roundedRect(x, y, w, h, 4).fill(COLORS.light);
        pdf.rect(x, y, 3, h).fill(COLORS.accent);
        pdf
          .fillColor(COLORS.muted)
          .font('Helvetica')
          .fontSize(8.5)
          .text(winAnsi(k.label.toUpperCase()), x + 10, y + 9, {
            width: w - 16,
            lineBreak: false,
            ellipsis: true,
          });
        pdf
          .fillColor(COLORS.primary)
          .font('Helvetica-Bold')
          .fontSize(16)
          .text(winAnsi(k.value), x + 10, y + 27, { width: w - 16, lineBreak: false, ellipsis: true });
      });
      pdf.y = y + h + gap;
      pdf.x = this.left;
    }
    pdf.font('Helvetica').fontSize(10).fillColor(COLORS.text);
  }

  chart(spec: ChartSpec, height = 210): void {
    this.ensureSpace(height + 30);
    const y = this.pdf.y;
    drawChart(this.pdf, spec, this.left, y, this.width, height);
    this.pdf.y = y + height + 12;
    this.pdf.x = this.left;
  }

  /**
   * Column widths from the content: each column gets at least its widest unbreakable piece (a
   * header word, a number) from a sample of rows, and the rest of the page width in proportion to
   * what its text would like. Wide tables use a smaller font.
   */
  private columnWidths(
    columns: readonly ColumnSpec[],
    sample: readonly Row[],
    pad: number,
  ): { widths: number[]; size: number } {
    const { pdf } = this;
    for (const size of [7.5, 6.5, 5.5]) {
      const min: number[] = [];
      const want: number[] = [];
      columns.forEach((c, i) => {
        pdf.font('Helvetica-Bold').fontSize(size);
        const label = winAnsi(c.label ?? c.name);
        let lo = Math.max(...label.split(/\s+/).map((w) => pdf.widthOfString(w)));
        let hi = pdf.widthOfString(label) * 0.6;
        pdf.font('Helvetica').fontSize(size);
        for (const r of sample) {
          const t = winAnsi(formatValue(r[c.name], c.type));
          const w = pdf.widthOfString(t);
          if (c.type === 'text') {
            lo = Math.max(
              lo,
              Math.min(w, 60),
              ...t.split(/\s+/).map((x) => Math.min(pdf.widthOfString(x), 90)),
            );
            hi = Math.max(hi, Math.min(w, 220));
          } else {
            lo = Math.max(lo, w);
            hi = Math.max(hi, w);
          }
        }
        min[i] = lo + 2 * pad + 1;
        want[i] = Math.max(hi + 2 * pad + 1, min[i] as number);
      });
      const sumMin = min.reduce((a, b) => a + b, 0);
      if (sumMin > this.width && size > 5.5) continue;
      const sumWant = want.reduce((a, b) => a + b, 0);
      if (sumWant <= this.width) {
        const extra = (this.width - sumWant) / columns.length;
        return { widths: want.map((w) => w + extra), size };
      }
      // Between min and want: give each column its minimum, then share the rest by (want - min).
      const room = Math.max(0, this.width - sumMin);
      const gap = sumWant - sumMin || 1;
      const widths = min.map((m, i) => m + (room * ((want[i] as number) - m)) / gap);
      const scale = Math.min(1, this.width / widths.reduce((a, b) => a + b, 0));
      return { widths: widths.map((w) => w * scale), size };
    }
    return { widths: columns.map(() => this.width / columns.length), size: 5.5 };
  }

  /**
   * A table over chunks of rows, paginated: the header repeats on each page under
   * "<title> (continued)"; cells wrap rather than being cut. Returns the number of rows printed.
   */
  async table(
    title: string,
    columns: readonly ColumnSpec[],
    rows: AsyncIterable<readonly Row[]>,
  ): Promise<number> {
    const { pdf } = this;
    const pad = 3;
    const iterator = rows[Symbol.asyncIterator]();
    const first = await iterator.next();
    const sample = first.done ? [] : first.value.slice(0, 300);
    const { widths, size } = this.columnWidths(columns, sample, pad);
    const labels = columns.map((c) => winAnsi(c.label ?? c.name));
    const align = (c: ColumnSpec) => (c.type === 'text' || c.type === 'date' ? 'left' : 'right');
    const heightOf = (texts: readonly string[], bold: boolean) => {
      pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size);
      return (
        Math.max(
          ...texts.map((t, i) => pdf.heightOfString(t || ' ', { width: (widths[i] ?? 20) - 2 * pad })),
        ) +
        2 * pad
      );
    };
    const headerHeight = heightOf(labels, true);
    const drawRow = (texts: readonly string[], h: number, kind: 'header' | 'odd' | 'even') => {
      const y = pdf.y;
      if (kind === 'header') pdf.rect(this.left, y, this.width, h).fill(COLORS.primary);
      else if (kind === 'odd') pdf.rect(this.left, y, this.width, h).fill(COLORS.zebra);
      pdf
        .font(kind === 'header' ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(size)
        .fillColor(kind === 'header' ? '#FFFFFF' : COLORS.text);
      let x = this.left;
      texts.forEach((t, i) => {
        const w = widths[i] ?? 20;
        const col = columns[i] as ColumnSpec;
        pdf.text(t, x + pad, y + pad, { width: w - 2 * pad, align: align(col) });
        x += w;
      });
      pdf
        .moveTo(this.left, y + h)
        .lineTo(this.left + this.width, y + h)
        .lineWidth(0.3)
        .strokeColor(COLORS.rule)
        .stroke();
      pdf.y = y + h;
      pdf.x = this.left;
    };
    const start = (continued: boolean) => {
      if (continued) {
        pdf.addPage();
        pdf
          .font('Helvetica-Oblique')
          .fontSize(9)
          .fillColor(COLORS.muted)
          .text(winAnsi(`${title} (continued)`), this.left, pdf.y, { width: this.width });
        pdf.y += 3;
      } else {
        this.ensureSpace(headerHeight + 40);
        pdf
          .font('Helvetica-Bold')
          .fontSize(10.5)
          .fillColor(COLORS.primary)
          .text(winAnsi(title), this.left, pdf.y, { width: this.width });
        pdf.y += 3;
      }
      drawRow(labels, headerHeight, 'header');
    };
    start(false);
    let n = 0;
    for (let step = first; !step.done; step = await iterator.next()) {
      for (const r of step.value) {
        const texts = columns.map((c) => winAnsi(formatValue(r[c.name], c.type)));
        const h = heightOf(texts, false);
        if (pdf.y + h > this.bottom) start(true);
        drawRow(texts, h, n % 2 ? 'odd' : 'even');
        n++;
      }
    }
    if (n === 0) this.paragraph('(no rows)', { size: 8.5, color: COLORS.muted });
    pdf
      .font('Helvetica-Oblique')
      .fontSize(7.5)
      .fillColor(COLORS.muted)
      .text(
        winAnsi(`${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}, all shown.`),
        this.left,
        pdf.y + 3,
        {
          width: this.width,
        },
      );
    pdf.moveDown(0.8);
    pdf.font('Helvetica').fontSize(10).fillColor(COLORS.text);
    return n;
  }

  /** Adds "Page N of M" footers and ends the document; resolves when `out` has everything. */
  finish(out: Writable): Promise<number> {
    const { pdf } = this;
    const range = pdf.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      pdf.switchToPage(i);
      const bottom = pdf.page.margins.bottom;
      pdf.page.margins.bottom = 0;
      const y = pdf.page.height - MARGIN + 2;
      pdf
        .moveTo(this.left, y - 6)
        .lineTo(this.left + this.width, y - 6)
        .lineWidth(0.5)
        .strokeColor(COLORS.rule)
        .stroke();
      pdf
        .font('Helvetica')
        .fontSize(8)
        .fillColor(COLORS.muted)
        .text(this.footerLeft, this.left, y, { width: this.width * 0.75, lineBreak: false, ellipsis: true });
      pdf.text(`Page ${i + 1 - range.start} of ${range.count}`, this.left, y, {
        width: this.width,
        align: 'right',
        lineBreak: false,
      });
      pdf.page.margins.bottom = bottom;
    }
    const done = new Promise<void>((resolve, reject) => {
      out.once('finish', resolve);
      out.once('close', resolve);
      out.once('error', reject);
    });
    pdf.end();
    return done.then(() => range.count);
  }
}
