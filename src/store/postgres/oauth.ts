/**
 * Managed login and OAuth, postgres: user pool domains, resource servers, authorization codes and the
 * domain's login sessions.
 */
import type { AuthorizationCodeRecord, LoginSessionRecord, ResourceServerRecord, UserPoolDomainRecord, UserPoolDomainUpdate, Page } from '../store.js';
import type { PostgresContext } from './context.js';
import { AUTHORIZATION_CODE, LOGIN_SESSION } from './columns.js';
import { page, toAuthorizationCode, toLoginSession, RESOURCE_SERVER, USER_POOL_DOMAIN, toResourceServer, toUserPoolDomain, userPoolDomainAssignments } from '../rows.js';

export async function createUserPoolDomain(ctx: PostgresContext, d: UserPoolDomainRecord): Promise<boolean> {
  // No conflict target: a taken domain (the primary key) and a pool that has one (user_pool_domains_pool) both do nothing.
  const result = await ctx.query(`INSERT INTO user_pool_domains (${USER_POOL_DOMAIN}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [
    d.domain, d.poolId, d.version, d.status, d.createdAt, d.modifiedAt,
  ]);
  return (result.rowCount ?? 0) > 0;
}

export async function getUserPoolDomain(ctx: PostgresContext, domain: string): Promise<UserPoolDomainRecord | undefined> {
  const row = await ctx.one(`SELECT ${USER_POOL_DOMAIN} FROM user_pool_domains WHERE domain = $1`, [domain]);
  return row && toUserPoolDomain(row);
}

export async function getUserPoolDomainForPool(ctx: PostgresContext, poolId: string): Promise<UserPoolDomainRecord | undefined> {
  const row = await ctx.one(`SELECT ${USER_POOL_DOMAIN} FROM user_pool_domains WHERE pool_id = $1`, [poolId]);
  return row && toUserPoolDomain(row);
}

export async function updateUserPoolDomain(ctx: PostgresContext, poolId: string, domain: string, update: UserPoolDomainUpdate): Promise<UserPoolDomainRecord | undefined> {
  const { assignments, values } = userPoolDomainAssignments(update, (i) => `$${i + 1}`);
  const row = await ctx.one(
    `UPDATE user_pool_domains SET ${assignments} WHERE domain = $${values.length + 1} AND pool_id = $${values.length + 2} RETURNING ${USER_POOL_DOMAIN}`,
    [...values, domain, poolId],
  );
  return row && toUserPoolDomain(row);
}

export async function deleteUserPoolDomain(ctx: PostgresContext, poolId: string, domain: string): Promise<boolean> {
  return ((await ctx.query('DELETE FROM user_pool_domains WHERE domain = $1 AND pool_id = $2', [domain, poolId])).rowCount ?? 0) > 0;
}

export async function createResourceServer(ctx: PostgresContext, r: ResourceServerRecord): Promise<boolean> {
  const result = await ctx.query(
    `INSERT INTO resource_servers (${RESOURCE_SERVER}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (pool_id, identifier) DO NOTHING`,
    [r.poolId, r.identifier, r.name, JSON.stringify(r.scopes), r.createdAt, r.modifiedAt],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getResourceServer(ctx: PostgresContext, poolId: string, identifier: string): Promise<ResourceServerRecord | undefined> {
  const row = await ctx.one(`SELECT ${RESOURCE_SERVER} FROM resource_servers WHERE pool_id = $1 AND identifier = $2`, [poolId, identifier]);
  return row && toResourceServer(row);
}

export async function listResourceServers(ctx: PostgresContext, poolId: string, limit: number, after?: string): Promise<Page<ResourceServerRecord>> {
  const { rows } = await ctx.query(
    `SELECT ${RESOURCE_SERVER} FROM resource_servers WHERE pool_id = $1 AND identifier > $2 ORDER BY identifier LIMIT $3`,
    [poolId, after ?? '', limit + 1],
  );
  return page(rows.map(toResourceServer), limit, (r) => r.identifier);
}

export async function updateResourceServer(ctx: PostgresContext, r: ResourceServerRecord): Promise<ResourceServerRecord | undefined> {
  const row = await ctx.one(
    `UPDATE resource_servers SET name = $1, scopes = $2, modified_at = $3 WHERE pool_id = $4 AND identifier = $5 RETURNING ${RESOURCE_SERVER}`,
    [r.name, JSON.stringify(r.scopes), r.modifiedAt, r.poolId, r.identifier],
  );
  return row && toResourceServer(row);
}

export async function deleteResourceServer(ctx: PostgresContext, poolId: string, identifier: string): Promise<boolean> {
  return ((await ctx.query('DELETE FROM resource_servers WHERE pool_id = $1 AND identifier = $2', [poolId, identifier])).rowCount ?? 0) > 0;
}

export async function createAuthorizationCode(ctx: PostgresContext, c: AuthorizationCodeRecord): Promise<void> {
  await ctx.query(
    `INSERT INTO authorization_codes (${AUTHORIZATION_CODE})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      c.codeHash, c.poolId, c.clientId, c.username, c.sub, c.redirectUri, c.scopes, c.codeChallenge, c.codeChallengeMethod,
      c.nonce, c.state, c.authTime, c.createdAt, c.expiresAt, c.consumedAt,
    ],
  );
}

export async function consumeAuthorizationCode(ctx: PostgresContext, codeHash: string, now: number): Promise<AuthorizationCodeRecord | undefined> {
  const row = await ctx.one(
    `UPDATE authorization_codes SET consumed_at = $1 WHERE code_hash = $2 AND consumed_at IS NULL AND expires_at > $1
     RETURNING ${AUTHORIZATION_CODE}`,
    [now, codeHash],
  );
  return row && toAuthorizationCode(row);
}

export async function createLoginSession(ctx: PostgresContext, l: LoginSessionRecord): Promise<void> {
  await ctx.query(`INSERT INTO login_sessions (${LOGIN_SESSION}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    l.idHash, l.poolId, l.username, l.sub, l.authTime, l.createdAt, l.expiresAt,
  ]);
}

export async function getLoginSession(ctx: PostgresContext, idHash: string, now: number): Promise<LoginSessionRecord | undefined> {
  const row = await ctx.one(`SELECT ${LOGIN_SESSION} FROM login_sessions WHERE id_hash = $1 AND expires_at > $2`, [idHash, now]);
  return row && toLoginSession(row);
}

export async function deleteLoginSession(ctx: PostgresContext, idHash: string): Promise<boolean> {
  return ((await ctx.query('DELETE FROM login_sessions WHERE id_hash = $1', [idHash])).rowCount ?? 0) > 0;
}

export async function deleteExpiredLoginState(ctx: PostgresContext, now: number): Promise<number> {
  const codes = (await ctx.query('DELETE FROM authorization_codes WHERE expires_at < $1', [now])).rowCount ?? 0;
  return codes + ((await ctx.query('DELETE FROM login_sessions WHERE expires_at < $1', [now])).rowCount ?? 0);
}
