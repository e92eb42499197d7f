import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { loadMigrations } from '../migrations.js';
import { LOCKOUT, MAX_CODE_ATTEMPTS } from '../store.js';
import { CommitBatch } from './commitBatch.js';
import { RecordCache, rowKey } from './recordCache.js';
import { attributePage, page, prefixEnd, toClient, toFailures, toGroup, toKey, toOutbox, toPool, toSession, toSignIn, toUser, type Row } from '../rows.js';
import { groupUpdateColumns } from '../groupColumns.js';
import { IMPORT_JOB, firstOfEachUsername, importJobAssignments, importJobCursor, parseImportJobCursor, toImportJob } from '../rows.js';
import type {
  AccessContext,
  UserKey,
  AttributeCursor,
  AttributePage,
  ClientRecord,
  CodeCheck,
  FailureKind,
  FailureState,
  GroupRecord,
  GroupUpdate,
  ImportJobRecord,
  ImportJobStatus,
  ImportJobUpdate,
  OutboxMessage,
  Page,
  PoolRecord,
  Quota,
  SessionRecord,
  SignInRecord,
  SigningKeyRecord,
  Store,
  TotpCompletion,
  UserCodeRecord,
  UserRecord,
  UserUpdate,
} from '../store.js';


const userColumns: Record<keyof UserUpdate, string> = {
  status: 'status',
  enabled: 'enabled',
  attributes: 'attributes',
  passwordSalt: 'password_salt',
  passwordVerifierSealed: 'password_verifier_sealed',
  totpSecretSealed: 'totp_secret_sealed',
  totpPendingSecretSealed: 'totp_pending_secret_sealed',
  totpEnabled: 'totp_enabled',
  totpFriendlyDeviceName: 'totp_friendly_device_name',
  smsMfaEnabled: 'sms_mfa_enabled',
  preferredMfa: 'preferred_mfa',
  modifiedAt: 'modified_at',
};

/** The columns an update sets, in a fixed order (one statement text per set of columns), with SQLite values. */
function updateColumns(update: UserUpdate): { keys: (keyof UserUpdate)[]; values: unknown[] } {
  const keys = (Object.keys(userColumns) as (keyof UserUpdate)[]).filter((k) => update[k] !== undefined);
  const values = keys.map((k) => {
    const v = update[k];
    if (k === 'attributes') return JSON.stringify(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    return v;
  });
  return { keys, values };
}

const failureColumns: Record<FailureKind, [string, string]> = {
  password: ['password_failures', 'password_last_failure_at'],
  mfa: ['mfa_failures', 'mfa_last_failure_at'],
};
const FAILURE_KINDS = Object.keys(failureColumns) as FailureKind[];

/**
 * Whether a failure count locks now (LOCKOUT): `count` failures, the last at `last`, and `now` a
 * SQL expression. 1000 << 10 is past the 15-minute cap, so the shift never needs to go further.
 */
const lockedSql = (count: string, last: string, now: string) =>
  `(${count} >= ${LOCKOUT.free} AND ${now} < ${last} + MIN(${LOCKOUT.firstMs} << MIN(${count} - ${LOCKOUT.free}, 10), ${LOCKOUT.maxMs}))`;

/** How long an unknown name's failure count is kept after its last failure. */
const NAME_ATTEMPTS_TTL_MS = 86_400_000;

/** What the record cache holds of one user's row: its record and its failure counters. */
interface CachedUserRow {
  key: string;
  record: UserRecord | undefined;
  failures: [FailureKind, FailureState | undefined][];
}

/** A user's failure counters, cached next to the user's record (they are columns of its row). */
const failuresPart = (kind: FailureKind) => `failures:${kind}`;

export interface SqliteStoreOptions {
  /**
   * Hold the file's lock for the life of the process (the default). SQLite otherwise takes and
   * drops a shared-memory read lock around every statement, which costs more than the lookup
   * itself; a SQLite file then serves one Cognate process, and a second one fails to start with
   * "database is locked". Several processes share a PostgreSQL database instead (docs/storage.md).
   */
  exclusive?: boolean;
  /** How long to wait for another process's lock before failing. */
  busyTimeoutMs?: number;
}

/** The Store methods that read or write: with group commit, each one's result waits for its turn's commit. */
const STORE_CALLS = Object.keys({
  createPool: 1, getPool: 1, listPools: 1, updatePool: 1, deletePool: 1, getSigningKeys: 1, getSigningKey: 1,
  createClient: 1, getClient: 1, listClients: 1, updateClient: 1, deleteClient: 1,
  createUser: 1, getUserByKey: 1, putUserKey: 1, deleteUserKey: 1, getUser: 1, getUserBySub: 1, findUsersByAttribute: 1, listUsers: 1, listUsersByUsernamePrefix: 1,
  listUsersByAttribute: 1, listUsersByStatus: 1, updateUser: 1, deleteUser: 1,
  consumeTotpStep: 1, recordFailure: 1, getFailures: 1, clearFailures: 1,
  reserveAttempt: 1, refundAttempt: 1, reserveNameAttempt: 1, takeQuota: 1, clearQuota: 1,
  createSession: 1, getSession: 1, consumeSession: 1, addSessionWrongAttempt: 1, completeTotpChallenge: 1,
  reserveSessionAttempt: 1, refundSessionAttempt: 1,
  deleteExpiredSessions: 1,
  createSignIn: 1, getSignIn: 1, getAccessContext: 1, getSignInByRefreshHash: 1, revokeSignIn: 1, revokeUserSignIns: 1,
  putUserCode: 1, consumeUserCode: 1, addOutboxMessage: 1, listOutbox: 1, pruneOutbox: 1, getMeta: 1, putMetaIfAbsent: 1,
  createGroup: 1, getGroup: 1, listGroups: 1, updateGroup: 1, deleteGroup: 1, addUserToGroup: 1, removeUserFromGroup: 1,
  listGroupsForUser: 1, getUserGroups: 1, listUsersInGroup: 1,
  // user import jobs
  createUsers: 1, createImportJob: 1, getImportJob: 1, listImportJobs: 1, putImportCsv: 1, getImportCsv: 1, updateImportJob: 1,
  clearOutbox: 1,
} satisfies Record<Exclude<keyof Store, 'ready' | 'close'>, 1>) as Exclude<keyof Store, 'ready' | 'close'>[];

/**
 * The database holds the outbox's temporary passwords and codes: its folder is created 0700 and
 * the file 0600 whatever the umask (an older, wider file is narrowed too). SQLite gives the -wal
 * and -shm files the database file's mode.
 */
function privateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600)); // an empty file is a new SQLite database
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    chmodSync(path, 0o600);
  } catch {
    // Not ours to change (another owner, a read-only mount): SQLite reports what matters.
  }
}

/** The embedded default engine: one SQLite file in WAL mode, statements prepared once. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly cache: RecordCache;
  /** Group commit (commitBatch.ts), with the file to this process alone. */
  private readonly batch: CommitBatch | undefined;
  /** How deep this store is in its own transactions (savepoints inside a turn's transaction). */
  private transactionDepth = 0;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    if (path !== ':memory:') privateFile(path);
    this.db = new Database(path);
    // Wait for another process's lock before failing (set first: the pragmas below may need it).
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (options.exclusive !== false) this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    // FULL: a commit is on disk (the WAL fsynced) before its response leaves; NORMAL may lose the
    // last acknowledged commits on power loss (https://www.sqlite.org/pragma.html#pragma_synchronous).
    this.db.pragma('synchronous = FULL');
    // 64 MiB of page cache instead of SQLite's 2 MiB: a pool of a few thousand users outgrows 2 MiB,
    // and every page read past the cache is a system call.
    this.db.pragma('cache_size = -65536');
    // Inside one of the store's own transactions a read may see writes that a rollback undoes.
    this.cache = new RecordCache(options.exclusive !== false, () => this.transactionDepth > 0);
    this.migrate();
    if (options.exclusive !== false) {
      this.batch = new CommitBatch(this.db, () => this.cache.clear());
      for (const name of STORE_CALLS) {
        const call = this[name] as (...args: unknown[]) => Promise<unknown>;
        (this as Record<string, unknown>)[name] = (...args: unknown[]) => this.released(call.apply(this, args));
      }
    }
  }

  /**
   * A store call's result, handed out once the turn's transaction that holds what it wrote or read
   * is committed. The call's statements have all run by now: a store method never awaits.
   */
  private released<T>(result: Promise<T>): Promise<T> {
    const committed = this.batch!.pending();
    return committed ? result.then((value) => committed.then(() => value)) : result;
  }

  /**
   * One of the store's own transactions: all or nothing, inside the turn's transaction (as a
   * savepoint) when there is group commit.
   */
  private transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const run = this.db.transaction(fn);
    return (...args: A) => {
      this.batch?.beforeWrite();
      this.transactionDepth++;
      try {
        return run.immediate(...args);
      } finally {
        this.transactionDepth--;
      }
    };
  }

  async ready(): Promise<void> {}

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    const applied = this.db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
    for (const migration of loadMigrations('sqlite')) {
      // Checked again inside the write lock: several processes may open a new file at once.
      this.db.transaction(() => {
        if (applied.get(migration.version)) return;
        this.db.exec(migration.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(migration.version, migration.name);
      }).immediate();
    }
  }

  /** Prepared statements are built once and reused: preparing costs more than running. */
  private sql(text: string): Database.Statement {
    let stmt = this.stmts.get(text);
    if (!stmt) {
      const prepared = this.db.prepare(text);
      stmt = this.cache.watch(text, objectRows(prepared));
      if (this.batch && !prepared.readonly) stmt = beginningTurn(stmt, this.batch);
      this.stmts.set(text, stmt);
    }
    return stmt;
  }

  // ---- pools ----

  async createPool(pool: PoolRecord, keys: SigningKeyRecord[]): Promise<void> {
    this.transaction(() => {
      this.sql('INSERT INTO pools (id, name, settings, created_at, modified_at) VALUES (?, ?, ?, ?, ?)').run(
        pool.id, pool.name, JSON.stringify(pool.settings), pool.createdAt, pool.modifiedAt,
      );
      for (const key of keys) {
        this.sql(
          'INSERT INTO signing_keys (kid, pool_id, key_use, private_jwk_sealed, public_jwk, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(key.kid, key.poolId, key.use, key.privateJwkSealed, key.publicJwk, key.createdAt);
      }
    })();
  }

  async getPool(id: string): Promise<PoolRecord | undefined> {
    return this.poolById(id);
  }

  private poolById(id: string): PoolRecord | undefined {
    const cached = this.cache.get<PoolRecord>('pools', id);
    if (cached) return cached;
    const row = this.sql('SELECT * FROM pools WHERE id = ?').get(id) as Row | undefined;
    return row && this.cache.set('pools', id, toPool(row));
  }

  async listPools(limit: number, after?: string): Promise<Page<PoolRecord>> {
    const rows = this.sql('SELECT * FROM pools WHERE id > ? ORDER BY id LIMIT ?').all(after ?? '', limit + 1) as Row[];
    return page(rows.map(toPool), limit, (p) => p.id);
  }

  async updatePool(pool: PoolRecord): Promise<void> {
    this.sql('UPDATE pools SET name = ?, settings = ?, modified_at = ? WHERE id = ?').run(
      pool.name, JSON.stringify(pool.settings), pool.modifiedAt, pool.id,
    );
  }

  async deletePool(id: string): Promise<boolean> {
    return this.sql('DELETE FROM pools WHERE id = ?').run(id).changes > 0;
  }

  async getSigningKeys(poolId: string): Promise<SigningKeyRecord[]> {
    return (this.sql('SELECT * FROM signing_keys WHERE pool_id = ? ORDER BY created_at, kid').all(poolId) as Row[]).map(toKey);
  }

  async getSigningKey(kid: string): Promise<SigningKeyRecord | undefined> {
    const row = this.sql('SELECT * FROM signing_keys WHERE kid = ?').get(kid) as Row | undefined;
    return row && toKey(row);
  }

  // ---- clients ----

  async createClient(c: ClientRecord): Promise<void> {
    this.sql(
      'INSERT INTO clients (id, pool_id, name, secret_sealed, settings, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(c.id, c.poolId, c.name, c.secretSealed, JSON.stringify(c.settings), c.createdAt, c.modifiedAt);
  }

  async getClient(id: string): Promise<ClientRecord | undefined> {
    const cached = this.cache.get<ClientRecord>('clients', id);
    if (cached) return cached;
    const row = this.sql('SELECT * FROM clients WHERE id = ?').get(id) as Row | undefined;
    return row && this.cache.set('clients', id, toClient(row));
  }

  async listClients(poolId: string, limit: number, after?: string): Promise<Page<ClientRecord>> {
    const rows = this.sql('SELECT * FROM clients WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?').all(
      poolId, after ?? '', limit + 1,
    ) as Row[];
    return page(rows.map(toClient), limit, (c) => c.id);
  }

  async updateClient(c: ClientRecord): Promise<void> {
    this.sql('UPDATE clients SET name = ?, settings = ?, modified_at = ? WHERE id = ? AND pool_id = ?').run(
      c.name, JSON.stringify(c.settings), c.modifiedAt, c.id, c.poolId,
    );
  }

  async deleteClient(poolId: string, id: string): Promise<boolean> {
    const run = this.transaction(() => {
      const deleted = this.sql('DELETE FROM clients WHERE id = ? AND pool_id = ?').run(id, poolId).changes > 0;
      if (deleted) {
        this.sql('DELETE FROM auth_sessions WHERE client_id = ? AND pool_id = ?').run(id, poolId);
        this.sql('DELETE FROM sign_ins WHERE client_id = ? AND pool_id = ?').run(id, poolId);
      }
      return deleted;
    });
    return run();
  }

  // ---- users ----

  async createUser(u: UserRecord, keys: UserKey[] = []): Promise<boolean> {
    const insert = this.transaction(() => {
      const result = this.sql(
        `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_salt, password_verifier_sealed,
           totp_secret_sealed, totp_pending_secret_sealed, totp_enabled, totp_friendly_device_name, sms_mfa_enabled,
           preferred_mfa, created_at, modified_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (pool_id, username) DO NOTHING`,
      ).run(
        u.poolId, u.username, u.sub, u.status, u.enabled ? 1 : 0, JSON.stringify(u.attributes), u.passwordSalt,
        u.passwordVerifierSealed, u.totpSecretSealed, u.totpPendingSecretSealed, u.totpEnabled ? 1 : 0,
        u.totpFriendlyDeviceName, u.smsMfaEnabled ? 1 : 0, u.preferredMfa, u.createdAt, u.modifiedAt,
      );
      if (result.changes === 0) return false;
      const key = this.sql('INSERT INTO user_keys (pool_id, name, value, username) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
      for (const k of keys) {
        // A key held by another user: the whole insert is undone (the throw rolls the savepoint back).
        if (key.run(u.poolId, k.name, k.value, u.username).changes === 0) throw new KeyTaken();
      }
      this.indexAttributes(u.poolId, u.username, u.attributes);
      return true;
    });
    try {
      return insert();
    } catch (e) {
      if (e instanceof KeyTaken) return false;
      throw e;
    }
  }

  async getUserByKey(poolId: string, name: string, value: string): Promise<UserRecord | undefined> {
    const row = this.sql(
      `SELECT u.* FROM user_keys k CROSS JOIN users u ON u.pool_id = k.pool_id AND u.username = k.username
       WHERE k.pool_id = ? AND k.name = ? AND k.value = ?`,
    ).get(poolId, name, value) as Row | undefined;
    return row && toUser(row);
  }

  async putUserKey(poolId: string, key: UserKey, username: string): Promise<void> {
    this.transaction(() => {
      this.sql(
        `INSERT INTO user_keys (pool_id, name, value, username) VALUES (?, ?, ?, ?)
         ON CONFLICT (pool_id, name, value) DO UPDATE SET username = excluded.username`,
      ).run(poolId, key.name, key.value, username);
    })();
  }

  async deleteUserKey(poolId: string, key: UserKey, username: string): Promise<void> {
    this.transaction(() => {
      this.sql('DELETE FROM user_keys WHERE pool_id = ? AND name = ? AND value = ? AND username = ?').run(poolId, key.name, key.value, username);
    })();
  }

  private indexAttributes(poolId: string, username: string, attributes: { Name: string; Value: string }[]): void {
    this.sql('DELETE FROM user_attribute_index WHERE pool_id = ? AND username = ?').run(poolId, username);
    const add = this.sql('INSERT OR IGNORE INTO user_attribute_index (pool_id, username, name, value) VALUES (?, ?, ?, ?)');
    for (const a of attributes) add.run(poolId, username, a.Name, a.Value);
  }

  async getUser(poolId: string, username: string): Promise<UserRecord | undefined> {
    return this.userByName(poolId, username);
  }

  private userByName(poolId: string, username: string): UserRecord | undefined {
    const key = rowKey(poolId, username);
    const cached = this.cache.get<UserRecord>('users', key);
    if (cached) return cached;
    const row = this.sql('SELECT * FROM users WHERE pool_id = ? AND username = ?').get(poolId, username) as Row | undefined;
    if (!row) return undefined;
    // The row holds the failure counters too; the MFA and password checks read them next.
    for (const kind of FAILURE_KINDS) {
      const [count, last] = failureColumns[kind];
      this.cache.set('users', key, toFailures({ count: row[count], last_at: row[last] }), failuresPart(kind));
    }
    return this.cache.set('users', key, toUser(row));
  }

  async getUserBySub(poolId: string, sub: string): Promise<UserRecord | undefined> {
    const row = this.sql('SELECT * FROM users WHERE pool_id = ? AND sub = ?').get(poolId, sub) as Row | undefined;
    return row && toUser(row);
  }

  // CROSS JOIN makes SQLite read the attribute index first: with a plain JOIN and ORDER BY username
  // it may walk every user of the pool in username order instead and probe the index for each.

  async findUsersByAttribute(poolId: string, name: string, value: string): Promise<UserRecord[]> {
    const rows = this.sql(
      `SELECT u.* FROM user_attribute_index i CROSS JOIN users u ON u.pool_id = i.pool_id AND u.username = i.username
       WHERE i.pool_id = ? AND i.name = ? AND i.value = ? ORDER BY i.username`,
    ).all(poolId, name, value) as Row[];
    return rows.map(toUser);
  }

  async listUsersByUsernamePrefix(poolId: string, prefix: string, limit: number, after?: string): Promise<Page<UserRecord>> {
    const rows = this.sql(
      'SELECT * FROM users WHERE pool_id = ? AND username >= ? AND username < ? AND username > ? ORDER BY username LIMIT ?',
    ).all(poolId, prefix, prefixEnd(prefix), after ?? '', limit + 1) as Row[];
    return page(rows.map(toUser), limit, (u) => u.username);
  }

  async listUsersByAttribute(
    poolId: string,
    name: string,
    value: string,
    prefix: boolean,
    limit: number,
    after?: AttributeCursor,
  ): Promise<AttributePage> {
    const rows = (
      prefix
        ? this.sql(
            `SELECT i.value AS index_value, u.* FROM user_attribute_index i CROSS JOIN users u
               ON u.pool_id = i.pool_id AND u.username = i.username
             WHERE i.pool_id = ? AND i.name = ? AND i.value >= ? AND i.value < ? AND (i.value, i.username) > (?, ?)
             ORDER BY i.value, i.username LIMIT ?`,
          ).all(poolId, name, value, prefixEnd(value), after?.value ?? '', after?.username ?? '', limit + 1)
        : this.sql(
            `SELECT i.value AS index_value, u.* FROM user_attribute_index i CROSS JOIN users u
               ON u.pool_id = i.pool_id AND u.username = i.username
             WHERE i.pool_id = ? AND i.name = ? AND i.value = ? AND i.username > ?
             ORDER BY i.username LIMIT ?`,
          ).all(poolId, name, value, after?.username ?? '', limit + 1)
    ) as Row[];
    return attributePage(rows, limit);
  }

  async listUsersByStatus(
    poolId: string,
    column: 'status' | 'enabled',
    value: string | boolean,
    limit: number,
    after?: string,
  ): Promise<Page<UserRecord>> {
    const text =
      column === 'status'
        ? 'SELECT * FROM users WHERE pool_id = ? AND status = ? AND username > ? ORDER BY username LIMIT ?'
        : 'SELECT * FROM users WHERE pool_id = ? AND enabled = ? AND username > ? ORDER BY username LIMIT ?';
    const rows = this.sql(text).all(poolId, typeof value === 'boolean' ? Number(value) : value, after ?? '', limit + 1) as Row[];
    return page(rows.map(toUser), limit, (u) => u.username);
  }

  async listUsers(poolId: string, limit: number, after?: string): Promise<Page<UserRecord>> {
    const rows = this.sql('SELECT * FROM users WHERE pool_id = ? AND username > ? ORDER BY username LIMIT ?').all(
      poolId, after ?? '', limit + 1,
    ) as Row[];
    return page(rows.map(toUser), limit, (u) => u.username);
  }

  async updateUser(poolId: string, username: string, update: UserUpdate): Promise<boolean> {
    const { keys, values } = updateColumns(update);
    if (keys.length === 0) return true;
    const text = `UPDATE users SET ${keys.map((k) => `${userColumns[k]} = ?`).join(', ')} WHERE pool_id = ? AND username = ?`;
    const before = this.cachedUserRow(poolId, username);
    // Only an attribute change needs a transaction: the row and its index rows change together.
    const changed = update.attributes
      ? this.transaction(() => {
          const done = this.sql(text).run(...values, poolId, username).changes > 0;
          if (done) this.indexAttributes(poolId, username, update.attributes!);
          return done;
        })()
      : this.sql(text).run(...values, poolId, username).changes > 0;
    if (changed) this.rememberUpdated(before, keys, update);
    return changed;
  }

  /**
   * The write made the cache forget the user's row; a record that was cached before it is put back
   * with the update applied, so the next request of the same user (AssociateSoftwareToken, then
   * VerifySoftwareToken) does not read the row again. Called after the write (in its group-commit
   * turn: if that turn fails, the whole cache is cleared).
   */
  private rememberUpdated(before: CachedUserRow, keys: (keyof UserUpdate)[], update: UserUpdate): void {
    if (!before.record) return;
    const after: Record<string, unknown> = { ...before.record };
    for (const k of keys) after[k] = update[k];
    this.cache.set('users', before.key, after as unknown as UserRecord);
    // An update never sets the failure counters, so what was cached of them still holds.
    for (const [kind, failures] of before.failures) if (failures) this.cache.set('users', before.key, failures, failuresPart(kind));
  }

  /** What the cache holds of a user's row, taken before a write that makes it forget the row. */
  private cachedUserRow(poolId: string, username: string): CachedUserRow {
    const key = rowKey(poolId, username);
    return {
      key,
      record: this.cache.get<UserRecord>('users', key),
      failures: FAILURE_KINDS.map((kind) => [kind, this.cache.get<FailureState>('users', key, failuresPart(kind))]),
    };
  }

  async deleteUser(poolId: string, username: string): Promise<boolean> {
    const run = this.transaction(() => {
      this.sql('DELETE FROM sign_ins WHERE pool_id = ? AND username = ?').run(poolId, username);
      this.sql('DELETE FROM auth_sessions WHERE pool_id = ? AND username = ?').run(poolId, username);
      this.sql('DELETE FROM outbox WHERE pool_id = ? AND username = ?').run(poolId, username);
      return this.sql('DELETE FROM users WHERE pool_id = ? AND username = ?').run(poolId, username).changes > 0;
    });
    return run();
  }

  async consumeTotpStep(
    poolId: string,
    username: string,
    step: number,
    update: Omit<UserUpdate, 'attributes'> = {},
    unlessLockedAt?: number,
  ): Promise<boolean> {
    const { keys, values } = updateColumns(update);
    if (keys.length === 0 && unlessLockedAt === undefined) return this.consumeStepSync(poolId, username, step);
    const before = this.cachedUserRow(poolId, username);
    const locked = unlessLockedAt === undefined ? '' : ` AND NOT ${lockedSql('mfa_failures', 'mfa_last_failure_at', '?')}`;
    const changed =
      this.sql(
        `UPDATE users SET totp_last_step = ?, mfa_failures = 0, mfa_last_failure_at = NULL${keys.map((k) => `, ${userColumns[k]} = ?`).join('')}
         WHERE pool_id = ? AND username = ? AND (totp_last_step IS NULL OR totp_last_step < ?)${locked}`,
      ).run(step, ...values, poolId, username, step, ...(unlessLockedAt === undefined ? [] : [unlessLockedAt])).changes > 0;
    if (changed) {
      this.rememberUpdated(before, keys, update);
      this.cache.set('users', before.key, toFailures(undefined), failuresPart('mfa'));
    }
    return changed;
  }

  private consumeStepSync(poolId: string, username: string, step: number): boolean {
    return (
      this.sql(
        `UPDATE users SET totp_last_step = ?, mfa_failures = 0, mfa_last_failure_at = NULL
         WHERE pool_id = ? AND username = ? AND (totp_last_step IS NULL OR totp_last_step < ?)`,
      ).run(step, poolId, username, step).changes > 0
    );
  }

  async recordFailure(poolId: string, username: string, kind: FailureKind, now: number): Promise<FailureState> {
    const [count, last] = failureColumns[kind];
    const row = this.sql(
      `UPDATE users SET ${count} = ${count} + 1, ${last} = ? WHERE pool_id = ? AND username = ?
       RETURNING ${count} AS count, ${last} AS last_at`,
    ).get(now, poolId, username) as Row | undefined;
    return toFailures(row);
  }

  async getFailures(poolId: string, username: string, kind: FailureKind): Promise<FailureState> {
    const cached = this.cache.get<FailureState>('users', rowKey(poolId, username), failuresPart(kind));
    if (cached) return cached;
    const [count, last] = failureColumns[kind];
    const row = this.sql(`SELECT ${count} AS count, ${last} AS last_at FROM users WHERE pool_id = ? AND username = ?`).get(
      poolId, username,
    ) as Row | undefined;
    return toFailures(row);
  }

  async clearFailures(poolId: string, username: string, kind: FailureKind): Promise<void> {
    const [count, last] = failureColumns[kind];
    const before = this.cachedUserRow(poolId, username);
    this.sql(`UPDATE users SET ${count} = 0, ${last} = NULL WHERE pool_id = ? AND username = ? AND ${count} <> 0`).run(
      poolId, username,
    );
    this.rememberFailures(before, kind, toFailures(undefined));
  }

  async reserveAttempt(poolId: string, username: string, kind: FailureKind, now: number): Promise<boolean> {
    const [count, last] = failureColumns[kind];
    const before = this.cachedUserRow(poolId, username);
    const row = this.sql(
      `UPDATE users SET ${count} = ${count} + 1, ${last} = ? WHERE pool_id = ? AND username = ? AND NOT ${lockedSql(count, last, '?')}
       RETURNING ${count} AS count, ${last} AS last_at`,
    ).get(now, poolId, username, now) as Row | undefined;
    this.rememberFailures(before, kind, row ? toFailures(row) : undefined);
    return row !== undefined;
  }

  async refundAttempt(poolId: string, username: string, kind: FailureKind): Promise<void> {
    const [count] = failureColumns[kind];
    const before = this.cachedUserRow(poolId, username);
    const row = this.sql(
      `UPDATE users SET ${count} = ${count} - 1 WHERE pool_id = ? AND username = ? AND ${count} > 0
       RETURNING ${count} AS count, ${failureColumns[kind][1]} AS last_at`,
    ).get(poolId, username) as Row | undefined;
    this.rememberFailures(before, kind, row ? toFailures(row) : undefined);
  }

  /**
   * A write of a failure counter made the cache forget the user's row; the record did not change,
   * so what was cached of it is put back, with the counter's new state when it is known.
   */
  private rememberFailures(before: CachedUserRow, kind: FailureKind, state: FailureState | undefined): void {
    if (!before.record) return;
    this.cache.set('users', before.key, before.record);
    for (const [k, failures] of before.failures) {
      const value = k === kind ? (state ?? failures) : failures;
      if (value) this.cache.set('users', before.key, value, failuresPart(k));
    }
  }

  async reserveNameAttempt(poolId: string, name: string, now: number): Promise<boolean> {
    const row = this.sql(
      `INSERT INTO attempt_counters (pool_id, subject, kind, count, since, expires_at) VALUES (?, ?, 'password', 1, ?, ?)
       ON CONFLICT (pool_id, subject, kind) DO UPDATE SET count = attempt_counters.count + 1, since = excluded.since,
         expires_at = excluded.expires_at
       WHERE NOT ${lockedSql('attempt_counters.count', 'attempt_counters.since', 'excluded.since')}
       RETURNING count`,
    ).get(poolId, name, now, now + NAME_ATTEMPTS_TTL_MS) as Row | undefined;
    return row !== undefined;
  }

  async takeQuota(q: Quota, now: number): Promise<boolean> {
    // A window that has ended starts again at this use.
    const row = this.sql(
      `INSERT INTO attempt_counters (pool_id, subject, kind, count, since, expires_at) VALUES (?, ?, ?, 1, ?, ?)
       ON CONFLICT (pool_id, subject, kind) DO UPDATE SET
         count = CASE WHEN attempt_counters.expires_at <= excluded.since THEN 1 ELSE attempt_counters.count + 1 END,
         since = CASE WHEN attempt_counters.expires_at <= excluded.since THEN excluded.since ELSE attempt_counters.since END,
         expires_at = CASE WHEN attempt_counters.expires_at <= excluded.since THEN excluded.expires_at ELSE attempt_counters.expires_at END
       WHERE attempt_counters.expires_at <= excluded.since OR attempt_counters.count < ?
       RETURNING count`,
    ).get(q.poolId, q.subject, q.kind, now, now + q.windowMs, q.limit) as Row | undefined;
    return row !== undefined;
  }

  async clearQuota(poolId: string, subject: string, kind: string): Promise<void> {
    this.sql('DELETE FROM attempt_counters WHERE pool_id = ? AND subject = ? AND kind = ?').run(poolId, subject, kind);
  }

  // ---- sessions ----

  async createSession(s: SessionRecord): Promise<void> {
    this.sql(
      `INSERT INTO auth_sessions (id_hash, pool_id, client_id, username, challenge, context, created_at, expires_at,
         consumed_at, wrong_attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      s.idHash, s.poolId, s.clientId, s.username, s.challenge, JSON.stringify(s.context), s.createdAt, s.expiresAt,
      s.consumedAt, s.wrongAttempts,
    );
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const row = this.sql('SELECT * FROM auth_sessions WHERE id_hash = ?').get(idHash) as Row | undefined;
    return row && toSession(row);
  }

  async consumeSession(idHash: string, now: number): Promise<SessionRecord | undefined> {
    return this.consumeSessionSync(idHash, now);
  }

  private consumeSessionSync(idHash: string, now: number): SessionRecord | undefined {
    const row = this.sql(
      'UPDATE auth_sessions SET consumed_at = ? WHERE id_hash = ? AND consumed_at IS NULL RETURNING *',
    ).get(now, idHash) as Row | undefined;
    return row && toSession(row);
  }

  async addSessionWrongAttempt(idHash: string): Promise<number> {
    const row = this.sql(
      'UPDATE auth_sessions SET wrong_attempts = wrong_attempts + 1 WHERE id_hash = ? RETURNING wrong_attempts',
    ).get(idHash) as Row | undefined;
    return row?.wrong_attempts ?? 0;
  }

  async reserveSessionAttempt(idHash: string, max: number): Promise<boolean> {
    return (
      this.sql(
        'UPDATE auth_sessions SET wrong_attempts = wrong_attempts + 1 WHERE id_hash = ? AND wrong_attempts < ? AND consumed_at IS NULL',
      ).run(idHash, max).changes > 0
    );
  }

  async refundSessionAttempt(idHash: string): Promise<void> {
    this.sql('UPDATE auth_sessions SET wrong_attempts = wrong_attempts - 1 WHERE id_hash = ? AND wrong_attempts > 0').run(idHash);
  }

  async completeTotpChallenge(
    idHash: string,
    poolId: string,
    username: string,
    step: number,
    now: number,
  ): Promise<TotpCompletion> {
    const run = this.transaction((): TotpCompletion => {
      if (!this.consumeSessionSync(idHash, now)) return 'session-used';
      if (!this.consumeStepSync(poolId, username, step)) {
        // Leave the session usable: a replayed code is the user's mistake, not the session's end.
        throw new StepUsed();
      }
      return 'ok';
    });
    try {
      return run();
    } catch (err) {
      if (err instanceof StepUsed) return 'step-used';
      throw err;
    }
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    this.sql('DELETE FROM attempt_counters WHERE expires_at < ?').run(now);
    return this.sql('DELETE FROM auth_sessions WHERE expires_at < ?').run(now).changes;
  }

  // ---- sign-ins ----

  async createSignIn(s: SignInRecord): Promise<void> {
    this.sql(
      `INSERT INTO sign_ins (origin_jti, pool_id, client_id, username, sub, refresh_hash, auth_time, created_at, expires_at,
         revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.originJti, s.poolId, s.clientId, s.username, s.sub, s.refreshHash, s.authTime, s.createdAt, s.expiresAt, s.revokedAt);
  }

  async getSignIn(originJti: string): Promise<SignInRecord | undefined> {
    return this.signInByJti(originJti);
  }

  private signInByJti(originJti: string): SignInRecord | undefined {
    const cached = this.cache.get<SignInRecord>('sign_ins', originJti);
    if (cached) return cached;
    const row = this.sql('SELECT * FROM sign_ins WHERE origin_jti = ?').get(originJti) as Row | undefined;
    return row && this.cache.set('sign_ins', originJti, toSignIn(row));
  }

  async getAccessContext(poolId: string, username: string, originJti: string): Promise<AccessContext> {
    return this.accessContext(poolId, username, originJti);
  }

  private accessContext(poolId: string, username: string, originJti: string): AccessContext {
    // With the file to itself (the default) nothing can write between three synchronous reads,
    // which mostly come from the cache. Otherwise one read transaction gives them one snapshot,
    // and costs less than three autocommit reads, each taking and dropping the WAL read lock.
    if (this.cache.enabled) {
      return { pool: this.poolById(poolId), user: this.userByName(poolId, username), signIn: this.signInByJti(originJti) };
    }
    this.readAccessContext ??= this.db.transaction((p: string, u: string, o: string): AccessContext => ({
      pool: this.poolById(p),
      user: this.userByName(p, u),
      signIn: this.signInByJti(o),
    }));
    return this.readAccessContext(poolId, username, originJti);
  }

  private readAccessContext?: (poolId: string, username: string, originJti: string) => AccessContext;

  async getSignInByRefreshHash(refreshHash: string): Promise<SignInRecord | undefined> {
    const row = this.sql('SELECT * FROM sign_ins WHERE refresh_hash = ?').get(refreshHash) as Row | undefined;
    return row && toSignIn(row);
  }

  async revokeSignIn(originJti: string, now: number): Promise<boolean> {
    return this.sql('UPDATE sign_ins SET revoked_at = ? WHERE origin_jti = ? AND revoked_at IS NULL').run(now, originJti).changes > 0;
  }

  async revokeUserSignIns(poolId: string, username: string, now: number): Promise<number> {
    return this.sql('UPDATE sign_ins SET revoked_at = ? WHERE pool_id = ? AND username = ? AND revoked_at IS NULL').run(
      now, poolId, username,
    ).changes;
  }

  // ---- codes ----

  async putUserCode(c: UserCodeRecord): Promise<void> {
    this.sql(
      `INSERT INTO user_codes (pool_id, username, purpose, code_hash, expires_at, attempts) VALUES (?, ?, ?, ?, ?, 0)
       ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code_hash = excluded.code_hash,
         expires_at = excluded.expires_at, attempts = 0`,
    ).run(c.poolId, c.username, c.purpose, c.codeHash, c.expiresAt);
  }

  async consumeUserCode(poolId: string, username: string, purpose: string, codeHash: string, now: number): Promise<CodeCheck> {
    const run = this.transaction((): CodeCheck => {
      const consumed = this.sql(
        'DELETE FROM user_codes WHERE pool_id = ? AND username = ? AND purpose = ? AND code_hash = ? AND expires_at > ?',
      ).run(poolId, username, purpose, codeHash, now).changes;
      if (consumed > 0) return 'ok';
      const row = this.sql('SELECT expires_at FROM user_codes WHERE pool_id = ? AND username = ? AND purpose = ?').get(
        poolId, username, purpose,
      ) as Row | undefined;
      if (!row) return 'missing';
      if (Number(row.expires_at) <= now) return 'expired';
      const { attempts } = this.sql(
        'UPDATE user_codes SET attempts = attempts + 1 WHERE pool_id = ? AND username = ? AND purpose = ? RETURNING attempts',
      ).get(poolId, username, purpose) as Row;
      if (attempts >= MAX_CODE_ATTEMPTS) {
        this.sql('DELETE FROM user_codes WHERE pool_id = ? AND username = ? AND purpose = ?').run(poolId, username, purpose);
      }
      return 'mismatch';
    });
    return run();
  }

  // ---- groups ----

  async createGroup(g: GroupRecord): Promise<boolean> {
    return (
      this.sql(
        `INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (pool_id, name) DO NOTHING`,
      ).run(g.poolId, g.name, g.description, g.roleArn, g.precedence, g.createdAt, g.modifiedAt).changes > 0
    );
  }

  async getGroup(poolId: string, name: string): Promise<GroupRecord | undefined> {
    const row = this.sql('SELECT * FROM groups WHERE pool_id = ? AND name = ?').get(poolId, name) as Row | undefined;
    return row && toGroup(row);
  }

  async listGroups(poolId: string, limit: number, after?: string): Promise<Page<GroupRecord>> {
    const rows = this.sql('SELECT * FROM groups WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?').all(poolId, after ?? '', limit + 1) as Row[];
    return page(rows.map(toGroup), limit, (g) => g.name);
  }

  async updateGroup(poolId: string, name: string, update: GroupUpdate): Promise<GroupRecord | undefined> {
    const { assignments, values } = groupUpdateColumns(update, () => '?');
    const row = this.sql(`UPDATE groups SET ${assignments} WHERE pool_id = ? AND name = ? RETURNING *`).get(...values, poolId, name) as
      | Row
      | undefined;
    return row && toGroup(row);
  }

  async deleteGroup(poolId: string, name: string): Promise<boolean> {
    // Its memberships go by cascade (group_members' primary key finds them); the record cache holds neither table.
    return this.sql('DELETE FROM groups WHERE pool_id = ? AND name = ?').run(poolId, name).changes > 0;
  }

  async addUserToGroup(poolId: string, groupName: string, username: string): Promise<boolean> {
    try {
      this.sql('INSERT INTO group_members (pool_id, group_name, username) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(poolId, groupName, username);
      return true;
    } catch (err) {
      // The foreign keys: the group or the user is gone (deleted since the caller looked).
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return false;
      throw err;
    }
  }

  async removeUserFromGroup(poolId: string, groupName: string, username: string): Promise<boolean> {
    return this.sql('DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username = ?').run(poolId, groupName, username).changes > 0;
  }

  // CROSS JOIN makes SQLite read the membership index first, then probe the other table's primary key.

  async listGroupsForUser(poolId: string, username: string, limit: number, after?: string): Promise<Page<GroupRecord>> {
    const rows = this.sql(
      `SELECT g.* FROM group_members m CROSS JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
       WHERE m.pool_id = ? AND m.username = ? AND m.group_name > ? ORDER BY m.group_name LIMIT ?`,
    ).all(poolId, username, after ?? '', limit + 1) as Row[];
    return page(rows.map(toGroup), limit, (g) => g.name);
  }

  async getUserGroups(poolId: string, username: string): Promise<GroupRecord[]> {
    const rows = this.sql(
      `SELECT g.* FROM group_members m CROSS JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
       WHERE m.pool_id = ? AND m.username = ? ORDER BY m.group_name`,
    ).all(poolId, username) as Row[];
    return rows.map(toGroup);
  }

  async listUsersInGroup(poolId: string, groupName: string, limit: number, after?: string): Promise<Page<UserRecord>> {
    const rows = this.sql(
      `SELECT u.* FROM group_members m CROSS JOIN users u ON u.pool_id = m.pool_id AND u.username = m.username
       WHERE m.pool_id = ? AND m.group_name = ? AND m.username > ? ORDER BY m.username LIMIT ?`,
    ).all(poolId, groupName, after ?? '', limit + 1) as Row[];
    return page(rows.map(toUser), limit, (u) => u.username);
  }

  // ---- outbox ----

  async addOutboxMessage(m: OutboxMessage): Promise<void> {
    this.sql(
      `INSERT INTO outbox (id, pool_id, username, channel, destination, purpose, message, subject, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(m.id, m.poolId, m.username, m.channel, m.destination, m.purpose, m.message, m.subject ?? null, m.createdAt);
  }

  async listOutbox(poolId: string, username: string | undefined, limit: number): Promise<OutboxMessage[]> {
    const rows = (
      username === undefined
        ? this.sql('SELECT * FROM outbox WHERE pool_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(poolId, limit)
        : this.sql('SELECT * FROM outbox WHERE pool_id = ? AND username = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(
            poolId, username, limit,
          )
    ) as Row[];
    return rows.map(toOutbox);
  }

  async pruneOutbox(before: number, keepPerPool: number): Promise<number> {
    return this.sql(
      `DELETE FROM outbox WHERE created_at < ? OR rowid IN (
         SELECT rowid FROM (
           SELECT rowid, ROW_NUMBER() OVER (PARTITION BY pool_id ORDER BY created_at DESC, rowid DESC) AS n FROM outbox
         ) WHERE n > ?)`,
    ).run(before, keepPerPool).changes;
  }

  // ---- meta ----

  async getMeta(name: string): Promise<string | undefined> {
    return (this.sql('SELECT value FROM meta WHERE name = ?').get(name) as Row | undefined)?.value as string | undefined;
  }

  async putMetaIfAbsent(name: string, value: string): Promise<string> {
    this.sql('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, value);
    return (this.sql('SELECT value FROM meta WHERE name = ?').get(name) as Row).value as string;
  }

  // ---- user import jobs ----

  async createUsers(users: UserRecord[]): Promise<number> {
    // One transaction for the batch (a savepoint in the turn's, with group commit): the inserts are
    // prepared once and run in a loop, which is what SQLite does fastest.
    const insert = this.transaction((batch: UserRecord[]) => {
      const user = this.sql(
        `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_salt, password_verifier_sealed,
           totp_secret_sealed, totp_pending_secret_sealed, totp_enabled, totp_friendly_device_name, sms_mfa_enabled,
           preferred_mfa, created_at, modified_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (pool_id, username) DO NOTHING`,
      );
      const attribute = this.sql('INSERT OR IGNORE INTO user_attribute_index (pool_id, username, name, value) VALUES (?, ?, ?, ?)');
      let created = 0;
      for (const u of batch) {
        const done = user.run(
          u.poolId, u.username, u.sub, u.status, u.enabled ? 1 : 0, JSON.stringify(u.attributes), u.passwordSalt,
          u.passwordVerifierSealed, u.totpSecretSealed, u.totpPendingSecretSealed, u.totpEnabled ? 1 : 0,
          u.totpFriendlyDeviceName, u.smsMfaEnabled ? 1 : 0, u.preferredMfa, u.createdAt, u.modifiedAt,
        ).changes;
        if (done === 0) continue;
        created++;
        // A new user has no index rows yet: nothing to delete first.
        for (const a of u.attributes) attribute.run(u.poolId, u.username, a.Name, a.Value);
      }
      return created;
    });
    return users.length === 0 ? 0 : insert(firstOfEachUsername(users));
  }

  async createImportJob(j: ImportJobRecord): Promise<void> {
    this.sql(
      `INSERT INTO user_import_jobs (pool_id, job_id, job_name, role_arn, upload_token, pre_signed_url, status, created_at,
         started_at, completed_at, imported_users, skipped_users, failed_users, completion_message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      j.poolId, j.jobId, j.jobName, j.cloudWatchLogsRoleArn, j.uploadToken, j.preSignedUrl, j.status, j.createdAt,
      j.startedAt, j.completedAt, j.importedUsers, j.skippedUsers, j.failedUsers, j.completionMessage,
    );
  }

  async getImportJob(poolId: string, jobId: string): Promise<ImportJobRecord | undefined> {
    const row = this.sql(`SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE pool_id = ? AND job_id = ?`).get(poolId, jobId) as Row | undefined;
    return row && toImportJob(row);
  }

  async listImportJobs(poolId: string, limit: number, after?: string): Promise<Page<ImportJobRecord>> {
    const [createdAt, jobId] = parseImportJobCursor(after);
    const rows = this.sql(
      `SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE pool_id = ? AND (created_at, job_id) < (?, ?)
       ORDER BY created_at DESC, job_id DESC LIMIT ?`,
    ).all(poolId, createdAt, jobId, limit + 1) as Row[];
    return page(rows.map(toImportJob), limit, importJobCursor);
  }

  async putImportCsv(poolId: string, jobId: string, csv: string): Promise<boolean> {
    return (
      this.sql("UPDATE user_import_jobs SET csv = ? WHERE pool_id = ? AND job_id = ? AND status = 'Created'").run(csv, poolId, jobId).changes > 0
    );
  }

  async getImportCsv(poolId: string, jobId: string): Promise<string | undefined> {
    const row = this.sql('SELECT csv FROM user_import_jobs WHERE pool_id = ? AND job_id = ?').get(poolId, jobId) as Row | undefined;
    return row?.csv ?? undefined;
  }

  async updateImportJob(poolId: string, jobId: string, from: ImportJobStatus, update: ImportJobUpdate): Promise<ImportJobRecord | undefined> {
    const { sets, values } = importJobAssignments(update, () => '?');
    const row = this.sql(
      `UPDATE user_import_jobs SET ${sets.length ? sets.join(', ') : 'status = status'}
       WHERE pool_id = ? AND job_id = ? AND status = ? RETURNING ${IMPORT_JOB}`,
    ).get(...values, poolId, jobId, from) as Row | undefined;
    return row && toImportJob(row);
  }

  async clearOutbox(poolId: string): Promise<number> {
    return this.sql('DELETE FROM outbox WHERE pool_id = ?').run(poolId).changes;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.batch?.commit();
    this.db.close();
  }
}

class StepUsed extends Error {}

/** A write statement that first opens the turn's transaction (group commit) when none is open. */
function beginningTurn(statement: Database.Statement, batch: CommitBatch): Database.Statement {
  const beginning =
    (method: 'run' | 'get' | 'all') =>
    (...args: unknown[]) => {
      batch.beforeWrite();
      return (statement[method] as (...a: unknown[]) => unknown)(...args);
    };
  return { reader: statement.reader, run: beginning('run'), get: beginning('get'), all: beginning('all') } as unknown as Database.Statement;
}

/**
 * A statement that returns rows fetches them as arrays and names their columns here: better-sqlite3
 * builds a row object in C++ at ~0.6 us per column (12-16 us for a 21-column user row on the
 * benchmark machine), against 7-12 us for fetching the array and naming it in JavaScript.
 */
function objectRows(statement: Database.Statement): Database.Statement {
  if (!statement.reader) return statement;
  statement.raw(true);
  const names = statement.columns().map((c) => c.name);
  const toRow = (values: unknown[]): Row => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
    return row;
  };
  return {
    reader: true,
    run: (...args: unknown[]) => statement.run(...args),
    get: (...args: unknown[]) => {
      const values = statement.get(...args) as unknown[] | undefined;
      return values && toRow(values);
    },
    all: (...args: unknown[]) => (statement.all(...args) as unknown[][]).map(toRow),
  } as unknown as Database.Statement;
}
class KeyTaken extends Error {}
