/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const OKABE_ITO = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];
export const OKABE_ITO_DARK = [
  '#56B4E9',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#0072B2',
  '#D55E00',
  '#F0E442',
  '#BBBBBB',
];

/**
 * Sequential single-hue scale (blues). Its lightest step stays visibly tinted against the card, so a
 * zero is never mistaken for a blank (censored, not observed) cell.
 */
export const SEQUENTIAL = ['#d6e6f4', '#9ecae1', '#4292c6', '#2171b5', '#08306b'];
export const SEQUENTIAL_DARK = ['#1d3a57', '#1f5a8f', '#3a8bd0', '#8cc2ea', '#deebf7'];

export interface ChartColors {
  series: string[];
  sequential: string[];
  text: string;
  muted: string;
  grid: string;
  background: string;
}

export function chartColors(theme: 'light' | 'dark'): ChartColors {
  return theme === 'dark'
    ? {
        series: OKABE_ITO_DARK,
        sequential: SEQUENTIAL_DARK,
        text: '#e6e8eb',
        muted: '#a9b1bb',
        grid: '#39414b',
        background: '#171b21',
      }
    : {
        series: OKABE_ITO,
        sequential: SEQUENTIAL,
        text: '#1b1f24',
        muted: '#57606a',
        grid: '#d8dee4',
        background: '#ffffff',
      };
}
