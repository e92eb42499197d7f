/**
 * The Store contract: one suite, run against every engine.
 *
 * `storeContract(factory)` takes a factory that opens a NEW handle on the same database each time
 * it is called (SQLite: one temp file; PostgreSQL: one fresh schema in database `test`). Tests keep
 * out of each other's way with unique ids, and some use two handles at once, as two Cognate
 * processes sharing a database would.
 *
 * PostgreSQL: COGNATE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test). When it cannot
 * be reached the PostgreSQL half is skipped with the reason, unless COGNATE_TEST_PG_REQUIRED=1
 * (for CI, where a missing database must not pass as green).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStore } from '../src/store/index.js';
import { loadMigrations } from '../src/store/migrations.js';
import { parsePostgresUrl, redactPostgresUrl } from '../src/store/postgres/connection.js';
import { PostgresStore } from '../src/store/postgres/postgresStore.js';
import { pinnedKeyArgument } from '../src/store/sqlite/recordCache.js';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { SUB_PREFIX_KEYS_PER_PAGE } from '../src/store/sqlite/users.js';
import { MAX_CODE_ATTEMPTS } from '../src/store/store.js';
import type {
  AuthorizationCodeRecord, GroupRecord, LoginSessionRecord, ResourceServerRecord, Store, UserAttribute, UserPoolDomainRecord, UserRecord,
} from '../src/store/store.js';

import { T0, clientRecord, importJob, keyRecord, outboxMessage, poolRecord, sessionRecord, signInRecord, deviceRecord, uid, userRecord } from './support/records.js';

/** Byte order of UTF-8, which is what SQLite's BINARY collation and PostgreSQL's "C" sort by. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Every page of a listing, checking each page's size and cursor on the way. */
async function allPages<T>(list: (after?: string) => Promise<{ items: T[]; next?: string }>, limit: number): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await list(after);
    assert.ok(page.items.length <= limit, `a page holds at most ${limit}`);
    pages.push(page.items);
    if (page.next === undefined) return pages;
    assert.equal(page.items.length, limit, 'only the last page may be short');
    after = page.next;
  }
  throw new Error('pagination does not end');
}

// ---- the contract ----

export function storeContract(factory: () => Promise<Store>): void {
  let store: Store;
  let other: Store; // a second handle on the same database: another process, as far as the data can tell
  const opened: Store[] = [];
  const open = async () => {
    const s = await factory();
    opened.push(s);
    return s;
  };

  before(async () => {
    store = await open();
    other = await open();
  });
  after(async () => {
    for (const s of opened) await s.close();
  });

  /** A pool of this test's own, optionally with users. */
  async function freshPool(...usernames: string[]): Promise<string> {
    const id = uid('us-east-1_pool');
    await store.createPool(poolRecord(id), []);
    for (const username of usernames) assert.equal(await store.createUser(userRecord(id, username)), true);
    return id;
  }

  describe('user keys (UsernameAttributes, aliases, case-insensitive usernames)', () => {
    test('createUser writes its keys; a key held by another user refuses the whole user', async () => {
      const id = await freshPool();
      const key = { name: 'email', value: 'kim@example.com' };
      assert.equal(await store.createUser(userRecord(id, 'kim', [{ Name: 'email', Value: 'kim@example.com' }]), [key, { name: 'username', value: 'kim' }]), true);
      assert.equal((await store.getUserByKey(id, 'email', 'kim@example.com'))?.username, 'kim');
      assert.equal((await other.getUserByKey(id, 'username', 'kim'))?.username, 'kim', 'another handle sees it');
      assert.equal(await store.getUserByKey(id, 'email', 'KIM@example.com'), undefined, 'values are compared exactly');
      assert.equal(await store.createUser(userRecord(id, 'kim2', [{ Name: 'email', Value: 'kim@example.com' }]), [{ name: 'username', value: 'kim2' }, key]), false);
      assert.equal(await store.getUser(id, 'kim2'), undefined, 'nothing of the refused user is left');
      assert.equal(await store.getUserByKey(id, 'username', 'kim2'), undefined);
      assert.deepEqual((await store.findUsersByAttribute(id, 'email', 'kim@example.com')).map((u) => u.username), ['kim']);
      assert.equal(await store.getUserByKey(uid('us-east-1_pool'), 'email', 'kim@example.com'), undefined, 'keys are per pool');
    });

    test('concurrent creates of different users with one key, through two handles: exactly one is created (10 rounds)', async () => {
      for (let round = 0; round < 10; round++) {
        const id = await freshPool();
        const key = { name: 'email', value: `race${round}@example.com` };
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? other : store).createUser(userRecord(id, `u${i}`), [key])),
        );
        assert.equal(results.filter(Boolean).length, 1, `round ${round}`);
        const winner = results.indexOf(true);
        assert.equal((await store.getUserByKey(id, key.name, key.value))?.username, `u${winner}`);
        assert.equal((await store.listUsers(id, 60)).items.length, 1);
      }
    });

    test('changeUserKeys: take moves a key, release deletes it only for its holder, deleteUser deletes its keys', async () => {
      const id = await freshPool('ann', 'ben');
      const key = { name: 'email', value: 'shared@example.com' };
      const holder = async () => (await store.getUserByKey(id, 'email', 'shared@example.com'))?.username;
      assert.deepEqual(await store.changeUserKeys(id, 'ann', { take: [key] }), { takenFrom: [] });
      assert.equal(await holder(), 'ann');
      assert.deepEqual(await store.changeUserKeys(id, 'ben', { take: [key] }), { takenFrom: [{ key, username: 'ann' }] }, 'who held it');
      assert.equal(await holder(), 'ben');
      assert.deepEqual(await store.changeUserKeys(id, 'ann', { release: [key] }), { takenFrom: [] });
      assert.equal(await holder(), 'ben', 'ann no longer holds it');
      await store.changeUserKeys(id, 'ben', { release: [key] });
      assert.equal(await holder(), undefined);
      await store.changeUserKeys(id, 'ann', { take: [key] });
      assert.equal(await store.deleteUser(id, 'ann'), true);
      assert.equal(await holder(), undefined);
      assert.equal(await store.createUser(userRecord(id, 'cat'), [key]), true, 'a deleted user’s key is free again');
    });

    test('changeUserKeys: a claim of a key another user holds changes nothing at all; a claim of its own key is kept', async () => {
      const id = await freshPool('ann', 'ben');
      const email = (value: string) => ({ name: 'email', value });
      const holderOf = async (value: string) => (await store.getUserByKey(id, 'email', value))?.username;
      assert.deepEqual(await store.changeUserKeys(id, 'ann', { claim: [email('c@example.com')], take: [email('a@example.com')] }), { takenFrom: [] });
      assert.equal(await holderOf('c@example.com'), 'ann');
      assert.deepEqual(await store.changeUserKeys(id, 'ann', { claim: [email('c@example.com')] }), { takenFrom: [] }, 'its own key');
      await store.changeUserKeys(id, 'ben', { take: [email('b@example.com')] });
      // In key order: a@ taken from ann, b2@ claimed, b@ released, then c@ refused: all of it undone.
      const refused = await store.changeUserKeys(id, 'ben', {
        release: [email('b@example.com')],
        claim: [email('b2@example.com'), email('c@example.com')],
        take: [email('a@example.com')],
      });
      assert.deepEqual(refused, { refused: email('c@example.com'), takenFrom: [] });
      assert.equal(await holderOf('a@example.com'), 'ann', 'the take is undone');
      assert.equal(await holderOf('b2@example.com'), undefined, 'the claim is undone');
      assert.equal(await holderOf('b@example.com'), 'ben', 'the release is undone');
      assert.equal(await holderOf('c@example.com'), 'ann');
    });

    test('concurrent claims of one key by different users, through two handles: exactly one gets it (10 rounds)', async () => {
      for (let round = 0; round < 10; round++) {
        const names = Array.from({ length: 8 }, (_, i) => `u${i}`);
        const id = await freshPool(...names);
        const key = { name: 'email', value: `claim${round}@example.com` };
        const results = await Promise.all(names.map((name, i) => (i % 2 ? other : store).changeUserKeys(id, name, { claim: [key] })));
        const winners = results.flatMap((r, i) => (r.refused ? [] : [names[i]]));
        assert.equal(winners.length, 1, `round ${round}`);
        for (const r of results) if (r.refused) assert.deepEqual(r.refused, key);
        assert.equal((await store.getUserByKey(id, key.name, key.value))?.username, winners[0]);
      }
    });

    test('two users swapping keys at once, through two handles: neither waits forever, and neither gets the other’s (10 rounds)', async () => {
      for (let round = 0; round < 10; round++) {
        const id = await freshPool('ann', 'ben');
        const a = { name: 'email', value: `a${round}@example.com` };
        const b = { name: 'email', value: `b${round}@example.com` };
        await store.changeUserKeys(id, 'ann', { claim: [a] });
        await store.changeUserKeys(id, 'ben', { claim: [b] });
        const [annResult, benResult] = await Promise.all([
          store.changeUserKeys(id, 'ann', { release: [a], claim: [b] }),
          other.changeUserKeys(id, 'ben', { release: [b], claim: [a] }),
        ]);
        assert.deepEqual(annResult.refused, b, `round ${round}`);
        assert.deepEqual(benResult.refused, a, `round ${round}`);
        assert.equal((await store.getUserByKey(id, a.name, a.value))?.username, 'ann');
        assert.equal((await store.getUserByKey(id, b.name, b.value))?.username, 'ben');
      }
    });
  });

  describe('pools and signing keys', () => {
    test('createPool stores the pool and its keys; get, getSigningKeys, getSigningKey', async () => {
      const id = uid('us-east-1_pool');
      const pool = poolRecord(id);
      const later = keyRecord(id, 'id', T0 + 5);
      const first = keyRecord(id, 'access', T0);
      await store.createPool(pool, [later, first]);
      assert.deepEqual(await store.getPool(id), pool);
      assert.deepEqual(await other.getPool(id), pool, 'another handle sees it');
      assert.deepEqual(await store.getSigningKeys(id), [first, later], 'ordered by createdAt');
      assert.deepEqual(await store.getSigningKey(first.kid), first);
      assert.equal(await store.getSigningKey('no-such-kid'), undefined);
      assert.equal(await store.getPool('us-east-1_missing'), undefined);
      assert.deepEqual(await store.getSigningKeys('us-east-1_missing'), []);
    });

    test('createPool is all or nothing: a key that cannot be stored leaves no pool behind', async () => {
      const taken = uid('us-east-1_pool');
      const key = keyRecord(taken, 'access');
      await store.createPool(poolRecord(taken), [key]);
      const id = uid('us-east-1_pool');
      await assert.rejects(store.createPool(poolRecord(id), [keyRecord(id, 'access'), { ...key, poolId: id }]));
      assert.equal(await store.getPool(id), undefined);
      assert.deepEqual(await store.getSigningKeys(id), []);
      await assert.rejects(store.createPool(poolRecord(taken), []), 'a pool id is unique');
    });

    test('updatePool rewrites name, settings and modifiedAt', async () => {
      const id = await freshPool();
      const updated = poolRecord(id, { name: 'renamed', settings: { MfaConfiguration: 'ON', Deep: { a: [1, 2] } }, modifiedAt: T0 + 1000 });
      assert.equal(await store.updatePool(updated), true);
      assert.deepEqual(await store.getPool(id), updated);
    });

    test('updatePool with ifModifiedAt writes only over the pool it was made from', async () => {
      const id = await freshPool();
      const read = (await store.getPool(id))!;
      const first = { ...read, name: 'first', modifiedAt: read.modifiedAt + 1 };
      const second = { ...read, name: 'second', modifiedAt: read.modifiedAt + 1 };
      assert.equal(await store.updatePool(first, read.modifiedAt), true);
      assert.equal(await store.updatePool(second, read.modifiedAt), false, 'made from a pool changed since');
      assert.deepEqual(await store.getPool(id), first, 'the cache (SQLite) is not left with the refused record');
      assert.equal(await store.updatePool({ ...second, modifiedAt: first.modifiedAt + 1 }, first.modifiedAt), true);
      assert.equal((await store.getPool(id))!.name, 'second');
      assert.equal(await store.updatePool(poolRecord('us-east-1_NoSuchPool'), T0), false);
    });

    test('listPools pages in byte order of id, `next` is the last id of a full page', async () => {
      const tag = uid('us-east-1_list');
      // Byte order: 'B' (0x42) < '_' (0x5f) < 'a' (0x61) < 'é' (0xc3 0xa9). Locale collations disagree.
      const ids = ['a', 'B', '_x', 'é', 'b', 'A1'].map((s) => `${tag}${s}`);
      for (const id of ids) await store.createPool(poolRecord(id), []);
      const pages = await allPages((after) => store.listPools(2, after), 2);
      const all = pages.flat().map((p) => p.id);
      assert.deepEqual([...all].sort(byteOrder), all, 'every page in byte order, pages in sequence');
      assert.equal(new Set(all).size, all.length, 'no pool twice');
      assert.deepEqual(all.filter((id) => id.startsWith(tag)), [...ids].sort(byteOrder));
      const sorted = [...ids].sort(byteOrder);
      const from = await store.listPools(3, sorted[1]);
      assert.deepEqual(from.items.map((p) => p.id), sorted.slice(2, 5));
      assert.equal(from.next, sorted[4]);
      const exact = await store.listPools(1, sorted[4]);
      assert.equal(exact.items[0].id, sorted[5]);
    });

    test('deletePool removes the pool and everything in it', async () => {
      const id = uid('us-east-1_pool');
      const keys = [keyRecord(id, 'access'), keyRecord(id, 'id')];
      await store.createPool(poolRecord(id), keys);
      const client = clientRecord(id);
      await store.createClient(client);
      await store.createUser(userRecord(id, 'alice', [{ Name: 'email', Value: 'alice@example.com' }]));
      await store.createUser(userRecord(id, 'bob'));
      const session = sessionRecord(id, 'alice');
      await store.createSession(session);
      const signIn = signInRecord(id, 'alice');
      await store.createSignIn(signIn);
      await store.addOutboxMessage(outboxMessage(id, 'alice', T0));
      const keep = await freshPool('alice');

      assert.equal(await store.deletePool(id), true);
      assert.equal(await store.getPool(id), undefined);
      assert.deepEqual(await store.getSigningKeys(id), []);
      assert.equal(await store.getSigningKey(keys[0].kid), undefined);
      assert.equal(await store.getClient(client.id), undefined);
      assert.deepEqual((await store.listClients(id, 10)).items, []);
      assert.equal(await store.getUser(id, 'alice'), undefined);
      assert.deepEqual((await store.listUsers(id, 10)).items, []);
      assert.deepEqual(await store.findUsersByAttribute(id, 'email', 'alice@example.com'), []);
      assert.equal(await store.getSession(session.idHash), undefined);
      assert.equal(await store.getSignIn(signIn.originJti), undefined);
      assert.equal(await store.getSignInByRefreshHash(signIn.refreshHash), undefined);
      assert.deepEqual(await store.listOutbox(id, undefined, 10), []);
      assert.equal(await store.deletePool(id), false, 'already gone');
      assert.ok(await store.getUser(keep, 'alice'), 'other pools are untouched');

      // The id can be used again, with nothing left over from before.
      await store.createPool(poolRecord(id), []);
      assert.equal(await store.createUser(userRecord(id, 'alice')), true);
      assert.deepEqual(await store.findUsersByAttribute(id, 'email', 'alice@example.com'), []);
    });
  });

  describe('app clients', () => {
    test('create, get, update (secret untouched), delete only within its pool', async () => {
      const poolId = await freshPool();
      const withSecret = clientRecord(poolId, uid('client'), { secretSealed: 'sealed-secret' });
      const without = clientRecord(poolId);
      await store.createClient(withSecret);
      await store.createClient(without);
      assert.deepEqual(await store.getClient(withSecret.id), withSecret);
      assert.deepEqual(await store.getClient(without.id), without);
      assert.equal(await store.getClient('missing'), undefined);

      const updated = { ...withSecret, name: 'renamed', settings: { ExplicitAuthFlows: [] }, modifiedAt: T0 + 7 };
      await store.updateClient({ ...updated, secretSealed: 'ignored' });
      assert.deepEqual(await store.getClient(withSecret.id), updated);

      const otherPool = await freshPool();
      assert.equal(await store.deleteClient(otherPool, withSecret.id), false, 'not in that pool');
      assert.equal(await store.deleteClient(poolId, withSecret.id), true);
      assert.equal(await store.deleteClient(poolId, withSecret.id), false);
      assert.equal(await store.getClient(withSecret.id), undefined);
      assert.ok(await store.getClient(without.id));
    });

    test('a client needs an existing pool', async () => {
      await assert.rejects(store.createClient(clientRecord(uid('us-east-1_missing'))));
    });

    test('listClients pages by id within one pool', async () => {
      const poolId = await freshPool();
      const elsewhere = await freshPool();
      await store.createClient(clientRecord(elsewhere));
      const ids = ['Zed', 'alpha', 'beta', 'Alpha', 'gamma'].map((s) => `${s}${randomBytes(2).toString('hex')}`);
      for (const id of ids) await store.createClient(clientRecord(poolId, id));
      const pages = await allPages((after) => store.listClients(poolId, 2, after), 2);
      assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
      assert.deepEqual(pages.flat().map((c) => c.id), [...ids].sort(byteOrder));
      assert.deepEqual((await store.listClients(poolId, 5)).next, undefined, 'an exactly full last page has no cursor');
    });
  });

  describe('users', () => {
    test('createUser: stored as given; a taken username gives false and changes nothing', async () => {
      const poolId = await freshPool();
      const user = userRecord(poolId, 'alice', [{ Name: 'email', Value: 'alice@example.com' }], {
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: false,
        totpSecretSealed: 'sealed-totp',
        totpEnabled: true,
        totpFriendlyDeviceName: 'phone',
        smsMfaEnabled: true,
        preferredMfa: 'SOFTWARE_TOKEN_MFA',
      });
      assert.equal(await store.createUser(user), true);
      assert.deepEqual(await store.getUser(poolId, 'alice'), user);
      assert.equal(await store.createUser(userRecord(poolId, 'alice', [{ Name: 'email', Value: 'evil@example.com' }])), false);
      assert.deepEqual(await store.getUser(poolId, 'alice'), user, 'the first user is untouched');
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'email', 'evil@example.com'), [], 'nor indexed');
      const otherPool = await freshPool();
      assert.equal(await store.createUser(userRecord(otherPool, 'alice')), true, 'usernames are per pool');
      assert.equal(await store.getUser(poolId, 'Alice'), undefined, 'usernames are compared exactly');
    });

    test('createUser: of 10 concurrent creations of one username exactly one succeeds', async () => {
      const poolId = await freshPool();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).createUser(userRecord(poolId, 'racer', [{ Name: 'email', Value: `r${i}@example.com` }]))),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      const found = await store.findUsersByAttribute(poolId, 'email', `r${winner}@example.com`);
      assert.deepEqual(found.map((u) => u.username), ['racer']);
      for (let i = 0; i < 10; i++) {
        if (i !== winner) assert.deepEqual(await store.findUsersByAttribute(poolId, 'email', `r${i}@example.com`), []);
      }
    });

    test('ListUsers listings from the indexes: by username prefix, attribute value or prefix, status, with cursors', async () => {
      const poolId = await freshPool();
      const emails: Record<string, string> = { ann: 'b@x.org', bea: 'a@x.org', bo: 'a@x.org', cy: 'ab@x.org', dee: 'c@y.org' };
      for (const [name, email] of Object.entries(emails)) {
        await store.createUser(userRecord(poolId, name, [{ Name: 'email', Value: email }], { status: name === 'cy' ? 'UNCONFIRMED' : 'CONFIRMED', enabled: name !== 'dee' }));
      }
      const elsewhere = await freshPool();
      await store.createUser(userRecord(elsewhere, 'bob', [{ Name: 'email', Value: 'a@x.org' }]));
      const names = (items: UserRecord[]) => items.map((u) => u.username);

      const b1 = await store.listUsersByUsernamePrefix(poolId, 'b', 1);
      assert.deepEqual(names(b1.items), ['bea']);
      const b2 = await store.listUsersByUsernamePrefix(poolId, 'b', 1, b1.next);
      assert.deepEqual(names(b2.items), ['bo']);
      assert.equal(b2.next, undefined);

      const exact1 = await store.listUsersByAttribute(poolId, 'email', 'a@x.org', false, 1);
      assert.deepEqual(names(exact1.items), ['bea']);
      assert.deepEqual(exact1.next, { value: 'a@x.org', username: 'bea' });
      const exact2 = await store.listUsersByAttribute(poolId, 'email', 'a@x.org', false, 1, exact1.next);
      assert.deepEqual(names(exact2.items), ['bo']);
      assert.equal(exact2.next, undefined);

      // A prefix lists by value, then username: a@x.org (bea, bo), ab@x.org (cy); never another pool's.
      const p1 = await store.listUsersByAttribute(poolId, 'email', 'a', true, 2);
      assert.deepEqual(names(p1.items), ['bea', 'bo']);
      const p2 = await store.listUsersByAttribute(poolId, 'email', 'a', true, 2, p1.next);
      assert.deepEqual(names(p2.items), ['cy']);
      assert.equal(p2.next, undefined);
      assert.deepEqual(names((await store.listUsersByAttribute(poolId, 'email', 'a@x.org', true, 10)).items), ['bea', 'bo']);
      assert.deepEqual((await store.listUsersByAttribute(poolId, 'email', 'z', true, 10)).items, []);

      assert.deepEqual(names((await store.listUsersByStatus(poolId, 'status', 'UNCONFIRMED', 10)).items), ['cy']);
      const confirmed = await store.listUsersByStatus(poolId, 'status', 'CONFIRMED', 2);
      assert.deepEqual(names(confirmed.items), ['ann', 'bea']);
      assert.deepEqual(names((await store.listUsersByStatus(poolId, 'status', 'CONFIRMED', 2, confirmed.next)).items), ['bo', 'dee']);
      assert.deepEqual(names((await store.listUsersByStatus(poolId, 'enabled', false, 10)).items), ['dee']);

      const cy = (await store.getUser(poolId, 'cy'))!;
      assert.equal((await store.getUserBySub(poolId, cy.sub))?.username, 'cy');
      // sub: exact and by prefix, paged by sub; never another pool's.
      assert.deepEqual(names((await store.listUsersByAttribute(poolId, 'sub', cy.sub, false, 10)).items), ['cy']);
      assert.deepEqual((await store.listUsersByAttribute(elsewhere, 'sub', cy.sub, false, 10)).items, []);
      const bySub = (await Promise.all(['ann', 'bea', 'bo', 'cy', 'dee'].map((n) => store.getUser(poolId, n)))).map((u) => u!).sort((a, b) => (a.sub < b.sub ? -1 : 1));
      const s1 = await store.listUsersByAttribute(poolId, 'sub', '', true, 3);
      assert.deepEqual(names(s1.items), bySub.slice(0, 3).map((u) => u.username));
      assert.ok(s1.next, 'a full page has a cursor (what it holds is the engine\'s)');
      const s2 = await store.listUsersByAttribute(poolId, 'sub', '', true, 3, s1.next);
      assert.deepEqual(names(s2.items), bySub.slice(3).map((u) => u.username));
      assert.equal(s2.next, undefined);
      assert.deepEqual(names((await store.listUsersByAttribute(poolId, 'sub', cy.sub.slice(0, 30), true, 10)).items), ['cy']);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'sub', cy.sub)).map((u) => u.username), ['cy']);
      assert.equal(await store.getUserBySub(elsewhere, cy.sub), undefined);
      assert.equal(await store.countUsers(poolId), 5);
      assert.equal(await store.countUsers(elsewhere), 1);
    });

    test('a sub is found exactly and by any prefix of its text (odd digits, dashes, the last digits), in sub order, paged', async () => {
      const poolId = await freshPool();
      const elsewhere = await freshPool();
      const subs = [
        'a0000000-0000-4000-8000-000000000001',
        'a0000000-1000-4000-8000-000000000002',
        'abf00000-0000-4000-8000-000000000003',
        'ac000000-0000-4000-8000-000000000004',
        'ffffffff-ffff-4fff-bfff-ffffffffffff',
      ];
      // Created out of order, and one more in another pool, inside the a0000000 ranges.
      for (const [i, sub] of [...subs.entries()].reverse()) assert.equal(await store.createUser(userRecord(poolId, `s${i}`, [], { sub, attributes: [{ Name: 'sub', Value: sub }] })), true);
      assert.equal(await store.createUser(userRecord(elsewhere, 'x', [], { sub: 'a0000000-0000-4000-8000-00000000000f', attributes: [{ Name: 'sub', Value: 'a0000000-0000-4000-8000-00000000000f' }] })), true);
      const names = (items: UserRecord[]) => items.map((u) => u.username);
      const list = async (value: string, limit = 10) => names((await store.listUsersByAttribute(poolId, 'sub', value, true, limit)).items);

      assert.deepEqual(await list('a'), ['s0', 's1', 's2', 's3']);
      assert.deepEqual(await list('a0000000-'), ['s0', 's1']);
      assert.deepEqual(await list('a0000000-1'), ['s1']);
      assert.deepEqual(await list('ab'), ['s2']);
      assert.deepEqual(await list('abf'), ['s2'], 'the range after "abf" starts at "ac"');
      assert.deepEqual(await list('f'), ['s4'], 'a prefix of f digits has no end to its range');
      assert.deepEqual(await list(subs[4]), ['s4']);
      assert.deepEqual(await list('A'), [], 'compared exactly, as text');
      assert.deepEqual(await list('a0000000-0000-4000-8000-00000000000'), ['s0'], 'never another pool\'s');
      assert.deepEqual(await list('a000000-'), [], 'a dash where the sub has a digit');
      assert.deepEqual(await list('xyz'), []);

      const first = await store.listUsersByAttribute(poolId, 'sub', 'a', true, 3);
      assert.deepEqual(names(first.items), ['s0', 's1', 's2']);
      assert.ok(first.next);
      assert.deepEqual(names((await store.listUsersByAttribute(poolId, 'sub', 'a', true, 3, first.next)).items), ['s3']);

      assert.equal((await store.getUserBySub(poolId, subs[3]))?.username, 's3');
      assert.equal(await store.getUserBySub(poolId, subs[3].toUpperCase()), undefined, 'a sub is compared exactly');
      assert.equal(await store.getUserBySub(poolId, subs[3].replace(/-/g, '')), undefined);
      assert.equal(await store.getUserBySub(poolId, 'nobody-here'), undefined);
      assert.deepEqual((await store.listUsersByAttribute(poolId, 'sub', subs[3].toUpperCase(), false, 10)).items, []);
    });

    test('findUsersByAttribute follows createUser and updateUser', async () => {
      const poolId = await freshPool();
      await store.createUser(userRecord(poolId, 'carol', [{ Name: 'email', Value: 'shared@example.com' }]));
      await store.createUser(userRecord(poolId, 'bob', [{ Name: 'email', Value: 'shared@example.com' }, { Name: 'phone_number', Value: '+15550100' }]));
      const elsewhere = await freshPool();
      await store.createUser(userRecord(elsewhere, 'zed', [{ Name: 'email', Value: 'shared@example.com' }]));

      assert.deepEqual((await store.findUsersByAttribute(poolId, 'email', 'shared@example.com')).map((u) => u.username), ['bob', 'carol']);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'phone_number', '+15550100')).map((u) => u.username), ['bob']);
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'email', 'SHARED@example.com'), [], 'values match exactly');
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'phone_number', 'shared@example.com'), [], 'by name too');
      const bob = (await store.getUser(poolId, 'bob'))!;
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'sub', bob.sub)).map((u) => u.username), ['bob']);

      // Change bob's email and drop his phone: the index follows.
      const attributes = [{ Name: 'sub', Value: bob.sub }, { Name: 'email', Value: 'bob@example.com' }];
      assert.equal(await store.updateUser(poolId, 'bob', { attributes, modifiedAt: T0 + 1 }), true);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'email', 'shared@example.com')).map((u) => u.username), ['carol']);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'email', 'bob@example.com')).map((u) => u.username), ['bob']);
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'phone_number', '+15550100'), []);
      const found = await other.findUsersByAttribute(poolId, 'email', 'bob@example.com');
      assert.deepEqual(found[0].attributes, attributes, 'full records, seen by another handle');

      // An update that does not touch attributes leaves the index alone.
      assert.equal(await store.updateUser(poolId, 'bob', { status: 'RESET_REQUIRED' }), true);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'email', 'bob@example.com')).map((u) => u.status), ['RESET_REQUIRED']);

      // Only what ListUsers can search is indexed (SEARCHABLE_ATTRIBUTES): not email_verified or a custom attribute.
      await store.createUser(userRecord(poolId, 'dan', [{ Name: 'email', Value: 'dan@example.com' }, { Name: 'email_verified', Value: 'true' }, { Name: 'custom:team', Value: 'red' }]));
      await store.createUsers([userRecord(poolId, 'eve', [{ Name: 'given_name', Value: 'Eve' }, { Name: 'custom:team', Value: 'red' }])]);
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'custom:team', 'red'), []);
      assert.deepEqual((await store.listUsersByAttribute(poolId, 'custom:team', 'red', false, 10)).items, []);
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'email_verified', 'true'), []);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'email', 'dan@example.com')).map((u) => u.username), ['dan']);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'given_name', 'Eve')).map((u) => u.username), ['eve']);
      const eve = (await store.getUser(poolId, 'eve'))!;
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'sub', eve.sub)).map((u) => u.username), ['eve'], 'a batch-created user by sub');
      assert.deepEqual((await store.listUsersByAttribute(poolId, 'sub', eve.sub, false, 10)).items.map((u) => u.username), ['eve']);
    });

    test('updateUser rewrites the given columns only; false for a missing user', async () => {
      const poolId = await freshPool();
      const user = userRecord(poolId, 'dave', [], { totpSecretSealed: 'old-secret', totpEnabled: true, preferredMfa: 'SOFTWARE_TOKEN_MFA' });
      await store.createUser(user);
      const update = {
        status: 'CONFIRMED' as const,
        enabled: false,
        passwordSalt: 'beef',
        passwordVerifierSealed: 'new-verifier',
        totpSecretSealed: null,
        totpPendingSecretSealed: 'pending',
        totpEnabled: false,
        totpFriendlyDeviceName: 'tablet',
        smsMfaEnabled: true,
        preferredMfa: null,
        modifiedAt: T0 + 99,
      };
      assert.equal(await store.updateUser(poolId, 'dave', update), true);
      assert.deepEqual(await store.getUser(poolId, 'dave'), { ...user, ...update });
      assert.equal(await store.updateUser(poolId, 'dave', { enabled: true, totpSecretSealed: undefined }), true);
      assert.deepEqual(await store.getUser(poolId, 'dave'), { ...user, ...update, enabled: true }, 'undefined means untouched');
      assert.equal(await store.updateUser(poolId, 'nobody', { enabled: true }), false);
    });

    test('concurrent updateUser calls each take effect, in call order for one user (PostgreSQL batches them)', async () => {
      const poolId = await freshPool();
      const names = ['m1', 'm2', 'm3', 'm4', 'm5'];
      for (const name of names) await store.createUser(userRecord(poolId, name, [], { totpSecretSealed: `old-${name}`, totpEnabled: true }));
      // Made in one turn: the same columns for several users, one user twice, a missing user,
      // all columns of every type, and another set of columns alongside.
      const results = await Promise.all([
        ...names.map((name, i) => store.updateUser(poolId, name, { totpPendingSecretSealed: `p-${name}`, totpSecretSealed: null, modifiedAt: T0 + i })),
        store.updateUser(poolId, 'm2', { totpPendingSecretSealed: 'p-m2-second', totpSecretSealed: null, modifiedAt: T0 + 50 }),
        store.updateUser(poolId, 'nobody', { totpPendingSecretSealed: 'p-nobody', totpSecretSealed: null, modifiedAt: T0 }),
        store.updateUser(poolId, 'm3', { enabled: false, smsMfaEnabled: true, preferredMfa: 'SMS_MFA', status: 'RESET_REQUIRED' }),
        store.updateUser(poolId, 'm4', { enabled: false, smsMfaEnabled: true, preferredMfa: null, status: 'CONFIRMED' }),
      ]);
      assert.deepEqual(results, [true, true, true, true, true, true, false, true, true]);
      const users = await Promise.all(names.map((name) => store.getUser(poolId, name)));
      assert.deepEqual(users.map((u) => u!.totpPendingSecretSealed), ['p-m1', 'p-m2-second', 'p-m3', 'p-m4', 'p-m5'], 'the later call for m2 wins');
      assert.deepEqual(users.map((u) => u!.totpSecretSealed), [null, null, null, null, null]);
      assert.deepEqual(users.map((u) => u!.modifiedAt), [T0, T0 + 50, T0 + 2, T0 + 3, T0 + 4]);
      assert.deepEqual([users[2]!.enabled, users[2]!.smsMfaEnabled, users[2]!.preferredMfa, users[2]!.status], [false, true, 'SMS_MFA', 'RESET_REQUIRED']);
      assert.deepEqual([users[3]!.enabled, users[3]!.smsMfaEnabled, users[3]!.preferredMfa, users[3]!.status], [false, true, null, 'CONFIRMED']);
      assert.equal(users[0]!.enabled, true, 'untouched columns stay');
      assert.equal(await store.getUser(poolId, 'nobody'), undefined);
    });

    test('concurrent token checks and reads each get their own answer (PostgreSQL batches them)', async () => {
      const poolId = await freshPool();
      const client = clientRecord(poolId);
      await store.createClient(client);
      const names = ['t1', 't2', 't3'];
      const signIns: ReturnType<typeof signInRecord>[] = [];
      for (const name of names) {
        await store.createUser(userRecord(poolId, name, []));
        const signIn = signInRecord(poolId, name, { clientId: client.id });
        await store.createSignIn(signIn);
        signIns.push(signIn);
      }
      const contexts = await Promise.all([
        ...names.map((name, i) => store.getAccessContext(poolId, name, signIns[i].originJti)),
        store.getAccessContext(poolId, 'nobody', 'no-such-jti'),
        store.getAccessContext('us-east-1_nothere', 't1', signIns[0].originJti),
      ]);
      names.forEach((name, i) => {
        assert.equal(contexts[i].user?.username, name);
        assert.equal(contexts[i].signIn?.originJti, signIns[i].originJti);
        assert.equal(contexts[i].pool?.id, poolId);
        // The client is read with the rest or not at all (undefined: SQLite, whose cache serves getClient).
        if (contexts[i].client !== undefined) assert.equal(contexts[i].client?.id, client.id);
      });
      assert.deepEqual([contexts[3].user, contexts[3].signIn, contexts[3].pool?.id], [undefined, undefined, poolId]);
      assert.deepEqual([contexts[4].user, contexts[4].pool], [undefined, undefined]);

      const t2 = await store.getUser(poolId, 't2');
      const [pool, noPool, gotClient, noClient, byName, noName, bySub, noSub] = await Promise.all([
        store.getPool(poolId),
        store.getPool('us-east-1_nothere'),
        store.getClient(client.id),
        store.getClient('no-such-client'),
        store.getUser(poolId, 't3'),
        store.getUser(poolId, 'nobody'),
        store.getUserBySub(poolId, t2!.sub),
        store.getUserBySub(poolId, 'no-such-sub'),
      ]);
      assert.deepEqual([pool?.id, noPool, gotClient?.id, noClient], [poolId, undefined, client.id, undefined]);
      assert.deepEqual([byName?.username, noName, bySub?.username, noSub], ['t3', undefined, 't2', undefined]);
    });

    test('updateUser keeps pending attribute values until cleared; none pending is an absent member', async () => {
      const poolId = await freshPool();
      const user = userRecord(poolId, 'pam', [{ Name: 'email', Value: 'old@example.com' }]);
      await store.createUser(user);
      assert.equal('pendingAttributes' in (await store.getUser(poolId, 'pam'))!, false);
      const pendingAttributes = [{ Name: 'email', Value: 'new@example.com' }];
      assert.equal(await store.updateUser(poolId, 'pam', { pendingAttributes, modifiedAt: T0 + 1 }), true);
      assert.deepEqual(await store.getUser(poolId, 'pam'), { ...user, pendingAttributes, modifiedAt: T0 + 1 });
      assert.deepEqual((await store.getUserBySub(poolId, user.sub))?.pendingAttributes, pendingAttributes);
      await store.updateUser(poolId, 'pam', { enabled: false });
      assert.deepEqual((await store.getUser(poolId, 'pam'))?.pendingAttributes, pendingAttributes, 'untouched by other columns');
      for (const cleared of [null, []]) {
        await store.updateUser(poolId, 'pam', { pendingAttributes });
        await store.updateUser(poolId, 'pam', { pendingAttributes: cleared, modifiedAt: T0 + 2 });
        assert.deepEqual(await store.getUser(poolId, 'pam'), { ...user, enabled: false, modifiedAt: T0 + 2 });
      }
    });

    test('listUsers pages by username within one pool', async () => {
      const poolId = await freshPool();
      const elsewhere = await freshPool('aaa-elsewhere');
      assert.ok(elsewhere);
      const names = ['mallory', 'Mallory', 'alice', 'bob', '_svc', 'zoë', 'zoe'];
      for (const name of names) await store.createUser(userRecord(poolId, name));
      const pages = await allPages((after) => store.listUsers(poolId, 3, after), 3);
      assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
      assert.deepEqual(pages.flat().map((u) => u.username), [...names].sort(byteOrder));
      assert.deepEqual((await store.listUsers(poolId, 3, 'zoë')).items, []);
      assert.deepEqual((await store.listUsers(uid('us-east-1_missing'), 3)).items, []);
    });

    test('deleteUser removes the user, their sign-ins, sessions and index entries, nobody else\'s', async () => {
      const poolId = await freshPool();
      await store.createUser(userRecord(poolId, 'erin', [{ Name: 'email', Value: 'erin@example.com' }]));
      await store.createUser(userRecord(poolId, 'frank'));
      const erinSession = sessionRecord(poolId, 'erin');
      const frankSession = sessionRecord(poolId, 'frank');
      const erinSignIn = signInRecord(poolId, 'erin');
      const frankSignIn = signInRecord(poolId, 'frank');
      for (const s of [erinSession, frankSession]) await store.createSession(s);
      for (const s of [erinSignIn, frankSignIn]) await store.createSignIn(s);

      assert.equal(await store.deleteUser(poolId, 'erin'), true);
      assert.equal(await store.getUser(poolId, 'erin'), undefined);
      assert.equal(await store.getSession(erinSession.idHash), undefined);
      assert.equal(await store.getSignIn(erinSignIn.originJti), undefined);
      assert.equal(await store.getSignInByRefreshHash(erinSignIn.refreshHash), undefined);
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'email', 'erin@example.com'), []);
      assert.ok(await store.getUser(poolId, 'frank'));
      assert.deepEqual(await store.getSession(frankSession.idHash), frankSession);
      assert.deepEqual(await store.getSignIn(frankSignIn.originJti), frankSignIn);
      assert.equal(await store.deleteUser(poolId, 'erin'), false);

      // The username is free again, with fresh counters and a fresh TOTP history.
      await store.createUser(userRecord(poolId, 'erin'));
      assert.deepEqual(await store.getFailures(poolId, 'erin', 'password'), { count: 0, lastAt: null });
    });
  });

  describe('TOTP steps (RFC 6238 section 5.2: accept an OTP once)', () => {
    test('consumeTotpStep accepts strictly increasing steps only', async () => {
      const poolId = await freshPool('gina', 'hank');
      assert.equal(await store.consumeTotpStep(poolId, 'gina', 1000), true);
      assert.equal(await store.consumeTotpStep(poolId, 'gina', 1000), false, 'the same step twice');
      assert.equal(await other.consumeTotpStep(poolId, 'gina', 1000), false, 'not even through another handle');
      assert.equal(await store.consumeTotpStep(poolId, 'gina', 999), false, 'an earlier step');
      assert.equal(await store.consumeTotpStep(poolId, 'gina', 1001), true);
      assert.equal(await store.consumeTotpStep(poolId, 'hank', 1000), true, 'per user');
      assert.equal(await store.consumeTotpStep(poolId, 'nobody', 1), false, 'no user, no step');
    });

    test('consumeTotpStep applies its update only with an accepted step', async () => {
      const poolId = await freshPool('hugo');
      assert.equal(await store.consumeTotpStep(poolId, 'hugo', 10, { totpSecretSealed: 'sealed-a', totpEnabled: true, modifiedAt: T0 + 1 }), true);
      let hugo = (await store.getUser(poolId, 'hugo'))!;
      assert.deepEqual([hugo.totpSecretSealed, hugo.totpEnabled, hugo.modifiedAt], ['sealed-a', true, T0 + 1]);
      assert.equal(await other.consumeTotpStep(poolId, 'hugo', 10, { totpSecretSealed: 'sealed-b' }), false);
      hugo = (await store.getUser(poolId, 'hugo'))!;
      assert.equal(hugo.totpSecretSealed, 'sealed-a', 'a replayed step changes nothing');
      assert.equal(await store.consumeTotpStep(poolId, 'hugo', 11), true);
    });

    test('of 20 concurrent consumeTotpStep calls with one step exactly one wins', async () => {
      const poolId = await freshPool('ivan');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).consumeTotpStep(poolId, 'ivan', 58_000_000)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });
  });

  describe('failure counters', () => {
    test('recordFailure counts per kind, getFailures reads, clearFailures resets one kind', async () => {
      const poolId = await freshPool('judy');
      assert.deepEqual(await store.getFailures(poolId, 'judy', 'password'), { count: 0, lastAt: null });
      assert.deepEqual(await store.recordFailure(poolId, 'judy', 'password', T0 + 1), { count: 1, lastAt: T0 + 1 });
      assert.deepEqual(await store.recordFailure(poolId, 'judy', 'password', T0 + 2), { count: 2, lastAt: T0 + 2 });
      assert.deepEqual(await store.recordFailure(poolId, 'judy', 'mfa', T0 + 3), { count: 1, lastAt: T0 + 3 });
      assert.deepEqual(await store.getFailures(poolId, 'judy', 'password'), { count: 2, lastAt: T0 + 2 });
      await store.clearFailures(poolId, 'judy', 'password');
      assert.deepEqual(await store.getFailures(poolId, 'judy', 'password'), { count: 0, lastAt: null });
      assert.deepEqual(await store.getFailures(poolId, 'judy', 'mfa'), { count: 1, lastAt: T0 + 3 });
      assert.deepEqual(await store.recordFailure(poolId, 'nobody', 'password', T0), { count: 0, lastAt: null });
      assert.deepEqual(await store.getFailures(poolId, 'nobody', 'mfa'), { count: 0, lastAt: null });
    });

    test('concurrent recordFailure calls lose no count', async () => {
      const poolId = await freshPool('kim');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).recordFailure(poolId, 'kim', 'password', T0 + i)),
      );
      assert.deepEqual(results.map((r) => r.count).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.equal((await store.getFailures(poolId, 'kim', 'password')).count, 20);
    });
  });

  describe('attempts reserved before a secret is checked (issue 11)', () => {
    const many = <T>(n: number, call: (s: Store, i: number) => Promise<T>) =>
      Promise.all(Array.from({ length: n }, (_, i) => call(i % 2 ? other : store, i)));

    test('consumeTotpStep with unlessLockedAt: a right code is refused while the user is locked out of MFA, in the same statement', async () => {
      const poolId = await freshPool('tia');
      for (let i = 0; i < 5; i++) assert.equal(await store.reserveAttempt(poolId, 'tia', 'mfa', T0), true);
      const update = { totpFriendlyDeviceName: 'phone', modifiedAt: T0 + 1 };
      assert.equal(await store.consumeTotpStep(poolId, 'tia', 100, update, T0 + 999), false, 'locked for 1 s');
      assert.equal((await store.getUser(poolId, 'tia'))!.totpFriendlyDeviceName, null, 'nothing written while locked');
      assert.equal(await other.consumeTotpStep(poolId, 'tia', 100, update, T0 + 1000), true, 'accepted once the lockout is over');
      assert.deepEqual(await store.getFailures(poolId, 'tia', 'mfa'), { count: 0, lastAt: null }, 'and the count cleared with it');
      assert.equal(await store.consumeTotpStep(poolId, 'tia', 100, update, T0 + 1000), false, 'a step is accepted once');
      assert.equal((await store.getUser(poolId, 'tia'))!.totpFriendlyDeviceName, 'phone');
    });

    test('reserveAttempt: five free, then lockouts of 1 s doubling, not counted while locked; clearFailures resets', async () => {
      const poolId = await freshPool('rae');
      for (let i = 0; i < 5; i++) assert.equal(await store.reserveAttempt(poolId, 'rae', 'password', T0), true, `attempt ${i + 1}`);
      assert.equal(await store.reserveAttempt(poolId, 'rae', 'password', T0 + 999), false, 'locked for 1 s');
      assert.deepEqual(await store.getFailures(poolId, 'rae', 'password'), { count: 5, lastAt: T0 }, 'a refused attempt is not counted');
      assert.equal(await store.reserveAttempt(poolId, 'rae', 'password', T0 + 1000), true);
      assert.equal(await store.reserveAttempt(poolId, 'rae', 'password', T0 + 2999), false, 'the sixth failure locks for 2 s');
      assert.equal(await store.reserveAttempt(poolId, 'rae', 'mfa', T0 + 2999), true, 'kinds are counted apart');
      assert.equal(await other.reserveAttempt(poolId, 'rae', 'password', T0 + 3000), true);
      await store.refundAttempt(poolId, 'rae', 'password');
      assert.equal((await store.getFailures(poolId, 'rae', 'password')).count, 6);
      await store.clearFailures(poolId, 'rae', 'password');
      assert.deepEqual(await other.getFailures(poolId, 'rae', 'password'), { count: 0, lastAt: null });
      assert.equal(await store.reserveAttempt(poolId, 'nobody', 'password', T0), false, 'no user, nothing to reserve');
    });

    test('the lockout caps at 15 minutes', async () => {
      const poolId = await freshPool('cap');
      let now = T0;
      for (let i = 0; i < 30; i++) {
        assert.equal(await store.reserveAttempt(poolId, 'cap', 'password', now), true, `failure ${i + 1}`);
        now += i < 4 ? 0 : Math.min(1000 * 2 ** (i - 4), 900_000);
      }
      assert.equal(await store.reserveAttempt(poolId, 'cap', 'password', now - 1), false);
      assert.equal(await store.reserveAttempt(poolId, 'cap', 'password', now), true, '15 minutes after the 30th failure');
    });

    for (const round of [1, 2, 3]) {
      test(`round ${round}: of 60 concurrent reserveAttempt calls on two handles exactly 5 proceed`, async () => {
        const poolId = await freshPool('race');
        const results = await many(60, (s) => s.reserveAttempt(poolId, 'race', 'password', T0));
        assert.equal(results.filter(Boolean).length, 5);
        assert.equal((await store.getFailures(poolId, 'race', 'password')).count, 5);
        const mfa = await many(60, (s) => s.reserveAttempt(poolId, 'race', 'mfa', T0));
        assert.equal(mfa.filter(Boolean).length, 5);
      });
    }

    test('reserveNameAttempt locks an unknown name like a user, per name, and 60 concurrent calls let 5 through', async () => {
      const poolId = await freshPool();
      for (let i = 0; i < 5; i++) assert.equal(await store.reserveNameAttempt(poolId, 'ghost', T0), true);
      assert.equal(await other.reserveNameAttempt(poolId, 'ghost', T0 + 999), false);
      assert.equal(await store.reserveNameAttempt(poolId, 'other-ghost', T0 + 999), true, 'another name is not locked');
      assert.equal(await store.reserveNameAttempt(poolId, 'ghost', T0 + 1000), true);
      assert.equal(await store.reserveNameAttempt(poolId, 'ghost', T0 + 2999), false, 'doubling, as for a user');
      const results = await many(60, (s) => s.reserveNameAttempt(poolId, 'crowd', T0));
      assert.equal(results.filter(Boolean).length, 5);
    });

    test('takeQuota: a fixed window per (pool, subject, kind); clearQuota forgets; 60 concurrent uses count one by one', async () => {
      const poolId = await freshPool();
      const q = { poolId, subject: 'amy', kind: 'issue:FORGOT_PASSWORD', limit: 3, windowMs: 60_000 };
      for (let i = 0; i < 3; i++) assert.equal(await store.takeQuota(q, T0 + i), true);
      assert.equal(await other.takeQuota(q, T0 + 59_999), false);
      assert.equal(await store.takeQuota({ ...q, kind: 'guess:FORGOT_PASSWORD' }, T0), true, 'kinds are apart');
      assert.equal(await store.takeQuota({ ...q, subject: 'bob' }, T0), true, 'subjects are apart');
      assert.equal(await store.takeQuota(q, T0 + 60_000), true, 'a new window');
      assert.equal(await store.takeQuota(q, T0 + 60_001), true);
      await store.clearQuota(poolId, 'amy', q.kind);
      for (let i = 0; i < 3; i++) assert.equal(await store.takeQuota(q, T0 + 60_002), true);
      assert.equal(await store.takeQuota(q, T0 + 60_002), false);
      const crowd = { ...q, subject: 'crowd', limit: 7 };
      const results = await many(60, (s) => s.takeQuota(crowd, T0));
      assert.equal(results.filter(Boolean).length, 7);
    });

    test('reserveSessionAttempt: at most `max` answers of a session, none once consumed; refund gives one back', async () => {
      const poolId = await freshPool('sid');
      const session = sessionRecord(poolId, 'sid');
      await store.createSession(session);
      const results = await many(60, (s) => s.reserveSessionAttempt(session.idHash, 5));
      assert.equal(results.filter(Boolean).length, 5);
      assert.equal((await store.getSession(session.idHash))!.wrongAttempts, 5);
      await store.refundSessionAttempt(session.idHash);
      assert.equal(await other.reserveSessionAttempt(session.idHash, 5), true);
      const consumed = sessionRecord(poolId, 'sid');
      await store.createSession(consumed);
      await store.consumeSession(consumed.idHash, T0);
      assert.equal(await store.reserveSessionAttempt(consumed.idHash, 5), false);
      assert.equal(await store.reserveSessionAttempt('missing', 5), false);
    });

    test('an accepted TOTP step clears the MFA failure count, in consumeTotpStep and completeTotpChallenge', async () => {
      const poolId = await freshPool('tess');
      await store.reserveAttempt(poolId, 'tess', 'mfa', T0);
      await store.reserveAttempt(poolId, 'tess', 'password', T0);
      assert.equal(await store.consumeTotpStep(poolId, 'tess', 10), true);
      assert.equal((await store.getFailures(poolId, 'tess', 'mfa')).count, 0);
      assert.equal((await store.getFailures(poolId, 'tess', 'password')).count, 1, 'passwords are not MFA');
      await store.reserveAttempt(poolId, 'tess', 'mfa', T0);
      assert.equal(await store.consumeTotpStep(poolId, 'tess', 10, { totpFriendlyDeviceName: 'x' }), false);
      assert.equal((await store.getFailures(poolId, 'tess', 'mfa')).count, 1, 'a refused step clears nothing');
      assert.equal(await store.consumeTotpStep(poolId, 'tess', 11, { totpFriendlyDeviceName: 'x' }), true);
      assert.equal((await other.getFailures(poolId, 'tess', 'mfa')).count, 0);
      await store.reserveAttempt(poolId, 'tess', 'mfa', T0);
      const session = sessionRecord(poolId, 'tess');
      await store.createSession(session);
      assert.equal(await store.completeTotpChallenge(session.idHash, poolId, 'tess', 12, T0), 'ok');
      assert.equal((await store.getFailures(poolId, 'tess', 'mfa')).count, 0);
    });
  });

  describe('auth sessions', () => {
    test('create, get, consume once, count wrong attempts', async () => {
      const poolId = await freshPool('leo');
      const session = sessionRecord(poolId, 'leo');
      await store.createSession(session);
      assert.deepEqual(await store.getSession(session.idHash), session);
      assert.equal(await store.getSession('missing'), undefined);

      assert.equal(await store.addSessionWrongAttempt(session.idHash), 1);
      assert.equal(await other.addSessionWrongAttempt(session.idHash), 2);
      assert.equal(await store.addSessionWrongAttempt('missing'), 0);

      const consumed = await store.consumeSession(session.idHash, T0 + 10);
      assert.deepEqual(consumed, { ...session, consumedAt: T0 + 10, wrongAttempts: 2 });
      assert.equal(await store.consumeSession(session.idHash, T0 + 11), undefined, 'a second consume gets nothing');
      assert.equal(await other.consumeSession(session.idHash, T0 + 12), undefined);
      assert.equal((await store.getSession(session.idHash))!.consumedAt, T0 + 10);
      assert.equal(await store.consumeSession('missing', T0), undefined);
    });

    test('a session needs an existing pool', async () => {
      await assert.rejects(store.createSession(sessionRecord(uid('us-east-1_missing'), 'x')));
    });

    test('deleteExpiredSessions removes those that expired before now', async () => {
      const poolId = await freshPool();
      const now = T0 + 1_000_000_000; // later than every other test's sessions
      const expired = [sessionRecord(poolId, 'a', { expiresAt: now - 1 }), sessionRecord(poolId, 'b', { expiresAt: now - 100 })];
      const live = [sessionRecord(poolId, 'c', { expiresAt: now }), sessionRecord(poolId, 'd', { expiresAt: now + 1 })];
      for (const s of [...expired, ...live]) await store.createSession(s);
      assert.ok((await store.deleteExpiredSessions(now)) >= 2);
      for (const s of expired) assert.equal(await store.getSession(s.idHash), undefined);
      for (const s of live) assert.deepEqual(await store.getSession(s.idHash), s);
      assert.equal(await store.deleteExpiredSessions(now), 0);
    });

    test('of 20 concurrent consumeSession calls on one session exactly one wins', async () => {
      const poolId = await freshPool('mia');
      const session = sessionRecord(poolId, 'mia');
      await store.createSession(session);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).consumeSession(session.idHash, T0 + i)),
      );
      const winners = results.filter((r) => r !== undefined);
      assert.equal(winners.length, 1);
      assert.equal((await store.getSession(session.idHash))!.consumedAt, winners[0]!.consumedAt);
    });
  });

  describe('completeTotpChallenge: the session and the step together, or neither', () => {
    test("'ok' consumes both; the session again is 'session-used'", async () => {
      const poolId = await freshPool('nina');
      const session = sessionRecord(poolId, 'nina');
      await store.createSession(session);
      assert.equal(await store.completeTotpChallenge(session.idHash, poolId, 'nina', 2000, T0 + 5), 'ok');
      assert.equal((await store.getSession(session.idHash))!.consumedAt, T0 + 5);
      assert.equal(await store.consumeTotpStep(poolId, 'nina', 2000), false, 'the step is used');
      assert.equal(await store.completeTotpChallenge(session.idHash, poolId, 'nina', 2001, T0 + 6), 'session-used');
      assert.equal(await store.consumeTotpStep(poolId, 'nina', 2001), true, "'session-used' consumed no step");
      assert.equal(await store.completeTotpChallenge('missing', poolId, 'nina', 3000, T0), 'session-used');
    });

    test("a used step is 'step-used' and the session stays consumable", async () => {
      const poolId = await freshPool('omar');
      assert.equal(await store.consumeTotpStep(poolId, 'omar', 3000), true);
      const session = sessionRecord(poolId, 'omar');
      await store.createSession(session);
      assert.equal(await store.completeTotpChallenge(session.idHash, poolId, 'omar', 3000, T0 + 1), 'step-used');
      assert.equal(await store.completeTotpChallenge(session.idHash, poolId, 'omar', 2999, T0 + 1), 'step-used', 'an earlier step too');
      assert.deepEqual(await store.getSession(session.idHash), session, 'untouched');
      assert.equal(await store.completeTotpChallenge(session.idHash, poolId, 'omar', 3001, T0 + 2), 'ok', 'the next code works');
      assert.equal((await store.getSession(session.idHash))!.consumedAt, T0 + 2);
    });

    test('a used step leaves the session consumable by consumeSession too', async () => {
      const poolId = await freshPool('pia');
      await store.consumeTotpStep(poolId, 'pia', 10);
      const session = sessionRecord(poolId, 'pia');
      await store.createSession(session);
      assert.equal(await store.completeTotpChallenge(session.idHash, poolId, 'pia', 10, T0), 'step-used');
      assert.deepEqual(await store.consumeSession(session.idHash, T0 + 1), { ...session, consumedAt: T0 + 1 });
    });

    test("20 sessions of one user racing with one step: exactly one 'ok', 19 'step-used', 19 sessions left", async () => {
      const poolId = await freshPool('quinn');
      const sessions = Array.from({ length: 20 }, () => sessionRecord(poolId, 'quinn'));
      for (const s of sessions) await store.createSession(s);
      const results = await Promise.all(
        sessions.map((s, i) => (i % 2 ? other : store).completeTotpChallenge(s.idHash, poolId, 'quinn', 58_000_000, T0 + i)),
      );
      assert.equal(results.filter((r) => r === 'ok').length, 1);
      assert.equal(results.filter((r) => r === 'step-used').length, 19);
      const states = await Promise.all(sessions.map((s) => store.getSession(s.idHash)));
      assert.equal(states.filter((s) => s!.consumedAt !== null).length, 1, 'only the winner spent its session');
      assert.equal(states[results.indexOf('ok')]!.consumedAt !== null, true);
    });
  });

  describe('sign-ins', () => {
    test('create, get by origin_jti and by refresh hash, revoke one, revoke all of a user', async () => {
      const poolId = await freshPool('rita', 'sam');
      const a = signInRecord(poolId, 'rita');
      const b = signInRecord(poolId, 'rita');
      const c = signInRecord(poolId, 'rita', { revokedAt: T0 - 1 });
      const s = signInRecord(poolId, 'sam');
      for (const x of [a, b, c, s]) await store.createSignIn(x);
      assert.deepEqual(await store.getSignIn(a.originJti), a);
      assert.deepEqual(await other.getSignInByRefreshHash(b.refreshHash), b);
      assert.equal(await store.getSignIn('missing'), undefined);
      assert.equal(await store.getSignInByRefreshHash('missing'), undefined);
      await assert.rejects(store.createSignIn(signInRecord(poolId, 'rita', { refreshHash: a.refreshHash })), 'refresh hashes are unique');

      assert.equal(await store.revokeSignIn(a.originJti, T0 + 1), true);
      assert.equal(await store.revokeSignIn(a.originJti, T0 + 2), false, 'already revoked');
      assert.equal((await store.getSignIn(a.originJti))!.revokedAt, T0 + 1);
      assert.equal(await store.revokeSignIn('missing', T0), false);

      assert.equal(await store.revokeUserSignIns(poolId, 'rita', T0 + 3), 1, 'only b was still live');
      assert.equal((await store.getSignIn(a.originJti))!.revokedAt, T0 + 1, 'earlier revocations keep their time');
      assert.equal((await store.getSignIn(b.originJti))!.revokedAt, T0 + 3);
      assert.equal((await store.getSignIn(c.originJti))!.revokedAt, T0 - 1);
      assert.equal((await store.getSignIn(s.originJti))!.revokedAt, null, 'other users keep theirs');
      assert.equal(await store.revokeUserSignIns(poolId, 'rita', T0 + 4), 0);
    });
  });

  describe('managed login: authorization codes and sessions', () => {
    const code = (poolId: string, over: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord => ({
      codeHash: uid('code'),
      poolId,
      clientId: 'client',
      username: 'uma',
      sub: 'sub-of-uma',
      redirectUri: 'https://app.example/callback',
      scopes: 'openid email',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      codeChallengeMethod: 'S256',
      nonce: 'n-1',
      state: 's-1',
      authTime: Math.floor(T0 / 1000),
      createdAt: T0,
      expiresAt: T0 + 300_000,
      consumedAt: null,
      ...over,
    });

    test('a code is consumed once, of concurrent redemptions by one, and never once expired', async () => {
      const poolId = await freshPool('uma');
      const live = code(poolId);
      const bare = code(poolId, { codeChallenge: null, codeChallengeMethod: null, nonce: null, state: null });
      const expired = code(poolId, { expiresAt: T0 + 10 });
      for (const c of [live, bare, expired]) await store.createAuthorizationCode(c);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).consumeAuthorizationCode(live.codeHash, T0 + 5)));
      const won = results.filter((r) => r !== undefined);
      assert.equal(won.length, 1, 'exactly one redemption gets the code');
      assert.deepEqual(won[0], { ...live, consumedAt: T0 + 5 });
      assert.equal(await store.consumeAuthorizationCode(live.codeHash, T0 + 6), undefined, 'used');
      assert.deepEqual(await other.consumeAuthorizationCode(bare.codeHash, T0 + 5), { ...bare, consumedAt: T0 + 5 });
      assert.equal(await store.consumeAuthorizationCode(expired.codeHash, T0 + 10), undefined, 'expired at its expiry');
      assert.equal(await store.consumeAuthorizationCode('missing', T0), undefined);
    });

    test('a login session is found until it expires, deleted once; the sweep deletes what expired', async () => {
      const poolId = await freshPool('uma');
      const session: LoginSessionRecord = {
        idHash: uid('login'), poolId, username: 'uma', sub: 'sub-of-uma', authTime: Math.floor(T0 / 1000), createdAt: T0, expiresAt: T0 + 3_600_000,
      };
      const short = { ...session, idHash: uid('login'), expiresAt: T0 + 1000 };
      await store.createLoginSession(session);
      await store.createLoginSession(short);
      assert.deepEqual(await other.getLoginSession(session.idHash, T0), session);
      assert.equal(await store.getLoginSession(short.idHash, T0 + 1000), undefined, 'expired');
      assert.equal(await store.getLoginSession('missing', T0), undefined);
      const stale = code(poolId, { expiresAt: T0 + 1000 });
      const fresh = code(poolId);
      await store.createAuthorizationCode(stale);
      await store.createAuthorizationCode(fresh);
      assert.ok((await store.deleteExpiredLoginState(T0 + 2000)) >= 2);
      assert.equal(await store.consumeAuthorizationCode(stale.codeHash, T0), undefined, 'swept');
      assert.ok(await store.consumeAuthorizationCode(fresh.codeHash, T0 + 2000), 'kept');
      assert.deepEqual(await store.getLoginSession(session.idHash, T0 + 2000), session, 'kept');
      assert.equal(await store.deleteLoginSession(session.idHash), true);
      assert.equal(await other.deleteLoginSession(session.idHash), false);
      assert.equal(await store.getLoginSession(session.idHash, T0), undefined);
    });

    test('a sign-in keeps the OAuth scopes it was granted; the API\'s sign-ins have none', async () => {
      const poolId = await freshPool('uma');
      const oauth = signInRecord(poolId, 'uma', { scopes: 'openid email' });
      const api = signInRecord(poolId, 'uma');
      await store.createSignIn(oauth);
      await store.createSignIn(api);
      assert.deepEqual(await other.getSignIn(oauth.originJti), oauth);
      assert.deepEqual(await store.getSignInByRefreshHash(oauth.refreshHash), oauth);
      assert.equal((await store.getSignIn(api.originJti))!.scopes, undefined);
    });

    test('deleting the pool deletes its codes and sessions', async () => {
      const poolId = await freshPool('uma');
      const c = code(poolId);
      await store.createAuthorizationCode(c);
      await store.createLoginSession({ idHash: uid('login'), poolId, username: 'uma', sub: 's', authTime: 1, createdAt: T0, expiresAt: T0 + 1000 });
      assert.equal(await store.deletePool(poolId), true);
      assert.equal(await store.consumeAuthorizationCode(c.codeHash, T0), undefined);
    });
  });

  describe('access context', () => {
    test('reads the pool, user and sign-in an access token names, each absent when missing', async () => {
      const poolId = await freshPool('cleo');
      const signIn = signInRecord(poolId, 'cleo');
      await store.createSignIn(signIn);
      const found = await other.getAccessContext(poolId, 'cleo', signIn.originJti);
      assert.equal(found.pool?.id, poolId);
      assert.deepEqual(found.user, await store.getUser(poolId, 'cleo'));
      assert.deepEqual(found.signIn, signIn);
      const missing = await store.getAccessContext(poolId, 'nobody', 'no-jti');
      assert.equal(missing.pool?.id, poolId);
      assert.equal(missing.user, undefined);
      assert.equal(missing.signIn, undefined);
      const noPool = await store.getAccessContext('no-pool', 'cleo', signIn.originJti);
      assert.deepEqual([noPool.pool, noPool.user, noPool.signIn], [undefined, undefined, signIn]);
      // An engine may read the sign-in's client with the rest: then it is the client, or null when it is gone.
      if (found.client !== undefined) {
        assert.equal(found.client, null, 'signInRecord names a client that was never created');
        const clientId = `${poolId}-ctx`;
        await store.createClient({ id: clientId, poolId, name: 'ctx', secretSealed: null, settings: {}, createdAt: T0, modifiedAt: T0 });
        const withClient = signInRecord(poolId, 'cleo', { clientId });
        await store.createSignIn(withClient);
        assert.deepEqual((await other.getAccessContext(poolId, 'cleo', withClient.originJti)).client, await store.getClient(clientId));
        assert.equal(missing.client, undefined, 'no sign-in, no client');
      }
    });
  });

  describe('outbox', () => {
    test('newest first, per pool, optionally per user, limited', async () => {
      const poolId = await freshPool();
      const elsewhere = await freshPool();
      const m1 = outboxMessage(poolId, 'tom', T0 + 1, { subject: 'Your code' });
      const m2 = outboxMessage(poolId, 'uma', T0 + 2, { channel: 'sms', destination: '+15550100', purpose: 'SIGN_UP' });
      const m3 = outboxMessage(poolId, 'tom', T0 + 3);
      const m4 = outboxMessage(elsewhere, 'tom', T0 + 4);
      for (const m of [m2, m3, m1, m4]) await store.addOutboxMessage(m);
      assert.deepEqual(await store.listOutbox(poolId, undefined, 10), [m3, m2, m1]);
      assert.deepEqual(await other.listOutbox(poolId, 'tom', 10), [m3, m1]);
      assert.deepEqual(await store.listOutbox(poolId, undefined, 2), [m3, m2]);
      assert.deepEqual(await store.listOutbox(poolId, 'nobody', 10), []);
      // Same millisecond: the message written last comes first, whatever its id.
      const x = outboxMessage(elsewhere, 'v', T0, { id: `${uid('msg')}-z` });
      const y = { ...x, id: `${x.id.slice(0, -2)}-a` };
      await store.addOutboxMessage(x);
      await store.addOutboxMessage(y);
      assert.deepEqual(await store.listOutbox(elsewhere, 'v', 10), [y, x]);
    });
  });

  describe('confirmation and reset codes', () => {
    test('a code is consumed once, refused when wrong or expired, and dies after too many guesses', async () => {
      const poolId = await freshPool('xena', 'yuri');
      const code = (username: string, codeHash: string, expiresAt = T0 + 60_000) =>
        store.putUserCode({ poolId, username, purpose: 'SIGN_UP', codeHash, expiresAt });
      assert.equal(await store.consumeUserCode(poolId, 'xena', 'SIGN_UP', 'h1', T0), 'missing');
      await code('xena', 'h1');
      assert.equal(await store.consumeUserCode(poolId, 'xena', 'FORGOT_PASSWORD', 'h1', T0), 'missing', 'per purpose');
      assert.equal(await store.consumeUserCode(poolId, 'xena', 'SIGN_UP', 'wrong', T0), 'mismatch');
      assert.equal(await other.consumeUserCode(poolId, 'xena', 'SIGN_UP', 'h1', T0), 'ok');
      assert.equal(await store.consumeUserCode(poolId, 'xena', 'SIGN_UP', 'h1', T0), 'missing', 'used once');
      // A new code replaces the old one and its guess count.
      await code('xena', 'h2');
      await code('xena', 'h3');
      assert.equal(await store.consumeUserCode(poolId, 'xena', 'SIGN_UP', 'h2', T0), 'mismatch');
      for (let i = 1; i < MAX_CODE_ATTEMPTS; i++) assert.equal(await store.consumeUserCode(poolId, 'xena', 'SIGN_UP', 'bad', T0), 'mismatch');
      assert.equal(await store.consumeUserCode(poolId, 'xena', 'SIGN_UP', 'h3', T0), 'missing', 'deleted after too many guesses');
      await code('yuri', 'h4', T0 + 10);
      assert.equal(await store.consumeUserCode(poolId, 'yuri', 'SIGN_UP', 'h4', T0 + 10), 'expired');
    });

    test('of 20 concurrent right answers exactly one consumes the code', async () => {
      const poolId = await freshPool('zack');
      await store.putUserCode({ poolId, username: 'zack', purpose: 'FORGOT_PASSWORD', codeHash: 'h', expiresAt: T0 + 60_000 });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).consumeUserCode(poolId, 'zack', 'FORGOT_PASSWORD', 'h', T0)),
      );
      assert.equal(results.filter((r) => r === 'ok').length, 1);
    });

    test('deleting the user deletes its codes and outbox messages', async () => {
      const poolId = await freshPool('abel');
      await store.putUserCode({ poolId, username: 'abel', purpose: 'SIGN_UP', codeHash: 'h', expiresAt: T0 + 60_000 });
      await store.addOutboxMessage(outboxMessage(poolId, 'abel', T0));
      assert.equal(await store.deleteUser(poolId, 'abel'), true);
      assert.equal(await store.createUser(userRecord(poolId, 'abel')), true);
      assert.equal(await store.consumeUserCode(poolId, 'abel', 'SIGN_UP', 'h', T0), 'missing');
      assert.deepEqual(await store.listOutbox(poolId, 'abel', 10), []);
    });
  });

  describe('user import jobs', () => {
    test('createUsers creates a batch in one call, skips taken and repeated usernames, and indexes the attributes', async () => {
      const poolId = await freshPool('taken');
      const batch = [
        userRecord(poolId, 'imp-a', [{ Name: 'email', Value: 'a@example.com' }], { status: 'RESET_REQUIRED', passwordSalt: null, passwordVerifierSealed: null }),
        userRecord(poolId, 'imp-b', [{ Name: 'email', Value: 'b@example.com' }], { status: 'RESET_REQUIRED' }),
        userRecord(poolId, 'taken', [{ Name: 'email', Value: 'taken@example.com' }]),
        userRecord(poolId, 'imp-a', [{ Name: 'email', Value: 'second@example.com' }]),
      ];
      assert.equal(await store.createUsers(batch), 2);
      assert.deepEqual(await other.getUser(poolId, 'imp-a'), batch[0], 'the first of a repeated username wins');
      assert.deepEqual(await store.getUser(poolId, 'imp-b'), batch[1]);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'email', 'a@example.com')).map((u) => u.username), ['imp-a']);
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'email', 'second@example.com'), []);
      assert.deepEqual(await store.findUsersByAttribute(poolId, 'email', 'taken@example.com'), [], 'a skipped user leaves no index rows');
      assert.deepEqual((await store.getUserBySub(poolId, batch[1].sub))?.username, 'imp-b');
      assert.equal(await store.createUsers([]), 0);
      assert.equal(await store.createUsers(batch.slice(0, 2)), 0, 'all taken now');
    });

    test('createUsers takes a thousand users', async () => {
      const poolId = await freshPool();
      const users = Array.from({ length: 1000 }, (_, i) => userRecord(poolId, `bulk${String(i).padStart(4, '0')}`, [{ Name: 'email', Value: `bulk${i}@example.com` }]));
      assert.equal(await store.createUsers(users), 1000);
      const page = await other.listUsers(poolId, 60);
      assert.equal(page.items.length, 60);
      assert.deepEqual((await store.findUsersByAttribute(poolId, 'email', 'bulk999@example.com')).map((u) => u.username), ['bulk0999']);
    });

    test('a job: create, get, upload its CSV while Created, conditional updates, the CSV dropped at the end', async () => {
      const poolId = await freshPool();
      const job = importJob(poolId, uid('import-c').replace(/[^0-9a-zA-Z-]/g, ''));
      await store.createImportJob(job);
      assert.deepEqual(await other.getImportJob(poolId, job.jobId), job);
      assert.equal(await store.getImportJob('us-east-1_other', job.jobId), undefined, 'a job belongs to its pool');
      assert.equal(await store.getImportCsv(poolId, job.jobId), undefined);
      assert.equal(await store.putImportCsv(poolId, job.jobId, 'first'), true);
      assert.equal(await store.putImportCsv(poolId, job.jobId, 'a,b\n"x, y",z\n'), true, 'a later upload replaces it');
      assert.equal(await other.getImportCsv(poolId, job.jobId), 'a,b\n"x, y",z\n');
      assert.equal((await store.getImportJob(poolId, job.jobId))!.hasCsv, true);
      assert.equal(await store.putImportCsv(poolId, 'import-none', 'x'), false);

      assert.equal(await store.updateImportJob(poolId, job.jobId, 'Pending', { status: 'InProgress' }), undefined, 'not Pending: nothing changes');
      const pending = await store.updateImportJob(poolId, job.jobId, 'Created', { status: 'Pending', startedAt: T0 + 5 });
      assert.deepEqual(pending, { ...job, status: 'Pending', startedAt: T0 + 5, hasCsv: true });
      assert.equal(await store.putImportCsv(poolId, job.jobId, 'late'), false, 'no upload once started');
      // Of racing starts exactly one wins, whichever handle it comes through.
      const again = await Promise.all([store, other, store].map((s) => s.updateImportJob(poolId, job.jobId, 'Pending', { status: 'InProgress' })));
      assert.equal(again.filter(Boolean).length, 1);
      const ended = await store.updateImportJob(poolId, job.jobId, 'InProgress', {
        status: 'Succeeded', completedAt: T0 + 9, importedUsers: 7, skippedUsers: 2, failedUsers: 1, completionMessage: 'Import Job Completed Successfully.', dropCsv: true,
      });
      assert.deepEqual(ended, {
        ...job, status: 'Succeeded', startedAt: T0 + 5, completedAt: T0 + 9, importedUsers: 7, skippedUsers: 2, failedUsers: 1,
        completionMessage: 'Import Job Completed Successfully.', hasCsv: false,
      });
      assert.equal(await store.getImportCsv(poolId, job.jobId), undefined);
    });

    test('one active job per pool, even when starts race; the active job; jobs whose heartbeat is old', async () => {
      const poolId = await freshPool();
      const [a, b, c] = ['import-actA', 'import-actB', 'import-actC'].map((id, i) => importJob(poolId, id, T0 + i));
      const elsewhere = importJob(await freshPool(), 'import-actD', T0);
      for (const j of [a, b, c, elsewhere]) await store.createImportJob(j);
      assert.equal(await store.getActiveImportJob(poolId), undefined);
      const starts = await Promise.all(
        [a, b, c].map((j, i) => (i === 1 ? other : store).updateImportJob(poolId, j.jobId, 'Created', { status: 'Pending', startedAt: T0 + 10 })),
      );
      assert.equal(starts.filter(Boolean).length, 1, 'one of three racing starts wins');
      const winner = starts.find(Boolean)!;
      assert.equal((await other.getActiveImportJob(poolId))!.jobId, winner.jobId);
      assert.ok(await store.updateImportJob(elsewhere.poolId, elsewhere.jobId, 'Created', { status: 'Pending', startedAt: T0 + 10 }), 'another pool is not held up');
      const loser = [a, b, c].find((j) => j.jobId !== winner.jobId)!;
      assert.equal((await store.getImportJob(poolId, loser.jobId))!.status, 'Created', 'the losers are unchanged');

      // Heartbeats: a job counts as stale by its last heartbeat, or its start before the first.
      const stale = async (before: number) => (await other.listStaleImportJobs(before)).filter((j) => j.poolId === poolId).map((j) => j.jobId);
      assert.deepEqual(await stale(T0 + 10), []);
      assert.deepEqual(await stale(T0 + 11), [winner.jobId]);
      const running = await store.updateImportJob(poolId, winner.jobId, 'Pending', { status: 'InProgress', heartbeatAt: T0 + 50 });
      assert.equal(running!.heartbeatAt, T0 + 50);
      assert.deepEqual(await stale(T0 + 50), []);
      assert.deepEqual(await stale(T0 + 51), [winner.jobId]);
      assert.ok(await store.updateImportJob(poolId, winner.jobId, 'InProgress', { status: 'Stopping' }), 'Stopping is still the active job');
      assert.equal(await store.updateImportJob(poolId, loser.jobId, 'Created', { status: 'Pending' }), undefined);
      assert.ok(await store.updateImportJob(poolId, winner.jobId, 'Stopping', { status: 'Stopped', completedAt: T0 + 60 }));
      assert.deepEqual(await stale(T0 + 100), []);
      assert.equal(await store.getActiveImportJob(poolId), undefined);
      assert.ok(await other.updateImportJob(poolId, loser.jobId, 'Created', { status: 'Pending', startedAt: T0 + 70 }), 'the next job can start');
    });

    test('expireImportJobs: jobs still Created before the time become Expired, their CSV deleted; others are untouched', async () => {
      const poolId = await freshPool();
      const [old, young, started] = ['import-expA', 'import-expB', 'import-expC'].map((id, i) => importJob(poolId, id, T0 + [1, 5, 1][i]!));
      for (const j of [old, young, started]) {
        await store.createImportJob(j);
        await store.putImportCsv(poolId, j.jobId, 'x');
      }
      await store.updateImportJob(poolId, started.jobId, 'Created', { status: 'Pending', startedAt: T0 + 2 });
      assert.ok((await other.expireImportJobs(T0 + 3)) >= 1);
      const after = await Promise.all([old, young, started].map((j) => store.getImportJob(poolId, j.jobId)));
      assert.deepEqual(after.map((j) => [j!.status, j!.hasCsv]), [['Expired', false], ['Created', true], ['Pending', true]]);
    });

    test("listImportJobs: a pool's jobs newest first, in pages; deleting the pool deletes them", async () => {
      const poolId = await freshPool();
      const jobs = [3, 1, 2, 2].map((t, i) => importJob(poolId, `import-list${i}`, T0 + t));
      for (const j of jobs) await store.createImportJob(j);
      await store.createImportJob(importJob(await freshPool(), 'import-elsewhere', T0 + 9));
      const pages = await allPages((after) => other.listImportJobs(poolId, 2, after), 2);
      assert.deepEqual(pages.flat().map((j) => j.jobId), ['import-list0', 'import-list3', 'import-list2', 'import-list1']);
      assert.equal(pages.length, 2);
      await store.deletePool(poolId);
      assert.deepEqual((await store.listImportJobs(poolId, 10)).items, []);
    });
  });

  describe('deleting an app client', () => {
    test("ends the client's sessions and sign-ins, not other clients'", async () => {
      const poolId = await freshPool('beth');
      for (const id of ['client-a', 'client-b']) {
        await store.createClient({ id: `${poolId}-${id}`, poolId, name: id, secretSealed: null, settings: {}, createdAt: T0, modifiedAt: T0 });
      }
      const a = signInRecord(poolId, 'beth', { clientId: `${poolId}-client-a` });
      const b = signInRecord(poolId, 'beth', { clientId: `${poolId}-client-b` });
      await store.createSignIn(a);
      await store.createSignIn(b);
      const sa = sessionRecord(poolId, 'beth', { clientId: `${poolId}-client-a` });
      await store.createSession(sa);
      assert.equal(await store.deleteClient(poolId, `${poolId}-client-a`), true);
      assert.equal(await store.getSignIn(a.originJti), undefined);
      assert.equal(await store.getSession(sa.idHash), undefined);
      assert.deepEqual(await store.getSignIn(b.originJti), b);
    });
  });

  describe('groups', () => {
    const group = (poolId: string, name: string, over: Partial<GroupRecord> = {}): GroupRecord => ({
      poolId,
      name,
      description: null,
      roleArn: null,
      precedence: null,
      createdAt: T0,
      modifiedAt: T0,
      ...over,
    });

    test('create (a name once per pool), get, update only the given members, delete', async () => {
      const poolId = await freshPool();
      const elsewhere = await freshPool();
      const admins = group(poolId, 'admins', { description: 'Admins', roleArn: 'arn:aws:iam::123456789012:role/admin', precedence: 0 });
      assert.equal(await store.createGroup(admins), true);
      assert.equal(await store.createGroup(group(poolId, 'plain')), true);
      assert.equal(await store.createGroup({ ...admins, description: 'again' }), false, 'the name is taken');
      assert.equal(await store.createGroup(group(elsewhere, 'admins')), true, 'names are per pool');
      assert.deepEqual(await other.getGroup(poolId, 'admins'), admins);
      assert.deepEqual(await store.getGroup(poolId, 'plain'), group(poolId, 'plain'), 'absent members are null');
      assert.equal(await store.getGroup(poolId, 'Admins'), undefined, 'names are case-sensitive');
      await assert.rejects(store.createGroup(group(uid('us-east-1_missing'), 'x')), 'a group needs an existing pool');

      const updated = await store.updateGroup(poolId, 'admins', { precedence: 5, modifiedAt: T0 + 1 });
      assert.deepEqual(updated, { ...admins, precedence: 5, modifiedAt: T0 + 1 });
      const cleared = await store.updateGroup(poolId, 'admins', { description: '', roleArn: null, modifiedAt: T0 + 2 });
      assert.deepEqual(cleared, { ...admins, description: '', roleArn: null, precedence: 5, modifiedAt: T0 + 2 });
      assert.deepEqual(await store.getGroup(poolId, 'admins'), cleared);
      assert.equal(await store.updateGroup(poolId, 'nobody', { precedence: 1, modifiedAt: T0 }), undefined);
      assert.equal((await store.getGroup(elsewhere, 'admins'))!.precedence, null, 'the other pool is untouched');

      assert.equal(await store.deleteGroup(poolId, 'admins'), true);
      assert.equal(await store.deleteGroup(poolId, 'admins'), false);
      assert.equal(await store.getGroup(poolId, 'admins'), undefined);
      assert.ok(await store.getGroup(elsewhere, 'admins'));
    });

    test('listGroups pages a pool by name in byte order', async () => {
      const poolId = await freshPool();
      const elsewhere = await freshPool();
      await store.createGroup(group(elsewhere, 'a'));
      const names = ['b', 'B', '_x', 'é', 'a', 'A1', 'zz'];
      for (const name of names) await store.createGroup(group(poolId, name));
      const pages = await allPages((after) => store.listGroups(poolId, 3, after), 3);
      assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
      assert.deepEqual(pages.flat().map((g) => g.name), [...names].sort(byteOrder));
      assert.ok(pages.flat().every((g) => g.poolId === poolId));
      assert.deepEqual((await store.listGroups(uid('us-east-1_none'), 10)).items, []);
    });

    test('memberships: idempotent add, remove, both directions paged, every group of a user', async () => {
      const poolId = await freshPool('ann', 'bob', 'cat', 'dan');
      for (const name of ['g1', 'g2', 'g3']) await store.createGroup(group(poolId, name));
      await store.addUserToGroup(poolId, 'g1', 'ann');
      await store.addUserToGroup(poolId, 'g1', 'ann');
      await other.addUserToGroup(poolId, 'g2', 'ann');
      await store.addUserToGroup(poolId, 'g3', 'ann');
      for (const u of ['dan', 'bob', 'cat']) await store.addUserToGroup(poolId, 'g1', u);

      assert.deepEqual((await store.getUserGroups(poolId, 'ann')).map((g) => g.name), ['g1', 'g2', 'g3']);
      assert.deepEqual(await store.getUserGroups(poolId, 'ann').then((gs) => gs[0]), await store.getGroup(poolId, 'g1'), 'whole records');
      const groupPages = await allPages((after) => store.listGroupsForUser(poolId, 'ann', 2, after), 2);
      assert.deepEqual(groupPages.map((p) => p.map((g) => g.name)), [['g1', 'g2'], ['g3']]);
      const userPages = await allPages((after) => store.listUsersInGroup(poolId, 'g1', 3, after), 3);
      assert.deepEqual(userPages.map((p) => p.map((u) => u.username)), [['ann', 'bob', 'cat'], ['dan']]);
      assert.deepEqual(userPages[0][0], await store.getUser(poolId, 'ann'), 'whole user records');
      assert.deepEqual(await store.getUserGroups(poolId, 'nobody'), []);
      assert.deepEqual((await store.listUsersInGroup(poolId, 'nothing', 10)).items, []);

      assert.equal(await store.removeUserFromGroup(poolId, 'g2', 'ann'), true);
      assert.equal(await store.removeUserFromGroup(poolId, 'g2', 'ann'), false, 'no longer a member');
      assert.deepEqual((await other.getUserGroups(poolId, 'ann')).map((g) => g.name), ['g1', 'g3']);
      assert.equal(await store.addUserToGroup(poolId, 'missing', 'ann'), false, 'the group must exist');
      assert.equal(await store.addUserToGroup(poolId, 'g1', 'missing'), false, 'the user must exist');
      assert.equal(await store.addUserToGroup(poolId, 'g1', 'ann'), true, 'already a member: still true');
      assert.deepEqual((await store.getUserGroups(poolId, 'ann')).map((g) => g.name), ['g1', 'g3']);
    });

    test('deleting a user, a group or a pool deletes their memberships', async () => {
      const poolId = await freshPool('eve', 'fay');
      for (const name of ['g1', 'g2']) await store.createGroup(group(poolId, name));
      for (const u of ['eve', 'fay']) for (const g of ['g1', 'g2']) await store.addUserToGroup(poolId, g, u);

      assert.equal(await store.deleteUser(poolId, 'eve'), true);
      assert.deepEqual((await store.listUsersInGroup(poolId, 'g1', 10)).items.map((u) => u.username), ['fay']);
      await store.createUser(userRecord(poolId, 'eve'));
      assert.deepEqual(await store.getUserGroups(poolId, 'eve'), [], 'a new user of the same name starts in no group');

      assert.equal(await store.deleteGroup(poolId, 'g1'), true);
      assert.deepEqual((await store.getUserGroups(poolId, 'fay')).map((g) => g.name), ['g2']);
      await store.createGroup(group(poolId, 'g1'));
      assert.deepEqual((await store.listUsersInGroup(poolId, 'g1', 10)).items, [], 'a new group of the same name starts empty');

      assert.equal(await store.deletePool(poolId), true);
      assert.equal(await store.getGroup(poolId, 'g2'), undefined);
      assert.deepEqual((await store.listGroups(poolId, 10)).items, []);
      assert.deepEqual(await store.getUserGroups(poolId, 'fay'), []);
      await store.createPool(poolRecord(poolId), []);
      assert.equal(await store.createGroup(group(poolId, 'g2')), true, 'nothing is left of the deleted pool');
    });
  });

  describe('remembered devices', () => {
    test('create once, get, list a user\'s by key a page at a time, update and delete only as their owner', async () => {
      const poolId = await freshPool('dora', 'eli');
      const [dora, eli] = [(await store.getUser(poolId, 'dora'))!, (await store.getUser(poolId, 'eli'))!];
      const a = deviceRecord(poolId, 'dora', 'us-east-1_a', { sub: dora.sub });
      const b = deviceRecord(poolId, 'dora', 'us-east-1_b', { sub: dora.sub, remembered: true, lastIp: '10.0.0.1', lastAuthenticatedAt: T0 + 5 });
      const c = deviceRecord(poolId, 'dora', 'us-east-1_c', { sub: dora.sub, name: null });
      const e = deviceRecord(poolId, 'eli', 'us-east-1_e', { sub: eli.sub });
      for (const d of [c, a, e, b]) assert.equal(await store.createDevice(d), true);
      assert.equal(await store.createDevice({ ...a, username: 'eli', sub: eli.sub }), false, 'a device key is taken once per pool');
      assert.deepEqual(await other.getDevice(poolId, 'us-east-1_b'), b);
      assert.deepEqual(await store.getDevice(poolId, 'us-east-1_c'), c);
      assert.equal(await store.getDevice(poolId, 'us-east-1_missing'), undefined);
      assert.equal(await store.getDevice('no-pool', 'us-east-1_a'), undefined);

      const first = await store.listDevices(poolId, 'dora', 2);
      assert.deepEqual(first.items.map((d) => d.deviceKey), ['us-east-1_a', 'us-east-1_b']);
      const second = await other.listDevices(poolId, 'dora', 2, first.next);
      assert.deepEqual(second, { items: [c] });
      assert.deepEqual((await store.listDevices(poolId, 'eli', 10)).items, [e]);
      assert.deepEqual(await store.listDevices(poolId, 'nobody', 10), { items: [] });

      assert.equal(await store.updateDevice(poolId, 'us-east-1_a', 'eli', { remembered: true, modifiedAt: T0 + 1 }), false, 'not eli\'s device');
      assert.equal(await store.updateDevice(poolId, 'us-east-1_a', 'dora', { remembered: true, modifiedAt: T0 + 1 }), true);
      assert.deepEqual(await other.getDevice(poolId, 'us-east-1_a'), { ...a, remembered: true, modifiedAt: T0 + 1 });
      assert.equal(
        await store.updateDevice(poolId, 'us-east-1_a', 'dora', { remembered: false, lastIp: '::1', lastAuthenticatedAt: T0 + 2, modifiedAt: T0 + 2 }),
        true,
      );
      assert.deepEqual(await store.getDevice(poolId, 'us-east-1_a'), { ...a, lastIp: '::1', lastAuthenticatedAt: T0 + 2, modifiedAt: T0 + 2 });
      assert.equal(await store.updateDevice(poolId, 'us-east-1_missing', 'dora', { modifiedAt: T0 }), false);

      assert.equal(await store.deleteDevice(poolId, 'us-east-1_a', 'eli'), false, 'another user cannot forget it');
      assert.equal(await store.deleteDevice(poolId, 'us-east-1_a', 'dora'), true);
      assert.equal(await store.deleteDevice(poolId, 'us-east-1_a', 'dora'), false, 'forgotten already');
      assert.equal(await other.getDevice(poolId, 'us-east-1_a'), undefined);
    });

    test('deleting a user or a pool deletes their devices; a sign-in keeps the device it was issued to', async () => {
      const poolId = await freshPool('fred', 'gus');
      const [fred, gus] = [(await store.getUser(poolId, 'fred'))!, (await store.getUser(poolId, 'gus'))!];
      await store.createDevice(deviceRecord(poolId, 'fred', 'us-east-1_f', { sub: fred.sub }));
      await store.createDevice(deviceRecord(poolId, 'gus', 'us-east-1_g', { sub: gus.sub }));
      const signIn = signInRecord(poolId, 'gus', { deviceKey: 'us-east-1_g', deviceGroupKey: '-group' });
      await store.createSignIn(signIn);
      assert.deepEqual(await other.getSignIn(signIn.originJti), signIn);
      assert.deepEqual((await other.getSignInByRefreshHash(signIn.refreshHash))?.deviceKey, 'us-east-1_g');
      assert.equal(await store.deleteUser(poolId, 'fred'), true);
      assert.equal(await other.getDevice(poolId, 'us-east-1_f'), undefined);
      assert.equal(await store.createUser(userRecord(poolId, 'fred')), true);
      assert.deepEqual(await store.listDevices(poolId, 'fred', 10), { items: [] }, 'a user created again under the name has no devices');
      assert.equal(await store.deletePool(poolId), true);
      assert.equal(await other.getDevice(poolId, 'us-east-1_g'), undefined);
    });
  });

  describe('user pool domains and resource servers', () => {
    const domainOf = (poolId: string, domain: string, over: Partial<UserPoolDomainRecord> = {}): UserPoolDomainRecord => ({
      domain, poolId, version: 1, status: 'ACTIVE', createdAt: T0, modifiedAt: T0, ...over,
    });
    const serverOf = (poolId: string, identifier: string, over: Partial<ResourceServerRecord> = {}): ResourceServerRecord => ({
      poolId, identifier, name: `server ${identifier}`, scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }], createdAt: T0, modifiedAt: T0, ...over,
    });

    test('a domain is unique across pools, a pool has one; get by domain and by pool, update, delete only by its pool', async () => {
      const poolId = await freshPool();
      const elsewhere = await freshPool();
      const name = uid('dom').toLowerCase();
      const mine = domainOf(poolId, name);
      assert.equal(await store.createUserPoolDomain(mine), true);
      assert.equal(await other.createUserPoolDomain(domainOf(elsewhere, name)), false, 'the domain is taken, by another pool');
      assert.equal(await store.createUserPoolDomain(domainOf(poolId, `${name}-2`)), false, 'the pool has a domain');
      assert.equal(await store.getUserPoolDomain(`${name}-2`), undefined, 'nothing was written');
      assert.deepEqual(await other.getUserPoolDomain(name), mine);
      assert.deepEqual(await store.getUserPoolDomainForPool(poolId), mine);
      assert.equal(await store.getUserPoolDomainForPool(elsewhere), undefined);
      await assert.rejects(store.createUserPoolDomain(domainOf(uid('us-east-1_missing'), uid('x').toLowerCase())), 'a domain needs an existing pool');

      assert.equal(await store.updateUserPoolDomain(elsewhere, name, { version: 2, modifiedAt: T0 + 1 }), undefined, 'not that pool\'s domain');
      assert.deepEqual(await store.updateUserPoolDomain(poolId, name, { version: 2, modifiedAt: T0 + 1 }), { ...mine, version: 2, modifiedAt: T0 + 1 });
      assert.deepEqual(await store.getUserPoolDomain(name), { ...mine, version: 2, modifiedAt: T0 + 1 });

      assert.equal(await store.deleteUserPoolDomain(elsewhere, name), false);
      assert.equal(await store.deleteUserPoolDomain(poolId, name), true);
      assert.equal(await store.deleteUserPoolDomain(poolId, name), false);
      assert.equal(await store.getUserPoolDomain(name), undefined);
      assert.equal(await store.createUserPoolDomain(domainOf(elsewhere, name)), true, 'a deleted domain is free again');
    });

    test('resource servers: create once per pool, get, list in pages by identifier, replace name and scopes, delete', async () => {
      const poolId = await freshPool();
      const elsewhere = await freshPool();
      const api = serverOf(poolId, 'https://api.example.com', { scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }, { ScopeName: 'write', ScopeDescription: 'Write' }] });
      assert.equal(await store.createResourceServer(api), true);
      assert.equal(await store.createResourceServer({ ...api, name: 'again' }), false, 'the identifier is taken');
      assert.equal(await store.createResourceServer(serverOf(elsewhere, 'https://api.example.com')), true, 'identifiers are per pool');
      assert.deepEqual(await other.getResourceServer(poolId, api.identifier), api);
      assert.equal(await store.getResourceServer(poolId, 'https://API.example.com'), undefined, 'identifiers are case-sensitive');
      await assert.rejects(store.createResourceServer(serverOf(uid('us-east-1_missing'), 'x')), 'a resource server needs an existing pool');

      for (const identifier of ['b', 'B', 'a:b', 'zz', 'é']) await store.createResourceServer(serverOf(poolId, identifier));
      const pages = await allPages((after) => store.listResourceServers(poolId, 2, after), 2);
      assert.deepEqual(pages.flat().map((r) => r.identifier), ['https://api.example.com', 'b', 'B', 'a:b', 'zz', 'é'].sort(byteOrder));
      assert.deepEqual(pages.flat().find((r) => r.identifier === api.identifier), api, 'whole records');

      const replaced = { ...api, name: 'API', scopes: [], modifiedAt: T0 + 1 };
      assert.deepEqual(await store.updateResourceServer(replaced), replaced);
      assert.deepEqual(await store.getResourceServer(poolId, api.identifier), replaced);
      assert.equal(await store.updateResourceServer(serverOf(poolId, 'missing')), undefined);
      assert.equal((await store.getResourceServer(elsewhere, api.identifier))!.name, 'server https://api.example.com', 'the other pool is untouched');

      assert.equal(await store.deleteResourceServer(poolId, api.identifier), true);
      assert.equal(await store.deleteResourceServer(poolId, api.identifier), false);
      assert.equal(await store.getResourceServer(poolId, api.identifier), undefined);
      assert.ok(await store.getResourceServer(elsewhere, api.identifier));
    });

    test('deleting a pool deletes its domain and resource servers', async () => {
      const poolId = await freshPool();
      const name = uid('gone').toLowerCase();
      await store.createUserPoolDomain(domainOf(poolId, name));
      await store.createResourceServer(serverOf(poolId, 'api'));
      assert.equal(await store.deletePool(poolId), true);
      assert.equal(await store.getUserPoolDomain(name), undefined);
      assert.equal(await store.getUserPoolDomainForPool(poolId), undefined);
      assert.deepEqual((await store.listResourceServers(poolId, 10)).items, []);
      await store.createPool(poolRecord(poolId), []);
      assert.equal(await store.createUserPoolDomain(domainOf(poolId, name)), true, 'nothing is left of the deleted pool');
      assert.equal(await store.createResourceServer(serverOf(poolId, 'api')), true);
    });
  });

  describe('sharing one database', () => {
    test('a new handle on a migrated database opens, applies nothing, and sees the data', async () => {
      const poolId = await freshPool('walt');
      const third = await open();
      assert.ok(await third.getUser(poolId, 'walt'));
      await third.close();
    });
  });
}

// ---- SQLite ----

/** Rows as a database before migration 0003 held them: a pool, a user, its sign-in and an orphan sign-in. */
const beforeSubRows = (trueValue: string) => [
  `INSERT INTO pools (id, name, settings, created_at, modified_at) VALUES ('us-east-1_up', 'up', '{}', 1, 1)`,
  `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, created_at, modified_at)
   VALUES ('us-east-1_up', 'old', 'sub-of-old', 'CONFIRMED', ${trueValue}, '[]', 1, 1)`,
  `INSERT INTO sign_ins (origin_jti, pool_id, client_id, username, refresh_hash, auth_time, created_at, expires_at)
   VALUES ('jti-old', 'us-east-1_up', 'c', 'old', 'h-old', 1, 1, 9999999999999)`,
  `INSERT INTO sign_ins (origin_jti, pool_id, client_id, username, refresh_hash, auth_time, created_at, expires_at)
   VALUES ('jti-gone', 'us-east-1_up', 'c', 'gone', 'h-gone', 1, 1, 9999999999999)`,
];

/** A SQLite file with the migrations before `version` applied, as an earlier Cognate left it. */
async function fileBefore(path: string, version: number) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  for (const m of loadMigrations('sqlite').filter((m) => m.version < version)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
  }
  return db;
}

describe('SQLite store, as the server opens it (one process holds the file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-store-'));
  const file = join(dir, 'contract.db');
  after(() => rmSync(dir, { recursive: true, force: true }));
  // An exclusive file has one handle: "another handle" is the same store.
  let shared: Store | undefined;
  storeContract(async () => {
    if (!shared) {
      shared = createStore(file);
      assert.ok(shared instanceof SqliteStore);
      return shared;
    }
    return { ...bind(shared), close: async () => {} };
  });

  test("migration 0003 gives each sign-in made before it its user's sub, and a deleted user's none", async () => {
    const upgraded = join(dir, 'upgrade.db');
    const db = await fileBefore(upgraded, 3);
    for (const sql of beforeSubRows('1')) db.exec(sql);
    db.close();
    const store = new SqliteStore(upgraded);
    try {
      assert.equal((await store.getSignIn('jti-old'))!.sub, 'sub-of-old');
      assert.equal((await store.getSignIn('jti-gone'))!.sub, '');
    } finally {
      await store.close();
    }
  });

  test("migration 0016 moves a job's uploaded CSV to user_import_csv: the job still has it, and expiry deletes it", async () => {
    const upgraded = join(dir, 'upgrade-csv.db');
    const db = await fileBefore(upgraded, 16);
    db.exec("INSERT INTO pools (id, name, settings, created_at, modified_at) VALUES ('p', 'p', '{}', 0, 0)");
    const job = (id: string, csv: string | null) =>
      db.prepare(
        `INSERT INTO user_import_jobs (pool_id, job_id, job_name, role_arn, upload_token, pre_signed_url, status, created_at, csv)
         VALUES ('p', ?, 'n', 'r', 't', 'u', 'Created', 1, ?)`,
      ).run(id, csv);
    job('with', 'a,b\n1,2\n');
    job('without', null);
    db.close();
    const store = new SqliteStore(upgraded);
    try {
      assert.equal((await store.getImportJob('p', 'with'))!.hasCsv, true);
      assert.equal(await store.getImportCsv('p', 'with'), 'a,b\n1,2\n');
      assert.equal((await store.getImportJob('p', 'without'))!.hasCsv, false);
      assert.equal(await store.expireImportJobs(2), 2);
      assert.equal(await store.getImportCsv('p', 'with'), undefined);
      assert.equal((await store.getImportJob('p', 'with'))!.hasCsv, false);
    } finally {
      await store.close();
    }
  });

  test('migration 0018: users written before it are found by their sub, exactly and by prefix', async () => {
    const upgraded = join(dir, 'upgrade-sub.db');
    const db = await fileBefore(upgraded, 18);
    db.exec("INSERT INTO pools (id, name, settings, created_at, modified_at) VALUES ('p', 'p', '{}', 0, 0)");
    const subs = ['0f8e2c1a-3b4d-4e5f-8a6b-7c8d9e0f1a2b', '0f8e2c1a-ffff-4e5f-8a6b-7c8d9e0f1a2c', '9d0c1b2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b'];
    for (const [i, sub] of subs.entries()) {
      db.prepare(`INSERT INTO users (pool_id, username, sub, status, enabled, attributes, created_at, modified_at) VALUES ('p', ?, ?, 'CONFIRMED', 1, '[]', 1, 1)`).run(`old${i}`, sub);
    }
    db.close();
    const store = new SqliteStore(upgraded);
    try {
      for (const [i, sub] of subs.entries()) assert.equal((await store.getUserBySub('p', sub))?.username, `old${i}`);
      assert.deepEqual((await store.listUsersByAttribute('p', 'sub', '0f8e2c1a-', true, 10)).items.map((u) => u.username), ['old0', 'old1']);
    } finally {
      await store.close();
    }
    const { default: Database } = await import('better-sqlite3');
    const after = new Database(upgraded);
    const indexes = after.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users' AND name LIKE 'users_sub%'").all();
    after.close();
    assert.deepEqual(indexes, [{ name: 'users_sub_key' }]);
  });

  test("a sub prefix page reads a bounded number of keys: a small pool next to a large one is paged to its end, and no cursor names the other pool's subs", async () => {
    const store = new SqliteStore(join(dir, 'sub-pages.db'));
    try {
      await store.createPool(poolRecord('small'), []);
      await store.createPool(poolRecord('large'), []);
      const large = Array.from({ length: 3 * SUB_PREFIX_KEYS_PER_PAGE }, (_, i) => userRecord('large', `l${i}`));
      assert.equal(await store.createUsers(large), large.length);
      const small = [userRecord('small', 'first', [], { sub: '00000000-0000-4000-8000-000000000000' }), userRecord('small', 'last', [], { sub: 'ffffffff-ffff-4fff-bfff-ffffffffffff' })];
      for (const u of small) assert.equal(await store.createUser(u), true);
      const largeSubs = new Set(large.map((u) => u.sub.replace(/-/g, '')));

      const found: string[] = [];
      let after: { value: string; username: string } | undefined;
      let pages = 0;
      do {
        const page = await store.listUsersByAttribute('small', 'sub', '', true, 60, after);
        found.push(...page.items.map((u) => u.username));
        after = page.next;
        // A cursor is a slice (two bytes) or this pool's own last sub, never a sub of the large pool.
        if (after) assert.ok(after.value.length === 4 || small.some((u) => after!.value === `${u.sub.replace(/-/g, '')}00`), `cursor ${after.value}`);
        if (after) assert.ok(![...largeSubs].some((s) => after!.value.startsWith(s)));
        pages++;
      } while (after && pages < 100);
      assert.deepEqual(found, ['first', 'last']);
      assert.ok(pages >= 3 && pages <= 5, `${pages} pages`);

      // A full page still ends at its last user, and the next page goes on from there.
      const full = await store.listUsersByAttribute('large', 'sub', '', true, 10);
      const sorted = large.map((u) => u.sub).sort();
      assert.deepEqual(full.items.map((u) => u.sub), sorted.slice(0, 10));
      const second = await store.listUsersByAttribute('large', 'sub', '', true, 10, full.next);
      assert.deepEqual(second.items.map((u) => u.sub), sorted.slice(10, 20));
      assert.deepEqual((await store.listUsersByAttribute('large', 'sub', '', true, 10, { value: 'not hex', username: '' })).items, [], 'a cursor this listing did not make');
    } finally {
      await store.close();
    }
  });

  test('a second process cannot open a file the server holds', async () => {
    const second = new SqliteStore(join(dir, 'held.db'));
    try {
      assert.throws(() => new SqliteStore(join(dir, 'held.db'), { busyTimeoutMs: 100 }), /database is locked/);
    } finally {
      await second.close();
    }
  });

  // The exclusive store keeps records read by key in memory (src/store/sqlite/recordCache.ts).
  describe('its record cache', () => {
    let store: SqliteStore;
    before(() => {
      store = new SqliteStore(join(dir, 'cache.db'));
    });
    after(() => store.close());

    test('a cached record is frozen: a caller cannot change what later requests read', async () => {
      const poolId = uid('pool');
      await store.createPool(poolRecord(poolId), []);
      await store.createUser(userRecord(poolId, 'frozen'));
      const user = (await store.getUser(poolId, 'frozen'))!;
      assert.throws(() => {
        (user as { status: string }).status = 'DISABLED';
      }, TypeError);
      assert.throws(() => (user.attributes as UserAttribute[]).push({ Name: 'x', Value: 'y' }), TypeError);
      const pool = (await store.getPool(poolId))!;
      assert.throws(() => {
        (pool.settings as Record<string, unknown>).MfaConfiguration = 'OFF';
      }, TypeError);
    });

    test('every kind of write is seen by the next read', async () => {
      const poolId = uid('pool');
      await store.createPool(poolRecord(poolId), []);
      await store.createUser(userRecord(poolId, 'ann'));
      const signIn = signInRecord(poolId, 'ann');
      await store.createSignIn(signIn);
      const context = () => store.getAccessContext(poolId, 'ann', signIn.originJti);
      assert.equal((await context()).user?.status, 'CONFIRMED');

      await store.updateUser(poolId, 'ann', { status: 'RESET_REQUIRED', modifiedAt: T0 + 1 });
      assert.equal((await context()).user?.status, 'RESET_REQUIRED');
      assert.equal(await store.consumeTotpStep(poolId, 'ann', 7, { totpEnabled: true }), true);
      assert.equal((await context()).user?.totpEnabled, true);
      await store.revokeUserSignIns(poolId, 'ann', T0 + 2);
      assert.equal((await context()).signIn?.revokedAt, T0 + 2);
      await store.updatePool({ ...poolRecord(poolId), settings: { MfaConfiguration: 'ON' }, modifiedAt: T0 + 3 });
      assert.equal((await context()).pool?.settings.MfaConfiguration, 'ON');

      // A cascade: deleting the pool deletes its users and sign-ins, which the cache must forget too.
      assert.equal(await store.deletePool(poolId), true);
      assert.deepEqual(await context(), { pool: undefined, user: undefined, signIn: undefined });
    });

    test('a user record updated in the cache equals the row read back from the file', async () => {
      const file = join(dir, 'write-through.db');
      let own = new SqliteStore(file);
      const poolId = uid('pool');
      await own.createPool(poolRecord(poolId), []);
      await own.createUser(userRecord(poolId, 'cy'));
      await own.getUser(poolId, 'cy'); // cached, so the updates below are applied to the cached record
      await own.updateUser(poolId, 'cy', { totpPendingSecretSealed: 'sealed-pending', totpSecretSealed: null, modifiedAt: T0 + 5 });
      await own.updateUser(poolId, 'cy', { attributes: [{ Name: 'email', Value: 'cy@example.com' }], enabled: false });
      await own.consumeTotpStep(poolId, 'cy', 9, { totpEnabled: true, preferredMfa: 'SOFTWARE_TOKEN_MFA', totpFriendlyDeviceName: null });
      const cached = await own.getUser(poolId, 'cy');
      assert.equal(Object.isFrozen(cached), true);
      await own.close();
      own = new SqliteStore(file);
      try {
        assert.deepEqual({ ...(await own.getUser(poolId, 'cy')) }, { ...cached });
        assert.equal(cached?.totpEnabled, true);
        assert.equal(cached?.enabled, false);
      } finally {
        await own.close();
      }
    });

    test('a write to one user forgets only that user', async () => {
      const poolId = uid('pool');
      await store.createPool(poolRecord(poolId), []);
      await store.createUser(userRecord(poolId, 'dee'));
      await store.createUser(userRecord(poolId, 'eve'));
      const eve = await store.getUser(poolId, 'eve');
      await store.getUser(poolId, 'dee');
      await store.recordFailure(poolId, 'dee', 'mfa', T0 + 7);
      assert.deepEqual(await store.getFailures(poolId, 'dee', 'mfa'), { count: 1, lastAt: T0 + 7 });
      assert.equal(await store.getUser(poolId, 'eve'), eve, "eve's record is still the cached one");
      await store.updateUser(poolId, 'eve', { preferredMfa: 'SOFTWARE_TOKEN_MFA' });
      assert.equal((await store.getUser(poolId, 'eve'))?.preferredMfa, 'SOFTWARE_TOKEN_MFA');
    });

    test('which statements pin one row: the whole primary key, ANDed, no top-level OR', () => {
      const users = ['pool_id', 'username'];
      assert.equal(pinnedKeyArgument('UPDATE users SET a = ?, b = ? WHERE pool_id = ? AND username = ?', users), 2);
      assert.equal(
        pinnedKeyArgument('UPDATE users SET s = ? WHERE pool_id = ? AND username = ? AND (s IS NULL OR s < ?)', users),
        1,
      );
      assert.equal(pinnedKeyArgument('UPDATE users SET c = c + 1 WHERE pool_id = ? AND username = ?\n RETURNING c', users), 0);
      assert.equal(pinnedKeyArgument('UPDATE users SET a = ? WHERE pool_id = ? AND username = ? OR enabled = 0', users), undefined);
      assert.equal(pinnedKeyArgument('UPDATE users SET a = ? WHERE pool_id = ?', users), undefined);
      assert.equal(pinnedKeyArgument('UPDATE users SET a = ? WHERE pool_id = ? AND username_x = ?', users), undefined);
      assert.equal(pinnedKeyArgument('UPDATE sign_ins SET revoked_at = ? WHERE origin_jti = ? AND revoked_at IS NULL', ['origin_jti']), 1);
    });

    test('a store shared between processes (exclusive: false) caches nothing', async () => {
      const shared = new SqliteStore(join(dir, 'uncached.db'), { exclusive: false });
      try {
        const poolId = uid('pool');
        await shared.createPool(poolRecord(poolId), []);
        await shared.createUser(userRecord(poolId, 'bob'));
        const user = (await shared.getUser(poolId, 'bob'))!;
        assert.equal(Object.isFrozen(user), false);
        assert.notEqual(await shared.getUser(poolId, 'bob'), user, 'each read is a new record');
      } finally {
        await shared.close();
      }
    });
  });
});

describe('SQLite store, shared between handles (exclusive: false)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-store-'));
  const file = join(dir, 'contract.db');
  after(() => rmSync(dir, { recursive: true, force: true }));
  storeContract(async () => new SqliteStore(file, { exclusive: false }));
});

/** A store's methods bound to it, so a plain object can stand for it. */
function bind(store: Store): Store {
  const bound: Record<string, unknown> = {};
  let proto: object | null = store;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (store as unknown as Record<string, unknown>)[name];
      if (typeof value === 'function' && name !== 'constructor' && !(name in bound)) bound[name] = value.bind(store);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return bound as unknown as Store;
}

// ---- PostgreSQL ----

const pgBase = process.env.COGNATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used, or undefined when it can. */
async function pgUnavailable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: parsePostgresUrl(url).connectionString, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

const withQuery = (url: string, query: string) => `${url}${url.includes('?') ? '&' : '?'}${query}`;

async function adminQuery(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: parsePostgresUrl(pgBase).connectionString });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const pgProblem = await pgUnavailable(pgBase);
const pgRequired = process.env.COGNATE_TEST_PG_REQUIRED === '1';
const pgSkip = pgProblem && !pgRequired
  ? `PostgreSQL not reachable at ${redactPostgresUrl(pgBase)} (${pgProblem}); set COGNATE_TEST_PG_URL to run the PostgreSQL half`
  : false;
if (pgSkip) console.log(`# skipping the PostgreSQL store tests: ${pgSkip}`);
if (pgProblem && pgRequired) {
  test('PostgreSQL store', () => {
    assert.fail(`COGNATE_TEST_PG_REQUIRED=1 but PostgreSQL at ${redactPostgresUrl(pgBase)} is not reachable: ${pgProblem}`);
  });
}

describe('PostgreSQL store', { skip: pgSkip || (pgProblem !== undefined && pgRequired) }, () => {
  const runTag = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const schema = `cognate_test_${runTag}`;
  const url = withQuery(pgBase, `schema=${schema}`);
  const extraSchemas: string[] = [];
  after(async () => {
    for (const s of [schema, ...extraSchemas]) await adminQuery(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  });

  storeContract(async () => {
    const store = createStore(url);
    assert.ok(store instanceof PostgresStore, 'a postgres:// --db gives the PostgreSQL store');
    return store;
  });

  describe('engine specifics', () => {
    test('a bulk load (createUsers) analyses the tables it grows: the planner has statistics at 1,000 users, 2,000 ...', async () => {
      const s = `${schema}_bulk`;
      extraSchemas.push(s);
      const bulk = createStore(withQuery(pgBase, `schema=${s}`));
      try {
        const poolId = uid('us-east-1_bulk');
        await bulk.createPool(poolRecord(poolId), []);
        // Only the store's own ANALYZE, whatever the server's autovacuum setting.
        for (const table of ['users', 'user_attribute_index']) await adminQuery(`ALTER TABLE ${s}.${table} SET (autovacuum_enabled = false)`);
        const tuples = async () =>
          Object.fromEntries((await adminQuery(`SELECT relname, reltuples FROM pg_class WHERE relnamespace = '${s}'::regnamespace AND relname IN ('users', 'user_attribute_index')`)).rows.map((r) => [r.relname, Number(r.reltuples)]));
        const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => userRecord(poolId, `b${from + i}`, [{ Name: 'email', Value: `b${from + i}@example.com` }]));
        assert.equal(await bulk.createUsers(batch(0, 900)), 900);
        assert.ok((await tuples()).users <= 0, 'not analysed below 1,000 users');
        assert.equal(await bulk.createUsers(batch(900, 250)), 250);
        const at1150 = await tuples();
        assert.equal(at1150.users, 1150, 'analysed once 1,000 were added');
        assert.equal(at1150.user_attribute_index, 2300, 'email and sub of each');
        assert.equal(await bulk.createUsers(batch(1150, 500)), 500);
        assert.equal((await tuples()).users, 1150, 'the next one when as many again are added');
        assert.equal(await bulk.createUsers(batch(1650, 700)), 700);
        assert.equal((await tuples()).users, 2350);
      } finally {
        await bulk.close();
      }
    });

    test('createStore does not connect: the first call migrates; an unreachable server fails that call, not construction', async () => {
      const lazy = createStore(withQuery(pgBase, `schema=${schema}_lazy`));
      extraSchemas.push(`${schema}_lazy`);
      assert.equal(await lazy.getPool('nothing'), undefined);
      await lazy.close();
      const nowhere = createStore('postgres://postgres@127.0.0.1:1/test?connect_timeout=1');
      await assert.rejects(nowhere.getPool('x'));
      await nowhere.close();
    });

    test('8 processes starting at once on an empty schema: one applies the migrations, all work', async () => {
      const s = `${schema}_race`;
      extraSchemas.push(s);
      const stores = Array.from({ length: 8 }, () => new PostgresStore(withQuery(pgBase, `schema=${s}`), { max: 2 }));
      try {
        await Promise.all(stores.map((st) => st.ready()));
        const rows = (await adminQuery(`SELECT version, name FROM ${s}.schema_migrations ORDER BY version`)).rows;
        assert.deepEqual(rows.map((r) => Number(r.version)), loadMigrations('postgres').map((m) => m.version));
        const poolId = uid('us-east-1_race');
        await stores[0].createPool(poolRecord(poolId), []);
        assert.ok(await stores[7].getPool(poolId));
      } finally {
        await Promise.all(stores.map((st) => st.close()));
      }
    });

    test("migration 0003 gives each sign-in made before it its user's sub, and a deleted user's none", async () => {
      const s = `${schema}_upgrade`;
      extraSchemas.push(s);
      const client = new pg.Client({ connectionString: parsePostgresUrl(pgBase).connectionString });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA ${s}`);
        await client.query(`SET search_path TO ${s}`);
        await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
        for (const m of loadMigrations('postgres').filter((m) => m.version < 3)) {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        }
        for (const sql of beforeSubRows('TRUE')) await client.query(sql);
      } finally {
        await client.end();
      }
      const store = new PostgresStore(withQuery(pgBase, `schema=${s}`));
      try {
        assert.equal((await store.getSignIn('jti-old'))!.sub, 'sub-of-old');
        assert.equal((await store.getSignIn('jti-gone'))!.sub, '');
      } finally {
        await store.close();
      }
    });

    test('the schema= option: validated, turned into search_path, other options kept', () => {
      const target = parsePostgresUrl('postgresql://u:p%40ss@db.example:5433/cognate?sslmode=require&schema=tenant_1&options=-c%20statement_timeout%3D5000');
      assert.equal(target.schema, 'tenant_1');
      const params = new URL(target.connectionString).searchParams;
      assert.equal(params.get('schema'), null);
      assert.equal(params.get('sslmode'), 'require');
      assert.equal(params.get('options'), '-c statement_timeout=5000 -c search_path=tenant_1');
      assert.equal(params.get('application_name'), 'cognate');
      assert.ok(target.connectionString.startsWith('postgresql://u:p%40ss@db.example:5433/cognate?'));
      assert.throws(() => parsePostgresUrl('postgres://h/db?schema=Bad-Name'), /schema/);
      assert.throws(() => parsePostgresUrl('postgres://h/db?schema=x;drop'), /schema/);
      assert.equal(parsePostgresUrl('postgres://h/db').schema, undefined);
    });

    test('tables live in the chosen schema, and paged keys sort in byte order whatever the database locale', async () => {
      const { rows } = await adminQuery(
        `SELECT table_name, column_name, collation_name FROM information_schema.columns
         WHERE table_schema = '${schema}' AND collation_name IS NOT NULL ORDER BY 1, 2`,
      );
      const collated = rows.map((r) => `${r.table_name}.${r.column_name}`);
      for (const col of ['pools.id', 'clients.id', 'users.username', 'outbox.id', 'signing_keys.kid']) assert.ok(collated.includes(col), col);
      for (const r of rows) assert.equal(r.collation_name, 'C');
    });
  });
});
