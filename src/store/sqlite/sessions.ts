/**
 * Sign-in sessions (SQLite): the challenge sessions of InitiateAuth/RespondToAuthChallenge and the
 * attempt counters (unknown names' lockout, quotas).
 */
import type { SqliteContext } from './context.js';
import { toSession, type Row } from '../rows.js';
import type { Quota, SessionRecord, TotpCompletion } from '../store.js';
import { consumeStepSync, lockedSql } from './users.js';

/** How long an unknown name's failure count is kept after its last failure. */
const NAME_ATTEMPTS_TTL_MS = 86_400_000;

class StepUsed extends Error {}

export async function reserveNameAttempt(ctx: SqliteContext, poolId: string, name: string, now: number): Promise<boolean> {
  const row = ctx.sql(
    `INSERT INTO attempt_counters (pool_id, subject, kind, count, since, expires_at) VALUES (?, ?, 'password', 1, ?, ?)
     ON CONFLICT (pool_id, subject, kind) DO UPDATE SET count = attempt_counters.count + 1, since = excluded.since,
       expires_at = excluded.expires_at
     WHERE NOT ${lockedSql('attempt_counters.count', 'attempt_counters.since', 'excluded.since')}
     RETURNING count`,
  ).get(poolId, name, now, now + NAME_ATTEMPTS_TTL_MS) as Row | undefined;
  return row !== undefined;
}

export async function takeQuota(ctx: SqliteContext, q: Quota, now: number): Promise<boolean> {
  // A window that has ended starts again at this use.
  const row = ctx.sql(
    `INSERT INTO attempt_counters (pool_id, subject, kind, count, since, expires_at) VALUES (?, ?, ?, 1, ?, ?)
     ON CONFLICT (pool_id, subject, kind) DO UPDATE SET
       count = CASE WHEN attempt_counters.expires_at <= excluded.since THEN 1 ELSE attempt_counters.count + 1 END,
       since = CASE WHEN attempt_counters.expires_at <= excluded.since THEN excluded.since ELSE attempt_counters.since END,
       expires_at = CASE WHEN attempt_counters.expires_at <= excluded.since THEN excluded.expires_at ELSE attempt_counters.expires_at END
     WHERE attempt_counters.expires_at <= excluded.since OR attempt_counters.count < ?
     RETURNING count`,
  ).get(q.poolId, q.subject, q.kind, now, now + q.windowMs, q.limit) as Row | undefined;
  return row !== undefined;
}

export async function clearQuota(ctx: SqliteContext, poolId: string, subject: string, kind: string): Promise<void> {
  ctx.sql('DELETE FROM attempt_counters WHERE pool_id = ? AND subject = ? AND kind = ?').run(poolId, subject, kind);
}

export async function createSession(ctx: SqliteContext, s: SessionRecord): Promise<void> {
  ctx.sql(
    `INSERT INTO auth_sessions (id_hash, pool_id, client_id, username, challenge, context, created_at, expires_at,
       consumed_at, wrong_attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.idHash, s.poolId, s.clientId, s.username, s.challenge, JSON.stringify(s.context), s.createdAt, s.expiresAt,
    s.consumedAt, s.wrongAttempts,
  );
}

export async function getSession(ctx: SqliteContext, idHash: string): Promise<SessionRecord | undefined> {
  const row = ctx.sql('SELECT * FROM auth_sessions WHERE id_hash = ?').get(idHash) as Row | undefined;
  return row && toSession(row);
}

export async function consumeSession(ctx: SqliteContext, idHash: string, now: number): Promise<SessionRecord | undefined> {
  return consumeSessionSync(ctx, idHash, now);
}

function consumeSessionSync(ctx: SqliteContext, idHash: string, now: number): SessionRecord | undefined {
  const row = ctx.sql(
    'UPDATE auth_sessions SET consumed_at = ? WHERE id_hash = ? AND consumed_at IS NULL RETURNING *',
  ).get(now, idHash) as Row | undefined;
  return row && toSession(row);
}

export async function addSessionWrongAttempt(ctx: SqliteContext, idHash: string): Promise<number> {
  const row = ctx.sql(
    'UPDATE auth_sessions SET wrong_attempts = wrong_attempts + 1 WHERE id_hash = ? RETURNING wrong_attempts',
  ).get(idHash) as Row | undefined;
  return row?.wrong_attempts ?? 0;
}

export async function reserveSessionAttempt(ctx: SqliteContext, idHash: string, max: number): Promise<boolean> {
  return (
    ctx.sql(
      'UPDATE auth_sessions SET wrong_attempts = wrong_attempts + 1 WHERE id_hash = ? AND wrong_attempts < ? AND consumed_at IS NULL',
    ).run(idHash, max).changes > 0
  );
}

export async function refundSessionAttempt(ctx: SqliteContext, idHash: string): Promise<void> {
  ctx.sql('UPDATE auth_sessions SET wrong_attempts = wrong_attempts - 1 WHERE id_hash = ? AND wrong_attempts > 0').run(idHash);
}

export async function completeTotpChallenge(
  ctx: SqliteContext,
  idHash: string,
  poolId: string,
  username: string,
  step: number,
  now: number,
): Promise<TotpCompletion> {
  const run = ctx.transaction((): TotpCompletion => {
    if (!consumeSessionSync(ctx, idHash, now)) return 'session-used';
    if (!consumeStepSync(ctx, poolId, username, step)) {
      // Leave the session usable: a replayed code is the user's mistake, not the session's end.
      throw new StepUsed();
    }
    return 'ok';
  });
  try {
    return run();
  } catch (err) {
    if (err instanceof StepUsed) return 'step-used';
    throw err;
  }
}

export async function deleteExpiredSessions(ctx: SqliteContext, now: number): Promise<number> {
  ctx.sql('DELETE FROM attempt_counters WHERE expires_at < ?').run(now);
  return ctx.sql('DELETE FROM auth_sessions WHERE expires_at < ?').run(now).changes;
}
