/**
 * Group commit in the SQLite store (src/store/sqlite/commitBatch.ts): the writes of one turn of the
 * event loop share one transaction, and no store result is handed out before that transaction is
 * committed. Real SQLite files throughout; a second connection looks at what is on disk.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CommitBatch } from '../src/store/sqlite/commitBatch.js';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';
import type { UserRecord } from '../src/store/store.js';
import { poolRecord, sessionRecord, userRecord } from './support/records.js';

const dir = mkdtempSync(join(tmpdir(), 'cognate-group-commit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `db-${++files}.sqlite`);

/** A connection in WAL mode with a parent table and a child table whose foreign key is checked at COMMIT. */
function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE IF NOT EXISTS parent (id INTEGER PRIMARY KEY);
           CREATE TABLE IF NOT EXISTS child (id INTEGER PRIMARY KEY,
             parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`);
  return db;
}

const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('CommitBatch', () => {
  test('the writes of one turn are committed together at its end, and their waiters are released after that', async () => {
    const file = newFile();
    const db = openDatabase(file);
    const reader = openDatabase(file);
    let lost = 0;
    const batch = new CommitBatch(db, () => lost++);
    try {
      const insert = db.prepare('INSERT INTO parent (id) VALUES (?)');
      const waits: Promise<void>[] = [];
      for (let id = 1; id <= 20; id++) {
        batch.beforeWrite();
        insert.run(id);
        waits.push(batch.pending()!);
      }
      assert.equal(new Set(waits).size, 1, 'one transaction for the whole turn');
      assert.equal(db.inTransaction, true);
      assert.equal(count(reader, 'parent'), 0, 'nothing is visible to others before the end of the turn');
      const seen: number[] = [];
      await Promise.all(waits.map((w) => w.then(() => seen.push(count(reader, 'parent')))));
      assert.deepEqual(new Set(seen), new Set([20]), 'every waiter is released after all 20 rows are committed');
      assert.equal(db.inTransaction, false);
      assert.equal(batch.pending(), undefined, 'nothing is pending once the turn is committed');
      assert.equal(lost, 0);
    } finally {
      reader.close();
      db.close();
    }
  });

  test('a turn whose COMMIT fails rejects every waiter, keeps none of its writes, and reports the loss', async () => {
    const file = newFile();
    const db = openDatabase(file);
    let lost = 0;
    const batch = new CommitBatch(db, () => lost++);
    try {
      batch.beforeWrite();
      db.prepare('INSERT INTO parent (id) VALUES (1)').run();
      const first = batch.pending()!;
      batch.beforeWrite();
      // A deferred foreign key: the statement succeeds, the COMMIT fails.
      db.prepare('INSERT INTO child (id, parent_id) VALUES (1, 999)').run();
      const second = batch.pending()!;
      await assert.rejects(first, /FOREIGN KEY/);
      await assert.rejects(second, /FOREIGN KEY/);
      assert.equal(lost, 1);
      assert.equal(db.inTransaction, false);
      assert.equal(count(db, 'parent'), 0, "the turn's other write is rolled back too");
      assert.equal(count(db, 'child'), 0);

      // The next turn starts afresh.
      batch.beforeWrite();
      db.prepare('INSERT INTO parent (id) VALUES (2)').run();
      await batch.pending();
      assert.equal(count(db, 'parent'), 1);
    } finally {
      db.close();
    }
  });

  test('a turn that SQLite rolled back by itself fails at once instead of committing what came after', async () => {
    const db = openDatabase(newFile());
    let lost = 0;
    const batch = new CommitBatch(db, () => lost++);
    try {
      batch.beforeWrite();
      db.prepare('INSERT INTO parent (id) VALUES (1)').run();
      const waiter = batch.pending()!;
      db.exec('ROLLBACK'); // what SQLite does on its own after some errors (SQLITE_FULL, SQLITE_IOERR ...)
      assert.equal(batch.pending(), undefined, 'the lost turn is over');
      await assert.rejects(waiter, /rolled back/);
      assert.equal(lost, 1);
      assert.equal(count(db, 'parent'), 0);
    } finally {
      db.close();
    }
  });
});

describe('SqliteStore with group commit', () => {
  test('many calls in one turn, one of them rolled back by its own transaction: the others are all kept', async () => {
    const file = newFile();
    let store = new SqliteStore(file);
    await store.createPool(poolRecord('p'), []);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.createUser(userRecord('p', `u${i}`))));
    await store.createSession(sessionRecord('p', 'u0', { idHash: 'used-step' }));
    assert.equal(await store.consumeTotpStep('p', 'u0', 100), true);

    // One turn: updates, a sign-in step whose TOTP step was used (its transaction rolls back, the
    // session stays usable), a new session, and a read of a row written in the same turn.
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => store.updateUser('p', `u${i}`, { totpPendingSecretSealed: `pending-${i}` })),
      store.completeTotpChallenge('used-step', 'p', 'u0', 100, Date.now()),
      store.createSession(sessionRecord('p', 'u1', { idHash: 'new' })),
      store.getUser('p', 'u3'),
    ]);
    assert.deepEqual(results.slice(0, 10), Array(10).fill(true));
    assert.equal(results[10], 'step-used');
    assert.equal((results[12] as UserRecord).totpPendingSecretSealed, 'pending-3', 'a read sees the turn’s earlier writes');
    await store.close();

    store = new SqliteStore(file);
    try {
      for (let i = 0; i < 10; i++) assert.equal((await store.getUser('p', `u${i}`))?.totpPendingSecretSealed, `pending-${i}`);
      assert.equal((await store.getSession('used-step'))?.consumedAt, null, 'the rolled-back transaction consumed nothing');
      assert.ok(await store.getSession('new'));
    } finally {
      await store.close();
    }
  });

  test("a turn's calls, writes and reads, resolve only once the turn has ended and committed", async () => {
    const store = new SqliteStore(newFile());
    try {
      await store.createPool(poolRecord('p'), []);
      await store.createUser(userRecord('p', 'ann'));
      const events: string[] = [];
      // Queued before the turn's commit (itself a setImmediate that the first write queues).
      setImmediate(() => events.push('end of turn'));
      const write = store.updateUser('p', 'ann', { preferredMfa: 'SOFTWARE_TOKEN_MFA' }).then(() => events.push('write'));
      const read = store.getUser('p', 'ann').then((u) => events.push(`read ${u?.preferredMfa}`));
      await Promise.all([write, read]);
      assert.deepEqual(events, ['end of turn', 'write', 'read SOFTWARE_TOKEN_MFA']);
      // With no write in the turn, a read does not wait.
      setImmediate(() => events.push('next end of turn'));
      await store.getUser('p', 'ann');
      events.push('plain read');
      assert.deepEqual(events.slice(3), ['plain read']);
    } finally {
      await store.close();
    }
  });

  test('of 20 concurrent answers with the same TOTP step in one turn, exactly one consumes it', async () => {
    const store = new SqliteStore(newFile());
    try {
      await store.createPool(poolRecord('p'), []);
      await store.createUser(userRecord('p', 'ann'));
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.consumeTotpStep('p', 'ann', 42, { totpEnabled: true })));
      assert.equal(outcomes.filter(Boolean).length, 1);
    } finally {
      await store.close();
    }
  });

  test('close() commits the open turn: a write not yet awaited is on disk', async () => {
    const file = newFile();
    const store = new SqliteStore(file);
    await store.createPool(poolRecord('p'), []);
    const write = store.createUser(userRecord('p', 'late'));
    await store.close();
    assert.equal(await write, true);
    const reader = new Database(file, { readonly: true });
    try {
      assert.equal(count(reader, 'users'), 1);
    } finally {
      reader.close();
    }
  });
});
