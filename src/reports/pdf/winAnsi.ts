/**
 * pdfkit's built-in fonts (Helvetica) encode text as WinAnsi: Latin-1 plus a few typographic
 * signs. That covers Portuguese (São Paulo, Não, ç, õ) and R$; anything else is replaced by a
 * close ASCII spelling, or '?', so no glyph silently renders as garbage.
 */
const EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const SUBSTITUTES: Readonly<Record<string, string>> = {
  '≥': '>=',
  '≤': '<=',
  '≠': '!=',
  '−': '-',
  '→': '->',
  '←': '<-',
  '≈': '~',
  '✓': 'v',
  '✗': 'x',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
};

export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || ch === '\n' || EXTRA.has(ch)) {
      out += ch;
    } else {
      out += SUBSTITUTES[ch] ?? (ch === '\t' ? ' ' : '?');
    }
  }
  return out;
}
