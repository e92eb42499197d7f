import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TooManyRequestsException } from '../errors.js';
import type { ClientProofArgs } from './srp.js';
import { WorkerPool } from './workerPool.js';

/**
 * SRP's modular exponentiations (a 3072-bit group) on a pool of worker threads, one per core, so
 * password checks and SRP steps run in parallel and the event loop stays free for other requests.
 * Workers hold no state; a worker is referenced only while it has work, so an idle pool never keeps
 * the process alive.
 */
interface Tasks {
  computeVerifier(poolName: string, userIdForSrp: string, password: string, saltHex?: string): { saltHex: string; verifierHex: string };
  verifyPassword(poolName: string, userIdForSrp: string, password: string, saltHex: string, verifierHex: string): boolean;
  startServerSession(verifierHex: string): { bHex: string; BHex: string };
  verifyClientProof(args: ClientProofArgs): boolean;
}

/**
 * The worker is the built JavaScript (`dist/crypto/srpWorker.js`): next to this file when built;
 * under tsx (the tests, which `npm test` runs after building) a worker would not inherit tsx's
 * loader, so it runs the build's copy of the same source.
 */
const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/crypto/srpWorker.js', import.meta.url)
  : new URL('./srpWorker.js', import.meta.url);

/**
 * SRP messages that may wait per worker (about 1 ms of CPU each): beyond, a call is refused with
 * TooManyRequestsException, which SDKs retry with backoff, instead of queueing without bound.
 */
export const SRP_QUEUE_PER_WORKER = 128;

/** What a caller gets when the SRP queue is full (HTTP 400, like Cognito's own throttling). */
export const srpQueueFull = () => TooManyRequestsException('Too many requests; try again later.');

let pool: WorkerPool | undefined;

export function runSrp<K extends keyof Tasks>(task: K, ...args: Parameters<Tasks[K]>): Promise<ReturnType<Tasks[K]>> {
  // Started on first use; a pool whose workers have all died is replaced.
  if (!pool || pool.size === 0) {
    const size = availableParallelism();
    pool = new WorkerPool(() => new Worker(workerUrl), size, SRP_QUEUE_PER_WORKER * size, srpQueueFull);
  }
  return pool.run({ task, args });
}
