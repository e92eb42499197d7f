import type Database from 'better-sqlite3';
import type { RecordCache } from './recordCache.js';

/**
 * What the SQLite store's per-domain statements (pools.ts, users.ts, groups.ts, ...) use of the
 * store: SqliteStore makes one and its methods hand it to them. Every statement goes through
 * `sql`, so the record cache and group commit see every write (sqliteStore.ts).
 */
export interface SqliteContext {
  /** The statement for `text`, prepared once; a write makes the record cache forget what it touched. */
  sql(text: string): Database.Statement;
  /** Records by primary key (recordCache.ts). */
  cache: RecordCache;
  /** One of the store's own transactions (a savepoint in the turn's transaction with group commit). */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}
