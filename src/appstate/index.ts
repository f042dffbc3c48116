import { ApiKeyStore } from './apiKeys.ts';
import { AuditLog } from './audit.ts';
import { type Db, memoryAppDb, openAppDb } from './db.ts';
import { JobStore } from './jobs.ts';
import type { ScryptCost } from './passwords.ts';
import { RefreshTokenStore } from './refreshTokens.ts';
import { UserStore } from './users.ts';

/** Users, API keys, refresh tokens, audit log and jobs: the server's own state, in one SQLite file. */
export interface AppState {
  readonly db: Db;
  readonly users: UserStore;
  readonly apiKeys: ApiKeyStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly audit: AuditLog;
  readonly jobs: JobStore;
  close(): void;
}

export interface AppStateOptions {
  /** `<dataDir>/app.sqlite`; omit for an in-memory database (tests). */
  readonly dataDir?: string;
  readonly refreshTokenTtlSeconds: number;
  readonly scryptCost?: ScryptCost;
}

export function openAppState(opts: AppStateOptions): AppState {
  const db = opts.dataDir === undefined ? memoryAppDb() : openAppDb(opts.dataDir);
  return {
    db,
    users: new UserStore(db, opts.scryptCost),
    apiKeys: new ApiKeyStore(db),
    refreshTokens: new RefreshTokenStore(db, opts.refreshTokenTtlSeconds),
    audit: new AuditLog(db),
    jobs: new JobStore(db),
    close() {
      if (db.open) db.close();
    },
  };
}
