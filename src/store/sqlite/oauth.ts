/**
 * Managed login and OAuth, sqlite: user pool domains, resource servers, authorization codes and the
 * domain's login sessions.
 */
import type { SqliteContext } from './context.js';
import { page, toAuthorizationCode, toLoginSession, type Row, toResourceServer, toUserPoolDomain, userPoolDomainAssignments } from '../rows.js';
import type { ResourceServerRecord, UserPoolDomainRecord, UserPoolDomainUpdate, Page, AuthorizationCodeRecord, LoginSessionRecord } from '../store.js';

export async function createUserPoolDomain(ctx: SqliteContext, d: UserPoolDomainRecord): Promise<boolean> {
  // No conflict target: a taken domain (the primary key) and a pool that has one (user_pool_domains_pool) both do nothing.
  return (
    ctx.sql(
      `INSERT INTO user_pool_domains (domain, pool_id, version, status, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ).run(d.domain, d.poolId, d.version, d.status, d.createdAt, d.modifiedAt).changes > 0
  );
}

export async function getUserPoolDomain(ctx: SqliteContext, domain: string): Promise<UserPoolDomainRecord | undefined> {
  const row = ctx.sql('SELECT * FROM user_pool_domains WHERE domain = ?').get(domain) as Row | undefined;
  return row && toUserPoolDomain(row);
}

export async function getUserPoolDomainForPool(ctx: SqliteContext, poolId: string): Promise<UserPoolDomainRecord | undefined> {
  const row = ctx.sql('SELECT * FROM user_pool_domains WHERE pool_id = ?').get(poolId) as Row | undefined;
  return row && toUserPoolDomain(row);
}

export async function updateUserPoolDomain(ctx: SqliteContext, poolId: string, domain: string, update: UserPoolDomainUpdate): Promise<UserPoolDomainRecord | undefined> {
  const { assignments, values } = userPoolDomainAssignments(update, () => '?');
  const row = ctx.sql(`UPDATE user_pool_domains SET ${assignments} WHERE domain = ? AND pool_id = ? RETURNING *`).get(...values, domain, poolId) as
    | Row
    | undefined;
  return row && toUserPoolDomain(row);
}

export async function deleteUserPoolDomain(ctx: SqliteContext, poolId: string, domain: string): Promise<boolean> {
  return ctx.sql('DELETE FROM user_pool_domains WHERE domain = ? AND pool_id = ?').run(domain, poolId).changes > 0;
}

export async function createResourceServer(ctx: SqliteContext, r: ResourceServerRecord): Promise<boolean> {
  return (
    ctx.sql(
      `INSERT INTO resource_servers (pool_id, identifier, name, scopes, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (pool_id, identifier) DO NOTHING`,
    ).run(r.poolId, r.identifier, r.name, JSON.stringify(r.scopes), r.createdAt, r.modifiedAt).changes > 0
  );
}

export async function getResourceServer(ctx: SqliteContext, poolId: string, identifier: string): Promise<ResourceServerRecord | undefined> {
  const row = ctx.sql('SELECT * FROM resource_servers WHERE pool_id = ? AND identifier = ?').get(poolId, identifier) as Row | undefined;
  return row && toResourceServer(row);
}

export async function listResourceServers(ctx: SqliteContext, poolId: string, limit: number, after?: string): Promise<Page<ResourceServerRecord>> {
  const rows = ctx.sql('SELECT * FROM resource_servers WHERE pool_id = ? AND identifier > ? ORDER BY identifier LIMIT ?').all(
    poolId, after ?? '', limit + 1,
  ) as Row[];
  return page(rows.map(toResourceServer), limit, (r) => r.identifier);
}

export async function updateResourceServer(ctx: SqliteContext, r: ResourceServerRecord): Promise<ResourceServerRecord | undefined> {
  const row = ctx.sql('UPDATE resource_servers SET name = ?, scopes = ?, modified_at = ? WHERE pool_id = ? AND identifier = ? RETURNING *').get(
    r.name, JSON.stringify(r.scopes), r.modifiedAt, r.poolId, r.identifier,
  ) as Row | undefined;
  return row && toResourceServer(row);
}

export async function deleteResourceServer(ctx: SqliteContext, poolId: string, identifier: string): Promise<boolean> {
  return ctx.sql('DELETE FROM resource_servers WHERE pool_id = ? AND identifier = ?').run(poolId, identifier).changes > 0;
}

export async function createAuthorizationCode(ctx: SqliteContext, c: AuthorizationCodeRecord): Promise<void> {
  ctx.sql(
    `INSERT INTO authorization_codes (code_hash, pool_id, client_id, username, sub, redirect_uri, scopes, code_challenge,
       code_challenge_method, nonce, state, auth_time, created_at, expires_at, consumed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    c.codeHash, c.poolId, c.clientId, c.username, c.sub, c.redirectUri, c.scopes, c.codeChallenge, c.codeChallengeMethod,
    c.nonce, c.state, c.authTime, c.createdAt, c.expiresAt, c.consumedAt,
  );
}

export async function consumeAuthorizationCode(ctx: SqliteContext, codeHash: string, now: number): Promise<AuthorizationCodeRecord | undefined> {
  const row = ctx.sql(
    'UPDATE authorization_codes SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL AND expires_at > ? RETURNING *',
  ).get(now, codeHash, now) as Row | undefined;
  return row && toAuthorizationCode(row);
}

export async function createLoginSession(ctx: SqliteContext, l: LoginSessionRecord): Promise<void> {
  ctx.sql(
    `INSERT INTO login_sessions (id_hash, pool_id, username, sub, auth_time, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(l.idHash, l.poolId, l.username, l.sub, l.authTime, l.createdAt, l.expiresAt);
}

export async function getLoginSession(ctx: SqliteContext, idHash: string, now: number): Promise<LoginSessionRecord | undefined> {
  const row = ctx.sql('SELECT * FROM login_sessions WHERE id_hash = ? AND expires_at > ?').get(idHash, now) as Row | undefined;
  return row && toLoginSession(row);
}

export async function deleteLoginSession(ctx: SqliteContext, idHash: string): Promise<boolean> {
  return ctx.sql('DELETE FROM login_sessions WHERE id_hash = ?').run(idHash).changes > 0;
}

export async function deleteExpiredLoginState(ctx: SqliteContext, now: number): Promise<number> {
  const codes = ctx.sql('DELETE FROM authorization_codes WHERE expires_at < ?').run(now).changes;
  return codes + ctx.sql('DELETE FROM login_sessions WHERE expires_at < ?').run(now).changes;
}
