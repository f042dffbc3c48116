/** Test helpers for exports: an RFC 4180 reader and the poppler tools (pdftotext, pdfinfo, pdftoppm). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into records of strings. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      // CRLF: handled at the LF
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field.length || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** A Writable collecting everything into one Buffer. */
export class Collector extends Writable {
  private readonly parts: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.parts.push(Buffer.from(chunk));
    cb();
  }
  get buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const has = (cmd: string) => spawnSync(cmd, ['-v'], { stdio: 'ignore' }).error === undefined;
export const hasPoppler = has('pdftotext') && has('pdfinfo') && has('pdftoppm');
/** PDF checks run when poppler is installed, and must run under CI (which installs it). */
export const mustRunPdfTools = hasPoppler || process.env.CI === 'true';
if (!hasPoppler) {
  const msg = 'poppler-utils (pdftotext, pdfinfo, pdftoppm) not found: PDF text and render tests are SKIPPED';
  process.stderr.write(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n\n`);
}

function run(cmd: string, args: string[]): Buffer {
  const r = spawnSync(cmd, args, { maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

export function pdfText(file: string, page?: number): string {
  const range = page ? ['-f', String(page), '-l', String(page)] : [];
  return run('pdftotext', ['-layout', ...range, file, '-']).toString('utf8');
}

export function pdfPages(file: string): number {
  const m = /Pages:\s+(\d+)/.exec(run('pdfinfo', [file]).toString('utf8'));
  return Number(m?.[1] ?? 0);
}

export function pdfFonts(file: string): string {
  return run('pdffonts', [file]).toString('utf8');
}

/**
 * Renders one page as a grey PGM at `dpi` (pdftoppm) and returns its size and share of dark
 * pixels (< 128), so a blank page or one whose text did not render is caught.
 */
export function renderPage(
  file: string,
  page: number,
  dpi = 50,
): { width: number; height: number; dark: number } {
  const out = run('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), file]);
  // PGM (P5): header "P5\n<w> <h>\n<max>\n" then one byte per pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(out.subarray(0, 50).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not return a PGM image');
  const width = Number(header[1]);
  const height = Number(header[2]);
  const pixels = out.subarray(header[0].length);
  let dark = 0;
  for (const p of pixels) if (p < 128) dark++;
  return { width, height, dark: dark / Math.max(pixels.length, 1) };
}

export function renderPng(file: string, page: number, prefix: string, dpi = 50): Buffer {
  run('pdftoppm', [
    '-png',
    '-r',
    String(dpi),
    '-f',
    String(page),
    '-l',
    String(page),
    '-singlefile',
    file,
    prefix,
  ]);
  return readFileSync(`${prefix}.png`);
}
