/** Confirmation and reset codes (PostgreSQL): one per user and purpose, consumed by one transaction. */
import { MAX_CODE_ATTEMPTS, type CodeCheck, type UserCodeRecord } from '../store.js';
import type { PostgresContext } from './context.js';

export async function putUserCode(ctx: PostgresContext, code: UserCodeRecord): Promise<void> {
  await ctx.query(
    `INSERT INTO user_codes (pool_id, username, purpose, code_hash, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0)
     ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code_hash = excluded.code_hash,
       expires_at = excluded.expires_at, attempts = 0`,
    [code.poolId, code.username, code.purpose, code.codeHash, code.expiresAt],
  );
}

export async function consumeUserCode(ctx: PostgresContext, poolId: string, username: string, purpose: string, codeHash: string, now: number): Promise<CodeCheck> {
  return ctx.transaction<CodeCheck>(async (c) => {
    const key = [poolId, username, purpose];
    const consumed = await ctx.query(
      'DELETE FROM user_codes WHERE pool_id = $1 AND username = $2 AND purpose = $3 AND code_hash = $4 AND expires_at > $5',
      [...key, codeHash, now],
      c,
    );
    if ((consumed.rowCount ?? 0) > 0) return { commit: true, result: 'ok' };
    // Lock the row so concurrent wrong guesses are counted one by one.
    const row = await ctx.one(
      'SELECT expires_at FROM user_codes WHERE pool_id = $1 AND username = $2 AND purpose = $3 FOR UPDATE',
      key,
      c,
    );
    if (!row) return { commit: true, result: 'missing' };
    if (Number(row.expires_at) <= now) return { commit: true, result: 'expired' };
    const counted = await ctx.one(
      'UPDATE user_codes SET attempts = attempts + 1 WHERE pool_id = $1 AND username = $2 AND purpose = $3 RETURNING attempts',
      key,
      c,
    );
    if (Number(counted!.attempts) >= MAX_CODE_ATTEMPTS) {
      await ctx.query('DELETE FROM user_codes WHERE pool_id = $1 AND username = $2 AND purpose = $3', key, c);
    }
    return { commit: true, result: 'mismatch' };
  });
}
