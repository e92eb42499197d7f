/**
 * A worker thread for SRP's modular exponentiations (src/crypto/srpPool.ts sends the tasks).
 * Each takes about half a millisecond of CPU: on the event loop they would stall every other request.
 */
import { parentPort } from 'node:worker_threads';
import { computeVerifier, startServerSession, verifyClientProof, verifyPassword } from './srp.js';

const tasks = { computeVerifier, verifyPassword, startServerSession, verifyClientProof } as const;

parentPort!.on('message', ({ id, task, args }: { id: number; task: keyof typeof tasks; args: unknown[] }) => {
  try {
    const result = (tasks[task] as (...a: unknown[]) => unknown)(...args);
    parentPort!.postMessage({ id, result });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
