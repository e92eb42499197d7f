/**
 * `npm run bench`: a bounded load test of the real server on 127.0.0.1, next to a bare node:http
 * reference measured in the same run. It stops by itself (about 95 s on a quiet 2-core machine,
 * up to 2 minutes on a busy one) and exits 0 once it has measured: a target that is not met is
 * reported, not a failure. It exits 1 only when it could not measure (setup failed).
 * See docs/performance.md for what each figure means.
 *
 * Environment: BENCH_DURATION seconds per timed bench (default 8), BENCH_CONNECTIONS (default 32),
 * BENCH_TOTP_USERS users for the fixed-count TOTP benches (default 3200), BENCH_SERVER_NODE_ARGS
 * Node flags for the server only (e.g. --cpu-prof), BENCH_SERVER_MAIN another build's main.js.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type autocannon from 'autocannon';
import { clientProofPerSecond, rs256PerSecond, serverSrpPerSecond, verifyPasswordPerSecond } from './cryptoBench.js';
import { CognitoHttp } from './http.js';
import { jsonRequestHeaders, runAutocannon, runClosedLoop, type LoadResult } from './load.js';
import { machineBusySeconds, startCognate, startReference, type Child } from './processes.js';
import { failures, fmtMs, fmtRate, fmtRatio, table } from './report.js';
import {
  PASSWORD,
  createBenchPool,
  createUsers,
  enableTotp,
  nextCode,
  prepareTotpUsers,
  signIn,
  type TotpUser,
} from './setup.js';
import { RawJsonClient } from './rawHttp.js';
import { SrpClientPool } from './srpClientPool.js';

const intEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const DURATION = intEnv('BENCH_DURATION', 8);
const WARMUP = 1;
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 32);
// A multiple of the connection count, so autocannon gives every connection the same share.
const TOTP_USERS = Math.ceil(intEnv('BENCH_TOTP_USERS', 3200) / CONNECTIONS) * CONNECTIONS;
/**
 * Users whose VerifySoftwareToken warms the server up before the timed 3,200 (each user verifies
 * once), so that the timed phase measures the optimised path: with 256, ~20% of its CPU went to
 * V8's optimising compiler (perf); with 1,600 (0.15 s of warm-up once group commit made Verify
 * fast), 11 functions of the path were still being optimised during it (`--trace-opt`), with
 * 3,200 two. The other benches warm up for a second each.
 */
const WARM_TOTP_USERS = 3200;
/** Of those, the ones that warm the MFA sign-in up (each costs a password check and two signatures). */
const WARM_MFA_USERS = 256;
const SIGNIN_USERS = 64;
/**
 * Client SRP values (a, A = g^a) made before the SRP sign-in bench, untimed, and used in turn: a
 * real client draws a fresh one per sign-in, which costs the server the same (it never sees a).
 */
const SRP_CLIENT_VALUES = 512;
/** Seconds of each crypto rate measurement. */
const CRYPTO_SECONDS = 1;

const runStarted = performance.now();
const phases: [string, number][] = [];
const log = (message: string) => {
  const at = ((performance.now() - runStarted) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${at}s] ${message}\n`);
};
async function phase<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  log(`${name} ...`);
  try {
    return await fn();
  } finally {
    const seconds = (performance.now() - started) / 1000;
    phases.push([name, seconds]);
  }
}

function describe(r: LoadResult & { serverCpuUs?: number }): string {
  const bad = failures(r);
  const cpu = r.serverCpuUs !== undefined ? `, server CPU ${fmtRate(r.serverCpuUs)} us each` : '';
  return `${fmtRate(r.rps)} req/s, p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms (${r.ok} x 200 in ${r.seconds.toFixed(2)} s${cpu})${bad ? `; NOT 200: ${bad}` : ''}`;
}

/** A load result with the CPU time the server process and this process spent per success. */
interface Measured extends LoadResult {
  serverCpuUs: number;
  clientCpuUs: number;
  /** Cores' worth of CPU that other processes on the machine used meanwhile (noise). */
  otherCores: number;
}

async function measured(server: Child, run: () => Promise<LoadResult>): Promise<Measured> {
  const server0 = server.cpuSeconds();
  const client0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  const r = await run();
  const machine = machineBusySeconds() - machine0;
  const client = process.cpuUsage(client0);
  const serverCpu = server.cpuSeconds() - server0;
  const clientCpu = (client.user + client.system) / 1e6;
  return {
    ...r,
    serverCpuUs: (serverCpu * 1e6) / r.ok,
    clientCpuUs: (clientCpu * 1e6) / r.ok,
    otherCores: Math.max(0, machine - serverCpu - clientCpu) / r.seconds,
  };
}

/** Two measurements of the same thing: rates, latencies and CPU costs averaged, noise the worst. */
function meanOf(a: Measured, b: Measured): Measured {
  const mean = (x: number, y: number) => (x + y) / 2;
  return {
    ok: a.ok + b.ok,
    other: { ...a.other, ...b.other },
    errors: a.errors + b.errors,
    seconds: a.seconds + b.seconds,
    rps: mean(a.rps, b.rps),
    p50: mean(a.p50, b.p50),
    p99: mean(a.p99, b.p99),
    serverCpuUs: mean(a.serverCpuUs, b.serverCpuUs),
    clientCpuUs: mean(a.clientCpuUs, b.clientCpuUs),
    otherCores: Math.max(a.otherCores, b.otherCores),
  };
}

async function timed(server: Child, requests: autocannon.Request[]): Promise<Measured> {
  await runAutocannon({ url: server.url, connections: CONNECTIONS, duration: WARMUP, requests });
  return measured(server, () => runAutocannon({ url: server.url, connections: CONNECTIONS, duration: DURATION, requests }));
}

const post = (operation: string, input: unknown): autocannon.Request => ({
  method: 'POST',
  path: '/',
  headers: jsonRequestHeaders(operation),
  body: JSON.stringify(input),
});

/** Each built request takes the next body; for rotating users and one-time codes. */
function rotating(operation: string, body: (context: Record<string, unknown>) => unknown): autocannon.Request {
  return {
    method: 'POST',
    path: '/',
    headers: jsonRequestHeaders(operation),
    setupRequest: (req, context) => ({ ...req, body: JSON.stringify(body(context as Record<string, unknown>)) }),
  };
}

async function main(): Promise<void> {
  const cpuList = cpus();
  const machine = {
    cores: cpuList.length,
    model: cpuList[0]?.model.trim() ?? 'unknown',
    node: process.version,
    memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
    load: loadavg().map((l) => l.toFixed(2)).join(' '),
  };
  log(`machine: ${machine.cores} cores, ${machine.model}, Node ${machine.node}, ${machine.memoryGiB} GiB, load average ${machine.load}`);
  log(`settings: ${CONNECTIONS} connections, pipelining 1, ${DURATION} s per timed bench after ${WARMUP} s warm-up, ${TOTP_USERS} users per TOTP bench`);

  const children: Child[] = [];
  let srpClients: SrpClientPool | undefined;
  const stopAll = () => Promise.all([...children.map((c) => c.stop()), srpClients?.close()]);
  process.once('SIGINT', () => {
    void stopAll().then(() => process.exit(130));
  });

  try {
    // ---- 1. reference (measured again at the end: this machine's speed drifts over a run) ------
    const referenceServer = await startReference();
    children.push(referenceServer);
    const referenceRequests = [post('GetUser', { AccessToken: 'x'.repeat(1000) })];
    const referenceStart = await phase('reference: bare node:http server', () => timed(referenceServer, referenceRequests));
    log(`reference: ${describe(referenceStart)}`);

    // ---- 2. the real server and its data -------------------------------------------------------
    const server = await phase('cognate: start the server (child process)', async () => {
      const s = await startCognate();
      children.push(s);
      return s;
    });
    const api = new CognitoHttp(server.url, CONNECTIONS);
    // The two-request sign-in loops (SRP, MFA) use a leaner client than node:http: see rawHttp.ts.
    const raw = new RawJsonClient(server.url);
    const call = async (operation: string, input: unknown): Promise<{ status: number; body: any }> => {
      const r = await raw.call(operation, input);
      let body: any = r.text;
      try {
        body = JSON.parse(r.text);
      } catch {
        /* keep the text */
      }
      return { status: r.status, body };
    };
    const pool = await phase('setup: pool (TOTP, MFA OPTIONAL) and app client', () => createBenchPool(api));
    const plainUsers = Array.from({ length: SIGNIN_USERS }, (_, i) => `plain-${String(i).padStart(4, '0')}`);
    const totpNames = Array.from({ length: TOTP_USERS + WARM_TOTP_USERS }, (_, i) => `totp-${String(i).padStart(5, '0')}`);
    await phase(`setup: ${plainUsers.length + totpNames.length} users (SignUp + AdminConfirmSignUp)`, () =>
      createUsers(api, pool, [...plainUsers, ...totpNames], CONNECTIONS),
    );
    const getUserToken = await signIn(api, pool, plainUsers[0]!);
    const associateToken = await signIn(api, pool, plainUsers[1]!);

    // ---- 3. GetUser ------------------------------------------------------------------------
    const getUser = await phase('bench: GetUser', () => timed(server, [post('GetUser', { AccessToken: getUserToken })]));
    log(`GetUser: ${describe(getUser)}`);

    // ---- 4. crypto on this machine (server idle) ------------------------------------------------
    srpClients = await SrpClientPool.start();
    const clients = srpClients;
    const rs256 = await phase('crypto: RS256 signatures/s (2048-bit, async, both cores)', () => rs256PerSecond(CRYPTO_SECONDS));
    const verifyPw = await phase("crypto: verifyPassword/s (Cognate's SRP worker pool)", () => verifyPasswordPerSecond(CRYPTO_SECONDS));
    const serverSrp = await phase("crypto: server SRP steps/s (startServerSession + verifyClientProof, Cognate's SRP worker pool)", () =>
      serverSrpPerSecond(CRYPTO_SECONDS),
    );
    const clientProof = await phase(`crypto: client SRP proofs/s (${clients.size} worker threads in this process)`, () =>
      clientProofPerSecond(CRYPTO_SECONDS, clients),
    );
    log(
      `crypto: RS256 ${fmtRate(rs256.perSecond)}/s (${fmtRate(rs256.cpuUs)} us CPU each); verifyPassword ` +
        `${fmtRate(verifyPw.perSecond)}/s (${fmtRate(verifyPw.cpuUs)} us); server SRP steps ${fmtRate(serverSrp.perSecond)}/s ` +
        `(${fmtRate(serverSrp.cpuUs)} us); client SRP proofs ${fmtRate(clientProof.perSecond)}/s (${fmtRate(clientProof.cpuUs)} us)`,
    );
    // Every part of a sign-in shares the machine's cores (the server's event loop, its SRP workers
    // and libuv pool, the load generator): the bound is the crypto of one sign-in done back to back
    // on all of them, each part at the rate measured with all cores busy on it.
    const passwordBound = 1 / (2 / rs256.perSecond + 1 / verifyPw.perSecond);
    const srpBound = 1 / (2 / rs256.perSecond + 1 / serverSrp.perSecond + 1 / clientProof.perSecond);
    // The same in CPU time: what one sign-in must spend on crypto, whatever else runs on the machine.
    const passwordCryptoCpuUs = 2 * rs256.cpuUs + verifyPw.cpuUs;
    const srpServerCryptoCpuUs = 2 * rs256.cpuUs + serverSrp.cpuUs;

    // ---- 5. password sign-in ------------------------------------------------------------------
    let signInNext = 0;
    const signInReq = rotating('InitiateAuth', () => ({
      ClientId: pool.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: plainUsers[signInNext++ % plainUsers.length], PASSWORD },
    }));
    const passwordSignIn = await phase('bench: InitiateAuth USER_PASSWORD_AUTH', () => timed(server, [signInReq]));
    log(`password sign-in: ${describe(passwordSignIn)}`);

    // ---- 6. SRP sign-in: InitiateAuth USER_SRP_AUTH -> PASSWORD_VERIFIER -> RespondToAuthChallenge --
    const srpValues = await phase(`setup: ${SRP_CLIENT_VALUES} client SRP values A = g^a (untimed)`, () =>
      Promise.all(Array.from({ length: SRP_CLIENT_VALUES }, () => clients.start())),
    );
    const poolName = pool.poolId.split('_')[1]!;
    let srpNext = 0;
    const srpSignIn = async (): Promise<{ ms: number } | { failure: string }> => {
      const n = srpNext++;
      const username = plainUsers[n % plainUsers.length]!;
      const session = srpValues[n % srpValues.length]!;
      const started = performance.now();
      const first = await call('InitiateAuth', {
        ClientId: pool.clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: username, SRP_A: session.AHex },
      });
      if (first.status !== 200 || first.body.ChallengeName !== 'PASSWORD_VERIFIER') {
        return { failure: `InitiateAuth ${first.status} ${first.body?.__type ?? first.body?.ChallengeName ?? ''}`.trim() };
      }
      const p = first.body.ChallengeParameters as Record<string, string>;
      // The client's proof depends on B, so it is computed here, per sign-in (on the client pool).
      const proof = await clients.proof(session, {
        poolName,
        userIdForSrp: p.USER_ID_FOR_SRP!,
        password: PASSWORD,
        saltHex: p.SALT!,
        BHex: p.SRP_B!,
        secretBlockB64: p.SECRET_BLOCK!,
      });
      const second = await call('RespondToAuthChallenge', {
        ClientId: pool.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: {
          USERNAME: p.USERNAME,
          PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
          PASSWORD_CLAIM_SIGNATURE: proof.signatureB64,
          TIMESTAMP: proof.timestamp,
        },
      });
      if (second.status !== 200 || !second.body.AuthenticationResult?.AccessToken) {
        return { failure: `RespondToAuthChallenge ${second.status} ${second.body?.__type ?? second.body?.ChallengeName ?? ''}`.trim() };
      }
      return { ms: performance.now() - started };
    };
    await phase('warm-up: SRP sign-in', () => runClosedLoop({ seconds: WARMUP }, CONNECTIONS, srpSignIn));
    const srp = await phase('bench: SRP sign-in (USER_SRP_AUTH + PASSWORD_VERIFIER)', () =>
      measured(server, () => runClosedLoop({ seconds: DURATION }, CONNECTIONS, srpSignIn)),
    );
    log(`SRP sign-in: ${describe(srp).replace('req/s', 'sign-ins/s').replace(' x 200', ' sign-ins')}`);

    // ---- 7. AssociateSoftwareToken -------------------------------------------------------------
    const associate = await phase('bench: AssociateSoftwareToken', () =>
      timed(server, [post('AssociateSoftwareToken', { AccessToken: associateToken })]),
    );
    log(`AssociateSoftwareToken: ${describe(associate)}`);

    // ---- 8. VerifySoftwareToken: one fresh (user, step) per request ----------------------------
    const totpUsers = await phase(`setup: ${totpNames.length} users signed in with a pending TOTP secret`, () =>
      prepareTotpUsers(api, pool, totpNames, CONNECTIONS),
    );
    const warmUsers = totpUsers.slice(0, WARM_TOTP_USERS);
    const benchUsers = totpUsers.slice(WARM_TOTP_USERS);
    // Each request's body is made before the timed phase: the code for the current step, which the
    // server accepts for the next 30 to 60 s. The requests go through the same closed loop as the
    // sign-ins (bench/rawHttp.ts): autocannon's fixed-count mode spends the first part of so short
    // a run ramping up (GetUser with rotating tokens: ~3,100 req/s as a 3,264-request autocannon
    // run, ~10,000 req/s over 3 s), which measured the tool rather than the server.
    const verifyBodies = (users: TotpUser[]) =>
      users.map((user) => {
        const { code, step } = nextCode(user);
        return { user, step, json: JSON.stringify({ AccessToken: user.accessToken, UserCode: code }) };
      });
    const verifyOne = async ({ user, step, json }: { user: TotpUser; step: number; json: string }) => {
      const started = performance.now();
      const r = await raw.send('VerifySoftwareToken', json);
      if (r.status !== 200) return { failure: `HTTP ${r.status}` };
      user.verified = true;
      user.lastStep = step;
      return { ms: performance.now() - started };
    };
    const warmVerify = verifyBodies(warmUsers);
    await phase('warm-up: VerifySoftwareToken', () =>
      runClosedLoop({ count: warmVerify.length }, CONNECTIONS, (i) => verifyOne(warmVerify[i]!)),
    );
    const benchVerify = verifyBodies(benchUsers);
    const verify = await phase(`bench: VerifySoftwareToken (${benchUsers.length} distinct users)`, () =>
      measured(server, () => runClosedLoop({ count: benchVerify.length }, CONNECTIONS, (i) => verifyOne(benchVerify[i]!))),
    );
    log(`VerifySoftwareToken: ${describe(verify)}`);

    // ---- 9. full MFA sign-in: InitiateAuth -> SOFTWARE_TOKEN_MFA -> RespondToAuthChallenge --------
    const mfaWarm = warmUsers.filter((u) => u.verified).slice(0, WARM_MFA_USERS);
    const mfaUsers = benchUsers.filter((u) => u.verified);
    await phase(`setup: TOTP enabled and preferred for ${mfaWarm.length + mfaUsers.length} users`, () =>
      enableTotp(api, [...mfaWarm, ...mfaUsers], CONNECTIONS),
    );
    const mfaSignIn = async (u: TotpUser): Promise<{ ms: number } | { failure: string }> => {
      const started = performance.now();
      const first = await call('InitiateAuth', {
        ClientId: pool.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: u.username, PASSWORD },
      });
      if (first.status !== 200 || first.body.ChallengeName !== 'SOFTWARE_TOKEN_MFA') {
        return { failure: `InitiateAuth ${first.status} ${first.body?.__type ?? first.body?.ChallengeName ?? ''}`.trim() };
      }
      const { code, step } = nextCode(u);
      const second = await call('RespondToAuthChallenge', {
        ClientId: pool.clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: first.body.Session,
        ChallengeResponses: { USERNAME: u.username, SOFTWARE_TOKEN_MFA_CODE: code },
      });
      if (second.status !== 200 || !second.body.AuthenticationResult?.AccessToken) {
        return { failure: `RespondToAuthChallenge ${second.status} ${second.body?.__type ?? ''}`.trim() };
      }
      u.lastStep = step;
      return { ms: performance.now() - started };
    };
    await phase('warm-up: MFA sign-in', () => runClosedLoop({ count: mfaWarm.length }, CONNECTIONS, (i) => mfaSignIn(mfaWarm[i]!)));
    const mfa = await phase(`bench: MFA sign-in (${mfaUsers.length} distinct users)`, () =>
      measured(server, () => runClosedLoop({ count: mfaUsers.length }, CONNECTIONS, (i) => mfaSignIn(mfaUsers[i]!))),
    );
    log(`MFA sign-in: ${describe(mfa).replace('req/s', 'sign-ins/s').replace(' x 200', ' sign-ins')}`);

    api.close();
    raw.close();
    await phase('cognate: stop the server', () => server.stop());
    const referenceEnd = await phase('reference again, at the end', () => timed(referenceServer, referenceRequests));
    log(`reference at the end: ${describe(referenceEnd)}`);
    await referenceServer.stop();
    await clients.close();
    const reference = meanOf(referenceStart, referenceEnd);
    const referenceDrift = Math.abs(referenceStart.rps - referenceEnd.rps) / reference.rps;
    const serverOutput = server.output().split('\n').filter((l) => l && !l.startsWith('Cognate listening on')).join('\n');

    // ---- report ---------------------------------------------------------------------------------
    const ratio = (r: LoadResult) => r.rps / reference.rps;
    const pct = (n: number) => `${Math.round(100 * n)}%`;
    const row = (name: string, r: Measured, target: string): string[] => [
      name,
      fmtRate(r.rps),
      fmtMs(r.p99),
      fmtRate(reference.rps),
      fmtRatio(ratio(r)),
      fmtRate(r.serverCpuUs),
      fmtRate(r.clientCpuUs),
      r.otherCores.toFixed(2),
      target,
    ];
    const rows: string[][] = [
      row('reference, start of run', referenceStart, '-'),
      row('reference, end of run', referenceEnd, '-'),
      row('GetUser', getUser, '>= 0.50x ref'),
      row('InitiateAuth USER_PASSWORD_AUTH', passwordSignIn, `>= 2/3 of bound ${fmtRate(passwordBound)}/s`),
      row('SRP sign-in (Initiate + Respond)', srp, `>= 80% of bound ${fmtRate(srpBound)}/s`),
      row('AssociateSoftwareToken', associate, '>= 0.50x ref'),
      row('VerifySoftwareToken', verify, '>= 0.40x ref'),
      row('MFA sign-in (Initiate + Respond)', mfa, `none (${pct(mfa.rps / passwordBound)} of bound)`),
    ];
    const out: string[] = [];
    out.push('');
    out.push(`Machine: ${machine.cores} cores, ${machine.model}, Node ${machine.node}; load average at start ${machine.load}, at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    out.push(`Load: autocannon, ${CONNECTIONS} connections, pipelining 1, 127.0.0.1; servers in child processes`);
    out.push('');
    out.push(table(['bench', 'req/s', 'p99 ms', 'ref req/s', 'ratio', 'server CPU us/op', 'client CPU us/op', 'others (cores)', 'target'], rows));
    out.push('');
    out.push(
      `ref req/s is the mean of the two reference runs (they differ by ${pct(referenceDrift)}); ratio = req/s / ref req/s.`,
    );
    out.push('SRP and MFA sign-ins count completed sign-ins (two requests each) per second; their p99 is of the pair.');
    out.push('');
    out.push(`Sign-in crypto on this machine, measured in this run with the server idle:`);
    out.push(`  RS256: ${fmtRate(rs256.perSecond)} signatures/s (2048-bit, async, both cores), ${fmtRate(rs256.cpuUs)} us CPU each`);
    out.push(
      `  Cognate's SRP worker pool: verifyPassword ${fmtRate(verifyPw.perSecond)}/s (${fmtRate(verifyPw.cpuUs)} us CPU each); ` +
        `startServerSession + verifyClientProof ${fmtRate(serverSrp.perSecond)}/s (${fmtRate(serverSrp.cpuUs)} us CPU each)`,
    );
    out.push(
      `  SRP client proof (srpClientProof: g^x, (B - k g^x)^(a + u x)) on ${clients.size} worker threads: ` +
        `${fmtRate(clientProof.perSecond)}/s (${fmtRate(clientProof.cpuUs)} us CPU each)`,
    );
    out.push(
      `Password sign-in: bound = 1 / (2/${fmtRate(rs256.perSecond)} + 1/${fmtRate(verifyPw.perSecond)}) = ` +
        `${fmtRate(passwordBound)} sign-ins/s; measured ${fmtRate(passwordSignIn.rps)} (${pct(passwordSignIn.rps / passwordBound)}), ` +
        `MFA sign-in ${fmtRate(mfa.rps)} (${pct(mfa.rps / passwordBound)})`,
    );
    out.push(
      `  CPU: the crypto of one sign-in costs ${fmtRate(passwordCryptoCpuUs)} us (2 x ${fmtRate(rs256.cpuUs)} + ${fmtRate(verifyPw.cpuUs)}); ` +
        `the server spent ${fmtRate(passwordSignIn.serverCpuUs)} us per password sign-in (crypto ${pct(passwordCryptoCpuUs / passwordSignIn.serverCpuUs)} of it) ` +
        `and ${fmtRate(mfa.serverCpuUs)} us per MFA sign-in (${pct(passwordCryptoCpuUs / mfa.serverCpuUs)})`,
    );
    out.push(
      `SRP sign-in: bound = 1 / (2/${fmtRate(rs256.perSecond)} + 1/${fmtRate(serverSrp.perSecond)} + 1/${fmtRate(clientProof.perSecond)}) = ` +
        `${fmtRate(srpBound)} sign-ins/s; measured ${fmtRate(srp.rps)} (${pct(srp.rps / srpBound)})`,
    );
    out.push(
      `  CPU: the server's crypto of one sign-in costs ${fmtRate(srpServerCryptoCpuUs)} us (2 x ${fmtRate(rs256.cpuUs)} + ${fmtRate(serverSrp.cpuUs)}); ` +
        `the server spent ${fmtRate(srp.serverCpuUs)} us per SRP sign-in (crypto ${pct(srpServerCryptoCpuUs / srp.serverCpuUs)} of it); ` +
        `the load generator spent ${fmtRate(srp.clientCpuUs)} us per sign-in, the client's proof alone ${fmtRate(clientProof.cpuUs)} us when measured`,
    );
    const problems: [string, Measured][] = [
      ['GetUser', getUser],
      ['InitiateAuth', passwordSignIn],
      ['SRP sign-in', srp],
      ['AssociateSoftwareToken', associate],
      ['VerifySoftwareToken', verify],
      ['MFA sign-in', mfa],
    ];
    for (const [name, r] of problems) {
      const bad = failures(r);
      if (bad) out.push(`WARNING ${name}: answers that were not 200 (not counted): ${bad}`);
    }
    const noisy = problems.filter(([, r]) => r.otherCores > 0.25).map(([name]) => name);
    if (reference.otherCores > 0.25) noisy.unshift('reference');
    if (referenceDrift > 0.15) {
      out.push(
        `WARNING the reference ran ${pct(referenceDrift)} faster or slower at the end than at the start: this machine's ` +
          'speed changed during the run (other tenants), so the ratios are approximate; compare server CPU us/op instead',
      );
    }
    if (noisy.length) {
      out.push(
        `WARNING other processes used more than a quarter of a core during: ${noisy.join(', ')}; ` +
          'those figures are disturbed (rerun on a quiet machine)',
      );
    }
    if (verify.ok !== benchUsers.length) out.push(`WARNING VerifySoftwareToken: ${verify.ok} of ${benchUsers.length} succeeded`);
    if (mfa.ok !== mfaUsers.length) out.push(`WARNING MFA sign-in: ${mfa.ok} of ${mfaUsers.length} succeeded`);
    out.push('');
    out.push('Targets:');
    const target = (name: string, met: boolean, detail: string) => out.push(`  ${name}: ${met ? 'met' : 'not met'} (${detail})`);
    const exact = (n: number) => `${n.toFixed(3)}x`;
    target('GetUser >= 0.5x reference', ratio(getUser) >= 0.5, exact(ratio(getUser)));
    target(
      'password sign-in limited by RS256 + SRP (>= 2/3 of the crypto bound)',
      passwordSignIn.rps >= (2 / 3) * passwordBound,
      `${fmtRate(passwordSignIn.rps)} of ${fmtRate(passwordBound)}/s, ${pct(passwordSignIn.rps / passwordBound)}; ` +
        `crypto is ${pct(passwordCryptoCpuUs / passwordSignIn.serverCpuUs)} of the server's CPU per sign-in`,
    );
    target(
      'SRP sign-in >= 80% of the crypto bound',
      srp.rps >= 0.8 * srpBound,
      `${fmtRate(srp.rps)} of ${fmtRate(srpBound)} sign-ins/s, ${pct(srp.rps / srpBound)}`,
    );
    target('AssociateSoftwareToken >= 0.5x reference', ratio(associate) >= 0.5, exact(ratio(associate)));
    target(
      'VerifySoftwareToken >= 0.4x reference',
      ratio(verify) >= 0.4 && verify.ok === benchUsers.length,
      `${exact(ratio(verify))}, ${verify.ok}/${benchUsers.length} verified`,
    );
    out.push('');
    out.push('Phases:');
    for (const [name, seconds] of phases) out.push(`  ${seconds.toFixed(1).padStart(5)} s  ${name}`);
    out.push(`  ${((performance.now() - runStarted) / 1000).toFixed(1).padStart(5)} s  total`);
    if (serverOutput) out.push('', 'Server output (warnings and errors):', serverOutput.split('\n').slice(0, 20).join('\n'));
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await stopAll();
  }
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
