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
    parentPort.postMessage({ ready: true });
  }, (err) => { throw err; });
`;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(value: any): void; reject(err: Error): void }>;
}

export class SrpClientPool {
  private slots: Slot[] = [];
  private nextId = 0;

  private constructor(readonly size: number) {}

  static async start(size = availableParallelism()): Promise<SrpClientPool> {
    const pool = new SrpClientPool(size);
    const srpClientUrl = new URL('dist/crypto/srpClient.js', `file://${repoRoot}`).href;
    await Promise.all(
      Array.from({ length: size }, async () => {
        const slot: Slot = { worker: new Worker(WORKER_CODE, { eval: true, workerData: { srpClientUrl } }), pending: new Map() };
        await new Promise<void>((resolve, reject) => {
          slot.worker.once('message', () => resolve());
          slot.worker.once('error', reject);
        });
        slot.worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
          const waiting = slot.pending.get(id);
          slot.pending.delete(id);
          if (!waiting) return;
          if (error !== undefined) waiting.reject(new Error(error));
          else waiting.resolve(result);
        });
        slot.worker.on('error', (err) => {
          for (const waiting of slot.pending.values()) waiting.reject(err);
          slot.pending.clear();
        });
        pool.slots.push(slot);
      }),
    );
    return pool;
  }

  private run<T>(message: Record<string, unknown>): Promise<T> {
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, ...message });
    });
  }

  /** A fresh client value: a (1024 random bits) and A = g^a mod N, the SRP_A parameter. */
  start(): Promise<SrpClientSession> {
    return this.run({ op: 'start' });
  }

  /** PASSWORD_CLAIM_SIGNATURE and TIMESTAMP (now) for a PASSWORD_VERIFIER challenge. */
  proof(session: SrpClientSession, challenge: SrpChallenge): Promise<{ signatureB64: string; timestamp: string }> {
    return this.run({ op: 'proof', session, challenge });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}
