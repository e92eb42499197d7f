import type { Deps } from '../deps.js';
import { InvalidParameterException, ResourceNotFoundException } from '../errors.js';
// User look-up and new user records live in src/users/lookup.ts, below auth/ and operations/.
export { findUser, loadUser, newUser } from '../users/lookup.js';
import type { PoolRecord } from '../store/store.js';

export async function loadPool(deps: Pick<Deps, 'store'>, poolId: string): Promise<PoolRecord> {
  const pool = await deps.store.getPool(poolId);
  if (!pool) throw ResourceNotFoundException(`User pool ${poolId} does not exist.`);
  return pool;
}

/** Opaque pagination tokens: base64url of the last key, so clients cannot mistake them for data. */
export const encodeCursor = (key: string | undefined) => (key === undefined ? undefined : Buffer.from(key).toString('base64url'));
export function decodeCursor(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (!key || Buffer.from(key).toString('base64url') !== token) throw InvalidParameterException('Invalid pagination token.');
  return key;
}
