import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createStore } from '../src/store/index.js';
import { parsePostgresUrl } from '../src/store/postgres/connection.js';
import { PostgresStore } from '../src/store/postgres/postgresStore.js';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import type { Store } from '../src/store/store.js';
import { T0, clientRecord, deviceRecord, importJob, keyRecord, poolRecord, sessionRecord, signInRecord, uid, userRecord } from './support/records.js';

/**
 * Every statement a store runs on a request path is served by an index: its plan never scans the
 * users, their attributes, sessions, sign-ins, codes or the outbox, so its cost does not grow with
 * the pool (docs/storage.md, "Indexes"). Each store method runs once on a seeded database, and
 * each statement it ran is explained: `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL with
 * sequential scans turned off (a plan that still scans has no index it could use).
 */

const WATCHED = ['authorization_codes', 'login_sessions', 'users', 'user_attribute_index', 'user_keys', 'auth_sessions', 'sign_ins', 'user_codes', 'outbox', 'groups', 'group_members', 'user_import_jobs', 'devices', 'resource_servers'];
// Not watched: user_pool_domains holds at most one row per pool (its pool_id index is unique), so a
// search by pool_id reads one row.

const authorizationCode = (poolId: string, username: string, createdAt: number) => ({
  codeHash: uid('code'), poolId, clientId: 'client', username, sub: `sub-of-${username}`, redirectUri: 'https://app.example/cb',
  scopes: 'openid', codeChallenge: null, codeChallengeMethod: null, nonce: null, state: null, authTime: 1, createdAt,
  expiresAt: createdAt + 300_000, consumedAt: null,
});
const loginSession = (poolId: string, username: string, createdAt: number) => ({
  idHash: uid('login'), poolId, username, sub: `sub-of-${username}`, authTime: 1, createdAt, expiresAt: createdAt + 3_600_000,
});

/** Calls every store method once, on a pool seeded with `count` users. */
async function exercise(store: Store, count: number): Promise<void> {
  const poolId = uid('pool');
  await store.createPool(poolRecord(poolId), [keyRecord(poolId, 'access'), keyRecord(poolId, 'id')]);
  const client = clientRecord(poolId);
  await store.createClient(client);
  const groupOf = (i: number) => ({ poolId, name: `group${String(i % 40).padStart(2, '0')}`, description: null, roleArn: null, precedence: i % 7, createdAt: T0, modifiedAt: T0 });
  for (let i = 0; i < 40; i++) await store.createGroup(groupOf(i));
  const serverOf = (i: number) => ({ poolId, identifier: `api${String(i).padStart(3, '0')}`, name: 'api', scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }], createdAt: T0, modifiedAt: T0 });
  for (let i = 0; i < count; i++) {
    const name = `user${String(i).padStart(5, '0')}`;
    await store.createUser(userRecord(poolId, name, [{ Name: 'email', Value: `${name}@example.com` }], { status: i % 3 ? 'CONFIRMED' : 'UNCONFIRMED' }), [
      { name: 'email', value: `${name}@example.com` },
    ]);
    // Every watched table holds rows of many users, so the planners choose as on a live pool.
    await store.createSession(sessionRecord(poolId, name, { clientId: client.id }));
    await store.createSignIn(signInRecord(poolId, name, { clientId: client.id }));
    await store.addOutboxMessage({ id: uid('msg'), poolId, username: name, channel: 'email', destination: `${name}@example.com`, purpose: 'SIGN_UP', message: 'hi', createdAt: T0 + i });
    await store.putUserCode({ poolId, username: name, purpose: 'SIGN_UP', codeHash: `h${i}`, expiresAt: T0 + 1000 });
    await store.createAuthorizationCode(authorizationCode(poolId, name, T0 + i));
    await store.createLoginSession(loginSession(poolId, name, T0 + i));
    // Every user in two of the pool's 40 groups: each group has members, each user groups.
    await store.addUserToGroup(poolId, groupOf(i).name, name);
    await store.addUserToGroup(poolId, groupOf(i + 1).name, name);
    // user import jobs
    await store.createImportJob(importJob(poolId, `import-seed${String(i).padStart(5, '0')}`, T0 + i));
    // remembered devices: two per user
    await store.createDevice(deviceRecord(poolId, name, `us-east-1_${name}-a`, { sub: (await store.getUser(poolId, name))!.sub }));
    await store.createDevice(deviceRecord(poolId, name, `us-east-1_${name}-b`, { sub: (await store.getUser(poolId, name))!.sub }));
    // Other pools with domains, and resource servers in this one.
    if (i % 10 === 0) {
      const pool = uid('pool');
      await store.createPool(poolRecord(pool), []);
      await store.createUserPoolDomain({ domain: `seed-${i}-${pool.toLowerCase()}`, poolId: pool, version: 1, status: 'ACTIVE', createdAt: T0, modifiedAt: T0 });
      await store.createResourceServer(serverOf(i));
    }
  }
  const job = importJob(poolId, 'import-zed', T0 + count);
  const user = userRecord(poolId, 'zed', [{ Name: 'email', Value: 'zed@example.com' }]);
  const session = sessionRecord(poolId, 'zed', { clientId: client.id });
  const signIn = signInRecord(poolId, 'zed', { clientId: client.id, scopes: 'openid' });
  const zedCode = authorizationCode(poolId, 'zed', T0 + count);
  const zedLogin = loginSession(poolId, 'zed', T0 + count);
  const calls: Record<Exclude<keyof Store, 'ready' | 'close' | 'exclusive'>, () => Promise<unknown>> = {
    createPool: async () => {},
    getPool: () => store.getPool(poolId),
    listPools: () => store.listPools(10),
    updatePool: () => store.updatePool({ ...poolRecord(poolId), modifiedAt: T0 + 1 }),
    getSigningKeys: () => store.getSigningKeys(poolId),
    getSigningKey: () => store.getSigningKey('kid-none'),
    createClient: async () => {},
    getClient: () => store.getClient(client.id),
    listClients: () => store.listClients(poolId, 10),
    updateClient: () => store.updateClient({ ...client, modifiedAt: T0 + 1 }),
    createUser: () => store.createUser(user, [{ name: 'email', value: 'zed@example.com' }, { name: 'username', value: 'zed' }]),
    getUserByKey: () => store.getUserByKey(poolId, 'email', 'zed@example.com'),
    changeUserKeys: async () => {
      await store.changeUserKeys(poolId, 'zed', { release: [{ name: 'username', value: 'zed' }], claim: [{ name: 'email', value: 'zed2@example.com' }], take: [{ name: 'email', value: 'user00003@example.com' }] });
      // A claim of a key another user holds: its holder is read.
      await store.changeUserKeys(poolId, 'zed', { claim: [{ name: 'email', value: 'user00004@example.com' }] });
    },
    getUser: () => store.getUser(poolId, 'zed'),
    getUserBySub: () => store.getUserBySub(poolId, user.sub),
    countUsers: () => store.countUsers(poolId),
    findUsersByAttribute: async () => {
      await store.findUsersByAttribute(poolId, 'email', 'zed@example.com');
      await store.findUsersByAttribute(poolId, 'sub', user.sub);
    },
    listUsers: () => store.listUsers(poolId, 10, 'user00005'),
    listUsersByUsernamePrefix: () => store.listUsersByUsernamePrefix(poolId, 'user0001', 10, 'user00012'),
    listUsersByAttribute: async () => {
      await store.listUsersByAttribute(poolId, 'email', 'user00010@example.com', false, 10);
      await store.listUsersByAttribute(poolId, 'email', 'user0001', true, 10, { value: 'user00011@example.com', username: 'user00011' });
      await store.listUsersByAttribute(poolId, 'sub', user.sub, false, 10);
      await store.listUsersByAttribute(poolId, 'sub', user.sub.slice(0, 4), true, 10, { value: user.sub, username: 'zed' });
    },
    listUsersByStatus: async () => {
      await store.listUsersByStatus(poolId, 'status', 'CONFIRMED', 10, 'user00004');
      await store.listUsersByStatus(poolId, 'enabled', true, 10);
    },
    updateUser: async () => {
      await store.updateUser(poolId, 'zed', { status: 'CONFIRMED', modifiedAt: T0 + 2 });
      // Made in one turn: PostgreSQL's batched UPDATE over arrays.
      await Promise.all(['user00001', 'user00002'].map((name) => store.updateUser(poolId, name, { status: 'CONFIRMED', modifiedAt: T0 + 2 })));
      await store.updateUser(poolId, 'zed', { attributes: [...user.attributes, { Name: 'name', Value: 'Zed' }], modifiedAt: T0 + 3 });
    },
    consumeTotpStep: async () => {
      await store.consumeTotpStep(poolId, 'zed', 100);
      await store.consumeTotpStep(poolId, 'zed', 101, { totpEnabled: true });
    },
    recordFailure: () => store.recordFailure(poolId, 'zed', 'password', T0),
    getFailures: () => store.getFailures(poolId, 'zed', 'mfa'),
    reserveAttempt: () => store.reserveAttempt(poolId, 'zed', 'password', T0),
    refundAttempt: () => store.refundAttempt(poolId, 'zed', 'password'),
    reserveNameAttempt: () => store.reserveNameAttempt(poolId, 'nobody', T0),
    takeQuota: () => store.takeQuota({ poolId, subject: 'zed', kind: 'issue:FORGOT_PASSWORD', limit: 5, windowMs: 3_600_000 }, T0),
    clearQuota: () => store.clearQuota(poolId, 'zed', 'issue:FORGOT_PASSWORD'),
    reserveSessionAttempt: () => store.reserveSessionAttempt(session.idHash, 5),
    refundSessionAttempt: () => store.refundSessionAttempt(session.idHash),
    clearFailures: () => store.clearFailures(poolId, 'zed', 'password'),
    createSession: () => store.createSession(session),
    getSession: () => store.getSession(session.idHash),
    addSessionWrongAttempt: () => store.addSessionWrongAttempt(session.idHash),
    consumeSession: () => store.consumeSession(session.idHash, T0),
    completeTotpChallenge: () => store.completeTotpChallenge(session.idHash, poolId, 'zed', 200, T0),
    deleteExpiredSessions: () => store.deleteExpiredSessions(T0),
    createSignIn: () => store.createSignIn(signIn),
    getSignIn: () => store.getSignIn(signIn.originJti),
    getAccessContext: () => store.getAccessContext(poolId, 'zed', signIn.originJti),
    getSignInByRefreshHash: () => store.getSignInByRefreshHash(signIn.refreshHash),
    revokeSignIn: () => store.revokeSignIn(signIn.originJti, T0),
    revokeUserSignIns: () => store.revokeUserSignIns(poolId, 'zed', T0),
    createAuthorizationCode: () => store.createAuthorizationCode(zedCode),
    consumeAuthorizationCode: () => store.consumeAuthorizationCode(zedCode.codeHash, T0),
    createLoginSession: () => store.createLoginSession(zedLogin),
    getLoginSession: () => store.getLoginSession(zedLogin.idHash, T0),
    deleteLoginSession: () => store.deleteLoginSession(zedLogin.idHash),
    deleteExpiredLoginState: () => store.deleteExpiredLoginState(T0),
    putUserCode: () => store.putUserCode({ poolId, username: 'zed', purpose: 'SIGN_UP', codeHash: 'aa', expiresAt: T0 + 1000 }),
    consumeUserCode: async () => {
      await store.consumeUserCode(poolId, 'zed', 'SIGN_UP', 'bb', T0);
      await store.consumeUserCode(poolId, 'zed', 'SIGN_UP', 'aa', T0);
    },
    addOutboxMessage: () =>
      store.addOutboxMessage({ id: uid('msg'), poolId, username: 'zed', channel: 'email', destination: 'zed@example.com', purpose: 'SIGN_UP', message: 'hi', createdAt: T0 }),
    pruneOutbox: () => store.pruneOutbox(T0 - 1, 1000),
    getMeta: () => store.getMeta('sealing-check'),
    putMetaIfAbsent: () => store.putMetaIfAbsent('index-test', 'x'),
    listOutbox: async () => {
      await store.listOutbox(poolId, 'zed', 10);
      await store.listOutbox(poolId, undefined, 10);
    },
    createGroup: () => store.createGroup({ ...groupOf(0), name: 'zgroup', roleArn: 'arn:aws:iam::123456789012:role/z', precedence: null }),
    getGroup: () => store.getGroup(poolId, 'zgroup'),
    listGroups: () => store.listGroups(poolId, 10, 'group05'),
    updateGroup: async () => {
      await store.updateGroup(poolId, 'zgroup', { precedence: 3, modifiedAt: T0 + 4 });
      await store.updateGroup(poolId, 'zgroup', { description: 'z', roleArn: null, precedence: 1, modifiedAt: T0 + 5 });
    },
    addUserToGroup: async () => {
      await store.addUserToGroup(poolId, 'zgroup', 'zed');
      await store.addUserToGroup(poolId, 'group01', 'zed');
    },
    listGroupsForUser: () => store.listGroupsForUser(poolId, 'zed', 10, 'group00'),
    getUserGroups: () => store.getUserGroups(poolId, 'zed'),
    listUsersInGroup: () => store.listUsersInGroup(poolId, 'group03', 5, 'user00010'),
    removeUserFromGroup: () => store.removeUserFromGroup(poolId, 'group01', 'zed'),
    // The user's and the group's memberships go by cascade, through group_members_user and the primary key.
    // user import jobs
    createUsers: () => store.createUsers([userRecord(poolId, 'yan', [{ Name: 'email', Value: 'yan@example.com' }]), userRecord(poolId, 'user00001')]),
    createImportJob: () => store.createImportJob(job),
    getImportJob: () => store.getImportJob(poolId, job.jobId),
    listImportJobs: async () => {
      await store.listImportJobs(poolId, 10);
      await store.listImportJobs(poolId, 10, `${T0 + 100}:import-seed00100`);
    },
    putImportCsv: () => store.putImportCsv(poolId, job.jobId, 'csv'),
    getImportCsv: () => store.getImportCsv(poolId, job.jobId),
    updateImportJob: async () => {
      await store.updateImportJob(poolId, job.jobId, 'Created', { status: 'Pending', startedAt: T0 });
      await store.updateImportJob(poolId, job.jobId, 'Pending', { status: 'Succeeded', importedUsers: 1, completionMessage: 'done', dropCsv: true });
    },
    // remembered devices (zed's go by cascade with deleteUser below)
    createDevice: () => store.createDevice(deviceRecord(poolId, 'zed', 'us-east-1_zed-1', { sub: user.sub })),
    getDevice: () => store.getDevice(poolId, 'us-east-1_zed-1'),
    listDevices: async () => {
      await store.listDevices(poolId, 'zed', 10);
      await store.listDevices(poolId, 'user00010', 1, 'us-east-1_user00010-a');
    },
    updateDevice: async () => {
      await store.updateDevice(poolId, 'us-east-1_zed-1', 'zed', { remembered: true, modifiedAt: T0 + 1 });
      await store.updateDevice(poolId, 'us-east-1_zed-1', 'zed', { lastIp: '127.0.0.1', lastAuthenticatedAt: T0 + 2, modifiedAt: T0 + 2 });
    },
    deleteDevice: () => store.deleteDevice(poolId, 'us-east-1_user00011-a', 'user00011'),
    getActiveImportJob: () => store.getActiveImportJob(poolId),
    listStaleImportJobs: () => store.listStaleImportJobs(T0),
    expireImportJobs: () => store.expireImportJobs(T0 - 1),
    // Another pool's outbox: the seeded one keeps its messages for the plans above.
    clearOutbox: async () => {
      const other = uid('pool');
      await store.createPool(poolRecord(other), []);
      await store.clearOutbox(other);
      await store.deletePool(other);
    },
    createUserPoolDomain: () => store.createUserPoolDomain({ domain: `zed-${poolId.toLowerCase()}`, poolId, version: 1, status: 'ACTIVE', createdAt: T0, modifiedAt: T0 }),
    getUserPoolDomain: () => store.getUserPoolDomain(`zed-${poolId.toLowerCase()}`),
    getUserPoolDomainForPool: () => store.getUserPoolDomainForPool(poolId),
    updateUserPoolDomain: async () => {
      await store.updateUserPoolDomain(poolId, `zed-${poolId.toLowerCase()}`, { version: 2, modifiedAt: T0 + 1 });
      await store.updateUserPoolDomain(poolId, `zed-${poolId.toLowerCase()}`, { version: 1, status: 'ACTIVE', modifiedAt: T0 + 2 });
    },
    deleteUserPoolDomain: () => store.deleteUserPoolDomain(poolId, `zed-${poolId.toLowerCase()}`),
    createResourceServer: () => store.createResourceServer({ ...serverOf(0), identifier: 'zapi' }),
    getResourceServer: () => store.getResourceServer(poolId, 'zapi'),
    listResourceServers: () => store.listResourceServers(poolId, 10, 'api010'),
    updateResourceServer: () => store.updateResourceServer({ ...serverOf(0), identifier: 'zapi', name: 'z', scopes: [], modifiedAt: T0 + 1 }),
    deleteResourceServer: () => store.deleteResourceServer(poolId, 'zapi'),
    deleteUser: () => store.deleteUser(poolId, 'zed'),
    deleteGroup: () => store.deleteGroup(poolId, 'zgroup'),
    deleteClient: () => store.deleteClient(poolId, client.id),
    // The seeded pool stays for the plans to be made on its statistics; another one is deleted.
    deletePool: async () => {
      const other = uid('pool');
      await store.createPool(poolRecord(other), []);
      await store.deletePool(other);
    },
  };
  for (const call of Object.values(calls)) await call();
}

/** The table a plan step reads, with the aliases the stores use resolved. */
const ALIASES: Record<string, string> = { u: 'users', i: 'user_attribute_index', s: 'sign_ins', m: 'group_members', g: 'groups' };

/**
 * Deleting a pool deletes everything in it, and clearing a pool's outbox (a test endpoint) deletes
 * all its messages: the statements whose cost is the pool's size by nature. The outbox's retention
 * runs in the once-a-minute sweep, off every request path, and reads the (bounded) outbox whole to
 * keep each pool's newest messages. DescribeUserPool's EstimatedNumberOfUsers counts the pool's
 * users (countUsers) on the users primary key: an administrator's call, on no sign-in path.
 */
const POOL_WIDE = /^DELETE FROM pools\b|^DELETE FROM outbox WHERE created_at < |^DELETE FROM outbox WHERE pool_id = (\?|\$1)$|^SELECT count\(\*\)(::int)? AS n FROM users WHERE pool_id = (\?|\$1)$/;

/**
 * A SQLite plan step whose cost grows with the pool: a SCAN of a watched table, a SEARCH that an
 * index narrows to the pool only (or, in the attribute index, to one attribute of the whole pool),
 * or a sort of what such a step read.
 */
function growsWithPool(detail: string, text: string): boolean {
  const step = /^(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX \w+ \((.*)\))?/.exec(detail);
  if (!step) return /TEMP B-TREE/.test(detail) && WATCHED.some((t) => new RegExp(`\\b${t}\\b`).test(text));
  const table = ALIASES[step[2]] ?? step[2];
  if (!WATCHED.includes(table)) return false;
  if (step[1] === 'SCAN') return true;
  const bound = (step[3] ?? '').split(' AND ').map((c) => c.replace(/[=<>?].*$/, ''));
  if (bound.length === 1 && bound[0] === 'pool_id') return true;
  return table === 'user_attribute_index' && bound.length === 2 && bound[0] === 'pool_id' && bound[1] === 'name' && !/value/.test(step[3] ?? '');
}

/**
 * The same for a PostgreSQL plan line: a sequential scan, or an index condition on the pool alone (or,
 * in a statement on the attribute index, on one attribute of the whole pool; elsewhere, as in the
 * groups' primary key, `pool_id` and `name` pin one row).
 */
function pgGrowsWithPool(line: string, text: string): boolean {
  const seq = /Seq Scan on (\w+)/.exec(line);
  if (seq) return WATCHED.includes(seq[1]);
  // EXPLAIN shows the parameters as literals ('us-east-1_x'::text) or as $n.
  const v = String.raw`(?:'[^']*'::text|\$\d+)`;
  const poolOnly = new RegExp(String.raw`^Index Cond: \(pool_id = ${v}\)$`);
  const poolAndName = new RegExp(String.raw`^Index Cond: \(\(pool_id = ${v}\) AND \(name = ${v}\)\)$`);
  return poolOnly.test(line.trim()) || (/\buser_attribute_index\b/.test(text) && poolAndName.test(line.trim()));
}

describe('SQLite: every statement is served by an index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-indexes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('no statement scans a table that grows with the pool', async () => {
    const store = new SqliteStore(join(dir, 'plans.db'));
    await exercise(store, 400);
    const db = (store as any).db;
    const texts = [...((store as any).stmts as Map<string, unknown>).keys()];
    assert.ok(texts.length > 30, `only ${texts.length} statements ran`);
    const scans: string[] = [];
    for (const text of texts) {
      const explain = db.prepare(`EXPLAIN QUERY PLAN ${text}`);
      let plan: { detail: string }[] | undefined;
      for (let n = 0; n <= 24 && !plan; n++) {
        try {
          plan = explain.all(...new Array(n).fill(null));
        } catch (err) {
          if (!(err instanceof RangeError)) throw err;
        }
      }
      assert.ok(plan, `could not explain ${text}`);
      if (POOL_WIDE.test(text)) continue;
      // A pool-wide range read in index order and cut by LIMIT costs the page, not the pool.
      const paged = /\bLIMIT\b/.test(text) && !plan.some((p) => /TEMP B-TREE/.test(p.detail));
      for (const { detail } of plan) {
        if (growsWithPool(detail, text) && !(paged && /^SEARCH/.test(detail))) scans.push(`${detail}  <-  ${text.replace(/\s+/g, ' ')}`);
      }
    }
    await store.close();
    assert.deepEqual(scans, []);
  });
});

const pgBase = process.env.COGNATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: parsePostgresUrl(pgBase).connectionString, connectionTimeoutMillis: 3000 });
  c.on('error', () => {});
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

const pgUp = await pgReachable();
if (!pgUp && process.env.COGNATE_TEST_PG_REQUIRED === '1') {
  test('PostgreSQL: every statement is served by an index', () => assert.fail('COGNATE_TEST_PG_REQUIRED=1 but PostgreSQL is not reachable'));
}

describe('PostgreSQL: every statement is served by an index', { skip: pgUp ? false : 'PostgreSQL not reachable at 127.0.0.1:5432' }, () => {
  const schema = `cognate_plans_${process.pid}_${randomBytes(3).toString('hex')}`;
  after(async () => {
    const c = new pg.Client({ connectionString: parsePostgresUrl(pgBase).connectionString });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });

  test('no statement needs a sequential scan of a table that grows with the pool', async () => {
    const store = createStore(`${pgBase}?schema=${schema}`) as PostgresStore;
    assert.ok(store instanceof PostgresStore);
    const ran = new Map<string, unknown[]>();
    const query = (store as any).query.bind(store);
    (store as any).query = (text: string, values: unknown[], on?: unknown) => {
      if (!ran.has(text)) ran.set(text, values);
      return query(text, values, on);
    };
    await exercise(store, 400);
    const client: pg.PoolClient = await (store as any).pool.connect();
    const scans: string[] = [];
    try {
      // The planner's statistics, as autovacuum would keep them on a live database.
      await client.query('ANALYZE');
      await client.query('SET enable_seqscan = off');
      for (const [text, values] of ran) {
        if (POOL_WIDE.test(text)) continue;
        const { rows } = await client.query(`EXPLAIN ${text}`, values);
        const lines = rows.map((row) => String(row['QUERY PLAN']));
        // A pool-wide range read in index order and cut by LIMIT costs the page, not the pool.
        const paged = /\bLIMIT\b/.test(text) && !lines.some((l) => /\bSort\b/.test(l));
        if (!WATCHED.some((t) => new RegExp(`\\b${t}\\b`).test(text))) continue;
        lines.forEach((line, i) => {
          // The partial unique index of a pool's active import job holds at most one row per pool.
          const oneRowPerPool = /using user_import_jobs_one_active\b/.test(lines[i - 1] ?? '');
          if (pgGrowsWithPool(line, text) && !(paged && /Index Cond/.test(line)) && !oneRowPerPool) scans.push(`${line.trim()}  <-  ${text.replace(/\s+/g, ' ')}`);
        });
      }
    } finally {
      client.release();
      await store.close();
    }
    // About 120 since the batched statements: fewer means statements escaped the wrapper.
    assert.ok(ran.size > 100, `only ${ran.size} statements ran`);
    assert.deepEqual(scans, []);
  });
});
