import type Database from 'better-sqlite3';
import { BoundedMap } from '../../boundedMap.js';

/**
 * Records read by primary key, kept in memory between requests so that a hot read (every
 * AccessToken operation reads the pool, the user and the sign-in) costs a Map lookup instead of
 * SQLite statements: better-sqlite3 spends ~0.6 us per column building a row object, ~14 us for a
 * user row on the benchmark machine (docs/performance.md).
 *
 * Correct only while this process is the file's sole writer, which `locking_mode = EXCLUSIVE`
 * guarantees; a store opened with `exclusive: false` does not cache. Invalidation is driven by the
 * statements themselves, so no write can be missed, whatever method runs it:
 * - a statement that changes rows (UPDATE, DELETE, an upsert; not a plain INSERT, since a missing
 *   row is never cached) and whose WHERE clause pins one primary key (`WHERE pool_id = ? AND
 *   username = ? ...`) forgets that row, after it runs, with the arguments it ran with;
 * - any other write to a cached table forgets the whole table;
 * - a DELETE from a table that other tables reference with ON DELETE CASCADE forgets everything.
 * Records are frozen, so a caller that tried to change a shared record would fail loudly instead
 * of corrupting the cache.
 */
export type CachedTable = 'pools' | 'clients' | 'users' | 'sign_ins';

/** Each cached table's primary key columns (migrations/sqlite/0001_init.sql). */
const PRIMARY_KEYS: Record<CachedTable, readonly string[]> = {
  pools: ['id'],
  clients: ['id'],
  users: ['pool_id', 'username'],
  sign_ins: ['origin_jti'],
};
/** Tables other tables reference with ON DELETE CASCADE (migrations/sqlite/0001_init.sql). */
const CASCADING = new Set(['pools', 'clients', 'users']);
const WRITE = /^\s*(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/i;
/** Rows per table at most; what has not been used for a while goes first (boundedMap.ts). */
const MAX_ROWS = 20_000;

/**
 * A row's cache key from its primary key values. Pool ids, client ids and JWT ids never contain a
 * newline, and a username holds no whitespace (the model's pattern), so the key is unambiguous.
 */
export const rowKey = (...values: unknown[]): string => values.join('\n');

/** What one row holds in the cache: its record, and other values read from the same row. */
type Parts = Map<string, unknown>;

export class RecordCache {
  private readonly tables = new Map<CachedTable, BoundedMap<string, Parts>>(
    (Object.keys(PRIMARY_KEYS) as CachedTable[]).map((t) => [t, new BoundedMap(MAX_ROWS)]),
  );

  /** `uncommittable`: whether what is read now may still be rolled back (inside a store transaction). */
  constructor(
    readonly enabled: boolean,
    private readonly uncommittable: () => boolean,
  ) {}

  /** Forgets everything: after a rollback that undid writes some cached records may reflect. */
  clear(): void {
    for (const rows of this.tables.values()) rows.clear();
  }

  /** A cached part of a row ('record' unless named), or undefined; a missing row is never cached. */
  get<T>(table: CachedTable, key: string, part = 'record'): T | undefined {
    // A row whose parts were forgotten has an empty entry: undefined, as for a row never read.
    return this.enabled ? (this.tables.get(table)!.get(key)?.get(part) as T | undefined) : undefined;
  }

  /**
   * Remembers what was just read from a row. Not inside one of the store's transactions: what it
   * has read may include that transaction's writes, which a rollback would undo. (A group-commit
   * turn that fails clears the whole cache instead: commitBatch.ts.)
   */
  set<T>(table: CachedTable, key: string, value: T, part = 'record'): T {
    if (!this.enabled || this.uncommittable()) return value;
    const rows = this.tables.get(table)!;
    let parts = rows.get(key);
    if (!parts) {
      parts = new Map();
      rows.set(key, parts);
    }
    parts.set(part, deepFreeze(value));
    return value;
  }

  /**
   * Wraps a statement so that running it forgets what it may make stale. A statement that cannot
   * make a cached record stale (a read, a plain INSERT, a write to a table that is not cached) is
   * returned as it is, so it costs nothing extra.
   */
  watch(text: string, statement: Database.Statement): Database.Statement {
    const write = WRITE.exec(text);
    if (!this.enabled || !write) return statement;
    // A plain INSERT changes no existing row, and missing rows are never cached.
    if (/^INSERT/i.test(write[1]) && !/\bOR\s+REPLACE\b|\bDO\s+UPDATE\b/i.test(text)) return statement;
    const invalidate = this.invalidation(text, write[2].toLowerCase(), /^DELETE/i.test(write[1]));
    if (!invalidate) return statement;
    const forgetting =
      (method: 'run' | 'get' | 'all') =>
      (...args: unknown[]) => {
        try {
          return (statement[method] as (...a: unknown[]) => unknown)(...args);
        } finally {
          invalidate(args);
        }
      };
    return { reader: statement.reader, run: forgetting('run'), get: forgetting('get'), all: forgetting('all') } as unknown as Database.Statement;
  }

  /** What running a write forgets, given its arguments; undefined when it cannot touch the cache. */
  private invalidation(text: string, table: string, isDelete: boolean): ((args: unknown[]) => void) | undefined {
    if (isDelete && CASCADING.has(table)) {
      return () => this.clear();
    }
    if (!(table in PRIMARY_KEYS)) return undefined;
    const key = PRIMARY_KEYS[table as CachedTable];
    const rows = this.tables.get(table as CachedTable)!;
    const at = pinnedKeyArgument(text, key);
    if (at === undefined) return () => rows.clear();
    // The row's entry stays and forgets its parts: deleting a key and adding it back, write after
    // write, leaves V8 a chain of dead entries under that key's hash, which every later lookup of
    // it walks (~15 us per update of one user in a 5,000-row table, docs/performance.md).
    return (args) => {
      rows.get(rowKey(...args.slice(at, at + key.length)))?.clear();
    };
  }
}

/**
 * Where a statement's WHERE clause starts with equalities on the whole primary key, joined by AND
 * to whatever follows, the index of the first key's argument (the `?`s before it); otherwise
 * undefined. A top-level OR after them would widen the match beyond one row, so it disqualifies.
 */
export function pinnedKeyArgument(text: string, key: readonly string[]): number | undefined {
  const pinned = new RegExp(`\\bWHERE\\s+${key.map((c) => `${c}\\s*=\\s*\\?`).join('\\s+AND\\s+')}(?=\\s*$|\\s+AND\\b|\\s+RETURNING\\b)`, 'i');
  const match = pinned.exec(text);
  if (!match) return undefined;
  let rest = text.slice(match.index + match[0].length);
  while (/\([^()]*\)/.test(rest)) rest = rest.replace(/\([^()]*\)/g, '');
  if (/\bOR\b/i.test(rest)) return undefined;
  return (text.slice(0, match.index).match(/\?/g) ?? []).length;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
