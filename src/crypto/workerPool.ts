import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(value: unknown): void; reject(err: Error): void }>;
}

/**
 * Worker threads, one per core, for CPU-heavy work that must stay off the event loop. A message
 * goes to the least busy worker with an `id`; the worker answers `{ id, result }` or
 * `{ id, error }` (a message without a known id is ignored). A worker is referenced only while it
 * has work, so an idle pool never keeps the process alive; a worker that dies fails what it had
 * and leaves the pool.
 *
 * The queue is bounded: with `maxPending` messages already waiting across the pool, `run` fails
 * at once with `whenFull()` instead of queueing more. Without a bound, a flood of sign-ins queues
 * without limit, every caller waits longer, and memory grows (docs/security.md).
 */
export class WorkerPool {
  private slots: Slot[];
  private nextId = 0;
  private pending = 0;

  constructor(
    spawn: () => Worker,
    size = availableParallelism(),
    private readonly maxPending = Infinity,
    private readonly whenFull: () => Error = () => new Error('the worker pool is full'),
  ) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => this.slot(spawn()));
  }

  /** Messages sent and not yet answered, across the pool. */
  get queued(): number {
    return this.pending;
  }

  get size(): number {
    return this.slots.length;
  }

  run<T>(message: Record<string, unknown>): Promise<T> {
    if (this.slots.length === 0) return Promise.reject(new Error('every worker of the pool has died'));
    if (this.pending >= this.maxPending) return Promise.reject(this.whenFull());
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending++;
      slot.pending.set(id, {
        resolve: (value) => {
          this.pending--;
          resolve(value as T);
        },
        reject: (err) => {
          this.pending--;
          reject(err);
        },
      });
      slot.worker.ref();
      slot.worker.postMessage({ id, ...message });
    });
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private slot(worker: Worker): Slot {
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', ({ id, result, error }: { id?: number; result?: unknown; error?: string }) => {
      const waiting = id === undefined ? undefined : slot.pending.get(id);
      if (!waiting) return;
      slot.pending.delete(id!);
      if (slot.pending.size === 0) worker.unref();
      if (error !== undefined) waiting.reject(new Error(error));
      else waiting.resolve(result);
    });
    worker.on('error', (err) => {
      for (const waiting of slot.pending.values()) waiting.reject(err);
      slot.pending.clear();
      this.slots = this.slots.filter((s) => s !== slot);
    });
    // After the listeners: adding a 'message' listener references the worker again.
    worker.unref();
    return slot;
  }
}
