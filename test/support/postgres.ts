import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parsePostgresUrl, redactPostgresUrl } from '../../src/store/postgres/connection.js';

/**
 * A PostgreSQL for end-to-end tests: COGNATE_TEST_PG_URL (default the local test database). Each
 * test gets a schema of its own and drops it. When the database cannot be reached, `pgSkip` says
 * why (tests skip with it), unless COGNATE_TEST_PG_REQUIRED=1 makes that a failure.
 */
export const pgBase = process.env.COGNATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function query(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: parsePostgresUrl(pgBase).connectionString, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.query(sql);
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
export function pgSchemaUrl(): { url: string; drop(): Promise<void>; dump(): Promise<string> } {
  const schema = `cognate_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    url: `${pgBase}${pgBase.includes('?') ? '&' : '?'}schema=${schema}`,
    drop: async () => void (await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
    /** Every row of every table of the schema as text: what someone holding the database would read. */
    async dump() {
      const tables = await query(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}'`);
      const rows: string[] = [];
      for (const { table_name } of tables.rows) {
        const result = await query(`SELECT t::text AS row FROM ${schema}."${table_name}" t`);
        rows.push(...result.rows.map((r) => String(r.row)));
      }
      return rows.join('\n');
    },
  };
}
