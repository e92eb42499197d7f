import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { loadMigrations } from '../migrations.js';
import { CommitBatch } from './commitBatch.js';
import { RecordCache } from './recordCache.js';
import type { SqliteContext } from './context.js';
import type { Row } from '../rows.js';
import type { AccessContext, Store } from '../store.js';
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
  createUser: 1, getUserByKey: 1, changeUserKeys: 1, getUser: 1, getUserBySub: 1, countUsers: 1, findUsersByAttribute: 1, listUsers: 1, listUsersByUsernamePrefix: 1,
  listUsersByAttribute: 1, listUsersByStatus: 1, updateUser: 1, deleteUser: 1,
  consumeTotpStep: 1, recordFailure: 1, getFailures: 1, clearFailures: 1,
  reserveAttempt: 1, refundAttempt: 1, reserveNameAttempt: 1, takeQuota: 1, clearQuota: 1,
  createSession: 1, getSession: 1, consumeSession: 1, addSessionWrongAttempt: 1, completeTotpChallenge: 1,
  reserveSessionAttempt: 1, refundSessionAttempt: 1,
  deleteExpiredSessions: 1,
  createSignIn: 1, getSignIn: 1, getAccessContext: 1, getSignInByRefreshHash: 1, revokeSignIn: 1, revokeUserSignIns: 1,
  createAuthorizationCode: 1, consumeAuthorizationCode: 1, createLoginSession: 1, getLoginSession: 1, deleteLoginSession: 1,
  deleteExpiredLoginState: 1,
  putUserCode: 1, consumeUserCode: 1, addOutboxMessage: 1, listOutbox: 1, pruneOutbox: 1, getMeta: 1, putMetaIfAbsent: 1,
  createGroup: 1, getGroup: 1, listGroups: 1, updateGroup: 1, deleteGroup: 1, addUserToGroup: 1, removeUserFromGroup: 1,
  listGroupsForUser: 1, getUserGroups: 1, listUsersInGroup: 1,
  // user import jobs
  createUsers: 1, createImportJob: 1, getImportJob: 1, listImportJobs: 1, putImportCsv: 1, getImportCsv: 1, updateImportJob: 1,
  getActiveImportJob: 1, listStaleImportJobs: 1, expireImportJobs: 1,
  clearOutbox: 1,
  createDevice: 1, getDevice: 1, listDevices: 1, updateDevice: 1, deleteDevice: 1,
  // user pool domains and resource servers
  createUserPoolDomain: 1, getUserPoolDomain: 1, getUserPoolDomainForPool: 1, updateUserPoolDomain: 1, deleteUserPoolDomain: 1,
  createResourceServer: 1, getResourceServer: 1, listResourceServers: 1, updateResourceServer: 1, deleteResourceServer: 1,
} satisfies Record<Exclude<keyof Store, 'ready' | 'close' | 'exclusive'>, 1>) as Exclude<keyof Store, 'ready' | 'close' | 'exclusive'>[];

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
  /** With `locking_mode = EXCLUSIVE` this process is the file's only user. */
  readonly exclusive: boolean;
  /** What the per-domain statements (pools.ts, users.ts, ...) use of this store. */
  private readonly c: SqliteContext;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    if (path !== ':memory:') privateFile(path);
    this.exclusive = options.exclusive !== false;
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
    this.c = { sql: this.sql.bind(this), cache: this.cache, transaction: this.transaction.bind(this) };
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

  async getAccessContext(poolId: string, username: string, originJti: string): Promise<AccessContext> {
    return this.accessContext(poolId, username, originJti);
  }

  private accessContext(poolId: string, username: string, originJti: string): AccessContext {
    // With the file to itself (the default) nothing can write between three synchronous reads,
    // which mostly come from the cache. Otherwise one read transaction gives them one snapshot,
    // and costs less than three autocommit reads, each taking and dropping the WAL read lock.
    if (this.cache.enabled) {
      return {
        pool: pools.poolById(this.c, poolId),
        user: users.userByName(this.c, poolId, username),
        signIn: signIns.signInByJti(this.c, originJti),
      };
    }
    this.readAccessContext ??= this.db.transaction((p: string, u: string, o: string): AccessContext => ({
      pool: pools.poolById(this.c, p),
      user: users.userByName(this.c, p, u),
      signIn: signIns.signInByJti(this.c, o),
    }));
    return this.readAccessContext(poolId, username, originJti);
  }

  private readAccessContext?: (poolId: string, username: string, originJti: string) => AccessContext;

  // ---- meta ----

  async getMeta(name: string): Promise<string | undefined> {
    return (this.sql('SELECT value FROM meta WHERE name = ?').get(name) as Row | undefined)?.value as string | undefined;
  }

  async putMetaIfAbsent(name: string, value: string): Promise<string> {
    this.sql('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, value);
    return (this.sql('SELECT value FROM meta WHERE name = ?').get(name) as Row).value as string;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.batch?.commit();
    this.db.close();
  }
}

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