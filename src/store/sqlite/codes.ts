/** Confirmation and reset codes (SQLite): one per user and purpose, consumed by one transaction. */
import { MAX_CODE_ATTEMPTS, type CodeCheck, type UserCodeRecord } from '../store.js';
import type { SqliteContext } from './context.js';
import type { Row } from '../rows.js';

export async function putUserCode(ctx: SqliteContext, c: UserCodeRecord): Promise<void> {
  ctx.sql(
    `INSERT INTO user_codes (pool_id, username, purpose, code_hash, expires_at, attempts) VALUES (?, ?, ?, ?, ?, 0)
     ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code_hash = excluded.code_hash,
       expires_at = excluded.expires_at, attempts = 0`,
  ).run(c.poolId, c.username, c.purpose, c.codeHash, c.expiresAt);
}

export async function consumeUserCode(ctx: SqliteContext, poolId: string, username: string, purpose: string, codeHash: string, now: number): Promise<CodeCheck> {
  const run = ctx.transaction((): CodeCheck => {
    const consumed = ctx.sql(
      'DELETE FROM user_codes WHERE pool_id = ? AND username = ? AND purpose = ? AND code_hash = ? AND expires_at > ?',
    ).run(poolId, username, purpose, codeHash, now).changes;
    if (consumed > 0) return 'ok';
    const row = ctx.sql('SELECT expires_at FROM user_codes WHERE pool_id = ? AND username = ? AND purpose = ?').get(
      poolId, username, purpose,
    ) as Row | undefined;
    if (!row) return 'missing';
    if (Number(row.expires_at) <= now) return 'expired';
    const { attempts } = ctx.sql(
      'UPDATE user_codes SET attempts = attempts + 1 WHERE pool_id = ? AND username = ? AND purpose = ? RETURNING attempts',
    ).get(poolId, username, purpose) as Row;
    if (attempts >= MAX_CODE_ATTEMPTS) {
      ctx.sql('DELETE FROM user_codes WHERE pool_id = ? AND username = ? AND purpose = ?').run(poolId, username, purpose);
    }
    return 'mismatch';
  });
  return run();
}
