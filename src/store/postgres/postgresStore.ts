import pg from 'pg';
import type { AccessContext, ClientRecord, PoolRecord, Store } from '../store.js';
import { parsePostgresUrl, redactPostgresUrl } from './connection.js';
import { migrate } from './migrate.js';
import type { BatchRun, PostgresContext, Queryable } from './context.js';
import { toClient, toPool, toSignIn, toUser, type Row } from '../rows.js';
import { BoundedMap } from '../../boundedMap.js';
import { Batcher } from './batch.js';
import * as pools from './pools.js';
import * as users from './users.js';
import * as sessions from './sessions.js';
import * as signIns from './signIns.js';
import * as codes from './codes.js';
import * as outbox from './outbox.js';
import * as groups from './groups.js';
import * as importJobs from './importJobs.js';
import * as devices from './devices.js';
import * as oauth from './oauth.js';

export interface PostgresStoreOptions {
  /** Most connections the pool opens (default 10). */
  max?: number;
  /** Told about errors of idle connections (the pool drops them and opens new ones). */
  onIdleError?: (err: Error) => void;
}

/**
 * The token checks of a batch (batch.ts): for each (pool, username, origin_jti) its four rows, each
 * table's row as one JSON column (`row_to_json`, null when the LEFT JOIN found nothing), so pg
 * describes and converts 5 columns instead of 38. Each row is read by its primary key; `i` puts the
 * answers back in the callers' order.
 */
const ACCESS_CONTEXTS = `SELECT k.i, row_to_json(p) AS pool_row, row_to_json(u) AS user_row, row_to_json(s) AS sign_in_row, row_to_json(c) AS client_row
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(pool_id, username, origin_jti, i)
  LEFT JOIN pools p ON p.id = k.pool_id COLLATE "C"
  LEFT JOIN users u ON u.pool_id = k.pool_id AND u.username = k.username COLLATE "C"
  LEFT JOIN sign_ins s ON s.origin_jti = k.origin_jti
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
    // Looked up on each call, not bound once, so that a wrapper of this.query (test/store.indexes
    // records every statement the store runs) sees the per-domain modules' statements too.
    query: (text, values, on) => this.query(text, values, on),
    one: (text, values, on) => this.one(text, values, on),
    transaction: this.transaction.bind(this),
    batcher: this.batcher.bind(this),
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

  private readonly batchers = new Map<string, Batcher<any, any>>();

  private batcher<In, Out>(name: string, run: BatchRun<In, Out>, maxInFlight?: number): Batcher<In, Out> {
    let batcher = this.batchers.get(name);
    if (!batcher) this.batchers.set(name, (batcher = new Batcher((inputs: In[]) => run(this.c, inputs), undefined, maxInFlight)));
    return batcher;
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

  // ---- pools, their signing keys and app clients (pools.ts) ----

  createPool: Store['createPool'] = (...a) => pools.createPool(this.c, ...a);
  getPool: Store['getPool'] = (...a) => pools.getPool(this.c, ...a);
  listPools: Store['listPools'] = (...a) => pools.listPools(this.c, ...a);
  updatePool: Store['updatePool'] = (...a) => pools.updatePool(this.c, ...a);
  deletePool: Store['deletePool'] = (...a) => pools.deletePool(this.c, ...a);
  getSigningKeys: Store['getSigningKeys'] = (...a) => pools.getSigningKeys(this.c, ...a);
  getSigningKey: Store['getSigningKey'] = (...a) => pools.getSigningKey(this.c, ...a);
  createClient: Store['createClient'] = (...a) => pools.createClient(this.c, ...a);
  getClient: Store['getClient'] = (...a) => pools.getClient(this.c, ...a);
  listClients: Store['listClients'] = (...a) => pools.listClients(this.c, ...a);
  updateClient: Store['updateClient'] = (...a) => pools.updateClient(this.c, ...a);
  deleteClient: Store['deleteClient'] = (...a) => pools.deleteClient(this.c, ...a);

  // ---- users, their keys and attribute index, TOTP steps, failure counters (users.ts) ----

  createUser: Store['createUser'] = (...a) => users.createUser(this.c, ...a);
  getUserByKey: Store['getUserByKey'] = (...a) => users.getUserByKey(this.c, ...a);
  changeUserKeys: Store['changeUserKeys'] = (...a) => users.changeUserKeys(this.c, ...a);
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

  // ---- sign-in sessions and attempt counters (sessions.ts) ----

  reserveNameAttempt: Store['reserveNameAttempt'] = (...a) => sessions.reserveNameAttempt(this.c, ...a);
  takeQuota: Store['takeQuota'] = (...a) => sessions.takeQuota(this.c, ...a);
  clearQuota: Store['clearQuota'] = (...a) => sessions.clearQuota(this.c, ...a);
  createSession: Store['createSession'] = (...a) => sessions.createSession(this.c, ...a);
  getSession: Store['getSession'] = (...a) => sessions.getSession(this.c, ...a);
  consumeSession: Store['consumeSession'] = (...a) => sessions.consumeSession(this.c, ...a);
  addSessionWrongAttempt: Store['addSessionWrongAttempt'] = (...a) => sessions.addSessionWrongAttempt(this.c, ...a);
  reserveSessionAttempt: Store['reserveSessionAttempt'] = (...a) => sessions.reserveSessionAttempt(this.c, ...a);
  refundSessionAttempt: Store['refundSessionAttempt'] = (...a) => sessions.refundSessionAttempt(this.c, ...a);
  completeTotpChallenge: Store['completeTotpChallenge'] = (...a) => sessions.completeTotpChallenge(this.c, ...a);
  deleteExpiredSessions: Store['deleteExpiredSessions'] = (...a) => sessions.deleteExpiredSessions(this.c, ...a);

  // ---- sign-ins (refresh tokens, revocation) (signIns.ts) ----

  createSignIn: Store['createSignIn'] = (...a) => signIns.createSignIn(this.c, ...a);
  getSignIn: Store['getSignIn'] = (...a) => signIns.getSignIn(this.c, ...a);
  getSignInByRefreshHash: Store['getSignInByRefreshHash'] = (...a) => signIns.getSignInByRefreshHash(this.c, ...a);
  revokeSignIn: Store['revokeSignIn'] = (...a) => signIns.revokeSignIn(this.c, ...a);
  revokeUserSignIns: Store['revokeUserSignIns'] = (...a) => signIns.revokeUserSignIns(this.c, ...a);

  // ---- confirmation and reset codes (codes.ts) ----

  putUserCode: Store['putUserCode'] = (...a) => codes.putUserCode(this.c, ...a);
  consumeUserCode: Store['consumeUserCode'] = (...a) => codes.consumeUserCode(this.c, ...a);

  // ---- outbox (outbox.ts) ----

  addOutboxMessage: Store['addOutboxMessage'] = (...a) => outbox.addOutboxMessage(this.c, ...a);
  listOutbox: Store['listOutbox'] = (...a) => outbox.listOutbox(this.c, ...a);
  pruneOutbox: Store['pruneOutbox'] = (...a) => outbox.pruneOutbox(this.c, ...a);
  clearOutbox: Store['clearOutbox'] = (...a) => outbox.clearOutbox(this.c, ...a);

  // ---- groups and members (groups.ts) ----

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

  // ---- user import jobs (importJobs.ts) ----

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

  // ---- remembered devices (devices.ts) ----

  createDevice: Store['createDevice'] = (...a) => devices.createDevice(this.c, ...a);
  getDevice: Store['getDevice'] = (...a) => devices.getDevice(this.c, ...a);
  listDevices: Store['listDevices'] = (...a) => devices.listDevices(this.c, ...a);
  updateDevice: Store['updateDevice'] = (...a) => devices.updateDevice(this.c, ...a);
  deleteDevice: Store['deleteDevice'] = (...a) => devices.deleteDevice(this.c, ...a);

  // ---- managed login: domains, resource servers, authorization codes, login sessions (oauth.ts) ----

  createAuthorizationCode: Store['createAuthorizationCode'] = (...a) => oauth.createAuthorizationCode(this.c, ...a);
  consumeAuthorizationCode: Store['consumeAuthorizationCode'] = (...a) => oauth.consumeAuthorizationCode(this.c, ...a);
  createLoginSession: Store['createLoginSession'] = (...a) => oauth.createLoginSession(this.c, ...a);
  getLoginSession: Store['getLoginSession'] = (...a) => oauth.getLoginSession(this.c, ...a);
  deleteLoginSession: Store['deleteLoginSession'] = (...a) => oauth.deleteLoginSession(this.c, ...a);
  deleteExpiredLoginState: Store['deleteExpiredLoginState'] = (...a) => oauth.deleteExpiredLoginState(this.c, ...a);
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

  // ---- the token check: pool, user and sign-in (and client) at once ----

  /**
   * One statement per batch of token checks (batch.ts): the pool, the user, the sign-in and its
   * client, each read by its primary key (LEFT JOINs, so a missing one is NULLs, not a missing row).
   * Nothing is cached: a revocation or a deleted user by another instance is seen at once.
   */
  getAccessContext(poolId: string, username: string, originJti: string): Promise<AccessContext> {
    return this.accessContexts.load([poolId, username, originJti]);
  }

  private readonly accessContexts = new Batcher<[string, string, string], AccessContext>(async (keys) => {
    const { rows } = await this.query(ACCESS_CONTEXTS, [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])]);
    const contexts: AccessContext[] = keys.map(() => ({}));
    for (const row of rows) {
      contexts[(row.i as number) - 1] = {
        pool: row.pool_row ? this.poolRecord(row.pool_row) : undefined,
        user: row.user_row ? toUser(row.user_row) : undefined,
        signIn: row.sign_in_row ? toSignIn(row.sign_in_row) : undefined,
        client: row.sign_in_row ? (row.client_row ? this.clientRecord(row.client_row) : null) : undefined,
      };
    }
    return contexts;
  });

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

  // ---- meta ----

  async getMeta(name: string): Promise<string | undefined> {
    return (await this.one('SELECT value FROM meta WHERE name = $1', [name]))?.value as string | undefined;
  }

  async putMetaIfAbsent(name: string, value: string): Promise<string> {
    await this.query('INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
    return (await this.one('SELECT value FROM meta WHERE name = $1', [name]))!.value as string;
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
