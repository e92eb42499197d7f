import type { Pool } from 'pg';
import { loadMigrations } from '../migrations.js';

/**
 * The advisory lock every Cognate process takes before it looks at schema_migrations: 'cognate'
 * read as a big-endian integer. Transaction-scoped, so it is released by COMMIT or ROLLBACK and a
 * crashed process cannot leave it held.
 */
export const MIGRATION_LOCK = '27988512718550117';

/**
 * Applies the versioned files of migrations/postgres that the database has not seen, in one
 * transaction holding MIGRATION_LOCK. Processes that start together against one database queue on
 * the lock; the first applies, the others then find every version recorded and apply nothing.
 * PostgreSQL DDL is transactional, so a migration that fails leaves no half-made schema behind.
 * Returns the versions this call applied.
 */
export async function migrate(pool: Pool, schema?: string): Promise<number[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    // The schema name was validated as a plain lower-case identifier (connection.ts).
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    const done: number[] = [];
    for (const migration of loadMigrations('postgres')) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql); // several statements, no parameters: the simple protocol
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      done.push(migration.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
