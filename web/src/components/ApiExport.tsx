import { useState } from 'react';
import { hasRole } from '../api/client.ts';
import { client, useApp } from '../app.tsx';
import { saveFile } from './download.ts';
import { errorMessage } from './States.tsx';

const FORMATS = [
  { ext: 'csv', label: 'CSV' },
  { ext: 'xlsx', label: 'Excel' },
  { ext: 'pdf', label: 'PDF' },
] as const;

/** The file name of a Content-Disposition header, or a fallback. */
export function attachmentName(header: string | null, fallback: string): string {
  const m = /filename="?([^";]+)"?/i.exec(header ?? '');
  return m?.[1] ?? fallback;
}

/**
 * Downloads the page's analysis through the API (`GET /exports/{analysis}.{csv|xlsx|pdf}` with the
 * page's parameters, role analyst). Viewers see why they cannot.
 */
export function ApiExport({
  analysis,
  query,
  formats = ['csv', 'xlsx', 'pdf'],
  label,
  quiet = false,
}: {
  analysis: string;
  /** URL query string of the analysis's parameters ('' or '?a=b'). */
  query: string;
  formats?: readonly ('csv' | 'xlsx' | 'pdf')[];
  label?: string;
  /** Say nothing to viewers (another export on the page already says why). */
  quiet?: boolean;
}) {
  const { session } = useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!hasRole(session?.user.role, 'analyst'))
    return quiet ? null : <span className="muted export-note">Exports need the analyst role.</span>;
  const download = async (ext: string) => {
    setBusy(ext);
    setError(null);
    try {
      const res = await client.fetchRaw(`/exports/${analysis}.${ext}${query}`);
      const blob = await res.blob();
      saveFile(blob, attachmentName(res.headers.get('content-disposition'), `olist-${analysis}.${ext}`));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of buttons, not a form field set.
    <div className="card-actions api-export" role="group" aria-label={`Export ${label ?? analysis}`}>
      <span className="muted">{label ?? 'Export'}:</span>
      {FORMATS.filter((f) => formats.includes(f.ext)).map((f) => (
        <button
          key={f.ext}
          type="button"
          className="btn btn-small"
          disabled={busy !== null}
          onClick={() => download(f.ext)}
          data-testid={`export-${analysis}-${f.ext}`}
        >
          {busy === f.ext ? `${f.label}…` : f.label}
        </button>
      ))}
      {error && (
        <span className="state-error export-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
