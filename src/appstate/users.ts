import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { InputError, NotFoundError, OlistError } from '../core/errors.ts';
import type { Db } from './db.ts';
import { DEFAULT_SCRYPT_COST, hashPassword, type ScryptCost, verifyPassword } from './passwords.ts';

export const ROLES = ['admin', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** admin ⊇ analyst ⊇ viewer. */
const RANK: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export const usernameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$/,
    '3–64 characters: letters, digits, _ . @ - (starting with a letter or digit)',
  );
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(256, 'at most 256 characters');
export const roleSchema = z.enum(ROLES);

const userRow = z.object({
  id: z.number().int(),
  username: z.string(),
  password_hash: z.string(),
  role: roleSchema,
  disabled: z.number().transform((n) => n !== 0),
  created_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable(),
});

export type UserRecord = z.infer<typeof userRow>;
export type User = Omit<UserRecord, 'password_hash'>;

function publicUser({ password_hash: _, ...u }: UserRecord): User {
  return u;
}

/** Users of the API and dashboard, with scrypt-hashed passwords. */
export class UserStore {
  /** A hash to verify against when the username is unknown, so timing does not reveal which names exist. */
  private dummyHash: Promise<string> | undefined;
  private byId: Statement | undefined;

  constructor(
    private readonly db: Db,
    private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(input: { username: string; password: string; role: Role }): Promise<User> {
    const username = parseField(usernameSchema, input.username, 'username');
    const password = parseField(passwordSchema, input.password, 'password');
    const role = parseField(roleSchema, input.role, 'role');
    if (this.findRecord(username)) throw new OlistError('CONFLICT', `user "${username}" already exists`);
    const hash = await hashPassword(password, this.cost);
    const ts = this.now().toISOString();
    const info = this.db
      .prepare(
        'INSERT INTO users (username, password_hash, role, disabled, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
      )
      .run(username, hash, role, ts, ts);
    return this.getById(Number(info.lastInsertRowid))!;
  }

  list(): User[] {
    return this.db
      .prepare('SELECT * FROM users ORDER BY username')
      .all()
      .map((r) => publicUser(userRow.parse(r)));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  getById(id: number): User | undefined {
    // Prepared once: it runs on every request with an access token.
    this.byId ??= this.db.prepare('SELECT * FROM users WHERE id = ?');
    const row = this.byId.get(id);
    return row ? publicUser(userRow.parse(row)) : undefined;
  }

  get(username: string): User | undefined {
    const r = this.findRecord(username);
    return r ? publicUser(r) : undefined;
  }

  /** The user for a username and password, or undefined (unknown, wrong password or disabled). */
  async verify(username: string, password: string): Promise<User | undefined> {
    const record = this.findRecord(username);
    if (!record) {
      this.dummyHash ??= hashPassword('not-a-real-password', this.cost);
      await verifyPassword(password, await this.dummyHash);
      return undefined;
    }
    const ok = await verifyPassword(password, record.password_hash);
    if (!ok || record.disabled) return undefined;
    this.db
      .prepare('UPDATE users SET last_login_at = ? WHERE id = ?')
      .run(this.now().toISOString(), record.id);
    return publicUser({ ...record, last_login_at: this.now().toISOString() });
  }

  async update(
    username: string,
    changes: { role?: Role | undefined; disabled?: boolean | undefined; password?: string | undefined },
  ): Promise<User> {
    const record = this.findRecord(username);
    if (!record) throw new NotFoundError(`user "${username}" does not exist`);
    const role = changes.role === undefined ? record.role : parseField(roleSchema, changes.role, 'role');
    const disabled = changes.disabled ?? record.disabled;
    const hash =
      changes.password === undefined
        ? record.password_hash
        : await hashPassword(parseField(passwordSchema, changes.password, 'password'), this.cost);
    this.db
      .prepare('UPDATE users SET role = ?, disabled = ?, password_hash = ?, updated_at = ? WHERE id = ?')
      .run(role, disabled ? 1 : 0, hash, this.now().toISOString(), record.id);
    return this.getById(record.id)!;
  }

  /** Number of enabled admins: the last one may not be disabled or demoted. */
  activeAdmins(): number {
    return (
      this.db.prepare(`SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`).get() as {
        n: number;
      }
    ).n;
  }

  private findRecord(username: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username);
    return row ? userRow.parse(row) : undefined;
  }
}

function parseField<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new InputError(
      `invalid ${field}`,
      r.error.issues.map((i) => ({ location: field, message: i.message })),
    );
  }
  return r.data;
}
