import type pg from 'pg';
import type { ClientRecord, PoolRecord } from '../store.js';
import type { Row } from '../rows.js';
import type { Batcher, Failed } from './batch.js';

/** One batch's statement (batch.ts): one answer per input, in input order. Module-level, so no call allocates one. */
export type BatchRun<In, Out> = (ctx: PostgresContext, inputs: In[]) => Promise<(Out | Failed)[]>;

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
  /**
   * The store's batcher named `name` (batch.ts), made with `run` (given this context and a batch) on
   * first use: calls of one kind made in one event-loop turn share one statement; at most
   * `maxInFlight` of its statements are out.
   */
  batcher<In, Out>(name: string, run: BatchRun<In, Out>, maxInFlight?: number): Batcher<In, Out>;
  /** Pool and client records by content (parsed once per distinct row). */
  poolRecord(row: Row): PoolRecord;
  clientRecord(row: Row): ClientRecord;
}
