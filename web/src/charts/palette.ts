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

/** Sequential scale (light to dark blue; viridis-like ends are readable in both themes). */
export const SEQUENTIAL = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
export const SEQUENTIAL_DARK = ['#0b1f33', '#12416b', '#2171b5', '#6baed6', '#deebf7'];

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
