import pg from 'pg';
import { LOCKOUT, MAX_CODE_ATTEMPTS } from '../store.js';
import type {
  AccessContext,
  AuthorizationCodeRecord,
  LoginSessionRecord,
  UserKey,
  AttributeCursor,
  AttributePage,
  ClientRecord,
  DeviceRecord,
  DeviceUpdate,
  CodeCheck,
  FailureKind,
  FailureState,
  GroupRecord,
  GroupUpdate,
  ResourceServerRecord,
  UserPoolDomainRecord,
  UserPoolDomainUpdate,
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
import type { PostgresContext, Queryable } from './context.js';
import { POOL, KEY, CLIENT, USER, USER_AS_U, SESSION, SIGN_IN, DEVICE, AUTHORIZATION_CODE, LOGIN_SESSION, GROUP, GROUP_AS_G, OUTBOX } from './columns.js';
import { attributePage, deviceAssignments, page, prefixEnd, toClient, toFailures, toGroup, toKey, toOutbox, toPool, toSession, toSignIn, toUser, toDevice, toAuthorizationCode, toLoginSession, type Row } from '../rows.js';
import { BoundedMap } from '../../boundedMap.js';
import { groupUpdateColumns } from '../groupColumns.js';
import { RESOURCE_SERVER, USER_POOL_DOMAIN, toResourceServer, toUserPoolDomain, userPoolDomainAssignments } from '../rows.js';
import { IMPORT_JOB, firstOfEachUsername, importJobAssignments, importJobCursor, parseImportJobCursor, toImportJob } from '../rows.js';
import * as groups from './groups.js';
import * as devices from './devices.js';
import * as oauth from './oauth.js';
import * as importJobs from './importJobs.js';
import * as users from './users.js';
import * as sessions from './sessions.js';


export interface PostgresStoreOptions {
  /** Most connections the pool opens (default 10). */
  max?: number;
  /** Told about errors of idle connections (the pool drops them and opens new ones). */
  onIdleError?: (err: Error) => void;
}

/**
 * The token check's four rows in one statement, each table's row as one JSON column (`row_to_json`, null
 * when the LEFT JOIN found nothing): pg describes and converts 4 columns instead of 38.
 */
const ACCESS_CONTEXT = `SELECT row_to_json(p) AS pool_row, row_to_json(u) AS user_row, row_to_json(s) AS sign_in_row, row_to_json(c) AS client_row
  FROM (SELECT 1) AS one
  LEFT JOIN pools p ON p.id = $1
  LEFT JOIN users u ON u.pool_id = $1 AND u.username = $2
  LEFT JOIN sign_ins s ON s.origin_jti = $3
  LEFT JOIN clients c ON c.id = s.client_id`;

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
  /** Several instances may share the database. */
  readonly exclusive = false;
  private readonly pool: pg.Pool;
  private readonly schema?: string;
  private readonly names = new Map<string, string>();
  private migrating?: Promise<void>;
  private closing?: Promise<void>;
  /** What the per-domain statements (pools.ts, users.ts, ...) use of this store. */
  private readonly c: PostgresContext = {
    query: this.query.bind(this),
    one: this.one.bind(this),
    transaction: this.transaction.bind(this),
    poolRecord: this.poolRecord.bind(this),
    clientRecord: this.clientRecord.bind(this),
  };

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
    return row && this.poolRecord(row);
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
    return row && this.clientRecord(row);
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

  createUser: Store['createUser'] = (...a) => users.createUser(this.c, ...a);
  getUserByKey: Store['getUserByKey'] = (...a) => users.getUserByKey(this.c, ...a);
  putUserKey: Store['putUserKey'] = (...a) => users.putUserKey(this.c, ...a);
  deleteUserKey: Store['deleteUserKey'] = (...a) => users.deleteUserKey(this.c, ...a);
  getUser: Store['getUser'] = (...a) => users.getUser(this.c, ...a);
  getUserBySub: Store['getUserBySub'] = (...a) => users.getUserBySub(this.c, ...a);
  countUsers: Store['countUsers'] = (...a) => users.countUsers(this.c, ...a);
  findUsersByAttribute: Store['findUsersByAttribute'] = (...a) => users.findUsersByAttribute(this.c, ...a);
  listUsersByUsernamePrefix: Store['listUsersByUsernamePrefix'] = (...a) => users.listUsersByUsernamePrefix(this.c, ...a);
  listUsersByAttribute: Store['listUsersByAttribute'] = (...a) => users.listUsersByAttribute(this.c, ...a);
  listUsersByStatus: Store['listUsersByStatus'] = (...a) => users.listUsersByStatus(this.c, ...a);
  listUsers: Store['listUsers'] = (...a) => users.listUsers(this.c, ...a);
  updateUser: Store['updateUser'] = (...a) => users.updateUser(this.c, ...a);
  deleteUser: Store['deleteUser'] = (...a) => users.deleteUser(this.c, ...a);
  consumeTotpStep: Store['consumeTotpStep'] = (...a) => users.consumeTotpStep(this.c, ...a);
  recordFailure: Store['recordFailure'] = (...a) => users.recordFailure(this.c, ...a);
  getFailures: Store['getFailures'] = (...a) => users.getFailures(this.c, ...a);
  clearFailures: Store['clearFailures'] = (...a) => users.clearFailures(this.c, ...a);
  reserveAttempt: Store['reserveAttempt'] = (...a) => users.reserveAttempt(this.c, ...a);
  refundAttempt: Store['refundAttempt'] = (...a) => users.refundAttempt(this.c, ...a);
  reserveNameAttempt: Store['reserveNameAttempt'] = (...a) => sessions.reserveNameAttempt(this.c, ...a);
  takeQuota: Store['takeQuota'] = (...a) => sessions.takeQuota(this.c, ...a);
  clearQuota: Store['clearQuota'] = (...a) => sessions.clearQuota(this.c, ...a);

  // ---- sessions ----

  createSession: Store['createSession'] = (...a) => sessions.createSession(this.c, ...a);
  getSession: Store['getSession'] = (...a) => sessions.getSession(this.c, ...a);
  consumeSession: Store['consumeSession'] = (...a) => sessions.consumeSession(this.c, ...a);
  addSessionWrongAttempt: Store['addSessionWrongAttempt'] = (...a) => sessions.addSessionWrongAttempt(this.c, ...a);
  reserveSessionAttempt: Store['reserveSessionAttempt'] = (...a) => sessions.reserveSessionAttempt(this.c, ...a);
  refundSessionAttempt: Store['refundSessionAttempt'] = (...a) => sessions.refundSessionAttempt(this.c, ...a);
  completeTotpChallenge: Store['completeTotpChallenge'] = (...a) => sessions.completeTotpChallenge(this.c, ...a);
  deleteExpiredSessions: Store['deleteExpiredSessions'] = (...a) => sessions.deleteExpiredSessions(this.c, ...a);

  // ---- sign-ins ----

  async createSignIn(s: SignInRecord): Promise<void> {
    await this.query(
      `INSERT INTO sign_ins (${SIGN_IN}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        s.originJti, s.poolId, s.clientId, s.username, s.sub, s.refreshHash, s.authTime, s.createdAt, s.expiresAt, s.revokedAt,
        s.deviceKey ?? null, s.deviceGroupKey ?? null, s.scopes ?? null,
      ],
    );
  }

  // ---- managed login: authorization codes and the domain's sessions ----

  createAuthorizationCode: Store['createAuthorizationCode'] = (...a) => oauth.createAuthorizationCode(this.c, ...a);
  consumeAuthorizationCode: Store['consumeAuthorizationCode'] = (...a) => oauth.consumeAuthorizationCode(this.c, ...a);
  createLoginSession: Store['createLoginSession'] = (...a) => oauth.createLoginSession(this.c, ...a);
  getLoginSession: Store['getLoginSession'] = (...a) => oauth.getLoginSession(this.c, ...a);
  deleteLoginSession: Store['deleteLoginSession'] = (...a) => oauth.deleteLoginSession(this.c, ...a);
  deleteExpiredLoginState: Store['deleteExpiredLoginState'] = (...a) => oauth.deleteExpiredLoginState(this.c, ...a);

  async getSignIn(originJti: string): Promise<SignInRecord | undefined> {
    const row = await this.one(`SELECT ${SIGN_IN} FROM sign_ins WHERE origin_jti = $1`, [originJti]);
    return row && toSignIn(row);
  }

  /**
   * One statement, one round trip: the pool, the user, the sign-in and its client, each read by its
   * primary key (LEFT JOINs from one row, so a missing one is a row of NULLs, not a missing row).
   * Nothing is cached: a revocation or a deleted user by another instance is seen at once.
   */
  async getAccessContext(poolId: string, username: string, originJti: string): Promise<AccessContext> {
    const row = await this.one(ACCESS_CONTEXT, [poolId, username, originJti]);
    if (!row) return {};
    return {
      pool: row.pool_row ? this.poolRecord(row.pool_row) : undefined,
      user: row.user_row ? toUser(row.user_row) : undefined,
      signIn: row.sign_in_row ? toSignIn(row.sign_in_row) : undefined,
      client: row.sign_in_row ? (row.client_row ? this.clientRecord(row.client_row) : null) : undefined,
    };
  }

  /**
   * Pool and client records by content: a row identical, column for column, to the one a record was
   * made from last time gets that (frozen) record back, without parsing its settings JSON again. The
   * row is still read from PostgreSQL on every call, so a change by another instance is seen at once:
   * only the parsing is saved, never the read.
   */
  private readonly parsed = new BoundedMap<string, { row: Row; record: PoolRecord | ClientRecord }>(4096);

  private fromContent<T extends PoolRecord | ClientRecord>(kind: string, row: Row, make: (row: Row) => T): T {
    const key = `${kind}\n${row.id}`;
    const known = this.parsed.get(key);
    if (known && Object.keys(row).every((column) => known.row[column] === row[column])) return known.record as T;
    const record = Object.freeze(make(row));
    this.parsed.set(key, { row, record });
    return record;
  }

  private poolRecord(row: Row): PoolRecord {
    return this.fromContent('pool', row, toPool);
  }

  private clientRecord(row: Row): ClientRecord {
    return this.fromContent('client', row, toClient);
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

  // ---- devices ----

  createDevice: Store['createDevice'] = (...a) => devices.createDevice(this.c, ...a);
  getDevice: Store['getDevice'] = (...a) => devices.getDevice(this.c, ...a);
  listDevices: Store['listDevices'] = (...a) => devices.listDevices(this.c, ...a);
  updateDevice: Store['updateDevice'] = (...a) => devices.updateDevice(this.c, ...a);
  deleteDevice: Store['deleteDevice'] = (...a) => devices.deleteDevice(this.c, ...a);

  // ---- groups ----

  createGroup: Store['createGroup'] = (...a) => groups.createGroup(this.c, ...a);
  getGroup: Store['getGroup'] = (...a) => groups.getGroup(this.c, ...a);
  listGroups: Store['listGroups'] = (...a) => groups.listGroups(this.c, ...a);
  updateGroup: Store['updateGroup'] = (...a) => groups.updateGroup(this.c, ...a);
  deleteGroup: Store['deleteGroup'] = (...a) => groups.deleteGroup(this.c, ...a);
  addUserToGroup: Store['addUserToGroup'] = (...a) => groups.addUserToGroup(this.c, ...a);
  removeUserFromGroup: Store['removeUserFromGroup'] = (...a) => groups.removeUserFromGroup(this.c, ...a);
  listGroupsForUser: Store['listGroupsForUser'] = (...a) => groups.listGroupsForUser(this.c, ...a);
  getUserGroups: Store['getUserGroups'] = (...a) => groups.getUserGroups(this.c, ...a);
  listUsersInGroup: Store['listUsersInGroup'] = (...a) => groups.listUsersInGroup(this.c, ...a);

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

  createUsers: Store['createUsers'] = (...a) => importJobs.createUsers(this.c, ...a);
  createImportJob: Store['createImportJob'] = (...a) => importJobs.createImportJob(this.c, ...a);
  getImportJob: Store['getImportJob'] = (...a) => importJobs.getImportJob(this.c, ...a);
  listImportJobs: Store['listImportJobs'] = (...a) => importJobs.listImportJobs(this.c, ...a);
  putImportCsv: Store['putImportCsv'] = (...a) => importJobs.putImportCsv(this.c, ...a);
  getImportCsv: Store['getImportCsv'] = (...a) => importJobs.getImportCsv(this.c, ...a);
  updateImportJob: Store['updateImportJob'] = (...a) => importJobs.updateImportJob(this.c, ...a);
  getActiveImportJob: Store['getActiveImportJob'] = (...a) => importJobs.getActiveImportJob(this.c, ...a);
  expireImportJobs: Store['expireImportJobs'] = (...a) => importJobs.expireImportJobs(this.c, ...a);
  listStaleImportJobs: Store['listStaleImportJobs'] = (...a) => importJobs.listStaleImportJobs(this.c, ...a);

  async clearOutbox(poolId: string): Promise<number> {
    return (await this.query('DELETE FROM outbox WHERE pool_id = $1', [poolId])).rowCount ?? 0;
  }

  /** Ends the pool; safe to call more than once. */
  // ---- user pool domains and resource servers ----

  createUserPoolDomain: Store['createUserPoolDomain'] = (...a) => oauth.createUserPoolDomain(this.c, ...a);
  getUserPoolDomain: Store['getUserPoolDomain'] = (...a) => oauth.getUserPoolDomain(this.c, ...a);
  getUserPoolDomainForPool: Store['getUserPoolDomainForPool'] = (...a) => oauth.getUserPoolDomainForPool(this.c, ...a);
  updateUserPoolDomain: Store['updateUserPoolDomain'] = (...a) => oauth.updateUserPoolDomain(this.c, ...a);
  deleteUserPoolDomain: Store['deleteUserPoolDomain'] = (...a) => oauth.deleteUserPoolDomain(this.c, ...a);
  createResourceServer: Store['createResourceServer'] = (...a) => oauth.createResourceServer(this.c, ...a);
  getResourceServer: Store['getResourceServer'] = (...a) => oauth.getResourceServer(this.c, ...a);
  listResourceServers: Store['listResourceServers'] = (...a) => oauth.listResourceServers(this.c, ...a);
  updateResourceServer: Store['updateResourceServer'] = (...a) => oauth.updateResourceServer(this.c, ...a);
  deleteResourceServer: Store['deleteResourceServer'] = (...a) => oauth.deleteResourceServer(this.c, ...a);

  async close(): Promise<void> {
    this.closing ??= (async () => {
      await this.migrating?.catch(() => undefined);
      await this.pool.end();
    })();
    return this.closing;
  }
}
