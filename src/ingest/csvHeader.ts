import { open } from 'node:fs/promises';

export interface CsvHeader {
  readonly columns: readonly string[];
  readonly bom: boolean;
  readonly crlf: boolean;
  /** Whether anything follows the header line. */
  readonly hasRows: boolean;
  readonly bytes: number;
}

const BOM = [0xef, 0xbb, 0xbf];

/** Splits one CSV line into fields (RFC 4180 quoting; the header line has no embedded breaks). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/**
 * Reads the header line of a CSV file without reading the whole file.
 * Returns undefined for an empty file; throws when the header is not valid UTF-8.
 */
export async function readCsvHeader(file: string): Promise<CsvHeader | undefined> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return undefined;
    const buf = Buffer.alloc(Math.min(size, 65536));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    let bytes = buf.subarray(0, bytesRead);
    const bom = bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b);
    if (bom) bytes = bytes.subarray(3);
    const nl = bytes.indexOf(0x0a);
    const lineBytes = nl < 0 ? bytes : bytes.subarray(0, nl);
    const crlf = lineBytes.length > 0 && lineBytes[lineBytes.length - 1] === 0x0d;
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      crlf ? lineBytes.subarray(0, -1) : lineBytes,
    );
    const afterHeader = nl < 0 ? 0 : size - (bom ? 3 : 0) - (nl + 1);
    if (text.trim() === '') return { columns: [], bom, crlf, hasRows: afterHeader > 0, bytes: size };
    return {
      columns: splitCsvLine(text).map((c) => c.trim()),
      bom,
      crlf,
      hasRows: afterHeader > 0,
      bytes: size,
    };
  } finally {
    await fh.close();
  }
}
