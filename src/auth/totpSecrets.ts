import { BoundedMap } from '../boundedMap.js';
import type { Sealer } from '../crypto/sealing.js';
import type { Deps } from '../deps.js';
import { NotAuthorizedException, TooManyRequestsException } from '../errors.js';
import type { SessionRecord, UserRecord } from '../store/store.js';
import { SESSION_INVALID } from './session.js';

/** TOTP secrets are sealed with AES-256-GCM, bound to their user by the additional data. */
const aad = (user: Pick<UserRecord, 'poolId' | 'username'>) => `totp/${user.poolId}/${user.username}`;

/**
 * The secret each user's TOTP code was last checked against (or that AssociateSoftwareToken just
 * sealed), with its sealed text, so that VerifySoftwareToken right after AssociateSoftwareToken, and
 * each SOFTWARE_TOKEN_MFA answer, skip an AES-GCM open (docs/performance.md). It stays in this
 * process's memory, which holds the sealing key anyway; the database keeps only sealed values. A
 * sealed text never changes meaning, so what is remembered cannot be stale; it is used only for the
 * same user and the very same sealed text, so a sealed value copied to another user's row still has
 * to open, and fails there. One memo per sealing key, one entry per user, bounded.
 */
const OPENED_MAX = 20_000;
const openedBySealer = new WeakMap<Sealer, BoundedMap<string, { sealed: string; secret: string }>>();

function opened(sealer: Sealer): BoundedMap<string, { sealed: string; secret: string }> {
  let memo = openedBySealer.get(sealer);
  if (!memo) openedBySealer.set(sealer, (memo = new BoundedMap(OPENED_MAX)));
  return memo;
}

export function sealTotpSecret(deps: Pick<Deps, 'sealer'>, user: UserRecord, secret: string): string {
  const binding = aad(user);
  const sealed = deps.sealer.seal(secret, binding);
  opened(deps.sealer).set(binding, { sealed, secret });
  return sealed;
}

/** Throws SealError when `sealed` does not open for this user. */
export function openTotpSecret(deps: Pick<Deps, 'sealer'>, user: UserRecord, sealed: string): string {
  const binding = aad(user);
  const memo = opened(deps.sealer);
  const known = memo.get(binding);
  if (known?.sealed === sealed) return known.secret;
  const secret = deps.sealer.open(sealed, binding).toString('utf8');
  memo.set(binding, { sealed, secret });
  return secret;
}

/**
 * A user who keeps sending wrong MFA codes, across sessions, is throttled with the same growing
 * lockouts as passwords (5 free failures, then 1 s doubling to 15 min): TooManyRequestsException.
 * Cognito documents a limit without its numbers; these are Cognate's (docs/behaviour.md).
 */
export const MFA_THROTTLED = 'Too many failed attempts to verify the MFA code; try again later.';

/**
 * Reserves one MFA code attempt before the code is checked, each limit in one conditional statement
 * in the store: the session's cap on wrong answers (`--max-mfa-attempts`, when the code answers a
 * session: "Invalid session for the user." once it is spent) and the user's throttle
 * (TooManyRequestsException). Concurrent codes therefore cannot all be evaluated before any is
 * counted. A wrong code stays counted; a right one resets the user's count (the store does it with
 * the accepted time step, or clearFailures for SMS codes) and spends the session.
 */
export async function reserveMfaAttempt(
  deps: Pick<Deps, 'store' | 'clock' | 'config'>,
  user: UserRecord,
  session?: SessionRecord,
): Promise<void> {
  if (session && !(await deps.store.reserveSessionAttempt(session.idHash, deps.config.maxMfaAttemptsPerSession))) {
    throw NotAuthorizedException(SESSION_INVALID);
  }
  if (!(await deps.store.reserveAttempt(user.poolId, user.username, 'mfa', deps.clock.now()))) {
    if (session) await deps.store.refundSessionAttempt(session.idHash); // not evaluated: not the session's fault
    throw TooManyRequestsException(MFA_THROTTLED);
  }
}

/** Gives a reservation back for a code that was not wrong (a replayed one, or one that lost a race). */
export async function refundMfaAttempt(deps: Pick<Deps, 'store'>, user: UserRecord, session?: SessionRecord): Promise<void> {
  await deps.store.refundAttempt(user.poolId, user.username, 'mfa');
  if (session) await deps.store.refundSessionAttempt(session.idHash);
}
