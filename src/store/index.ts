import { isPostgresUrl } from './postgres/connection.js';
import { PostgresStore } from './postgres/postgresStore.js';
import { SqliteStore } from './sqlite/sqliteStore.js';
import type { Store } from './store.js';

/**
 * The store for a `--db` value: a `postgres://` or `postgresql://` URL gives the PostgreSQL store
 * (which connects and migrates on its first call), anything else is a SQLite file path or ':memory:'.
 * See docs/storage.md.
 */
export function createStore(db: string, onIdleError?: (err: Error) => void): Store {
  if (isPostgresUrl(db)) return new PostgresStore(db, { onIdleError });
  return new SqliteStore(db);
}
