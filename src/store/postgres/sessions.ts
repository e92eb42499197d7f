/**
 * Sign-in sessions (PostgreSQL): the challenge sessions of InitiateAuth/RespondToAuthChallenge and the
 * attempt counters (unknown names' lockout, quotas).
 */
import type pg from 'pg';
import type { Quota, SessionRecord, TotpCompletion } from '../store.js';
import type { PostgresContext } from './context.js';
import { SESSION } from './columns.js';
import { toSession } from '../rows.js';
import { lockedSql, consumeStepOn } from './users.js';

/** How long an unknown name's failure count is kept after its last failure. */
const NAME_ATTEMPTS_TTL_MS = 86_400_000;

export async function reserveNameAttempt(ctx: PostgresContext, poolId: string, name: string, now: number): Promise<boolean> {
  const result = await ctx.query(
    `INSERT INTO attempt_counters AS a (pool_id, subject, kind, count, since, expires_at) VALUES ($1, $2, 'password', 1, $3, $4)
     ON CONFLICT (pool_id, subject, kind) DO UPDATE SET count = a.count + 1, since = excluded.since, expires_at = excluded.expires_at
     WHERE NOT ${lockedSql('a.count', 'a.since', 'excluded.since')}`,
    [poolId, name, now, now + NAME_ATTEMPTS_TTL_MS],
  );
  return (result.rowCount ?? 0) > 0;
}

/** INSERT ... ON CONFLICT DO UPDATE ... WHERE: the row lock makes concurrent uses count one by one. */
export async function takeQuota(ctx: PostgresContext, q: Quota, now: number): Promise<boolean> {
  const result = await ctx.query(
    `INSERT INTO attempt_counters AS a (pool_id, subject, kind, count, since, expires_at) VALUES ($1, $2, $3, 1, $4, $5)
     ON CONFLICT (pool_id, subject, kind) DO UPDATE SET
       count = CASE WHEN a.expires_at <= excluded.since THEN 1 ELSE a.count + 1 END,
       since = CASE WHEN a.expires_at <= excluded.since THEN excluded.since ELSE a.since END,
       expires_at = CASE WHEN a.expires_at <= excluded.since THEN excluded.expires_at ELSE a.expires_at END
     WHERE a.expires_at <= excluded.since OR a.count < $6`,
    [q.poolId, q.subject, q.kind, now, now + q.windowMs, q.limit],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function clearQuota(ctx: PostgresContext, poolId: string, subject: string, kind: string): Promise<void> {
  await ctx.query('DELETE FROM attempt_counters WHERE pool_id = $1 AND subject = $2 AND kind = $3', [poolId, subject, kind]);
}

export async function createSession(ctx: PostgresContext, s: SessionRecord): Promise<void> {
  await ctx.query(
    `INSERT INTO auth_sessions (id_hash, pool_id, client_id, username, challenge, context, created_at, expires_at,
       consumed_at, wrong_attempts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [s.idHash, s.poolId, s.clientId, s.username, s.challenge, JSON.stringify(s.context), s.createdAt, s.expiresAt,
      s.consumedAt, s.wrongAttempts],
  );
}

export async function getSession(ctx: PostgresContext, idHash: string): Promise<SessionRecord | undefined> {
  const row = await ctx.one(`SELECT ${SESSION} FROM auth_sessions WHERE id_hash = $1`, [idHash]);
  return row && toSession(row);
}

/** One conditional UPDATE ... RETURNING: of any number of concurrent callers, one gets the row. */
export async function consumeSession(ctx: PostgresContext, idHash: string, now: number): Promise<SessionRecord | undefined> {
  return consumeSessionOn(ctx, undefined, idHash, now);
}

async function consumeSessionOn(ctx: PostgresContext, on: pg.PoolClient | undefined, idHash: string, now: number): Promise<SessionRecord | undefined> {
  const row = await ctx.one(
    `UPDATE auth_sessions SET consumed_at = $1 WHERE id_hash = $2 AND consumed_at IS NULL RETURNING ${SESSION}`,
    [now, idHash],
    on,
  );
  return row && toSession(row);
}

export async function addSessionWrongAttempt(ctx: PostgresContext, idHash: string): Promise<number> {
  const row = await ctx.one(
    'UPDATE auth_sessions SET wrong_attempts = wrong_attempts + 1 WHERE id_hash = $1 RETURNING wrong_attempts',
    [idHash],
  );
  return row ? Number(row.wrong_attempts) : 0;
}

export async function reserveSessionAttempt(ctx: PostgresContext, idHash: string, max: number): Promise<boolean> {
  const result = await ctx.query(
    'UPDATE auth_sessions SET wrong_attempts = wrong_attempts + 1 WHERE id_hash = $1 AND wrong_attempts < $2 AND consumed_at IS NULL',
    [idHash, max],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function refundSessionAttempt(ctx: PostgresContext, idHash: string): Promise<void> {
  await ctx.query('UPDATE auth_sessions SET wrong_attempts = wrong_attempts - 1 WHERE id_hash = $1 AND wrong_attempts > 0', [idHash]);
}

/**
 * One transaction: consume the session, then the step. If the step was already used, roll back
 * so the session stays usable (a replayed code is the user's mistake, not the session's end).
 * Locks are always taken session first, user second, so these transactions cannot deadlock.
 */
export async function completeTotpChallenge(
  ctx: PostgresContext,
  idHash: string,
  poolId: string,
  username: string,
  step: number,
  now: number,
): Promise<TotpCompletion> {
  return ctx.transaction<TotpCompletion>(async (c) => {
    if (!(await consumeSessionOn(ctx, c, idHash, now))) return { commit: false, result: 'session-used' };
    if (!(await consumeStepOn(ctx, c, poolId, username, step))) return { commit: false, result: 'step-used' };
    return { commit: true, result: 'ok' };
  });
}

export async function deleteExpiredSessions(ctx: PostgresContext, now: number): Promise<number> {
  await ctx.query('DELETE FROM attempt_counters WHERE expires_at < $1', [now]);
  return (await ctx.query('DELETE FROM auth_sessions WHERE expires_at < $1', [now])).rowCount ?? 0;
}
