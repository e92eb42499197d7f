import type { Deps } from '../deps.js';
import { NotAuthorizedException } from '../errors.js';
import type { ClientRecord, Json, SessionRecord } from '../store/store.js';
import { sha256Hex } from '../tokens/issue.js';
import { randomBytesPooled } from '../crypto/random.js';

/**
 * Auth sessions: the opaque `Session` strings passed both ways in challenge-response calls.
 * The string is 64 random bytes (a bearer secret); the database keeps only its SHA-256.
 * Each step consumes its session and issues a new one with a fresh expiry
 * (AuthSessionValidity minutes, 3 by default; https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
 */
export const SESSION_INVALID = 'Invalid session for the user.';
export const SESSION_EXPIRED = 'Invalid session for the user, session is expired.';
export const SESSION_USED = 'Invalid session for the user, session can only be used once.';

export function sessionValidityMs(client: ClientRecord): number {
  const minutes = (client.settings as Record<string, unknown>).AuthSessionValidity;
  return (typeof minutes === 'number' ? minutes : 3) * 60_000;
}

export interface NewSession {
  poolId: string;
  client: ClientRecord;
  username: string;
  /** The user's sub: the session is for this user, not for whoever holds the name next. */
  sub: string;
  challenge: string;
  context?: { [key: string]: Json | undefined };
}

export async function createSession(deps: Pick<Deps, 'store' | 'clock'>, s: NewSession): Promise<string> {
  // Never a leading '-': the aws CLI (argparse) would take `--session -abc...` for an option, 1 time in 64.
  const session = `S${randomBytesPooled(64).toString('base64url')}`;
  const now = deps.clock.now();
  await deps.store.createSession({
    idHash: sha256Hex(session),
    poolId: s.poolId,
    clientId: s.client.id,
    username: s.username,
    challenge: s.challenge,
    context: { ...s.context, sub: s.sub },
    createdAt: now,
    expiresAt: now + sessionValidityMs(s.client),
    consumedAt: null,
    wrongAttempts: 0,
  });
  return session;
}

/**
 * Finds a live session for one of the expected challenges, without consuming it.
 * Garbage, another challenge's session, or another client's: "Invalid session for the user.";
 * used: "... can only be used once."; too old: "... session is expired.".
 */
export async function findSession(
  deps: Pick<Deps, 'store' | 'clock'>,
  session: string,
  challenges: readonly string[],
  clientId?: string,
  maxWrongAttempts = Infinity,
): Promise<SessionRecord> {
  const record = await deps.store.getSession(sha256Hex(session));
  if (!record || !challenges.includes(record.challenge) || (clientId !== undefined && record.clientId !== clientId)) {
    throw NotAuthorizedException(SESSION_INVALID);
  }
  // A session killed by too many wrong codes is invalid, not "used".
  if (record.wrongAttempts >= maxWrongAttempts) throw NotAuthorizedException(SESSION_INVALID);
  if (record.consumedAt !== null) throw NotAuthorizedException(SESSION_USED);
  if (record.expiresAt <= deps.clock.now()) throw NotAuthorizedException(SESSION_EXPIRED);
  return record;
}

/**
 * Whether a session is for this user: the same username and, for sessions that carry it, the same
 * sub (a user deleted and created again under the name is another user).
 */
export function sessionIsFor(record: SessionRecord, user: { username: string; sub: string }): boolean {
  return record.username === user.username && (record.context.sub === undefined || record.context.sub === user.sub);
}

/** Consumes a session found by findSession; losing a race to another request is "used once". */
export async function consumeSession(deps: Pick<Deps, 'store' | 'clock'>, record: SessionRecord): Promise<void> {
  if (!(await deps.store.consumeSession(record.idHash, deps.clock.now()))) {
    throw NotAuthorizedException(SESSION_USED);
  }
}
