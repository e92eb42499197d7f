import type pg from 'pg';
import type { ClientRecord, PoolRecord } from '../store.js';
import type { Row } from '../rows.js';

export type Queryable = pg.Pool | pg.PoolClient;

/**
 * What the PostgreSQL store's per-domain statements (pools.ts, users.ts, groups.ts, ...) use of the
 * store: PostgresStore makes one and its methods hand it to them.
 */
export interface PostgresContext {
  /** A named (prepared once per connection) statement, on `on` (a transaction's client) or the pool. */
  query(text: string, values: unknown[], on?: Queryable): Promise<pg.QueryResult<Row>>;
  /** The first row of `query`. */
  one(text: string, values: unknown[], on?: Queryable): Promise<Row | undefined>;
  /** `body` in one transaction on one connection; it returns the result and whether to commit. */
  transaction<T>(body: (client: pg.PoolClient) => Promise<{ commit: boolean; result: T }>): Promise<T>;
  /** Pool and client records by content (parsed once per distinct row). */
  poolRecord(row: Row): PoolRecord;
  clientRecord(row: Row): ClientRecord;
}
