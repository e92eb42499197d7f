/** Sign-ins (PostgreSQL): what a token's origin_jti names; refresh tokens and revocation. */
import type { SignInRecord } from '../store.js';
import type { PostgresContext } from './context.js';
import { SIGN_IN } from './columns.js';
import { toSignIn } from '../rows.js';

export async function createSignIn(ctx: PostgresContext, s: SignInRecord): Promise<void> {
  await ctx.query(
    `INSERT INTO sign_ins (${SIGN_IN}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      s.originJti, s.poolId, s.clientId, s.username, s.sub, s.refreshHash, s.authTime, s.createdAt, s.expiresAt, s.revokedAt,
      s.deviceKey ?? null, s.deviceGroupKey ?? null, s.scopes ?? null,
    ],
  );
}

export async function getSignIn(ctx: PostgresContext, originJti: string): Promise<SignInRecord | undefined> {
  const row = await ctx.one(`SELECT ${SIGN_IN} FROM sign_ins WHERE origin_jti = $1`, [originJti]);
  return row && toSignIn(row);
}

export async function getSignInByRefreshHash(ctx: PostgresContext, refreshHash: string): Promise<SignInRecord | undefined> {
  const row = await ctx.one(`SELECT ${SIGN_IN} FROM sign_ins WHERE refresh_hash = $1`, [refreshHash]);
  return row && toSignIn(row);
}

export async function revokeSignIn(ctx: PostgresContext, originJti: string, now: number): Promise<boolean> {
  const result = await ctx.query('UPDATE sign_ins SET revoked_at = $1 WHERE origin_jti = $2 AND revoked_at IS NULL', [
    now, originJti,
  ]);
  return (result.rowCount ?? 0) > 0;
}

export async function revokeUserSignIns(ctx: PostgresContext, poolId: string, username: string, now: number): Promise<number> {
  const result = await ctx.query(
    'UPDATE sign_ins SET revoked_at = $1 WHERE pool_id = $2 AND username = $3 AND revoked_at IS NULL',
    [now, poolId, username],
  );
  return result.rowCount ?? 0;
}
