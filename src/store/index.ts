import { SqliteStore } from './sqlite/sqliteStore.js';
import type { Store } from './store.js';

/** The store for a `--db` value: a SQLite file path or ':memory:'. */
export function createStore(db: string): Store {
  return new SqliteStore(db);
}
