import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../app.tsx';
import type { EChartsType } from '../charts/echarts.ts';
import { type ChartColors, chartColors } from '../charts/palette.ts';
import { slug, toCsv } from '../format.ts';
import { saveFile } from './download.ts';
import { ErrorState, Loading } from './States.tsx';

/** The ECharts chunk, fetched on the first chart only. */
let echartsModule: Promise<typeof import('../charts/echarts.ts')> | null = null;
function loadECharts() {
  echartsModule ??= import('../charts/echarts.ts');
  return echartsModule;
}
/** Starts fetching ECharts (signed-in shell): in parallel with the first page's data. */
export function preloadCharts(): void {
  void loadECharts().catch(() => undefined);
}

export interface ChartData {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface ChartClick {
  name?: string;
  value?: unknown;
  data?: unknown;
  seriesName?: string;
  dataIndex?: number;
}

export function Chart({
  title,
  option,
  data,
  onClick,
  height = 320,
  description,
  actions,
}: {
  title: string;
  option: (c: ChartColors) => EChartsCoreOption;
  /** The numbers behind the chart, for the CSV export. */
  data?: ChartData;
  onClick?: (p: ChartClick) => void;
  height?: number;
  /** What the chart shows, for screen readers. */
  description: string;
  actions?: React.ReactNode;
}) {
  const { theme } = useApp();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [ready, setReady] = useState(false);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  // (Re)create the chart when the theme changes; update its option when the data does.
  // biome-ignore lint/correctness/useExhaustiveDependencies: option is rebuilt each render; theme drives re-init.
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    loadECharts().then(
      ({ init }) => {
        if (disposed || !el.current) return;
        const c = init(el.current, undefined, { renderer: 'canvas' });
        chart.current = c;
        c.setOption(withBase(option(chartColors(theme)), chartColors(theme), title));
        c.on('click', (p) => clickRef.current?.(p as ChartClick));
        observer = new ResizeObserver(() => c.resize());
        observer.observe(el.current);
        setReady(true);
      },
      (err: unknown) => setError(err),
    );
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
      setReady(false);
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption(withBase(option(chartColors(theme)), chartColors(theme), title), {
      notMerge: true,
    });
  });

  const png = () => {
    const c = chart.current;
    if (!c) return;
    saveFile(
      c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: chartColors(theme).background }),
      `${slug(title)}.png`,
    );
  };
  const csv = () => {
    if (!data) return;
    saveFile(new Blob([toCsv(data.columns, data.rows)], { type: 'text/csv' }), `${slug(title)}.csv`);
  };

  return (
    <figure className="card chart">
      <figcaption className="card-head">
        <h3>{title}</h3>
        <div className="card-actions">
          {actions}
          {data && (
            <button
              type="button"
              className="btn btn-small"
              onClick={csv}
              aria-label={`Download ${title} as CSV`}
            >
              CSV
            </button>
          )}
          <button
            type="button"
            className="btn btn-small"
            onClick={png}
            disabled={!ready}
            aria-label={`Download ${title} as PNG`}
          >
            PNG
          </button>
        </div>
      </figcaption>
      {error ? <ErrorState error={error} /> : null}
      <div className="chart-body" style={{ height }}>
        {!ready && !error && (
          <div className="chart-overlay">
            <Loading label="Drawing chart" />
          </div>
        )}
        <div ref={el} className="chart-canvas" role="img" aria-label={`${title}: ${description}`} />
      </div>
    </figure>
  );
}

function withBase(o: EChartsCoreOption, c: ChartColors, title: string): EChartsCoreOption {
  return {
    color: c.series,
    backgroundColor: 'transparent',
    textStyle: { color: c.text, fontFamily: 'inherit' },
    aria: { enabled: true, label: { description: title } },
    animationDuration: 300,
    ...o,
  };
}

/** Axis styling for the theme. */
export function axis(c: ChartColors, extra: Record<string, unknown> = {}) {
  return {
    axisLine: { lineStyle: { color: c.grid } },
    axisLabel: { color: c.muted },
    splitLine: { lineStyle: { color: c.grid } },
    nameTextStyle: { color: c.muted },
    ...extra,
  };
}

export function tooltip(c: ChartColors, extra: Record<string, unknown> = {}) {
  return {
    backgroundColor: c.background,
    borderColor: c.grid,
    textStyle: { color: c.text },
    confine: true,
    ...extra,
  };
}
