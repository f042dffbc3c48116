import type { ColumnType } from './types.ts';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const dec1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dec4 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

export const fmtBrl = (x: number): string => `R$ ${dec2.format(x)}`;
export const fmtShare = (x: number): string => `${dec1.format(x * 100)}%`;
export const fmtInteger = (x: number): string => int.format(x);
export const fmtNumber = (x: number): string =>
  Math.abs(x) >= 100 ? dec2.format(x) : Math.abs(x) >= 1 ? dec2.format(x) : dec4.format(x);

/** A value as text for the PDF and KPI tiles. */
export function formatValue(value: unknown, type: ColumnType | 'currency' | 'percent'): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return '–';
  switch (type) {
    case 'currency':
      return fmtBrl(value);
    case 'percent':
      return fmtShare(value);
    case 'int':
      return fmtInteger(value);
    case 'number':
      return fmtNumber(value);
    default:
      return String(value);
  }
}

/** Brazilian states by code (presentation only: the data holds codes). */
export const STATE_NAMES: Readonly<Record<string, string>> = {
  AC: 'Acre',
  AL: 'Alagoas',
  AM: 'Amazonas',
  AP: 'Amapá',
  BA: 'Bahia',
  CE: 'Ceará',
  DF: 'Distrito Federal',
  ES: 'Espírito Santo',
  GO: 'Goiás',
  MA: 'Maranhão',
  MG: 'Minas Gerais',
  MS: 'Mato Grosso do Sul',
  MT: 'Mato Grosso',
  PA: 'Pará',
  PB: 'Paraíba',
  PE: 'Pernambuco',
  PI: 'Piauí',
  PR: 'Paraná',
  RJ: 'Rio de Janeiro',
  RN: 'Rio Grande do Norte',
  RO: 'Rondônia',
  RR: 'Roraima',
  RS: 'Rio Grande do Sul',
  SC: 'Santa Catarina',
  SE: 'Sergipe',
  SP: 'São Paulo',
  TO: 'Tocantins',
};
