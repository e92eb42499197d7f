import type { Deps } from '../deps.js';
import { TooManyRequestsException } from '../errors.js';
import type { UserRecord } from '../store/store.js';
import { lockoutEndsAt } from './password.js';

/** TOTP secrets are sealed with AES-256-GCM, bound to their user by the additional data. */
const aad = (user: Pick<UserRecord, 'poolId' | 'username'>) => `totp/${user.poolId}/${user.username}`;

export const sealTotpSecret = (deps: Pick<Deps, 'sealer'>, user: UserRecord, secret: string) =>
  deps.sealer.seal(secret, aad(user));

export const openTotpSecret = (deps: Pick<Deps, 'sealer'>, user: UserRecord, sealed: string) =>
  deps.sealer.open(sealed, aad(user)).toString('utf8');

/**
 * A user who keeps sending wrong MFA codes, across sessions, is throttled with the same growing
 * lockouts as passwords (5 free failures, then 1 s doubling to 15 min): TooManyRequestsException.
 * Cognito documents a limit without its numbers; these are Cognate's (docs/behaviour.md).
 */
export const MFA_THROTTLED = 'Too many failed attempts to verify the MFA code; try again later.';

/** Throws while the user is locked out; returns how many failures count against them. */
export async function checkMfaThrottle(deps: Pick<Deps, 'store' | 'clock'>, user: UserRecord): Promise<number> {
  const { count, lastAt } = await deps.store.getFailures(user.poolId, user.username, 'mfa');
  if (deps.clock.now() < lockoutEndsAt(count, lastAt)) throw TooManyRequestsException(MFA_THROTTLED);
  return count;
}

/** A right code resets the count (a write only when there is something to reset). */
export async function mfaSucceeded(deps: Pick<Deps, 'store'>, user: UserRecord, failures: number): Promise<void> {
  if (failures > 0) await deps.store.clearFailures(user.poolId, user.username, 'mfa');
}
