import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parsePostgresUrl, redactPostgresUrl } from '../../src/store/postgres/connection.js';

/**
 * A PostgreSQL for end-to-end tests: COGNATE_TEST_PG_URL (default the local test database). Each
 * test gets a schema of its own and drops it. When the database cannot be reached, `pgSkip` says
 * why (tests skip with it), unless COGNATE_TEST_PG_REQUIRED=1 makes that a failure.
 */
export const pgBase = process.env.COGNATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function query(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: parsePostgresUrl(pgBase).connectionString, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

let problem: string | undefined;
try {
  await query('SELECT 1');
} catch (err) {
  problem = (err as Error).message || String(err);
}

export const pgSkip: string | false =
  problem && process.env.COGNATE_TEST_PG_REQUIRED !== '1' ? `PostgreSQL not reachable at ${redactPostgresUrl(pgBase)} (${problem})` : false;

/** A `--db` URL with a fresh schema, and the function that drops it. */
export function pgSchemaUrl(): { url: string; drop(): Promise<void> } {
  const schema = `cognate_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    url: `${pgBase}${pgBase.includes('?') ? '&' : '?'}schema=${schema}`,
    drop: () => query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}
