/** The outbox (PostgreSQL): the messages Cognate would have sent (codes, temporary passwords). */
import type { OutboxMessage } from '../store.js';
import type { PostgresContext } from './context.js';
import { OUTBOX } from './columns.js';
import { toOutbox } from '../rows.js';

export async function addOutboxMessage(ctx: PostgresContext, m: OutboxMessage): Promise<void> {
  await ctx.query(
    `INSERT INTO outbox (id, pool_id, username, channel, destination, purpose, message, subject, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [m.id, m.poolId, m.username, m.channel, m.destination, m.purpose, m.message, m.subject ?? null, m.createdAt],
  );
}

export async function listOutbox(ctx: PostgresContext, poolId: string, username: string | undefined, limit: number): Promise<OutboxMessage[]> {
  const { rows } =
    username === undefined
      ? await ctx.query(`SELECT ${OUTBOX} FROM outbox WHERE pool_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2`, [
          poolId, limit,
        ])
      : await ctx.query(
          `SELECT ${OUTBOX} FROM outbox WHERE pool_id = $1 AND username = $2 ORDER BY created_at DESC, seq DESC LIMIT $3`,
          [poolId, username, limit],
        );
  return rows.map(toOutbox);
}

export async function pruneOutbox(ctx: PostgresContext, before: number, keepPerPool: number): Promise<number> {
  const result = await ctx.query(
    `DELETE FROM outbox WHERE created_at < $1 OR seq IN (
       SELECT seq FROM (
         SELECT seq, ROW_NUMBER() OVER (PARTITION BY pool_id ORDER BY created_at DESC, seq DESC) AS n FROM outbox
       ) ranked WHERE n > $2)`,
    [before, keepPerPool],
  );
  return result.rowCount ?? 0;
}

export async function clearOutbox(ctx: PostgresContext, poolId: string): Promise<number> {
  return (await ctx.query('DELETE FROM outbox WHERE pool_id = $1', [poolId])).rowCount ?? 0;
}
