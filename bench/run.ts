/**
 * `npm run bench`: a bounded load test of the real server on 127.0.0.1, next to a bare node:http
 * reference measured in the same run. It stops by itself (about 70 s on a quiet 2-core machine,
 * up to 1.5 minutes on a busy one) and exits 0 once it has measured: a target that is not met is
 * reported, not a failure. It exits 1 only when it could not measure (setup failed).
 * See docs/performance.md for what each figure means.
 *
 * Environment: BENCH_DURATION seconds per timed bench (default 8), BENCH_CONNECTIONS (default 32),
 * BENCH_TOTP_USERS users for the fixed-count TOTP benches (default 3200), BENCH_SERVER_NODE_ARGS
 * Node flags for the server only (e.g. --cpu-prof), BENCH_SERVER_MAIN another build's main.js.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type autocannon from 'autocannon';
import { srpVerifyPerSecondOneThread, srpVerifyPerSecondThreads, rs256PerSecond } from './cryptoBench.js';
import { CognitoHttp, mapLimit } from './http.js';
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

const intEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const DURATION = intEnv('BENCH_DURATION', 8);
const WARMUP = 1;
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 32);
// A multiple of the connection count, so autocannon gives every connection the same share.
const TOTP_USERS = Math.ceil(intEnv('BENCH_TOTP_USERS', 3200) / CONNECTIONS) * CONNECTIONS;
const WARM_TOTP_USERS = 64;
const SIGNIN_USERS = 64;

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
  const stopAll = () => Promise.all(children.map((c) => c.stop()));
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
    const rs256 = await phase('crypto: RS256 signatures/s (2048-bit, async, both cores)', () => rs256PerSecond(2));
    const srp1 = await phase('crypto: verifyPassword/s (one thread)', () => srpVerifyPerSecondOneThread(1.5));
    const srp2 = await phase('crypto: verifyPassword/s (two worker threads)', () => srpVerifyPerSecondThreads(1.5, 2));
    log(
      `crypto: RS256 ${fmtRate(rs256.perSecond)}/s (${fmtRate(rs256.cpuUs)} us CPU each); verifyPassword ` +
        `${fmtRate(srp1.perSecond)}/s on one thread (${fmtRate(srp1.cpuUs)} us CPU each), ${fmtRate(srp2)}/s on two`,
    );
    // Whole-machine crypto cost of one sign-in: two signatures and one verifier check.
    const cryptoBound = 1 / (2 / rs256.perSecond + 1 / srp2);
    // Cognate runs verifyPassword synchronously on its single event loop: one thread's worth at most.
    const signInBound = Math.min(cryptoBound, srp1.perSecond);
    // The same in CPU time: what one sign-in must spend on crypto, whatever else runs on the machine.
    const cryptoCpuUs = 2 * rs256.cpuUs + srp1.cpuUs;

    // ---- 5. password sign-in ------------------------------------------------------------------
    let signInNext = 0;
    const signInReq = rotating('InitiateAuth', () => ({
      ClientId: pool.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: plainUsers[signInNext++ % plainUsers.length], PASSWORD },
    }));
    const passwordSignIn = await phase('bench: InitiateAuth USER_PASSWORD_AUTH', () => timed(server, [signInReq]));
    log(`password sign-in: ${describe(passwordSignIn)}`);

    // ---- 6. AssociateSoftwareToken -------------------------------------------------------------
    const associate = await phase('bench: AssociateSoftwareToken', () =>
      timed(server, [post('AssociateSoftwareToken', { AccessToken: associateToken })]),
    );
    log(`AssociateSoftwareToken: ${describe(associate)}`);

    // ---- 7. VerifySoftwareToken: one fresh (user, step) per request ----------------------------
    const totpUsers = await phase(`setup: ${totpNames.length} users signed in with a pending TOTP secret`, () =>
      prepareTotpUsers(api, pool, totpNames, CONNECTIONS),
    );
    const warmUsers = totpUsers.slice(0, WARM_TOTP_USERS);
    const benchUsers = totpUsers.slice(WARM_TOTP_USERS);
    await phase('warm-up: VerifySoftwareToken', () =>
      mapLimit(warmUsers, CONNECTIONS, async (u) => {
        const { code, step } = nextCode(u);
        await api.ok('VerifySoftwareToken', { AccessToken: u.accessToken, UserCode: code });
        u.lastStep = step;
        u.verified = true;
      }),
    );
    let verifyNext = 0;
    const verifyReq: autocannon.Request = {
      ...rotating('VerifySoftwareToken', (context) => {
        const u = benchUsers[verifyNext++];
        // autocannon builds exactly `amount` requests; should it ask for more, they fail visibly.
        if (!u) return { AccessToken: 'no-more-users', UserCode: '000000' };
        const { code, step } = nextCode(u);
        context.user = u;
        context.step = step;
        return { AccessToken: u.accessToken, UserCode: code };
      }),
      onResponse: (status, _body, context) => {
        const { user, step } = context as { user?: TotpUser; step: number };
        if (status === 200 && user) {
          user.verified = true;
          user.lastStep = step;
        }
      },
    };
    const verify = await phase(`bench: VerifySoftwareToken (${benchUsers.length} distinct users)`, () =>
      measured(server, () =>
        runAutocannon({ url: server.url, connections: CONNECTIONS, amount: benchUsers.length, requests: [verifyReq] }),
      ),
    );
    log(`VerifySoftwareToken: ${describe(verify)}`);

    // ---- 8. full MFA sign-in: InitiateAuth -> SOFTWARE_TOKEN_MFA -> RespondToAuthChallenge --------
    const mfaWarm = warmUsers.filter((u) => u.verified);
    const mfaUsers = benchUsers.filter((u) => u.verified);
    await phase(`setup: TOTP enabled and preferred for ${mfaWarm.length + mfaUsers.length} users`, () =>
      enableTotp(api, [...mfaWarm, ...mfaUsers], CONNECTIONS),
    );
    const mfaSignIn = async (u: TotpUser): Promise<{ ms: number } | { failure: string }> => {
      const started = performance.now();
      const first = await api.call('InitiateAuth', {
        ClientId: pool.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: u.username, PASSWORD },
      });
      if (first.status !== 200 || first.body.ChallengeName !== 'SOFTWARE_TOKEN_MFA') {
        return { failure: `InitiateAuth ${first.status} ${first.body?.__type ?? first.body?.ChallengeName ?? ''}`.trim() };
      }
      const { code, step } = nextCode(u);
      const second = await api.call('RespondToAuthChallenge', {
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
    await phase('warm-up: MFA sign-in', () => runClosedLoop(mfaWarm.length, CONNECTIONS, (i) => mfaSignIn(mfaWarm[i]!)));
    const mfa = await phase(`bench: MFA sign-in (${mfaUsers.length} distinct users)`, () =>
      measured(server, () => runClosedLoop(mfaUsers.length, CONNECTIONS, (i) => mfaSignIn(mfaUsers[i]!))),
    );
    log(`MFA sign-in: ${describe(mfa).replace('req/s', 'sign-ins/s').replace(' x 200', ' sign-ins')}`);

    api.close();
    await phase('cognate: stop the server', () => server.stop());
    const referenceEnd = await phase('reference again, at the end', () => timed(referenceServer, referenceRequests));
    log(`reference at the end: ${describe(referenceEnd)}`);
    await referenceServer.stop();
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
      row('InitiateAuth USER_PASSWORD_AUTH', passwordSignIn, `>= 2/3 of bound ${fmtRate(signInBound)}/s`),
      row('AssociateSoftwareToken', associate, '>= 0.50x ref'),
      row('VerifySoftwareToken', verify, '>= 0.40x ref'),
      row('MFA sign-in (Initiate + Respond)', mfa, `none (${pct(mfa.rps / signInBound)} of bound)`),
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
    out.push('MFA sign-in counts completed sign-ins (two requests each) per second; its p99 is of the pair.');
    out.push(
      `Password sign-in crypto: RS256 ${fmtRate(rs256.perSecond)} signatures/s (2048-bit, async, both cores); ` +
        `verifyPassword ${fmtRate(srp1.perSecond)}/s on one thread, ${fmtRate(srp2)}/s on two.`,
    );
    out.push(
      `  bound = min(1 / (2/${fmtRate(rs256.perSecond)} + 1/${fmtRate(srp2)}), ${fmtRate(srp1.perSecond)} on the event loop) = ` +
        `${fmtRate(signInBound)} sign-ins/s; measured ${fmtRate(passwordSignIn.rps)} (${pct(passwordSignIn.rps / signInBound)}), ` +
        `MFA sign-in ${fmtRate(mfa.rps)} (${pct(mfa.rps / signInBound)})`,
    );
    out.push(
      `  CPU: the crypto of one sign-in costs ${fmtRate(cryptoCpuUs)} us (2 x ${fmtRate(rs256.cpuUs)} + ${fmtRate(srp1.cpuUs)}); ` +
        `the server spent ${fmtRate(passwordSignIn.serverCpuUs)} us per password sign-in (crypto ${pct(cryptoCpuUs / passwordSignIn.serverCpuUs)} of it) ` +
        `and ${fmtRate(mfa.serverCpuUs)} us per MFA sign-in (${pct(cryptoCpuUs / mfa.serverCpuUs)})`,
    );
    const problems: [string, Measured][] = [
      ['GetUser', getUser],
      ['InitiateAuth', passwordSignIn],
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
    const target = (name: string, met: boolean, detail: string) =>
      out.push(`TARGET ${met ? 'MET    ' : 'NOT MET'}  ${name}: ${detail}`);
    const exact = (n: number) => `${n.toFixed(3)}x`;
    target('GetUser >= 0.5x reference', ratio(getUser) >= 0.5, exact(ratio(getUser)));
    target(
      'password sign-in limited by RS256 + SRP (>= 2/3 of the crypto bound)',
      passwordSignIn.rps >= (2 / 3) * signInBound,
      `${fmtRate(passwordSignIn.rps)} of ${fmtRate(signInBound)}/s (${pct(passwordSignIn.rps / signInBound)}); ` +
        `crypto is ${pct(cryptoCpuUs / passwordSignIn.serverCpuUs)} of the server's CPU per sign-in`,
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
