import pg from 'pg';
import { LOCKOUT, MAX_CODE_ATTEMPTS } from '../store.js';
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
  UserAttribute,
  UserCodeRecord,
  UserRecord,
  UserUpdate,
} from '../store.js';
import { parsePostgresUrl, redactPostgresUrl } from './connection.js';
import { migrate } from './migrate.js';
import { attributePage, page, prefixEnd, toClient, toFailures, toGroup, toKey, toOutbox, toPool, toSession, toSignIn, toUser, type Row } from '../rows.js';
import { groupUpdateColumns } from '../groupColumns.js';
import { IMPORT_JOB, firstOfEachUsername, importJobAssignments, importJobCursor, parseImportJobCursor, toImportJob } from '../rows.js';

type Queryable = pg.Pool | pg.PoolClient;

export interface PostgresStoreOptions {
  /** Most connections the pool opens (default 10). */
  max?: number;
  /** Told about errors of idle connections (the pool drops them and opens new ones). */
  onIdleError?: (err: Error) => void;
}

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
const userUpdateKeys = Object.keys(userColumns) as (keyof UserUpdate)[];

const failureColumns: Record<FailureKind, [string, string]> = {
  password: ['password_failures', 'password_last_failure_at'],
  mfa: ['mfa_failures', 'mfa_last_failure_at'],
};

/** Whether a failure count locks now (LOCKOUT), as SqliteStore's; 1000 << 10 is past the cap. */
const lockedSql = (count: string, last: string, now: string) =>
  `(${count} >= ${LOCKOUT.free} AND ${now} < ${last} + LEAST(${LOCKOUT.firstMs}::bigint << LEAST(${count} - ${LOCKOUT.free}, 10), ${LOCKOUT.maxMs}))`;

/** How long an unknown name's failure count is kept after its last failure. */
const NAME_ATTEMPTS_TTL_MS = 86_400_000;

// Columns are named rather than `*`: a prepared statement keeps its result shape even if a later
// migration adds a column while this process runs.
const POOL = 'id, name, settings, created_at, modified_at';
const KEY = 'kid, pool_id, key_use, private_jwk_sealed, public_jwk, created_at';
const CLIENT = 'id, pool_id, name, secret_sealed, settings, created_at, modified_at';
const userFields = [
  'pool_id', 'username', 'sub', 'status', 'enabled', 'attributes', 'password_salt', 'password_verifier_sealed',
  'totp_secret_sealed', 'totp_pending_secret_sealed', 'totp_enabled', 'totp_friendly_device_name', 'sms_mfa_enabled',
  'preferred_mfa', 'created_at', 'modified_at',
];
const USER = userFields.join(', ');
const USER_AS_U = userFields.map((f) => `u.${f}`).join(', ');
const SESSION = 'id_hash, pool_id, client_id, username, challenge, context, created_at, expires_at, consumed_at, wrong_attempts';
const SIGN_IN = 'origin_jti, pool_id, client_id, username, sub, refresh_hash, auth_time, created_at, expires_at, revoked_at';
const GROUP = 'pool_id, name, description, role_arn, precedence, created_at, modified_at';
const GROUP_AS_G = GROUP.split(', ').map((f) => `g.${f}`).join(', ');
const OUTBOX = 'id, pool_id, username, channel, destination, purpose, message, subject, created_at';

/** BIGINT (int8) columns hold epoch milliseconds and TOTP steps: far inside Number's exact range. */
const INT8_OID = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The networked engine: several Cognate processes may share one database. Everything a decision
 * depends on is in PostgreSQL, and everything single-use is consumed by one conditional statement
 * (or one transaction), so the processes need not know about each other.
 *
 * Construction never blocks: the first call awaits the migrations (`ready()`), which run once per
 * store and are retried by the next call if they failed (say the database was not up yet).
 * Statements are named, so each connection prepares each one once.
 */
export class PostgresStore implements Store {
  /** The URL without its password, for logs. */
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly schema?: string;
  private readonly names = new Map<string, string>();
  private migrating?: Promise<void>;
  private closing?: Promise<void>;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    const target = parsePostgresUrl(url);
    this.schema = target.schema;
    this.pool = new pg.Pool({
      connectionString: target.connectionString,
      max: options.max ?? 10,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      types,
    });
    // Without a listener an idle connection's error (a server restart) would crash the process.
    const onIdleError = options.onIdleError ?? (() => {});
    this.pool.on('error', (err) => onIdleError(err));
    this.description = redactPostgresUrl(url);
  }

  /** A store whose migrations have run: connection problems surface here rather than on first use. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    try {
      await store.ready();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  /** Resolves once the schema is current. Every other method awaits it first. */
  ready(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the PostgreSQL store is closed'));
    return (this.migrating ??= migrate(this.pool, this.schema).then(
      () => undefined,
      (err) => {
        this.migrating = undefined; // let the next call try again
        throw err;
      },
    ));
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = `cognate_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return name;
  }

  private async query(text: string, values: unknown[], on?: Queryable): Promise<pg.QueryResult<Row>> {
    if (!on) await this.ready();
    return (on ?? this.pool).query<Row>({ name: this.nameOf(text), text, values });
  }

  private async one(text: string, values: unknown[], on?: Queryable): Promise<Row | undefined> {
    return (await this.query(text, values, on)).rows[0];
  }

  /**
   * Runs `body` in one transaction on one connection. `body` returns the result and whether to
   * commit; an exception rolls back too.
   */
  private async transaction<T>(body: (client: pg.PoolClient) => Promise<{ commit: boolean; result: T }>): Promise<T> {
    await this.ready();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { commit, result } = await body(client);
      await client.query(commit ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error; // the connection is unusable: destroy it, do not pool it
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  // ---- pools ----

  async createPool(pool: PoolRecord, keys: SigningKeyRecord[]): Promise<void> {
    await this.transaction(async (c) => {
      await this.query('INSERT INTO pools (id, name, settings, created_at, modified_at) VALUES ($1, $2, $3, $4, $5)', [
        pool.id, pool.name, JSON.stringify(pool.settings), pool.createdAt, pool.modifiedAt,
      ], c);
      for (const key of keys) {
        await this.query(
          `INSERT INTO signing_keys (kid, pool_id, key_use, private_jwk_sealed, public_jwk, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [key.kid, key.poolId, key.use, key.privateJwkSealed, key.publicJwk, key.createdAt],
          c,
        );
      }
      return { commit: true, result: undefined };
    });
  }

  async getPool(id: string): Promise<PoolRecord | undefined> {
    const row = await this.one(`SELECT ${POOL} FROM pools WHERE id = $1`, [id]);
    return row && toPool(row);
  }

  async listPools(limit: number, after?: string): Promise<Page<PoolRecord>> {
    // id is COLLATE "C": byte order, as in SQLite, and the primary key serves the range scan.
    const { rows } = await this.query(`SELECT ${POOL} FROM pools WHERE id > $1 ORDER BY id LIMIT $2`, [after ?? '', limit + 1]);
    return page(rows.map(toPool), limit, (p) => p.id);
  }

  async updatePool(pool: PoolRecord): Promise<void> {
    await this.query('UPDATE pools SET name = $1, settings = $2, modified_at = $3 WHERE id = $4', [
      pool.name, JSON.stringify(pool.settings), pool.modifiedAt, pool.id,
    ]);
  }

  async deletePool(id: string): Promise<boolean> {
    // ON DELETE CASCADE takes keys, clients, users (and their attribute index), sessions, sign-ins, outbox.
    return ((await this.query('DELETE FROM pools WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async getSigningKeys(poolId: string): Promise<SigningKeyRecord[]> {
    const { rows } = await this.query(`SELECT ${KEY} FROM signing_keys WHERE pool_id = $1 ORDER BY created_at, kid`, [poolId]);
    return rows.map(toKey);
  }

  async getSigningKey(kid: string): Promise<SigningKeyRecord | undefined> {
    const row = await this.one(`SELECT ${KEY} FROM signing_keys WHERE kid = $1`, [kid]);
    return row && toKey(row);
  }

  // ---- clients ----

  async createClient(c: ClientRecord): Promise<void> {
    await this.query(
      `INSERT INTO clients (id, pool_id, name, secret_sealed, settings, created_at, modified_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.id, c.poolId, c.name, c.secretSealed, JSON.stringify(c.settings), c.createdAt, c.modifiedAt],
    );
  }

  async getClient(id: string): Promise<ClientRecord | undefined> {
    const row = await this.one(`SELECT ${CLIENT} FROM clients WHERE id = $1`, [id]);
    return row && toClient(row);
  }

  async listClients(poolId: string, limit: number, after?: string): Promise<Page<ClientRecord>> {
    const { rows } = await this.query(
      `SELECT ${CLIENT} FROM clients WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [poolId, after ?? '', limit + 1],
    );
    return page(rows.map(toClient), limit, (c) => c.id);
  }

  async updateClient(c: ClientRecord): Promise<void> {
    await this.query('UPDATE clients SET name = $1, settings = $2, modified_at = $3 WHERE id = $4 AND pool_id = $5', [
      c.name, JSON.stringify(c.settings), c.modifiedAt, c.id, c.poolId,
    ]);
  }

  async deleteClient(poolId: string, id: string): Promise<boolean> {
    return this.transaction(async (c) => {
      const deleted = ((await this.query('DELETE FROM clients WHERE id = $1 AND pool_id = $2', [id, poolId], c)).rowCount ?? 0) > 0;
      if (deleted) {
        await this.query('DELETE FROM auth_sessions WHERE client_id = $1 AND pool_id = $2', [id, poolId], c);
        await this.query('DELETE FROM sign_ins WHERE client_id = $1 AND pool_id = $2', [id, poolId], c);
      }
      return { commit: true, result: deleted };
    });
  }

  // ---- users ----

  async createUser(u: UserRecord, keys: UserKey[] = []): Promise<boolean> {
    return this.transaction(async (c) => {
      // A concurrent insert of the same username waits on the primary key and then does nothing.
      const inserted = await this.query(
        `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_salt, password_verifier_sealed,
           totp_secret_sealed, totp_pending_secret_sealed, totp_enabled, totp_friendly_device_name, sms_mfa_enabled,
           preferred_mfa, created_at, modified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (pool_id, username) DO NOTHING`,
        [
          u.poolId, u.username, u.sub, u.status, u.enabled, JSON.stringify(u.attributes), u.passwordSalt,
          u.passwordVerifierSealed, u.totpSecretSealed, u.totpPendingSecretSealed, u.totpEnabled,
          u.totpFriendlyDeviceName, u.smsMfaEnabled, u.preferredMfa, u.createdAt, u.modifiedAt,
        ],
        c,
      );
      if ((inserted.rowCount ?? 0) === 0) return { commit: false, result: false };
      for (const k of keys) {
        // A concurrent insert of the same key waits on the primary key; then this one does nothing.
        const taken = await this.query(
          'INSERT INTO user_keys (pool_id, name, value, username) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [u.poolId, k.name, k.value, u.username],
          c,
        );
        if ((taken.rowCount ?? 0) === 0) return { commit: false, result: false };
      }
      await this.indexAttributes(c, u.poolId, u.username, u.attributes);
      return { commit: true, result: true };
    });
  }

  async getUserByKey(poolId: string, name: string, value: string): Promise<UserRecord | undefined> {
    const row = await this.one(
      `SELECT ${USER_AS_U} FROM user_keys k JOIN users u ON u.pool_id = k.pool_id AND u.username = k.username
       WHERE k.pool_id = $1 AND k.name = $2 AND k.value = $3`,
      [poolId, name, value],
    );
    return row && toUser(row);
  }

  async putUserKey(poolId: string, key: UserKey, username: string): Promise<void> {
    await this.query(
      `INSERT INTO user_keys (pool_id, name, value, username) VALUES ($1, $2, $3, $4)
       ON CONFLICT (pool_id, name, value) DO UPDATE SET username = excluded.username`,
      [poolId, key.name, key.value, username],
    );
  }

  async deleteUserKey(poolId: string, key: UserKey, username: string): Promise<void> {
    await this.query('DELETE FROM user_keys WHERE pool_id = $1 AND name = $2 AND value = $3 AND username = $4', [poolId, key.name, key.value, username]);
  }

  private async indexAttributes(c: pg.PoolClient, poolId: string, username: string, attributes: UserAttribute[]): Promise<void> {
    await this.query('DELETE FROM user_attribute_index WHERE pool_id = $1 AND username = $2', [poolId, username], c);
    if (attributes.length === 0) return;
    await this.query(
      `INSERT INTO user_attribute_index (pool_id, username, name, value)
       SELECT $1, $2, a.name, a.value FROM unnest($3::text[], $4::text[]) AS a(name, value)
       ON CONFLICT DO NOTHING`,
      [poolId, username, attributes.map((a) => a.Name), attributes.map((a) => a.Value)],
      c,
    );
  }

  async getUser(poolId: string, username: string): Promise<UserRecord | undefined> {
    const row = await this.one(`SELECT ${USER} FROM users WHERE pool_id = $1 AND username = $2`, [poolId, username]);
    return row && toUser(row);
  }

  async getUserBySub(poolId: string, sub: string): Promise<UserRecord | undefined> {
    const row = await this.one(`SELECT ${USER} FROM users WHERE pool_id = $1 AND sub = $2`, [poolId, sub]);
    return row && toUser(row);
  }

  async findUsersByAttribute(poolId: string, name: string, value: string): Promise<UserRecord[]> {
    const { rows } = await this.query(
      `SELECT ${USER_AS_U}
       FROM user_attribute_index i JOIN users u ON u.pool_id = i.pool_id AND u.username = i.username
       WHERE i.pool_id = $1 AND i.name = $2 AND i.value = $3 ORDER BY u.username`,
      [poolId, name, value],
    );
    return rows.map(toUser);
  }

  async listUsersByUsernamePrefix(poolId: string, prefix: string, limit: number, after?: string): Promise<Page<UserRecord>> {
    // username is COLLATE "C": the range is a byte range, as prefixEnd expects.
    const { rows } = await this.query(
      `SELECT ${USER} FROM users WHERE pool_id = $1 AND username >= $2 AND username < $3 AND username > $4
       ORDER BY username LIMIT $5`,
      [poolId, prefix, prefixEnd(prefix), after ?? '', limit + 1],
    );
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
    // A prefix is a byte range of the values: compared COLLATE "C", which the user_attribute_prefix
    // index (migration 0005) is built with, whatever the database's default collation.
    const { rows } = prefix
      ? await this.query(
          `SELECT i.value AS index_value, ${USER_AS_U}
           FROM user_attribute_index i JOIN users u ON u.pool_id = i.pool_id AND u.username = i.username
           WHERE i.pool_id = $1 AND i.name = $2 AND i.value COLLATE "C" >= $3 AND i.value COLLATE "C" < $4
             AND (i.value COLLATE "C", i.username) > ($5, $6)
           ORDER BY i.value COLLATE "C", i.username LIMIT $7`,
          [poolId, name, value, prefixEnd(value), after?.value ?? '', after?.username ?? '', limit + 1],
        )
      : await this.query(
          `SELECT i.value AS index_value, ${USER_AS_U}
           FROM user_attribute_index i JOIN users u ON u.pool_id = i.pool_id AND u.username = i.username
           WHERE i.pool_id = $1 AND i.name = $2 AND i.value = $3 AND i.username > $4
           ORDER BY i.username LIMIT $5`,
          [poolId, name, value, after?.username ?? '', limit + 1],
        );
    return attributePage(rows, limit);
  }

  async listUsersByStatus(
    poolId: string,
    column: 'status' | 'enabled',
    value: string | boolean,
    limit: number,
    after?: string,
  ): Promise<Page<UserRecord>> {
    const { rows } = await this.query(
      `SELECT ${USER} FROM users WHERE pool_id = $1 AND ${column === 'status' ? 'status' : 'enabled'} = $2 AND username > $3
       ORDER BY username LIMIT $4`,
      [poolId, value, after ?? '', limit + 1],
    );
    return page(rows.map(toUser), limit, (u) => u.username);
  }

  async listUsers(poolId: string, limit: number, after?: string): Promise<Page<UserRecord>> {
    const { rows } = await this.query(
      `SELECT ${USER} FROM users WHERE pool_id = $1 AND username > $2 ORDER BY username LIMIT $3`,
      [poolId, after ?? '', limit + 1],
    );
    return page(rows.map(toUser), limit, (u) => u.username);
  }

  async updateUser(poolId: string, username: string, update: UserUpdate): Promise<boolean> {
    // Fixed column order, whatever the caller's key order: one statement text per set of columns.
    const keys = userUpdateKeys.filter((k) => update[k] !== undefined);
    if (keys.length === 0) return true; // as SqliteStore
    const values = keys.map((k) => (k === 'attributes' ? JSON.stringify(update.attributes) : update[k]));
    const text = `UPDATE users SET ${keys.map((k, i) => `${userColumns[k]} = $${i + 1}`).join(', ')}
      WHERE pool_id = $${keys.length + 1} AND username = $${keys.length + 2}`;
    return this.transaction(async (c) => {
      // The row lock taken here serialises concurrent updates of one user, index refresh included.
      const changed = ((await this.query(text, [...values, poolId, username], c)).rowCount ?? 0) > 0;
      if (changed && update.attributes) await this.indexAttributes(c, poolId, username, update.attributes);
      return { commit: true, result: changed };
    });
  }

  async deleteUser(poolId: string, username: string): Promise<boolean> {
    return this.transaction(async (c) => {
      await this.query('DELETE FROM sign_ins WHERE pool_id = $1 AND username = $2', [poolId, username], c);
      await this.query('DELETE FROM auth_sessions WHERE pool_id = $1 AND username = $2', [poolId, username], c);
      await this.query('DELETE FROM outbox WHERE pool_id = $1 AND username = $2', [poolId, username], c);
      const deleted = await this.query('DELETE FROM users WHERE pool_id = $1 AND username = $2', [poolId, username], c);
      return { commit: true, result: (deleted.rowCount ?? 0) > 0 };
    });
  }

  /**
   * One conditional UPDATE. Under READ COMMITTED a second writer waits for the first's row lock,
   * then re-checks the WHERE clause against the committed row: a step can be accepted once.
   */
  async consumeTotpStep(
    poolId: string,
    username: string,
    step: number,
    stepUpdate: Omit<UserUpdate, 'attributes'> = {},
    unlessLockedAt?: number,
  ): Promise<boolean> {
    const update: UserUpdate = stepUpdate;
    const keys = userUpdateKeys.filter((k) => k !== 'attributes' && update[k] !== undefined);
    if (keys.length === 0 && unlessLockedAt === undefined) return this.consumeStepOn(undefined, poolId, username, step);
    const nowParam = `$${keys.length + 4}::bigint`;
    const locked = unlessLockedAt === undefined ? '' : ` AND NOT ${lockedSql('mfa_failures', 'mfa_last_failure_at', nowParam)}`;
    const text = `UPDATE users SET totp_last_step = $1, mfa_failures = 0, mfa_last_failure_at = NULL${keys.map((k, i) => `, ${userColumns[k]} = $${i + 2}`).join('')}
      WHERE pool_id = $${keys.length + 2} AND username = $${keys.length + 3}
        AND (totp_last_step IS NULL OR totp_last_step < $1)${locked}`;
    const values = [step, ...keys.map((k) => update[k]), poolId, username, ...(unlessLockedAt === undefined ? [] : [unlessLockedAt])];
    const result = await this.query(text, values);
    return (result.rowCount ?? 0) > 0;
  }

  private async consumeStepOn(on: pg.PoolClient | undefined, poolId: string, username: string, step: number): Promise<boolean> {
    const result = await this.query(
      `UPDATE users SET totp_last_step = $1, mfa_failures = 0, mfa_last_failure_at = NULL
       WHERE pool_id = $2 AND username = $3 AND (totp_last_step IS NULL OR totp_last_step < $1)`,
      [step, poolId, username],
      on,
    );
    return (result.rowCount ?? 0) > 0;
  }

  async recordFailure(poolId: string, username: string, kind: FailureKind, now: number): Promise<FailureState> {
    const [count, last] = failureColumns[kind];
    const row = await this.one(
      `UPDATE users SET ${count} = ${count} + 1, ${last} = $1 WHERE pool_id = $2 AND username = $3
       RETURNING ${count} AS count, ${last} AS last_at`,
      [now, poolId, username],
    );
    return toFailures(row);
  }

  async getFailures(poolId: string, username: string, kind: FailureKind): Promise<FailureState> {
    const [count, last] = failureColumns[kind];
    const row = await this.one(`SELECT ${count} AS count, ${last} AS last_at FROM users WHERE pool_id = $1 AND username = $2`, [
      poolId, username,
    ]);
    return toFailures(row);
  }

  async clearFailures(poolId: string, username: string, kind: FailureKind): Promise<void> {
    const [count, last] = failureColumns[kind];
    await this.query(`UPDATE users SET ${count} = 0, ${last} = NULL WHERE pool_id = $1 AND username = $2 AND ${count} <> 0`, [
      poolId, username,
    ]);
  }

  /**
   * One conditional UPDATE: a concurrent reservation waits for the row lock, then re-evaluates the
   * lockout against the committed count, so no more attempts proceed than the rule allows.
   */
  async reserveAttempt(poolId: string, username: string, kind: FailureKind, now: number): Promise<boolean> {
    const [count, last] = failureColumns[kind];
    const result = await this.query(
      `UPDATE users SET ${count} = ${count} + 1, ${last} = $1
       WHERE pool_id = $2 AND username = $3 AND NOT ${lockedSql(count, last, '$1::bigint')}`,
      [now, poolId, username],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async refundAttempt(poolId: string, username: string, kind: FailureKind): Promise<void> {
    const [count] = failureColumns[kind];
    await this.query(`UPDATE users SET ${count} = ${count} - 1 WHERE pool_id = $1 AND username = $2 AND ${count} > 0`, [poolId, username]);
  }

  async reserveNameAttempt(poolId: string, name: string, now: number): Promise<boolean> {
    const result = await this.query(
      `INSERT INTO attempt_counters AS a (pool_id, subject, kind, count, since, expires_at) VALUES ($1, $2, 'password', 1, $3, $4)
       ON CONFLICT (pool_id, subject, kind) DO UPDATE SET count = a.count + 1, since = excluded.since, expires_at = excluded.expires_at
       WHERE NOT ${lockedSql('a.count', 'a.since', 'excluded.since')}`,
      [poolId, name, now, now + NAME_ATTEMPTS_TTL_MS],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** INSERT ... ON CONFLICT DO UPDATE ... WHERE: the row lock makes concurrent uses count one by one. */
  async takeQuota(q: Quota, now: number): Promise<boolean> {
    const result = await this.query(
      `INSERT INTO attempt_counters AS a (pool_id, subject, kind, count, since, expires_at) VALUES ($1, $2, $3, 1, $4, $5)
       ON CONFLICT (pool_id, subject, kind) DO UPDATE SET
         count = CASE WHEN a.expires_at <= excluded.since THEN 1 ELSE a.count + 1 END,
         since = CASE WHEN a.expires_at <= excluded.since THEN excluded.since ELSE a.since END,
         expires_at = CASE WHEN a.expires_at <= excluded.since THEN excluded.expires_at ELSE a.expires_at END
       WHERE a.expires_at <= excluded.since OR a.count < $6`,
      [q.poolId, q.subject, q.kind, now, now + q.windowMs, q.limit],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async clearQuota(poolId: string, subject: string, kind: string): Promise<void> {
    await this.query('DELETE FROM attempt_counters WHERE pool_id = $1 AND subject = $2 AND kind = $3', [poolId, subject, kind]);
  }

  // ---- sessions ----

  async createSession(s: SessionRecord): Promise<void> {
    await this.query(
      `INSERT INTO auth_sessions (id_hash, pool_id, client_id, username, challenge, context, created_at, expires_at,
         consumed_at, wrong_attempts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [s.idHash, s.poolId, s.clientId, s.username, s.challenge, JSON.stringify(s.context), s.createdAt, s.expiresAt,
        s.consumedAt, s.wrongAttempts],
    );
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.one(`SELECT ${SESSION} FROM auth_sessions WHERE id_hash = $1`, [idHash]);
    return row && toSession(row);
  }

  /** One conditional UPDATE ... RETURNING: of any number of concurrent callers, one gets the row. */
  async consumeSession(idHash: string, now: number): Promise<SessionRecord | undefined> {
    return this.consumeSessionOn(undefined, idHash, now);
  }

  private async consumeSessionOn(on: pg.PoolClient | undefined, idHash: string, now: number): Promise<SessionRecord | undefined> {
    const row = await this.one(
      `UPDATE auth_sessions SET consumed_at = $1 WHERE id_hash = $2 AND consumed_at IS NULL RETURNING ${SESSION}`,
      [now, idHash],
      on,
    );
    return row && toSession(row);
  }

  async addSessionWrongAttempt(idHash: string): Promise<number> {
    const row = await this.one(
      'UPDATE auth_sessions SET wrong_attempts = wrong_attempts + 1 WHERE id_hash = $1 RETURNING wrong_attempts',
      [idHash],
    );
    return row ? Number(row.wrong_attempts) : 0;
  }

  async reserveSessionAttempt(idHash: string, max: number): Promise<boolean> {
    const result = await this.query(
      'UPDATE auth_sessions SET wrong_attempts = wrong_attempts + 1 WHERE id_hash = $1 AND wrong_attempts < $2 AND consumed_at IS NULL',
      [idHash, max],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async refundSessionAttempt(idHash: string): Promise<void> {
    await this.query('UPDATE auth_sessions SET wrong_attempts = wrong_attempts - 1 WHERE id_hash = $1 AND wrong_attempts > 0', [idHash]);
  }

  /**
   * One transaction: consume the session, then the step. If the step was already used, roll back
   * so the session stays usable (a replayed code is the user's mistake, not the session's end).
   * Locks are always taken session first, user second, so these transactions cannot deadlock.
   */
  async completeTotpChallenge(
    idHash: string,
    poolId: string,
    username: string,
    step: number,
    now: number,
  ): Promise<TotpCompletion> {
    return this.transaction<TotpCompletion>(async (c) => {
      if (!(await this.consumeSessionOn(c, idHash, now))) return { commit: false, result: 'session-used' };
      if (!(await this.consumeStepOn(c, poolId, username, step))) return { commit: false, result: 'step-used' };
      return { commit: true, result: 'ok' };
    });
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    await this.query('DELETE FROM attempt_counters WHERE expires_at < $1', [now]);
    return (await this.query('DELETE FROM auth_sessions WHERE expires_at < $1', [now])).rowCount ?? 0;
  }

  // ---- sign-ins ----

  async createSignIn(s: SignInRecord): Promise<void> {
    await this.query(
      `INSERT INTO sign_ins (origin_jti, pool_id, client_id, username, sub, refresh_hash, auth_time, created_at, expires_at,
         revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [s.originJti, s.poolId, s.clientId, s.username, s.sub, s.refreshHash, s.authTime, s.createdAt, s.expiresAt, s.revokedAt],
    );
  }

  async getSignIn(originJti: string): Promise<SignInRecord | undefined> {
    const row = await this.one(`SELECT ${SIGN_IN} FROM sign_ins WHERE origin_jti = $1`, [originJti]);
    return row && toSignIn(row);
  }

  async getAccessContext(poolId: string, username: string, originJti: string): Promise<AccessContext> {
    const [pool, user, signIn] = await Promise.all([this.getPool(poolId), this.getUser(poolId, username), this.getSignIn(originJti)]);
    return { pool, user, signIn };
  }

  async getSignInByRefreshHash(refreshHash: string): Promise<SignInRecord | undefined> {
    const row = await this.one(`SELECT ${SIGN_IN} FROM sign_ins WHERE refresh_hash = $1`, [refreshHash]);
    return row && toSignIn(row);
  }

  async revokeSignIn(originJti: string, now: number): Promise<boolean> {
    const result = await this.query('UPDATE sign_ins SET revoked_at = $1 WHERE origin_jti = $2 AND revoked_at IS NULL', [
      now, originJti,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async revokeUserSignIns(poolId: string, username: string, now: number): Promise<number> {
    const result = await this.query(
      'UPDATE sign_ins SET revoked_at = $1 WHERE pool_id = $2 AND username = $3 AND revoked_at IS NULL',
      [now, poolId, username],
    );
    return result.rowCount ?? 0;
  }

  // ---- outbox ----

  // ---- codes ----

  async putUserCode(code: UserCodeRecord): Promise<void> {
    await this.query(
      `INSERT INTO user_codes (pool_id, username, purpose, code_hash, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0)
       ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code_hash = excluded.code_hash,
         expires_at = excluded.expires_at, attempts = 0`,
      [code.poolId, code.username, code.purpose, code.codeHash, code.expiresAt],
    );
  }

  async consumeUserCode(poolId: string, username: string, purpose: string, codeHash: string, now: number): Promise<CodeCheck> {
    return this.transaction<CodeCheck>(async (c) => {
      const key = [poolId, username, purpose];
      const consumed = await this.query(
        'DELETE FROM user_codes WHERE pool_id = $1 AND username = $2 AND purpose = $3 AND code_hash = $4 AND expires_at > $5',
        [...key, codeHash, now],
        c,
      );
      if ((consumed.rowCount ?? 0) > 0) return { commit: true, result: 'ok' };
      // Lock the row so concurrent wrong guesses are counted one by one.
      const row = await this.one(
        'SELECT expires_at FROM user_codes WHERE pool_id = $1 AND username = $2 AND purpose = $3 FOR UPDATE',
        key,
        c,
      );
      if (!row) return { commit: true, result: 'missing' };
      if (Number(row.expires_at) <= now) return { commit: true, result: 'expired' };
      const counted = await this.one(
        'UPDATE user_codes SET attempts = attempts + 1 WHERE pool_id = $1 AND username = $2 AND purpose = $3 RETURNING attempts',
        key,
        c,
      );
      if (Number(counted!.attempts) >= MAX_CODE_ATTEMPTS) {
        await this.query('DELETE FROM user_codes WHERE pool_id = $1 AND username = $2 AND purpose = $3', key, c);
      }
      return { commit: true, result: 'mismatch' };
    });
  }

  // ---- groups ----

  async createGroup(g: GroupRecord): Promise<boolean> {
    // A concurrent create of the same name waits on the primary key and then does nothing.
    const result = await this.query(
      `INSERT INTO groups (${GROUP}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (pool_id, name) DO NOTHING`,
      [g.poolId, g.name, g.description, g.roleArn, g.precedence, g.createdAt, g.modifiedAt],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async getGroup(poolId: string, name: string): Promise<GroupRecord | undefined> {
    const row = await this.one(`SELECT ${GROUP} FROM groups WHERE pool_id = $1 AND name = $2`, [poolId, name]);
    return row && toGroup(row);
  }

  async listGroups(poolId: string, limit: number, after?: string): Promise<Page<GroupRecord>> {
    const { rows } = await this.query(`SELECT ${GROUP} FROM groups WHERE pool_id = $1 AND name > $2 ORDER BY name LIMIT $3`, [
      poolId, after ?? '', limit + 1,
    ]);
    return page(rows.map(toGroup), limit, (g) => g.name);
  }

  async updateGroup(poolId: string, name: string, update: GroupUpdate): Promise<GroupRecord | undefined> {
    const { assignments, values } = groupUpdateColumns(update, (i) => `$${i + 1}`);
    const row = await this.one(
      `UPDATE groups SET ${assignments} WHERE pool_id = $${values.length + 1} AND name = $${values.length + 2} RETURNING ${GROUP}`,
      [...values, poolId, name],
    );
    return row && toGroup(row);
  }

  async deleteGroup(poolId: string, name: string): Promise<boolean> {
    // Its memberships go by cascade, found by group_members' primary key.
    return ((await this.query('DELETE FROM groups WHERE pool_id = $1 AND name = $2', [poolId, name])).rowCount ?? 0) > 0;
  }

  async addUserToGroup(poolId: string, groupName: string, username: string): Promise<boolean> {
    try {
      await this.query('INSERT INTO group_members (pool_id, group_name, username) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        poolId, groupName, username,
      ]);
      return true;
    } catch (err) {
      // foreign_key_violation: the group or the user is gone (deleted since the caller looked).
      if ((err as { code?: string }).code === '23503') return false;
      throw err;
    }
  }

  async removeUserFromGroup(poolId: string, groupName: string, username: string): Promise<boolean> {
    const result = await this.query('DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username = $3', [
      poolId, groupName, username,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  // The memberships are read first and each row probes the other table's primary key: LATERAL with
  // LIMIT 1 (one row by the key anyway) keeps the planner from flattening it into a join, which it may
  // run as a merge or hash join reading the whole pool's users or groups.

  async listGroupsForUser(poolId: string, username: string, limit: number, after?: string): Promise<Page<GroupRecord>> {
    const { rows } = await this.query(
      `SELECT ${GROUP_AS_G} FROM (
         SELECT group_name FROM group_members WHERE pool_id = $1 AND username = $2 AND group_name > $3 ORDER BY group_name LIMIT $4
       ) m CROSS JOIN LATERAL (SELECT ${GROUP} FROM groups WHERE pool_id = $1 AND name = m.group_name LIMIT 1) g
       ORDER BY m.group_name`,
      [poolId, username, after ?? '', limit + 1],
    );
    return page(rows.map(toGroup), limit, (g) => g.name);
  }

  async getUserGroups(poolId: string, username: string): Promise<GroupRecord[]> {
    const { rows } = await this.query(
      `SELECT ${GROUP_AS_G} FROM group_members m
       CROSS JOIN LATERAL (SELECT ${GROUP} FROM groups WHERE pool_id = $1 AND name = m.group_name LIMIT 1) g
       WHERE m.pool_id = $1 AND m.username = $2 ORDER BY m.group_name`,
      [poolId, username],
    );
    return rows.map(toGroup);
  }

  async listUsersInGroup(poolId: string, groupName: string, limit: number, after?: string): Promise<Page<UserRecord>> {
    const { rows } = await this.query(
      `SELECT ${USER_AS_U} FROM (
         SELECT username FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username > $3 ORDER BY username LIMIT $4
       ) m CROSS JOIN LATERAL (SELECT ${USER} FROM users WHERE pool_id = $1 AND username = m.username LIMIT 1) u
       ORDER BY m.username`,
      [poolId, groupName, after ?? '', limit + 1],
    );
    return page(rows.map(toUser), limit, (u) => u.username);
  }

  async addOutboxMessage(m: OutboxMessage): Promise<void> {
    await this.query(
      `INSERT INTO outbox (id, pool_id, username, channel, destination, purpose, message, subject, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [m.id, m.poolId, m.username, m.channel, m.destination, m.purpose, m.message, m.subject ?? null, m.createdAt],
    );
  }

  async listOutbox(poolId: string, username: string | undefined, limit: number): Promise<OutboxMessage[]> {
    const { rows } =
      username === undefined
        ? await this.query(`SELECT ${OUTBOX} FROM outbox WHERE pool_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2`, [
            poolId, limit,
          ])
        : await this.query(
            `SELECT ${OUTBOX} FROM outbox WHERE pool_id = $1 AND username = $2 ORDER BY created_at DESC, seq DESC LIMIT $3`,
            [poolId, username, limit],
          );
    return rows.map(toOutbox);
  }

  async pruneOutbox(before: number, keepPerPool: number): Promise<number> {
    const result = await this.query(
      `DELETE FROM outbox WHERE created_at < $1 OR seq IN (
         SELECT seq FROM (
           SELECT seq, ROW_NUMBER() OVER (PARTITION BY pool_id ORDER BY created_at DESC, seq DESC) AS n FROM outbox
         ) ranked WHERE n > $2)`,
      [before, keepPerPool],
    );
    return result.rowCount ?? 0;
  }

  // ---- meta ----

  async getMeta(name: string): Promise<string | undefined> {
    return (await this.one('SELECT value FROM meta WHERE name = $1', [name]))?.value as string | undefined;
  }

  async putMetaIfAbsent(name: string, value: string): Promise<string> {
    await this.query('INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
    return (await this.one('SELECT value FROM meta WHERE name = $1', [name]))!.value as string;
  }

  // ---- user import jobs ----

  async createUsers(users: UserRecord[]): Promise<number> {
    const batch = firstOfEachUsername(users);
    if (batch.length === 0) return 0;
    const column = <T>(f: (u: UserRecord) => T) => batch.map(f);
    return this.transaction(async (c) => {
      // One multi-row INSERT from arrays: a batch costs two round trips, not one per user.
      const { rows } = await this.query(
        `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_salt, password_verifier_sealed,
           totp_secret_sealed, totp_pending_secret_sealed, totp_enabled, totp_friendly_device_name, sms_mfa_enabled,
           preferred_mfa, created_at, modified_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::boolean[], $12::text[], $13::boolean[], $14::text[], $15::bigint[], $16::bigint[])
         ON CONFLICT (pool_id, username) DO NOTHING
         RETURNING pool_id, username`,
        [
          column((u) => u.poolId), column((u) => u.username), column((u) => u.sub), column((u) => u.status), column((u) => u.enabled),
          column((u) => JSON.stringify(u.attributes)), column((u) => u.passwordSalt), column((u) => u.passwordVerifierSealed),
          column((u) => u.totpSecretSealed), column((u) => u.totpPendingSecretSealed), column((u) => u.totpEnabled),
          column((u) => u.totpFriendlyDeviceName), column((u) => u.smsMfaEnabled), column((u) => u.preferredMfa),
          column((u) => u.createdAt), column((u) => u.modifiedAt),
        ],
        c,
      );
      const created = new Set(rows.map((r) => `${r.pool_id}\n${r.username}`));
      const pools: string[] = [];
      const usernames: string[] = [];
      const names: string[] = [];
      const values: string[] = [];
      for (const u of batch) {
        if (!created.has(`${u.poolId}\n${u.username}`)) continue;
        for (const a of u.attributes) {
          pools.push(u.poolId);
          usernames.push(u.username);
          names.push(a.Name);
          values.push(a.Value);
        }
      }
      if (pools.length > 0) {
        await this.query(
          `INSERT INTO user_attribute_index (pool_id, username, name, value)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           ON CONFLICT DO NOTHING`,
          [pools, usernames, names, values],
          c,
        );
      }
      return { commit: true, result: created.size };
    });
  }

  async createImportJob(j: ImportJobRecord): Promise<void> {
    await this.query(
      `INSERT INTO user_import_jobs (pool_id, job_id, job_name, role_arn, upload_token, pre_signed_url, status, created_at,
         started_at, completed_at, imported_users, skipped_users, failed_users, completion_message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        j.poolId, j.jobId, j.jobName, j.cloudWatchLogsRoleArn, j.uploadToken, j.preSignedUrl, j.status, j.createdAt,
        j.startedAt, j.completedAt, j.importedUsers, j.skippedUsers, j.failedUsers, j.completionMessage,
      ],
    );
  }

  async getImportJob(poolId: string, jobId: string): Promise<ImportJobRecord | undefined> {
    const row = await this.one(`SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE pool_id = $1 AND job_id = $2`, [poolId, jobId]);
    return row && toImportJob(row);
  }

  async listImportJobs(poolId: string, limit: number, after?: string): Promise<Page<ImportJobRecord>> {
    const [createdAt, jobId] = parseImportJobCursor(after);
    const { rows } = await this.query(
      `SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE pool_id = $1 AND (created_at, job_id) < ($2, $3)
       ORDER BY created_at DESC, job_id DESC LIMIT $4`,
      [poolId, createdAt, jobId, limit + 1],
    );
    return page(rows.map(toImportJob), limit, importJobCursor);
  }

  async putImportCsv(poolId: string, jobId: string, csv: string): Promise<boolean> {
    const result = await this.query(
      "UPDATE user_import_jobs SET csv = $1 WHERE pool_id = $2 AND job_id = $3 AND status = 'Created'",
      [csv, poolId, jobId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async getImportCsv(poolId: string, jobId: string): Promise<string | undefined> {
    const row = await this.one('SELECT csv FROM user_import_jobs WHERE pool_id = $1 AND job_id = $2', [poolId, jobId]);
    return row?.csv ?? undefined;
  }

  async updateImportJob(poolId: string, jobId: string, from: ImportJobStatus, update: ImportJobUpdate): Promise<ImportJobRecord | undefined> {
    const { sets, values } = importJobAssignments(update, (n) => `$${n}`);
    const n = values.length;
    const row = await this.one(
      `UPDATE user_import_jobs SET ${sets.length ? sets.join(', ') : 'status = status'}
       WHERE pool_id = $${n + 1} AND job_id = $${n + 2} AND status = $${n + 3} RETURNING ${IMPORT_JOB}`,
      [...values, poolId, jobId, from],
    );
    return row && toImportJob(row);
  }

  async clearOutbox(poolId: string): Promise<number> {
    return (await this.query('DELETE FROM outbox WHERE pool_id = $1', [poolId])).rowCount ?? 0;
  }

  /** Ends the pool; safe to call more than once. */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      await this.migrating?.catch(() => undefined);
      await this.pool.end();
    })();
    return this.closing;
  }
}
