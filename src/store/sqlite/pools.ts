/** User pools (SQLite): the pools, their signing keys and their app clients. */
import type { SqliteContext } from './context.js';
import { page, toClient, toKey, toPool, type Row } from '../rows.js';
import type { ClientRecord, Page, PoolRecord, SigningKeyRecord } from '../store.js';

export async function createPool(ctx: SqliteContext, pool: PoolRecord, keys: SigningKeyRecord[]): Promise<void> {
  ctx.transaction(() => {
    ctx.sql('INSERT INTO pools (id, name, settings, created_at, modified_at) VALUES (?, ?, ?, ?, ?)').run(
      pool.id, pool.name, JSON.stringify(pool.settings), pool.createdAt, pool.modifiedAt,
    );
    for (const key of keys) {
      ctx.sql(
        'INSERT INTO signing_keys (kid, pool_id, key_use, private_jwk_sealed, public_jwk, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(key.kid, key.poolId, key.use, key.privateJwkSealed, key.publicJwk, key.createdAt);
    }
  })();
}

export async function getPool(ctx: SqliteContext, id: string): Promise<PoolRecord | undefined> {
  return poolById(ctx, id);
}

export function poolById(ctx: SqliteContext, id: string): PoolRecord | undefined {
  const cached = ctx.cache.get<PoolRecord>('pools', id);
  if (cached) return cached;
  const row = ctx.sql('SELECT * FROM pools WHERE id = ?').get(id) as Row | undefined;
  return row && ctx.cache.set('pools', id, toPool(row));
}

export async function listPools(ctx: SqliteContext, limit: number, after?: string): Promise<Page<PoolRecord>> {
  const rows = ctx.sql('SELECT * FROM pools WHERE id > ? ORDER BY id LIMIT ?').all(after ?? '', limit + 1) as Row[];
  return page(rows.map(toPool), limit, (p) => p.id);
}

export async function updatePool(ctx: SqliteContext, pool: PoolRecord, ifModifiedAt?: number): Promise<boolean> {
  const values = [pool.name, JSON.stringify(pool.settings), pool.modifiedAt, pool.id];
  if (ifModifiedAt === undefined) return ctx.sql('UPDATE pools SET name = ?, settings = ?, modified_at = ? WHERE id = ?').run(...values).changes > 0;
  return ctx.sql('UPDATE pools SET name = ?, settings = ?, modified_at = ? WHERE id = ? AND modified_at = ?').run(...values, ifModifiedAt).changes > 0;
}

export async function deletePool(ctx: SqliteContext, id: string): Promise<boolean> {
  return ctx.sql('DELETE FROM pools WHERE id = ?').run(id).changes > 0;
}

export async function getSigningKeys(ctx: SqliteContext, poolId: string): Promise<SigningKeyRecord[]> {
  return (ctx.sql('SELECT * FROM signing_keys WHERE pool_id = ? ORDER BY created_at, kid').all(poolId) as Row[]).map(toKey);
}

export async function getSigningKey(ctx: SqliteContext, kid: string): Promise<SigningKeyRecord | undefined> {
  const row = ctx.sql('SELECT * FROM signing_keys WHERE kid = ?').get(kid) as Row | undefined;
  return row && toKey(row);
}

export async function createClient(ctx: SqliteContext, c: ClientRecord): Promise<void> {
  ctx.sql(
    'INSERT INTO clients (id, pool_id, name, secret_sealed, settings, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(c.id, c.poolId, c.name, c.secretSealed, JSON.stringify(c.settings), c.createdAt, c.modifiedAt);
}

export async function getClient(ctx: SqliteContext, id: string): Promise<ClientRecord | undefined> {
  const cached = ctx.cache.get<ClientRecord>('clients', id);
  if (cached) return cached;
  const row = ctx.sql('SELECT * FROM clients WHERE id = ?').get(id) as Row | undefined;
  return row && ctx.cache.set('clients', id, toClient(row));
}

export async function listClients(ctx: SqliteContext, poolId: string, limit: number, after?: string): Promise<Page<ClientRecord>> {
  const rows = ctx.sql('SELECT * FROM clients WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?').all(
    poolId, after ?? '', limit + 1,
  ) as Row[];
  return page(rows.map(toClient), limit, (c) => c.id);
}

export async function updateClient(ctx: SqliteContext, c: ClientRecord): Promise<void> {
  ctx.sql('UPDATE clients SET name = ?, settings = ?, modified_at = ? WHERE id = ? AND pool_id = ?').run(
    c.name, JSON.stringify(c.settings), c.modifiedAt, c.id, c.poolId,
  );
}

export async function deleteClient(ctx: SqliteContext, poolId: string, id: string): Promise<boolean> {
  const run = ctx.transaction(() => {
    const deleted = ctx.sql('DELETE FROM clients WHERE id = ? AND pool_id = ?').run(id, poolId).changes > 0;
    if (deleted) {
      ctx.sql('DELETE FROM auth_sessions WHERE client_id = ? AND pool_id = ?').run(id, poolId);
      ctx.sql('DELETE FROM sign_ins WHERE client_id = ? AND pool_id = ?').run(id, poolId);
    }
    return deleted;
  });
  return run();
}
