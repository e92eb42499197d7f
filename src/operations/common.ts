import type { Deps } from '../deps.js';
import { ConcurrentModificationException, InvalidParameterException, ResourceNotFoundException } from '../errors.js';
// User look-up and new user records live in src/users/lookup.ts, below auth/ and operations/.
export { findUser, loadUser, newUser } from '../users/lookup.js';
import type { PoolRecord } from '../store/store.js';

export async function loadPool(deps: Pick<Deps, 'store'>, poolId: string): Promise<PoolRecord> {
  const pool = await deps.store.getPool(poolId);
  if (!pool) throw ResourceNotFoundException(`User pool ${poolId} does not exist.`);
  return pool;
}

/**
 * Reads the pool, makes its new record with `change` (which may refuse with an error), and writes
 * it only if the pool has not changed since it was read; otherwise reads it again and retries. So
 * two requests that change one pool at once (AddCustomAttributes and UpdateUserPool) cannot
 * overwrite each other's change. modifiedAt moves forward by at least 1 ms on every change, so a
 * change within the same millisecond is still seen. After 5 lost races: `busy` (Cognito's
 * ConcurrentModificationException where the operation may answer it). Changes of one pool made in
 * this process wait for each other (oneChangeAtATime).
 */
export function changePool(
  deps: Pick<Deps, 'store' | 'clock'>,
  poolId: string,
  change: (pool: PoolRecord) => PoolRecord | Promise<PoolRecord>,
  busy: (message: string) => Error = ConcurrentModificationException,
): Promise<PoolRecord> {
  return oneChangeAtATime(deps.store, poolId, async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const read = await loadPool(deps, poolId);
      const changed = await change(read);
      const updated = { ...changed, modifiedAt: Math.max(deps.clock.now(), read.modifiedAt + 1) };
      if (await deps.store.updatePool(updated, read.modifiedAt)) return updated;
    }
    throw busy('The user pool was changed by another request at the same time; try again.');
  });
}

/**
 * The pool changes this process is making, per store and pool: the last one's promise, which the next
 * waits for. Within one process the changes of a pool run one after another, since at once they only
 * make each other retry (nine at once could lose five races in a row); the conditional write above is
 * what keeps several processes from overwriting each other.
 */
const changesInProgress = new WeakMap<object, Map<string, Promise<unknown>>>();

async function oneChangeAtATime<T>(store: object, poolId: string, run: () => Promise<T>): Promise<T> {
  let pools = changesInProgress.get(store);
  if (!pools) changesInProgress.set(store, (pools = new Map()));
  const mine = (pools.get(poolId) ?? Promise.resolve()).then(run);
  const settled = mine.catch(() => undefined);
  pools.set(poolId, settled);
  try {
    return await mine;
  } finally {
    if (pools.get(poolId) === settled) pools.delete(poolId);
  }
}

/** Opaque pagination tokens: base64url of the last key, so clients cannot mistake them for data. */
export const encodeCursor = (key: string | undefined) => (key === undefined ? undefined : Buffer.from(key).toString('base64url'));
export function decodeCursor(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (!key || Buffer.from(key).toString('base64url') !== token) throw InvalidParameterException('Invalid pagination token.');
  return key;
}
