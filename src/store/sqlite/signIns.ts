/** Sign-ins (SQLite): what a token's origin_jti names; refresh tokens and revocation. */
import type { SqliteContext } from './context.js';
import { toSignIn, type Row } from '../rows.js';
import type { SignInRecord } from '../store.js';

export async function createSignIn(ctx: SqliteContext, s: SignInRecord): Promise<void> {
  ctx.sql(
    `INSERT INTO sign_ins (origin_jti, pool_id, client_id, username, sub, refresh_hash, auth_time, created_at, expires_at,
       revoked_at, device_key, device_group_key, scopes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.originJti, s.poolId, s.clientId, s.username, s.sub, s.refreshHash, s.authTime, s.createdAt, s.expiresAt, s.revokedAt,
    s.deviceKey ?? null, s.deviceGroupKey ?? null, s.scopes ?? null,
  );
}

export async function getSignIn(ctx: SqliteContext, originJti: string): Promise<SignInRecord | undefined> {
  return signInByJti(ctx, originJti);
}

export function signInByJti(ctx: SqliteContext, originJti: string): SignInRecord | undefined {
  const cached = ctx.cache.get<SignInRecord>('sign_ins', originJti);
  if (cached) return cached;
  const row = ctx.sql('SELECT * FROM sign_ins WHERE origin_jti = ?').get(originJti) as Row | undefined;
  return row && ctx.cache.set('sign_ins', originJti, toSignIn(row));
}

export async function getSignInByRefreshHash(ctx: SqliteContext, refreshHash: string): Promise<SignInRecord | undefined> {
  const row = ctx.sql('SELECT * FROM sign_ins WHERE refresh_hash = ?').get(refreshHash) as Row | undefined;
  return row && toSignIn(row);
}

export async function revokeSignIn(ctx: SqliteContext, originJti: string, now: number): Promise<boolean> {
  return ctx.sql('UPDATE sign_ins SET revoked_at = ? WHERE origin_jti = ? AND revoked_at IS NULL').run(now, originJti).changes > 0;
}

export async function revokeUserSignIns(ctx: SqliteContext, poolId: string, username: string, now: number): Promise<number> {
  return ctx.sql('UPDATE sign_ins SET revoked_at = ? WHERE pool_id = ? AND username = ? AND revoked_at IS NULL').run(
    now, poolId, username,
  ).changes;
}
