/**
 * `npm run bench:growth`: the same operations in one pool of growing size, on SQLite and on
 * PostgreSQL, next to the bare node:http reference measured in the same run (docs/performance.md,
 * "Growth"). For each engine and size: a fresh database, a pool loaded through user import jobs (the
 * bulk path; 500,000 rows per job, Cognito's limit), 64 users with a password made through the API,
 * then a restart (its start-up time is reported). Once every size of an engine is loaded, each operation
 * runs under load in rounds that go from one size to the next (every operation of every size once per
 * round, so a slow spell of the machine falls on every size). Reported per size:
 * the median over the rounds of req/s, p99 and server CPU per operation, the ratio to the reference,
 * the import's rate (over the whole load, and over its first and last tenth: a rate that falls as the
 * pool fills shows there), the server's RSS, the database's size and the start-up time. Targets only
 * 127.0.0.1; stops by itself.
 *
 *   npm run bench:growth                                   # sizes 1000,100000,1000000, both engines
 *   npm run bench:growth -- --sizes 1000,100000 --engines sqlite --duration 3 --rounds 1
 *
 * Options (or environment): --sizes (BENCH_SIZES), --engines sqlite,postgres (BENCH_ENGINES),
 * --duration seconds per operation after 1 s of warm-up (BENCH_DURATION, default 3),
 * --rounds of every operation (BENCH_ROUNDS, default 3; the medians are reported),
 * --names sequential|hashed (BENCH_NAMES, default sequential: u0, u1, ... and u0@example.com, which
 * land next to each other in the username and email indexes; hashed: 16 hex digits of a hash of the
 * number, in no order, as a real user base's names and emails are, for the usernames and emails of the
 * import and of AdminCreateUser),
 * --pg-url (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test; a schema of its own is
 * made and dropped). Needs `npm run build` (the server runs from dist/).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import type autocannon from 'autocannon';
import pg from 'pg';
import { ADMIN_AUTHORIZATION, CognitoHttp, mapLimit } from './http.js';
import { jsonRequestHeaders, percentile, runAutocannon, type LoadResult } from './load.js';
import { repoRoot, startChild, startReference, type Child } from './processes.js';
import { fmtMs, fmtRate, fmtRatio, table } from './report.js';
import { PASSWORD, signIn } from './setup.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: process.env.BENCH_SIZES ?? '1000,100000,1000000' },
    engines: { type: 'string', default: process.env.BENCH_ENGINES ?? 'sqlite,postgres' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '3' },
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '3' },
    names: { type: 'string', default: process.env.BENCH_NAMES ?? 'sequential' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const SIZES = args.sizes!.split(',').map((s) => Number(s.trim()));
const ENGINES = args.engines!.split(',').map((s) => s.trim()) as ('sqlite' | 'postgres')[];
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const NAMES = args.names;
const CONNECTIONS = 32;
const SIGNIN_USERS = 64;
const ROWS_PER_JOB = 500_000;
const ROLE = 'arn:aws:iam::123456789012:role/CognitoImport';
if (SIZES.some((n) => !Number.isInteger(n) || n < SIGNIN_USERS * 2) || !ENGINES.every((e) => e === 'sqlite' || e === 'postgres') || !(DURATION > 0) || !(Number.isInteger(ROUNDS) && ROUNDS > 0) || !['sequential', 'hashed'].includes(NAMES!)) {
  console.error('usage: bench/growth.ts [--sizes 1000,100000] [--engines sqlite,postgres] [--duration 3] [--rounds 3] [--names sequential|hashed]');
  process.exit(2);
}
const pgUrl = new URL(args['pg-url']!);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(pgUrl.hostname)) {
  console.error('the benchmark targets this machine only: --pg-url must be on 127.0.0.1');
  process.exit(2);
}

/** The n-th imported (`u`) or created (`c`) user's name, in the order --names asks for. */
const userName = (prefix: 'u' | 'c', n: number): string =>
  NAMES === 'hashed' ? `${prefix}${createHash('sha256').update(`${prefix}${n}`).digest('hex').slice(0, 16)}` : `${prefix}${n}`;

const started = performance.now();
const log = (message: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);

const request = (operation: string, input: unknown, admin = false): autocannon.Request => ({
  method: 'POST',
  path: '/',
  headers: { ...jsonRequestHeaders(operation), ...(admin && { authorization: ADMIN_AUTHORIZATION }) },
  body: JSON.stringify(input),
});

type Measured = LoadResult & { serverCpuUs: number };

/** What the reference (bare node:http) is sent: a GetUser with a token it never reads. */
const referenceRequests = [request('GetUser', { AccessToken: 'x'.repeat(1000) })];

/** 1 s of warm-up, then DURATION seconds; the server's CPU (all threads, /proc) per successful request. */
async function timed(server: Child, requests: autocannon.Request[], okStatus = 200): Promise<Measured> {
  await runAutocannon({ url: server.url, connections: CONNECTIONS, duration: 1, requests, okStatus });
  const cpu0 = server.cpuSeconds();
  const r = await runAutocannon({ url: server.url, connections: CONNECTIONS, duration: DURATION, requests, okStatus });
  return { ...r, serverCpuUs: ((server.cpuSeconds() - cpu0) * 1e6) / r.ok };
}

/** The middle value (of an even count, the lower of the two middle ones). */
const median = (values: number[]): number => percentile([...values].sort((a, b) => a - b), 50);

/** Each figure's median over the rounds (the counts are the rounds' sums). */
function medianOf(rounds: Measured[]): Measured {
  const other: Record<string, number> = {};
  for (const r of rounds) for (const [k, v] of Object.entries(r.other)) other[k] = (other[k] ?? 0) + v;
  return {
    ok: rounds.reduce((n, r) => n + r.ok, 0),
    other,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    seconds: rounds.reduce((n, r) => n + r.seconds, 0),
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    serverCpuUs: median(rounds.map((r) => r.serverCpuUs)),
  };
}

/** The server's resident set, from /proc (Linux). */
function rssMiB(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** One database: a SQLite file in a temporary folder, or a PostgreSQL schema of its own. */
interface Database {
  db: string;
  sizeMiB(): Promise<number>;
  /**
   * After the load: what the load left to write is written now, not during the operations
   * (PostgreSQL's CHECKPOINT of the import's WAL; the kernel's dirty pages, `sync`), so the
   * operations measure the pool, not the end of its load.
   */
  settle(): Promise<void>;
  drop(): Promise<void>;
}

async function freshDatabase(engine: 'sqlite' | 'postgres', label: string): Promise<Database> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cognate-growth-'));
    return {
      db: join(dir, 'cognate.db'),
      sizeMiB: async () => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0) / 2 ** 20,
      settle: async () => void execFileSync('sync'),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_growth_${label}_${process.pid}`;
  const url = new URL(pgUrl);
  url.searchParams.set('schema', schema);
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: pgUrl.href });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  return {
    db: url.href,
    sizeMiB: () =>
      admin(async (c) => {
        const { rows } = await c.query(
          `SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0) AS bytes
             FROM pg_tables WHERE schemaname = $1`,
          [schema],
        );
        return Number(rows[0].bytes) / 2 ** 20;
      }),
    settle: async () => {
      await admin((c) => c.query('CHECKPOINT'));
      execFileSync('sync');
    },
    drop: () => admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}

/** A PostgreSQL database needs the same sealing key in every process that opens it: one per run. */
const SEALING_KEY = randomBytes(32).toString('hex');

async function startServer(db: string): Promise<Child & { startupMs: number }> {
  const main = process.env.BENCH_SERVER_MAIN || join(repoRoot, 'dist/cli/main.js');
  const t0 = performance.now();
  const child = await startChild(
    [main, 'serve', '--host', '127.0.0.1', '--port', '0', '--db', db, '--sealing-key', SEALING_KEY],
    /Cognate listening on (http:\/\/\S+)/,
    { COGNATE_LOG_LEVEL: 'warn' },
  );
  return { ...child, startupMs: performance.now() - t0 };
}

/** Users per second over a whole load, and over its first and last tenth. */
interface ImportRate {
  overall: number;
  firstTenth: number;
  lastTenth: number;
}

/**
 * The rate between the first poll that saw `from` users imported and the first that saw `to` (each
 * poll: [ms, users imported so far]); NaN when the polls are too few to tell. A tenth that spans two
 * jobs (sizes just past a multiple of 500,000) includes the second job's upload.
 */
function rateBetween(polls: [number, number][], from: number, to: number): number {
  const a = polls.find(([, n]) => n >= from);
  const b = polls.find(([, n]) => n >= to);
  return a && b && b[0] > a[0] ? (b[1] - a[1]) / ((b[0] - a[0]) / 1000) : NaN;
}

/** Loads `count` users through import jobs (one job at a time, as Cognito allows). */
async function importUsers(api: CognitoHttp, poolId: string, count: number): Promise<ImportRate> {
  const header: string[] = (await api.ok('GetCSVHeader', { UserPoolId: poolId }, true)).CSVHeader;
  const col = (name: string) => header.indexOf(name);
  const t0 = performance.now();
  const polls: [number, number][] = [];
  for (let first = 0; first < count; first += ROWS_PER_JOB) {
    const lines = [header.join(',')];
    const empty = new Array<string>(header.length).fill('');
    for (let i = first; i < Math.min(count, first + ROWS_PER_JOB); i++) {
      const row = empty.slice();
      const name = userName('u', i);
      row[col('cognito:username')] = name;
      row[col('cognito:mfa_enabled')] = 'false';
      row[col('email')] = `${name}@example.com`;
      row[col('email_verified')] = 'true';
      lines.push(row.join(','));
    }
    const job = (await api.ok('CreateUserImportJob', { UserPoolId: poolId, JobName: `growth-${first}`, CloudWatchLogsRoleArn: ROLE }, true)).UserImportJob;
    const put = await fetch(job.PreSignedUrl, { method: 'PUT', body: lines.join('\n') + '\n' });
    if (put.status !== 200) throw new Error(`upload answered ${put.status}`);
    await api.ok('StartUserImportJob', { UserPoolId: poolId, JobId: job.JobId }, true);
    for (;;) {
      const now = (await api.ok('DescribeUserImportJob', { UserPoolId: poolId, JobId: job.JobId }, true)).UserImportJob;
      polls.push([performance.now(), first + (now.ImportedUsers ?? 0)]);
      if (now.Status === 'Succeeded') break;
      if (!['Pending', 'InProgress'].includes(now.Status)) throw new Error(`import job ${now.Status}: ${now.CompletionMessage}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  // From the first poll that saw users arrive: the upload before it is not the import's rate.
  const tenths = Array.from({ length: 10 }, (_, i) => rateBetween(polls, i === 0 ? 1 : (count * i) / 10, (count * (i + 1)) / 10));
  log(`import rate per tenth of the load, users/s: ${tenths.map(fmtRate).join(', ')}`);
  return { overall: count / ((performance.now() - t0) / 1000), firstTenth: tenths[0]!, lastTenth: tenths[9]! };
}

interface SizeResult {
  engine: string;
  size: number;
  importRate: ImportRate;
  startupMs: number;
  /** The reference's server CPU per request, median over this size's rounds. */
  referenceUs: number;
  rssMiB: number;
  dbMiB: number;
  ops: [string, Measured][];
}

/** A loaded pool: its server (restarted on it), the operations to measure, and their rounds so far. */
interface Loaded {
  engine: 'sqlite' | 'postgres';
  size: number;
  database: Database;
  server: Child & { startupMs: number };
  importRate: ImportRate;
  ops: [string, autocannon.Request[], number?][];
  rounds: Measured[][];
  referenceRounds: Measured[];
}

/** A fresh database with `size` users in one pool, and the server restarted on it. */
async function loadSize(engine: 'sqlite' | 'postgres', size: number): Promise<Loaded> {
  const database = await freshDatabase(engine, String(size));
  let server: (Child & { startupMs: number }) | undefined;
  try {
    server = await startServer(database.db);
    let api = new CognitoHttp(server.url);
    const pool = await api.ok('CreateUserPool', { PoolName: `growth-${size}`, AutoVerifiedAttributes: ['email'] }, true);
    const poolId: string = pool.UserPool.Id;
    await api.ok('SetUserPoolMfaConfig', { UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }, true);
    const app = await api.ok(
      'CreateUserPoolClient',
      { UserPoolId: poolId, ClientName: 'growth', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
      true,
    );
    const clientId: string = app.UserPoolClient.ClientId;
    log(`${engine} ${size.toLocaleString('en-US')}: importing ${(size - SIGNIN_USERS).toLocaleString('en-US')} users`);
    const importRate = await importUsers(api, poolId, size - SIGNIN_USERS);
    const signInUsers = Array.from({ length: SIGNIN_USERS }, (_, i) => `p${i}`);
    await mapLimit(signInUsers, 16, async (Username) => {
      await api.ok('SignUp', { ClientId: clientId, Username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${Username}@example.com` }] });
      await api.ok('AdminConfirmSignUp', { UserPoolId: poolId, Username }, true);
    });
    api.close();
    await server.stop();

    await database.settle();
    // Start-up on the loaded database.
    server = await startServer(database.db);
    log(`${engine} ${size.toLocaleString('en-US')}: loaded at ${fmtRate(importRate.overall)} users/s (${fmtRate(importRate.firstTenth)} over the first tenth, ${fmtRate(importRate.lastTenth)} over the last); restarted in ${server.startupMs.toFixed(0)} ms`);
    api = new CognitoHttp(server.url);
    // One access token per signed-in user: AssociateSoftwareToken writes the user's row, and 32
    // connections re-associating one user would measure waits for that row's lock (a workload no
    // application has) rather than the operation.
    const tokens = await mapLimit(signInUsers, 16, (u) => signIn(api, { poolId, clientId }, u));
    const token = tokens[0];
    api.close();
    let associated = 0;
    const middle = userName('u', Math.floor((size - SIGNIN_USERS) / 2));
    let created = 0;
    const ops: [string, autocannon.Request[], number?][] = [
      ['GetUser', [request('GetUser', { AccessToken: token })]],
      ['AdminGetUser (known)', [request('AdminGetUser', { UserPoolId: poolId, Username: middle }, true)]],
      ['AdminGetUser (unknown)', [request('AdminGetUser', { UserPoolId: poolId, Username: 'nobody-here' }, true)], 400],
      [
        'InitiateAuth USER_PASSWORD_AUTH',
        signInUsers.map((u) => request('InitiateAuth', { ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: u, PASSWORD } })),
      ],
      [
        'AssociateSoftwareToken',
        [
          {
            ...request('AssociateSoftwareToken', {}),
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ AccessToken: tokens[associated++ % tokens.length] }) }),
          },
        ],
      ],
      ['ListUsers email = "..."', [request('ListUsers', { UserPoolId: poolId, Filter: `email = "${middle}@example.com"` }, true)]],
      [
        'AdminCreateUser (SUPPRESS)',
        [
          {
            ...request('AdminCreateUser', {}, true),
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ UserPoolId: poolId, Username: userName('c', created++), MessageAction: 'SUPPRESS' }) }),
          },
        ],
      ],
    ];
    return { engine, size, database, server, importRate, ops, rounds: ops.map(() => []), referenceRounds: [] };
  } catch (err) {
    await server?.stop();
    await database.drop();
    throw err;
  }
}

/** One round on a loaded pool: the reference (how fast the machine is now), then every operation once. */
async function measureRound(loaded: Loaded, round: number, reference: Child): Promise<void> {
  const { engine, size, server } = loaded;
  loaded.referenceRounds.push(await timed(reference, referenceRequests));
  for (const [i, [name, requests, okStatus]] of loaded.ops.entries()) {
    const r = await timed(server, requests, okStatus);
    const bad = Object.entries(r.other).map(([k, v]) => `${v} x ${k}`).join(', ');
    log(
      `${engine} ${size.toLocaleString('en-US')}: ${name} (round ${round}): ${fmtRate(r.rps)} req/s, p99 ${fmtMs(r.p99)} ms, ` +
        `server CPU ${fmtRate(r.serverCpuUs)} us each${bad ? `; other answers: ${bad}` : ''}`,
    );
    loaded.rounds[i]!.push(r);
  }
}

/** The medians of a loaded pool's rounds, its server's RSS, and its database's size (server stopped). */
async function finish(loaded: Loaded): Promise<SizeResult> {
  const ops: [string, Measured][] = loaded.ops.map(([name], i) => [name, medianOf(loaded.rounds[i]!)]);
  const rss = rssMiB(loaded.server.child.pid);
  await loaded.server.stop();
  return {
    engine: loaded.engine,
    size: loaded.size,
    importRate: loaded.importRate,
    startupMs: loaded.server.startupMs,
    referenceUs: medianOf(loaded.referenceRounds).serverCpuUs,
    rssMiB: rss,
    dbMiB: await loaded.database.sizeMiB(),
    ops,
  };
}

async function main(): Promise<void> {
  log(`sizes ${SIZES.join(', ')}; engines ${ENGINES.join(', ')}; ${NAMES} names; ${ROUNDS} rounds of ${DURATION} s per operation after 1 s of warm-up, ${CONNECTIONS} connections`);
  const reference = await startReference();
  try {
    const refStart = await timed(reference, referenceRequests);
    log(`reference: ${fmtRate(refStart.rps)} req/s`);
    const results: SizeResult[] = [];
    for (const engine of ENGINES) {
      // Every size of an engine is loaded first, then the rounds go from one size to the next, so a
      // slow spell of the machine falls on every size, not on whichever was being measured.
      const loaded: Loaded[] = [];
      try {
        for (const size of SIZES) loaded.push(await loadSize(engine, size));
        for (let round = 1; round <= ROUNDS; round++) for (const l of loaded) await measureRound(l, round, reference);
        for (const l of loaded) results.push(await finish(l));
      } finally {
        for (const l of loaded) {
          await l.server.stop();
          await l.database.drop();
        }
      }
    }
    const refEnd = await timed(reference, referenceRequests);
    log(`reference at the end: ${fmtRate(refEnd.rps)} req/s`);
    const ref = (refStart.rps + refEnd.rps) / 2;

    const rows: string[][] = [];
    for (const r of results) {
      const first = results.find((x) => x.engine === r.engine)!;
      for (const [name, op] of r.ops) {
        const base = first.ops.find(([n]) => n === name)![1];
        rows.push([
          r.engine, r.size.toLocaleString('en-US'), name, fmtRate(op.rps), fmtMs(op.p99), fmtRatio(op.rps / ref), fmtRatio(op.rps / base.rps),
          fmtRate(op.serverCpuUs), fmtRatio(op.serverCpuUs / base.serverCpuUs),
          fmtRatio(op.serverCpuUs / r.referenceUs / (base.serverCpuUs / first.referenceUs)),
        ]);
      }
    }
    console.log(
      `\nreference (bare node:http): ${fmtRate(refStart.rps)} req/s (${fmtRate(refStart.serverCpuUs)} us) at the start, ` +
        `${fmtRate(refEnd.rps)} (${fmtRate(refEnd.serverCpuUs)} us) at the end; ratios use the mean\n`,
    );
    const first = SIZES[0]!.toLocaleString('en-US');
    console.log(
      table(['engine', 'users', 'operation', 'req/s', 'p99 ms', 'ratio', `vs ${first}`, 'server CPU us', `CPU vs ${first}`, 'same, per reference CPU'], rows),
    );
    console.log('');
    console.log(
      table(
        ['engine', 'users', 'import users/s', 'first tenth', 'last tenth', 'reference us', 'start-up ms', 'RSS MiB', 'database MiB'],
        results.map((r) => [
          r.engine, r.size.toLocaleString('en-US'), fmtRate(r.importRate.overall), fmtRate(r.importRate.firstTenth), fmtRate(r.importRate.lastTenth),
          fmtRate(r.referenceUs), r.startupMs.toFixed(0), r.rssMiB.toFixed(0), r.dbMiB.toFixed(1),
        ]),
      ),
    );
    log('done');
  } finally {
    await reference.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
