/**
 * What the password sign-in costs in raw crypto on this machine, measured in the same run:
 * - RS256 signatures per second with node:crypto and a 2048-bit key, async (libuv thread pool,
 *   so both cores), as Cognate signs its access and ID tokens;
 * - src/crypto/srp.ts verifyPassword per second on one thread (Cognate runs it synchronously on
 *   its event loop), and on two worker threads (what the machine could do if it ran off the loop).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { computeVerifier, verifyPassword } from '../src/crypto/srp.js';
import { repoRoot } from './processes.js';

/** A signing input of the size of an access token's header and payload. */
const SIGNING_INPUT = Buffer.from(
  `${Buffer.from('{"kid":"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=","alg":"RS256"}').toString('base64url')}.` +
    Buffer.from(JSON.stringify({
      sub: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
      iss: 'http://127.0.0.1:9229/us-east-1_AbCdEfGhI',
      client_id: 'abcdefghijklmnopqrstuvwxyz',
      origin_jti: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
      event_id: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: 1767268800,
      exp: 1767272400,
      iat: 1767268800,
      jti: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
      username: 'bench-user-0001',
    })).toString('base64url'),
);

/** Operations per second (wall clock) and CPU microseconds per operation (all threads). */
export interface Rate {
  perSecond: number;
  cpuUs: number;
}

/** Async crypto.sign with 16 in flight: both cores through the libuv thread pool. */
export async function rs256PerSecond(seconds: number, inFlight = 16): Promise<Rate> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Warm the key and the pool.
  await Promise.all(Array.from({ length: inFlight }, () => new Promise((r) => sign('sha256', SIGNING_INPUT, privateKey, r))));
  let done = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await new Promise<void>((resolve, reject) =>
          sign('sha256', SIGNING_INPUT, privateKey, (err) => (err ? reject(err) : resolve())),
        );
        done++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: done / ((performance.now() - started) / 1000), cpuUs: (cpu.user + cpu.system) / done };
}

const POOL = 'AbCdEfGhI';
const USER = 'bench-user-0001';
const PASSWORD = 'Correct-Horse-9';

/** verifyPassword on this thread, synchronously, as Cognate runs it on its event loop. */
export function srpVerifyPerSecondOneThread(seconds: number): Rate {
  const { saltHex, verifierHex } = computeVerifier(POOL, USER, PASSWORD);
  for (let i = 0; i < 20; i++) verifyPassword(POOL, USER, PASSWORD, saltHex, verifierHex);
  let done = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    if (!verifyPassword(POOL, USER, PASSWORD, saltHex, verifierHex)) throw new Error('verifyPassword refused the right password');
    done++;
  }
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: done / ((performance.now() - started) / 1000), cpuUs: (cpu.user + cpu.system) / done };
}

/** verifyPassword from the build (dist/) on `threads` workers at once; total per second. */
export async function srpVerifyPerSecondThreads(seconds: number, threads: number): Promise<number> {
  const srpUrl = new URL('dist/crypto/srp.js', `file://${repoRoot}`).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.srpUrl).then(({ computeVerifier, verifyPassword }) => {
      const { saltHex, verifierHex } = computeVerifier('${POOL}', '${USER}', '${PASSWORD}');
      for (let i = 0; i < 20; i++) verifyPassword('${POOL}', '${USER}', '${PASSWORD}', saltHex, verifierHex);
      parentPort.once('message', (startAt) => {
        while (Date.now() < startAt) {}
        let done = 0;
        const started = performance.now();
        const deadline = started + workerData.seconds * 1000;
        while (performance.now() < deadline) { verifyPassword('${POOL}', '${USER}', '${PASSWORD}', saltHex, verifierHex); done++; }
        parentPort.postMessage(done / ((performance.now() - started) / 1000));
      });
      parentPort.postMessage('ready');
    });
  `;
  const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true, workerData: { srpUrl, seconds } }));
  try {
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    })));
    const startAt = Date.now() + 50;
    const rates = await Promise.all(
      workers.map((w) => {
        const rate = new Promise<number>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        });
        w.postMessage(startAt);
        return rate;
      }),
    );
    return rates.reduce((a, b) => a + b, 0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
