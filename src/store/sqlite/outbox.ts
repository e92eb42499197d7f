/** The outbox (SQLite): the messages Cognate would have sent (codes, temporary passwords). */
import type { SqliteContext } from './context.js';
import { toOutbox, type Row } from '../rows.js';
import type { OutboxMessage } from '../store.js';

export async function addOutboxMessage(ctx: SqliteContext, m: OutboxMessage): Promise<void> {
  ctx.sql(
    `INSERT INTO outbox (id, pool_id, username, channel, destination, purpose, message, subject, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(m.id, m.poolId, m.username, m.channel, m.destination, m.purpose, m.message, m.subject ?? null, m.createdAt);
}

export async function listOutbox(ctx: SqliteContext, poolId: string, username: string | undefined, limit: number): Promise<OutboxMessage[]> {
  const rows = (
    username === undefined
      ? ctx.sql('SELECT * FROM outbox WHERE pool_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(poolId, limit)
      : ctx.sql('SELECT * FROM outbox WHERE pool_id = ? AND username = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(
          poolId, username, limit,
        )
  ) as Row[];
  return rows.map(toOutbox);
}

export async function pruneOutbox(ctx: SqliteContext, before: number, keepPerPool: number): Promise<number> {
  return ctx.sql(
    `DELETE FROM outbox WHERE created_at < ? OR rowid IN (
       SELECT rowid FROM (
         SELECT rowid, ROW_NUMBER() OVER (PARTITION BY pool_id ORDER BY created_at DESC, rowid DESC) AS n FROM outbox
       ) WHERE n > ?)`,
  ).run(before, keepPerPool).changes;
}

export async function clearOutbox(ctx: SqliteContext, poolId: string): Promise<number> {
  return ctx.sql('DELETE FROM outbox WHERE pool_id = ?').run(poolId).changes;
}
