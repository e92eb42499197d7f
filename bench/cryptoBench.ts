/**
 * What a sign-in costs in raw crypto on this machine, measured in the same run as the load:
 * - RS256 signatures per second with node:crypto and a 2048-bit key, async (libuv thread pool,
 *   so both cores), as Cognate signs its access and ID tokens;
 * - the server's SRP work on Cognate's own worker pool (src/crypto/srpPool.ts runSrp, one worker
 *   per core, as the server runs it): verifyPassword (password sign-in), and startServerSession +
 *   verifyClientProof (the two SRP steps of one USER_SRP_AUTH sign-in);
 * - the client's proof for one SRP sign-in (src/crypto/srpClient.ts srpClientProof: g^x and
 *   (B - k g^x)^(a + u x) mod N) on the bench's own client pool (one worker per core).
 * Each is run with enough operations in flight to keep every thread busy, for a fixed time;
 * CPU per operation is this process's CPU (all threads) over the operations.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { computeVerifier, startServerSession, type ClientProofArgs } from '../src/crypto/srp.js';
import { srpClientProof, srpClientStart } from '../src/crypto/srpClient.js';
import { runSrp } from '../src/crypto/srpPool.js';
import type { SrpClientPool } from './srpClientPool.js';

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

/**
 * `inFlight` loops each running `op` back to back for `seconds`, after `warm` operations per loop.
 * Operations that end after the deadline still count: the rate is over the time to the last one.
 */
async function rate(seconds: number, inFlight: number, op: () => Promise<void>, warm = 2): Promise<Rate> {
  await Promise.all(Array.from({ length: inFlight }, async () => {
    for (let i = 0; i < warm; i++) await op();
  }));
  let done = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await op();
        done++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: done / ((performance.now() - started) / 1000), cpuUs: (cpu.user + cpu.system) / done };
}

/** Async crypto.sign with 16 in flight: both cores through the libuv thread pool. */
export async function rs256PerSecond(seconds: number, inFlight = 16): Promise<Rate> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return rate(seconds, inFlight, () =>
    new Promise<void>((resolve, reject) => sign('sha256', SIGNING_INPUT, privateKey, (err) => (err ? reject(err) : resolve()))),
  );
}

const POOL_NAME = 'AbCdEfGhI';
const USER = 'bench-user-0001';
const PASSWORD = 'Correct-Horse-9';

/** One user's SRP values and a complete, valid exchange, made once (untimed). */
function sampleExchange() {
  const { saltHex, verifierHex } = computeVerifier(POOL_NAME, USER, PASSWORD);
  const client = srpClientStart();
  const { bHex, BHex } = startServerSession(verifierHex);
  const secretBlockB64 = Buffer.alloc(64, 7).toString('base64');
  const challenge = { poolName: POOL_NAME, userIdForSrp: USER, password: PASSWORD, saltHex, BHex, secretBlockB64 };
  const { signatureB64, timestamp } = srpClientProof(client, challenge);
  const proof: ClientProofArgs = {
    poolName: POOL_NAME,
    userIdForSrp: USER,
    verifierHex,
    AHex: client.AHex,
    bHex,
    BHex,
    secretBlockB64,
    timestamp,
    signatureB64,
  };
  return { saltHex, verifierHex, client, challenge, proof };
}

/** Enough in flight for every worker of a pool to always have the next task queued. */
const SRP_IN_FLIGHT = 8;

/** verifyPassword on Cognate's SRP worker pool (runSrp), as the password sign-in runs it. */
export async function verifyPasswordPerSecond(seconds: number): Promise<Rate> {
  const { saltHex, verifierHex } = sampleExchange();
  return rate(seconds, SRP_IN_FLIGHT, async () => {
    if (!(await runSrp('verifyPassword', POOL_NAME, USER, PASSWORD, saltHex, verifierHex))) {
      throw new Error('verifyPassword refused the right password');
    }
  });
}

/**
 * The server's SRP crypto of one USER_SRP_AUTH sign-in on Cognate's worker pool: startServerSession
 * (InitiateAuth: B = k v + g^b) then verifyClientProof (RespondToAuthChallenge: S = (A v^u)^b, HKDF,
 * HMAC), one after the other as the two requests run them. The proof checked is always the same
 * valid one, which costs what any other does.
 */
export async function serverSrpPerSecond(seconds: number): Promise<Rate> {
  const { verifierHex, proof } = sampleExchange();
  return rate(seconds, SRP_IN_FLIGHT, async () => {
    await runSrp('startServerSession', verifierHex);
    if (!(await runSrp('verifyClientProof', proof))) throw new Error('verifyClientProof refused a valid proof');
  });
}

/** The client's proof of one SRP sign-in (g^x and one modexp with a ~1024-bit exponent) on the bench's client pool. */
export async function clientProofPerSecond(seconds: number, pool: SrpClientPool): Promise<Rate> {
  const { client, challenge } = sampleExchange();
  return rate(seconds, 2 * pool.size + 2, async () => {
    await pool.proof(client, challenge);
  });
}
