import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createPool } from './support/fixtures.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServerProcess, type ServerProcess } from './support/server.js';

/**
 * A database is served only with the sealing key it was sealed under (docs/security.md). Without the
 * check, a lost key file next to an existing database made `cognate serve` create a new key, start,
 * and answer 500 for every existing pool. The built `cognate serve` runs as a real process.
 */

const dir = mkdtempSync(join(tmpdir(), 'cognate-keycheck-'));
const running: ServerProcess[] = [];
after(async () => {
  for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<ServerProcess> {
  const server = await startServerProcess(args);
  running.push(server);
  return server;
}

/** Starts `cognate serve` expecting it to refuse: its exit status and what it printed. */
async function refused(args: string[]): Promise<string> {
  const err = await start(args).then(
    () => assert.fail('the server started'),
    (e: Error) => e,
  );
  assert.match(err.message, /server exited with [1-9]/, err.message);
  assert.match(err.message, /cannot start/, err.message);
  assert.match(err.message, /--sealing-key/, err.message);
  assert.match(err.message, /--key-file/, err.message);
  return err.message;
}

/** A pool on a fresh server, then the server stopped: the database now holds sealed data. */
async function databaseWithAPool(args: string[]): Promise<string> {
  const server = await start(args);
  const { poolId } = await createPool(sdk(server.url));
  assert.equal(await server.stop(), 0);
  return poolId;
}

async function poolStillServed(args: string[], poolId: string): Promise<void> {
  const server = await start(args);
  const { UserPool } = await sdk(server.url).send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.equal(UserPool!.Id, poolId);
  const jwks = await fetch(`${server.url}/${poolId}/.well-known/jwks.json`);
  assert.equal(jwks.status, 200);
  assert.equal(await server.stop(), 0);
}

describe('the sealing key check on SQLite', () => {
  test('a missing key file next to an existing database: refused, naming the flags, and no new key left behind', async () => {
    const db = join(dir, 'lost', 'cognate.db');
    const keyFile = join(dir, 'lost', 'sealing.key');
    const poolId = await databaseWithAPool(['--db', db]);
    const key = readFileSync(keyFile, 'utf8');
    rmSync(keyFile);
    const message = await refused(['--db', db]);
    assert.match(message, /did not exist/);
    assert.ok(!existsSync(keyFile), 'the key created by the refused start was removed');
    // A second attempt says the same, rather than now claiming a wrong key.
    assert.match(await refused(['--db', db]), /did not exist/);
    writeFileSync(keyFile, key, { mode: 0o600 });
    await poolStillServed(['--db', db], poolId);
  });

  test('a wrong --sealing-key or key file is refused; the right one serves the pool', async () => {
    const db = join(dir, 'wrong', 'cognate.db');
    const key = randomBytes(32).toString('hex');
    const poolId = await databaseWithAPool(['--db', db, '--sealing-key', key]);
    assert.match(await refused(['--db', db, '--sealing-key', randomBytes(32).toString('hex')]), /another key/);
    const otherKeyFile = join(dir, 'wrong', 'other.key');
    writeFileSync(otherKeyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    assert.match(await refused(['--db', db, '--key-file', otherKeyFile]), /another key/);
    await poolStillServed(['--db', db, '--sealing-key', key], poolId);
  });

  test('a database from before the check (no check row) is judged by its sealed signing keys', async () => {
    const db = join(dir, 'legacy', 'cognate.db');
    const key = randomBytes(32).toString('hex');
    const poolId = await databaseWithAPool(['--db', db, '--sealing-key', key]);
    const forget = () => {
      const sqlite = new Database(db);
      sqlite.prepare('DELETE FROM meta').run();
      sqlite.close();
    };
    forget();
    assert.match(await refused(['--db', db, '--sealing-key', randomBytes(32).toString('hex')]), /another key/);
    const sqlite = new Database(db, { readonly: true });
    const checks = sqlite.prepare('SELECT count(*) AS n FROM meta').get() as { n: number };
    sqlite.close();
    assert.equal(checks.n, 0, 'the refused start wrote no check of its own');
    await poolStillServed(['--db', db, '--sealing-key', key], poolId);
  });

  test('a brand new database without a key file still creates one', async () => {
    const db = join(dir, 'new', 'cognate.db');
    await databaseWithAPool(['--db', db]);
    assert.ok(existsSync(join(dir, 'new', 'sealing.key')));
  });
});

describe('the sealing key check on PostgreSQL', { skip: pgSkip }, () => {
  test('a process with another --sealing-key than the database was sealed with is refused', async () => {
    const { url, drop } = pgSchemaUrl();
    try {
      const key = randomBytes(32).toString('hex');
      const poolId = await databaseWithAPool(['--db', url, '--sealing-key', key]);
      const message = await refused(['--db', url, '--sealing-key', randomBytes(32).toString('hex')]);
      assert.match(message, /another key/);
      await poolStillServed(['--db', url, '--sealing-key', key], poolId);
    } finally {
      await drop();
    }
  });
});
