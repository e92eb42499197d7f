import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ClientProofArgs } from './srp.js';

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

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(value: unknown): void; reject(err: Error): void }>;
}

/**
 * The worker is the built JavaScript (`dist/crypto/srpWorker.js`): next to this file when built;
 * under tsx (the tests, which `npm test` runs after building) a worker would not inherit tsx's
 * loader, so it runs the build's copy of the same source.
 */
const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/crypto/srpWorker.js', import.meta.url)
  : new URL('./srpWorker.js', import.meta.url);

let slots: Slot[] | undefined;
let nextId = 0;

function start(): Slot[] {
  return Array.from({ length: Math.max(1, availableParallelism()) }, () => {
    const slot: Slot = { worker: new Worker(workerUrl), pending: new Map() };
    slot.worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const waiting = slot.pending.get(id);
      slot.pending.delete(id);
      if (slot.pending.size === 0) slot.worker.unref();
      if (!waiting) return;
      if (error !== undefined) waiting.reject(new Error(error));
      else waiting.resolve(result);
    });
    slot.worker.on('error', (err) => {
      for (const waiting of slot.pending.values()) waiting.reject(err);
      slot.pending.clear();
      slots = slots?.filter((s) => s !== slot);
      if (slots?.length === 0) slots = undefined;
    });
    // After the listeners: adding a 'message' listener references the worker again.
    slot.worker.unref();
    return slot;
  });
}

export function runSrp<K extends keyof Tasks>(task: K, ...args: Parameters<Tasks[K]>): Promise<ReturnType<Tasks[K]>> {
  slots ??= start();
  // The least busy worker.
  const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    slot.worker.ref();
    slot.worker.postMessage({ id, task, args });
  });
}
