/** User pools (PostgreSQL): the pools, their signing keys and their app clients. */
import type { ClientRecord, Page, PoolRecord, SigningKeyRecord } from '../store.js';
import type { BatchRun, PostgresContext } from './context.js';
import { POOL, POOL_AS_P, KEY, CLIENT, CLIENT_AS_C } from './columns.js';
import { readByKeys } from './batch.js';
import { page, toClient, toKey, toPool } from '../rows.js';

export async function createPool(ctx: PostgresContext, pool: PoolRecord, keys: SigningKeyRecord[]): Promise<void> {
  await ctx.transaction(async (c) => {
    await ctx.query('INSERT INTO pools (id, name, settings, created_at, modified_at) VALUES ($1, $2, $3, $4, $5)', [
      pool.id, pool.name, JSON.stringify(pool.settings), pool.createdAt, pool.modifiedAt,
    ], c);
    for (const key of keys) {
      await ctx.query(
        `INSERT INTO signing_keys (kid, pool_id, key_use, private_jwk_sealed, public_jwk, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [key.kid, key.poolId, key.use, key.privateJwkSealed, key.publicJwk, key.createdAt],
        c,
      );
    }
    return { commit: true, result: undefined };
  });
}

/** Batched (batch.ts): every request reads its pool, and the reads of one event-loop turn share a statement. */
export function getPool(ctx: PostgresContext, id: string): Promise<PoolRecord | undefined> {
  return ctx.batcher('getPool', readPoolsById).load([id]);
}

const POOLS_BY_ID = `SELECT k.i, ${POOL_AS_P} FROM unnest($1::text[]) WITH ORDINALITY AS k(id, i) JOIN pools p ON p.id = k.id COLLATE "C"`;
const readPoolsById: BatchRun<string[], PoolRecord | undefined> = (ctx, ids) => readByKeys(ctx, POOLS_BY_ID, ids, ctx.poolRecord);

export async function listPools(ctx: PostgresContext, limit: number, after?: string): Promise<Page<PoolRecord>> {
  // id is COLLATE "C": byte order, as in SQLite, and the primary key serves the range scan.
  const { rows } = await ctx.query(`SELECT ${POOL} FROM pools WHERE id > $1 ORDER BY id LIMIT $2`, [after ?? '', limit + 1]);
  return page(rows.map(toPool), limit, (p) => p.id);
}

export async function updatePool(ctx: PostgresContext, pool: PoolRecord, ifModifiedAt?: number): Promise<boolean> {
  const values = [pool.name, JSON.stringify(pool.settings), pool.modifiedAt, pool.id];
  const result = ifModifiedAt === undefined
    ? await ctx.query('UPDATE pools SET name = $1, settings = $2, modified_at = $3 WHERE id = $4', values)
    : await ctx.query('UPDATE pools SET name = $1, settings = $2, modified_at = $3 WHERE id = $4 AND modified_at = $5', [...values, ifModifiedAt]);
  return (result.rowCount ?? 0) > 0;
}

export async function deletePool(ctx: PostgresContext, id: string): Promise<boolean> {
  // ON DELETE CASCADE takes keys, clients, users (and their attribute index), sessions, sign-ins, outbox.
  return ((await ctx.query('DELETE FROM pools WHERE id = $1', [id])).rowCount ?? 0) > 0;
}

export async function getSigningKeys(ctx: PostgresContext, poolId: string): Promise<SigningKeyRecord[]> {
  const { rows } = await ctx.query(`SELECT ${KEY} FROM signing_keys WHERE pool_id = $1 ORDER BY created_at, kid`, [poolId]);
  return rows.map(toKey);
}

export async function getSigningKey(ctx: PostgresContext, kid: string): Promise<SigningKeyRecord | undefined> {
  const row = await ctx.one(`SELECT ${KEY} FROM signing_keys WHERE kid = $1`, [kid]);
  return row && toKey(row);
}

export async function createClient(ctx: PostgresContext, c: ClientRecord): Promise<void> {
  await ctx.query(
    `INSERT INTO clients (id, pool_id, name, secret_sealed, settings, created_at, modified_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [c.id, c.poolId, c.name, c.secretSealed, JSON.stringify(c.settings), c.createdAt, c.modifiedAt],
  );
}

/** Batched as getPool. */
export function getClient(ctx: PostgresContext, id: string): Promise<ClientRecord | undefined> {
  return ctx.batcher('getClient', readClientsById).load([id]);
}

const CLIENTS_BY_ID = `SELECT k.i, ${CLIENT_AS_C} FROM unnest($1::text[]) WITH ORDINALITY AS k(id, i) JOIN clients c ON c.id = k.id COLLATE "C"`;
const readClientsById: BatchRun<string[], ClientRecord | undefined> = (ctx, ids) => readByKeys(ctx, CLIENTS_BY_ID, ids, ctx.clientRecord);

export async function listClients(ctx: PostgresContext, poolId: string, limit: number, after?: string): Promise<Page<ClientRecord>> {
  const { rows } = await ctx.query(
    `SELECT ${CLIENT} FROM clients WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
    [poolId, after ?? '', limit + 1],
  );
  return page(rows.map(toClient), limit, (c) => c.id);
}

export async function updateClient(ctx: PostgresContext, c: ClientRecord): Promise<void> {
  await ctx.query('UPDATE clients SET name = $1, settings = $2, modified_at = $3 WHERE id = $4 AND pool_id = $5', [
    c.name, JSON.stringify(c.settings), c.modifiedAt, c.id, c.poolId,
  ]);
}

export async function deleteClient(ctx: PostgresContext, poolId: string, id: string): Promise<boolean> {
  return ctx.transaction(async (c) => {
    const deleted = ((await ctx.query('DELETE FROM clients WHERE id = $1 AND pool_id = $2', [id, poolId], c)).rowCount ?? 0) > 0;
    if (deleted) {
      await ctx.query('DELETE FROM auth_sessions WHERE client_id = $1 AND pool_id = $2', [id, poolId], c);
      await ctx.query('DELETE FROM sign_ins WHERE client_id = $1 AND pool_id = $2', [id, poolId], c);
    }
    return { commit: true, result: deleted };
  });
}
