import type { AppContext } from '../app/context.ts';
import { NoDatasetError, NotFoundError, OlistError } from '../core/errors.ts';
import type { DatasetVersion } from '../datasets/catalog.ts';

/**
 * The app context as the API's services see it, with data set look-ups answered from a snapshot
 * of the catalog instead of a database query per request (the catalog query was most of a
 * cached view's latency). The server is the only writer of its data directory (the analytical
 * database is locked to one process), so the snapshot is exact once the API invalidates it after
 * its own changes (upload, make current); a short TTL covers anything else in the process.
 */
export interface SnapshotContext extends AppContext {
  /** Forget the snapshot: the next look-up reads the catalog. */
  invalidateDatasets(): void;
}

export function withDatasetSnapshot(
  ctx: AppContext,
  ttlMs = 2000,
  now: () => number = Date.now,
): SnapshotContext {
  let snapshot: { at: number; versions: Promise<DatasetVersion[]> } | undefined;

  const versions = (): Promise<DatasetVersion[]> => {
    if (!snapshot || now() - snapshot.at > ttlMs) {
      const pending = ctx.catalog.list({ includeFailed: true });
      snapshot = { at: now(), versions: pending };
      pending.catch(() => {
        if (snapshot?.versions === pending) snapshot = undefined;
      });
    }
    return snapshot.versions;
  };

  // Same rules as AppContext.dataset: the current or a given version, which must be published.
  const dataset = async (version?: number) => {
    const all = await versions();
    const v =
      version === undefined
        ? all.find((x) => x.is_current && x.status === 'published')
        : all.find((x) => x.version === version);
    if (!v) {
      if (version === undefined) throw new NoDatasetError(ctx.dataDir);
      throw new NotFoundError(`data set version ${version} does not exist`);
    }
    if (v.status !== 'published') {
      throw new OlistError('CONFLICT', `data set version ${v.version} is ${v.status}, not published`);
    }
    return v;
  };

  return {
    ...ctx,
    dataset,
    currentDataset: () => dataset(),
    invalidateDatasets() {
      snapshot = undefined;
    },
  };
}
