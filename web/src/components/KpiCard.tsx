import { change, decimal, integer, money, percent, signedPercent, signedPoints } from '../format.ts';

export type KpiKind = 'money' | 'int' | 'rate' | 'score' | 'points';

export function formatKpi(v: number | null, kind: KpiKind): string {
  if (kind === 'money') return money(v);
  if (kind === 'int') return integer(v);
  if (kind === 'rate') return percent(v);
  if (kind === 'points') return decimal(v, 1);
  return decimal(v);
}

export function KpiCard({
  label,
  value,
  kind,
  current,
  previous,
  compareLabel,
  hint,
  id,
}: {
  label: string;
  value: number | null;
  kind: KpiKind;
  current?: number | null;
  previous?: number | null;
  compareLabel?: string;
  hint: string;
  id: string;
}) {
  const hasCompare = current !== undefined && previous !== undefined;
  const delta =
    kind === 'rate'
      ? signedPoints(current ?? null, previous ?? null)
      : signedPercent(change(current ?? null, previous ?? null));
  const diff = current != null && previous != null ? current - previous : null;
  const trend = diff === null || diff === 0 ? 'flat' : diff > 0 ? 'up' : 'down';
  return (
    <article className="card kpi" aria-labelledby={`${id}-label`} data-kpi={id}>
      <h3 id={`${id}-label`} className="kpi-label" title={hint}>
        {label}
      </h3>
      <p className="kpi-value" data-testid={`kpi-${id}`}>
        {formatKpi(value, kind)}
      </p>
      {hasCompare && (
        <p className={`kpi-delta kpi-${trend}`}>
          <span aria-hidden="true">{trend === 'up' ? '▲ ' : trend === 'down' ? '▼ ' : '■ '}</span>
          <span>{delta}</span> <span className="muted">{compareLabel}</span>
        </p>
      )}
    </article>
  );
}
