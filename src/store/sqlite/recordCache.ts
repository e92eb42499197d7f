import type Database from 'better-sqlite3';

/**
 * Records read by primary key, kept in memory between requests so that a hot read (every
 * AccessToken operation reads the pool, the user and the sign-in) costs a Map lookup instead of
 * SQLite statements: better-sqlite3 spends ~0.6 us per column building a row object, ~14 us for a
 * user row on the benchmark machine (docs/performance.md).
 *
 * Correct only while this process is the file's sole writer, which `locking_mode = EXCLUSIVE`
 * guarantees; a store opened with `exclusive: false` does not cache. Invalidation is by table,
 * not by row: every statement that writes a table empties that table's cache after it runs, and a
 * DELETE on a table that other tables reference (ON DELETE CASCADE) empties every cache. Coarse,
 * but it cannot miss a write, whatever its WHERE clause. Records are frozen, so a caller that
 * tried to change a shared record would fail loudly instead of corrupting the cache.
 */
export type CachedTable = 'pools' | 'clients' | 'users' | 'sign_ins';

const CACHED_TABLES: readonly CachedTable[] = ['pools', 'clients', 'users', 'sign_ins'];
/** Tables other tables reference with ON DELETE CASCADE (migrations/sqlite/0001_init.sql). */
const CASCADING = new Set(['pools', 'clients', 'users']);
const WRITE = /^\s*(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/i;
/** Entries per table; when full, the oldest is dropped (a Map iterates in insertion order). */
const MAX_ENTRIES = 20_000;

export class RecordCache {
  private readonly tables = new Map<CachedTable, Map<string, unknown>>(CACHED_TABLES.map((t) => [t, new Map()]));

  constructor(
    private readonly db: Database.Database,
    readonly enabled: boolean,
  ) {}

  /** The cached record, or undefined when absent (a missing row is never cached). */
  get<T>(table: CachedTable, key: string): T | undefined {
    return this.enabled ? (this.tables.get(table)!.get(key) as T | undefined) : undefined;
  }

  /**
   * Remembers a record just read. Not inside a transaction: what it has read may include its own
   * uncommitted writes, which a rollback would undo.
   */
  set<T extends object>(table: CachedTable, key: string, record: T): T {
    if (!this.enabled || this.db.inTransaction) return record;
    const entries = this.tables.get(table)!;
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(key, deepFreeze(record));
    return record;
  }

  /** Wraps a statement so that running it empties the caches it may make stale. */
  watch(text: string, statement: Database.Statement): Database.Statement {
    const write = WRITE.exec(text);
    if (!this.enabled || !write) return statement;
    const table = write[2].toLowerCase();
    const cascades = /^DELETE/i.test(write[1]) && CASCADING.has(table);
    const invalidate = () => {
      if (cascades) for (const entries of this.tables.values()) entries.clear();
      else this.tables.get(table as CachedTable)?.clear();
    };
    return {
      run: (...args: unknown[]) => {
        try {
          return statement.run(...args);
        } finally {
          invalidate();
        }
      },
      get: (...args: unknown[]) => {
        try {
          return statement.get(...args);
        } finally {
          invalidate();
        }
      },
      all: (...args: unknown[]) => {
        try {
          return statement.all(...args);
        } finally {
          invalidate();
        }
      },
    } as unknown as Database.Statement;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
