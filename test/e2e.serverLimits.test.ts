import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ManualClock } from '../src/clock.js';
import { configFromArgs } from '../src/cli/serve.js';
import { defaultConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startServer as startHttpServer, type RunningServer } from '../src/server/http.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * The limits and defaults of a running server (docs/security.md): private database files, durable
 * commits, outbox retention, quiet client aborts, request timeouts and a connection limit. Real
 * servers, real sockets.
 */

const PREFIX = 'AWSCognitoIdentityProviderService.';
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDCOGNATETEST/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
  '0123456789abcdef'.repeat(4);

const dir = mkdtempSync(join(tmpdir(), 'cognate-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function rpc(url: string, operation: string, input: unknown): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${PREFIX}${operation}`, authorization: SIGV4 },
    body: JSON.stringify(input),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** A socket to the server, and a promise of the moment it is closed (by the server). */
function open(url: string): Promise<{ socket: Socket; closed: Promise<number>; data: () => string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(Number(port), hostname, () => resolve({ socket, closed, data: () => data }));
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now())));
    socket.on('data', (d) => (data += d));
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref())]);
}

describe('the SQLite file', () => {
  test('is created 0600 in a 0700 folder whatever the umask, with its WAL; a wider existing file is narrowed', async () => {
    const previous = process.umask(0o022);
    const folder = join(dir, 'data');
    let server: TestServer | undefined;
    try {
      server = await startServer({ db: join(folder, 'cognate.db') });
      await rpc(server.url, 'CreateUserPool', { PoolName: 'private' }); // something in the WAL
      assert.equal(statSync(folder).mode & 0o777, 0o700);
      const files = readdirSync(folder).filter((f) => f.startsWith('cognate.db'));
      assert.ok(files.includes('cognate.db') && files.includes('cognate.db-wal'), files.join(' '));
      for (const file of files) assert.equal(statSync(join(folder, file)).mode & 0o777, 0o600, file);
    } finally {
      await server?.stop();
      process.umask(previous);
    }
    // A file an older version created world-readable is narrowed at the next start.
    const old = join(dir, 'old');
    const oldDb = join(old, 'cognate.db');
    mkdirSync(old);
    writeFileSync(oldDb, '');
    chmodSync(oldDb, 0o644);
    const narrowed = await startServer({ db: oldDb });
    try {
      assert.equal(statSync(oldDb).mode & 0o777, 0o600);
    } finally {
      await narrowed.stop();
    }
  });

  test('commits with synchronous=FULL, so an acknowledged write survives a power loss', async () => {
    const server = await startServer({ db: join(dir, 'sync', 'cognate.db') });
    try {
      const db = (server.running.deps.store as unknown as { db: Database.Database }).db;
      assert.equal(db.pragma('synchronous', { simple: true }), 2); // 2 = FULL (1 = NORMAL)
    } finally {
      await server.stop();
    }
  });
});

describe('outbox retention', () => {
  test('the sweep keeps the newest messages of each pool up to the limit, and none older than the retention', async () => {
    const server = await startServer({ outboxMaxPerPool: 3, outboxRetentionHours: 2 });
    try {
      const outbox = async (poolId: string) => {
        const res = await fetch(`${server.url}/_cognate/outbox?poolId=${poolId}`, { headers: { authorization: SIGV4 } });
        return ((await res.json()) as { Messages: { username: string }[] }).Messages.map((m) => m.username);
      };
      const pools: string[] = [];
      for (const name of ['a', 'b']) {
        const poolId = (await rpc(server.url, 'CreateUserPool', { PoolName: name })).UserPool.Id as string;
        pools.push(poolId);
        for (let i = 1; i <= 5; i++) {
          server.clock.advance(1000);
          await rpc(server.url, 'AdminCreateUser', {
            UserPoolId: poolId,
            Username: `user${i}`,
            DesiredDeliveryMediums: ['EMAIL'],
            UserAttributes: [{ Name: 'email', Value: `user${i}@example.com` }],
          });
        }
      }
      assert.equal((await outbox(pools[0]!)).length, 5);
      await server.running.sweep();
      for (const poolId of pools) assert.deepEqual(await outbox(poolId), ['user5', 'user4', 'user3']);
      server.clock.advance(2 * 3_600_000 + 1);
      await server.running.sweep();
      for (const poolId of pools) assert.deepEqual(await outbox(poolId), []);
    } finally {
      await server.stop();
    }
  });
});

describe('connections', () => {
  let running: RunningServer;
  const lines: string[] = [];
  before(async () => {
    const config: Config = defaultConfig({
      port: 0,
      db: ':memory:',
      logLevel: 'debug',
      headersTimeoutMs: 500,
      requestTimeoutMs: 1000,
      maxConnections: 4,
    });
    const log = createLogger('debug', { write: (line: string) => void lines.push(line) });
    running = await startHttpServer(config, { clock: new ManualClock(), log });
  });
  after(() => running.close());

  const errorLines = () => lines.filter((line) => JSON.parse(line).level >= 50);

  test('a client that disconnects in the middle of its body is logged at debug, never as an error', async () => {
    const { socket, closed } = await open(running.url);
    socket.write(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: ${PREFIX}SignUp\r\nContent-Length: 1000\r\n\r\n{"ClientId":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(errorLines(), []);
    assert.ok(lines.some((line) => JSON.parse(line).msg === 'client went away'), lines.join(''));
  });

  test('headers sent too slowly: the connection is closed after --headers-timeout-ms', async () => {
    const { socket, closed, data } = await open(running.url);
    const started = Date.now();
    socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // and never the end of the headers
    const at = await within(closed, 4000, 'slow headers');
    assert.ok(at - started >= 400, `closed after ${at - started} ms`);
    assert.match(data(), /^HTTP\/1\.1 408/);
  });

  test('a body sent too slowly: the connection is closed after --request-timeout-ms, quietly', async () => {
    const { socket, closed } = await open(running.url);
    socket.write(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: ${PREFIX}SignUp\r\nContent-Length: 100\r\n\r\n{`,
    );
    await within(closed, 4000, 'slow body');
    assert.deepEqual(errorLines(), []);
  });

  test('beyond --max-connections a new connection is dropped; the server serves again once they close', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => open(running.url)));
    const extra = await open(running.url);
    await within(extra.closed, 2000, 'the connection past the limit');
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await fetch(`${running.url}/health`);
    assert.equal(res.status, 200);
  });
});

describe('the flags of cognate serve', () => {
  test('defaults, flags and environment variables for the limits and --cors-admin', () => {
    const defaults = configFromArgs([], {}) as Config;
    assert.deepEqual(
      [defaults.corsAdmin, defaults.maxConnections, defaults.headersTimeoutMs, defaults.requestTimeoutMs, defaults.outboxRetentionHours, defaults.outboxMaxPerPool],
      [false, 1024, 10_000, 30_000, 168, 1000],
    );
    const flags = configFromArgs(
      ['--cors-admin', '--max-connections', '10', '--headers-timeout-ms', '2000', '--request-timeout-ms', '5000', '--outbox-retention-hours', '1', '--outbox-max-per-pool', '20'],
      {},
    ) as Config;
    assert.deepEqual(
      [flags.corsAdmin, flags.maxConnections, flags.headersTimeoutMs, flags.requestTimeoutMs, flags.outboxRetentionHours, flags.outboxMaxPerPool],
      [true, 10, 2000, 5000, 1, 20],
    );
    const env = configFromArgs([], { COGNATE_CORS_ADMIN: '1', COGNATE_MAX_CONNECTIONS: '7', COGNATE_OUTBOX_MAX_PER_POOL: '5' }) as Config;
    assert.deepEqual([env.corsAdmin, env.maxConnections, env.outboxMaxPerPool], [true, 7, 5]);
    assert.throws(() => configFromArgs(['--max-connections', '0'], {}), /--max-connections must be at least 1/);
    assert.throws(() => configFromArgs(['--headers-timeout-ms', '40000'], {}), /must not exceed --request-timeout-ms/);
  });
});
