/**
 * The client half of SRP for the SRP sign-in bench, on worker threads (one per core) of the bench
 * process: each proof costs a few milliseconds of modular exponentiation (src/crypto/srpClient.ts),
 * which on the load generator's event loop would stall every other request it makes.
 *
 * The workers run the build's src/crypto/srpClient.ts (dist/crypto/srpClient.js): a worker does not
 * inherit tsx's loader, so `npm run build` must have run first (`npm run bench` does).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SrpChallenge, SrpClientSession } from '../src/crypto/srpClient.js';
import { WorkerPool } from '../src/crypto/workerPool.js';
import { repoRoot } from './processes.js';

const WORKER_CODE = `
  const { parentPort, workerData } = require('node:worker_threads');
  import(workerData.srpClientUrl).then(({ srpClientStart, srpClientProof }) => {
    parentPort.on('message', ({ id, op, session, challenge }) => {
      try {
        if (op === 'start') {
          parentPort.postMessage({ id, result: srpClientStart() });
        } else {
          const { signatureB64, timestamp } = srpClientProof(session, challenge);
          parentPort.postMessage({ id, result: { signatureB64, timestamp } });
        }
      } catch (err) {
        parentPort.postMessage({ id, error: String(err && err.stack || err) });
      }
    });
  }, (err) => { throw err; });
`;

/** The client half of SRP on a WorkerPool (src/crypto/workerPool.ts), the server's pool's plumbing. */
export class SrpClientPool {
  private constructor(private readonly pool: WorkerPool) {}

  get size(): number {
    return this.pool.size;
  }

  /** Starts the workers and waits until each has loaded the client code (so no timed phase pays for it). */
  static async start(size = availableParallelism()): Promise<SrpClientPool> {
    const srpClientUrl = new URL('dist/crypto/srpClient.js', `file://${repoRoot}`).href;
    const pool = new WorkerPool(() => new Worker(WORKER_CODE, { eval: true, workerData: { srpClientUrl } }), size);
    // One call per worker at once: the least busy worker takes each, so every worker answers one.
    await Promise.all(Array.from({ length: size }, () => pool.run({ op: 'start' })));
    return new SrpClientPool(pool);
  }

  /** A fresh client value: a (1024 random bits) and A = g^a mod N, the SRP_A parameter. */
  start(): Promise<SrpClientSession> {
    return this.pool.run({ op: 'start' });
  }

  /** PASSWORD_CLAIM_SIGNATURE and TIMESTAMP (now) for a PASSWORD_VERIFIER challenge. */
  proof(session: SrpClientSession, challenge: SrpChallenge): Promise<{ signatureB64: string; timestamp: string }> {
    return this.pool.run({ op: 'proof', session, challenge });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
