/**
 * Users (SQLite): their rows, keys (username, alias, sub) and attribute index, updates that keep the
 * record cache warm, TOTP steps and failure counters.
 */
import { LOCKOUT, type UserKey, type UserKeyChanges, type UserKeyChangeResult, type AttributeCursor, type AttributePage, type FailureKind, type FailureState, type Page, type UserRecord, type UserUpdate } from '../store.js';
import { rowKey } from './recordCache.js';
import type { SqliteContext } from './context.js';
import { attributePage, FAILURE_COLUMNS, keyChangesInOrder, page, prefixEnd, USER_UPDATE_COLUMNS, userUpdateValues, SEARCHABLE_ATTRIBUTES, sqliteIndexedAttributes, toFailures, toUser, type Row } from '../rows.js';

/** The columns an update sets, in a fixed order, with SQLite values (booleans as 1 and 0). */
const updateColumns = (update: UserUpdate) => userUpdateValues(update, (b) => (b ? 1 : 0));
const userColumn = (k: keyof UserUpdate) => USER_UPDATE_COLUMNS[k].column;

const FAILURE_KINDS = Object.keys(FAILURE_COLUMNS) as FailureKind[];

/**
 * Whether a failure count locks now (LOCKOUT): `count` failures, the last at `last`, and `now` a
 * SQL expression. 1000 << 10 is past the 15-minute cap, so the shift never needs to go further.
 */
export const lockedSql = (count: string, last: string, now: string) =>
  `(${count} >= ${LOCKOUT.free} AND ${now} < ${last} + MIN(${LOCKOUT.firstMs} << MIN(${count} - ${LOCKOUT.free}, 10), ${LOCKOUT.maxMs}))`;

/** What the record cache holds of one user's row: its record and its failure counters. */
interface CachedUserRow {
  key: string;
  record: UserRecord | undefined;
  failures: [FailureKind, FailureState | undefined][];
}

/** A user's failure counters, cached next to the user's record (they are columns of its row). */
const failuresPart = (kind: FailureKind) => `failures:${kind}`;

class KeyTaken extends Error {
  constructor(readonly key?: UserKey) {
    super('key taken');
  }
}

export async function createUser(ctx: SqliteContext, u: UserRecord, keys: UserKey[] = []): Promise<boolean> {
  const insert = ctx.transaction(() => {
    const result = ctx.sql(
      `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_salt, password_verifier_sealed,
         totp_secret_sealed, totp_pending_secret_sealed, totp_enabled, totp_friendly_device_name, sms_mfa_enabled,
         preferred_mfa, created_at, modified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pool_id, username) DO NOTHING`,
    ).run(
      u.poolId, u.username, u.sub, u.status, u.enabled ? 1 : 0, JSON.stringify(u.attributes), u.passwordSalt,
      u.passwordVerifierSealed, u.totpSecretSealed, u.totpPendingSecretSealed, u.totpEnabled ? 1 : 0,
      u.totpFriendlyDeviceName, u.smsMfaEnabled ? 1 : 0, u.preferredMfa, u.createdAt, u.modifiedAt,
    );
    if (result.changes === 0) return false;
    const key = ctx.sql('INSERT INTO user_keys (pool_id, name, value, username) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    for (const k of keys) {
      // A key held by another user: the whole insert is undone (the throw rolls the savepoint back).
      if (key.run(u.poolId, k.name, k.value, u.username).changes === 0) throw new KeyTaken();
    }
    indexAttributes(ctx, u.poolId, u.username, u.attributes);
    return true;
  });
  try {
    return insert();
  } catch (e) {
    if (e instanceof KeyTaken) return false;
    throw e;
  }
}

export async function getUserByKey(ctx: SqliteContext, poolId: string, name: string, value: string): Promise<UserRecord | undefined> {
  const row = ctx.sql(
    `SELECT u.* FROM user_keys k CROSS JOIN users u ON u.pool_id = k.pool_id AND u.username = k.username
     WHERE k.pool_id = ? AND k.name = ? AND k.value = ?`,
  ).get(poolId, name, value) as Row | undefined;
  return row && toUser(row);
}

export async function changeUserKeys(ctx: SqliteContext, poolId: string, username: string, changes: Partial<UserKeyChanges>): Promise<UserKeyChangeResult> {
  const apply = ctx.transaction(() => {
    const release = ctx.sql('DELETE FROM user_keys WHERE pool_id = ? AND name = ? AND value = ? AND username = ?');
    const claim = ctx.sql('INSERT INTO user_keys (pool_id, name, value, username) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    const holder = ctx.sql('SELECT username FROM user_keys WHERE pool_id = ? AND name = ? AND value = ?');
    const take = ctx.sql(
      `INSERT INTO user_keys (pool_id, name, value, username) VALUES (?, ?, ?, ?)
       ON CONFLICT (pool_id, name, value) DO UPDATE SET username = excluded.username`,
    );
    const takenFrom: UserKeyChangeResult['takenFrom'] = [];
    for (const { kind, key } of keyChangesInOrder(changes)) {
      const values = [poolId, key.name, key.value] as const;
      if (kind === 'release') {
        release.run(...values, username);
      } else if (kind === 'claim') {
        // Held by another user: the throw rolls the savepoint back, and nothing has changed.
        if (claim.run(...values, username).changes === 0 && (holder.get(...values) as Row).username !== username) throw new KeyTaken(key);
      } else {
        const held = (holder.get(...values) as Row | undefined)?.username as string | undefined;
        if (held !== undefined && held !== username) takenFrom.push({ key, username: held });
        take.run(...values, username);
      }
    }
    return takenFrom;
  });
  try {
    return { takenFrom: apply() };
  } catch (e) {
    if (e instanceof KeyTaken) return { refused: e.key, takenFrom: [] };
    throw e;
  }
}

function indexAttributes(ctx: SqliteContext, poolId: string, username: string, attributes: { Name: string; Value: string }[]): void {
  ctx.sql('DELETE FROM user_attribute_index WHERE pool_id = ? AND username = ?').run(poolId, username);
  const add = ctx.sql('INSERT OR IGNORE INTO user_attribute_index (pool_id, username, name, value) VALUES (?, ?, ?, ?)');
  for (const a of sqliteIndexedAttributes(attributes)) add.run(poolId, username, a.Name, a.Value);
}

export async function getUser(ctx: SqliteContext, poolId: string, username: string): Promise<UserRecord | undefined> {
  return userByName(ctx, poolId, username);
}

export function userByName(ctx: SqliteContext, poolId: string, username: string): UserRecord | undefined {
  const key = rowKey(poolId, username);
  const cached = ctx.cache.get<UserRecord>('users', key);
  if (cached) return cached;
  const row = ctx.sql('SELECT * FROM users WHERE pool_id = ? AND username = ?').get(poolId, username) as Row | undefined;
  if (!row) return undefined;
  // The row holds the failure counters too; the MFA and password checks read them next.
  for (const kind of FAILURE_KINDS) {
    const [count, last] = FAILURE_COLUMNS[kind];
    ctx.cache.set('users', key, toFailures({ count: row[count], last_at: row[last] }), failuresPart(kind));
  }
  return ctx.cache.set('users', key, toUser(row));
}

/**
 * The key a sub is indexed by (users_sub_key, migration 0018): the bytes of its hex digits, as SQLite's
 * `unhex(sub, '-')` gives them; undefined when that gives NULL (not digits in pairs, dashes aside;
 * also for text with a NUL, at which SQLite would stop), so a name that cannot be a sub is answered
 * without a look-up. A key matches the text in its digits only,
 * so every look-up also compares the sub's text.
 */
export function subKey(sub: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2}|-)*$/.test(sub) ? Buffer.from(sub.replace(/-/g, ''), 'hex') : undefined;
}

/** What every sub Cognate makes looks like (randomUUID: lower-case hex digits, dashes at 8, 13, 18, 23). */
const UUID_SHAPE = '########-####-####-####-############';

/**
 * The range of keys whose subs start with `prefix`, `[low, high)` (`high` undefined: to the last key),
 * or undefined when no sub Cognate makes can start with it (a capital letter, a dash out of place):
 * such a filter is answered at once instead of by reading the keys its digits would span.
 */
function subKeyRange(prefix: string): { low: Buffer; high: Buffer | undefined } | undefined {
  if (prefix.length > UUID_SHAPE.length) return undefined;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (UUID_SHAPE[i] === '-' ? c !== '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return undefined;
  }
  const digits = prefix.replace(/-/g, '');
  const even = (hex: string) => Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
  // The next digit string of the same length: "abf" -> "ac0"; none after "fff".
  const end = digits.replace(/f*$/, '');
  const next = end && `${end.slice(0, -1)}${(parseInt(end.slice(-1), 16) + 1).toString(16)}`.padEnd(digits.length, '0');
  return { low: even(digits), high: next ? even(next) : undefined };
}

/** The row of the user with this sub in this pool: one probe of users_sub_key, then the pool and the text. */
function rowBySub(ctx: SqliteContext, poolId: string, sub: string): Row | undefined {
  const key = subKey(sub);
  return key && (ctx.sql("SELECT * FROM users WHERE unhex(sub, '-') = ? AND pool_id = ? AND sub = ?").get(key, poolId, sub) as Row | undefined);
}

export async function getUserBySub(ctx: SqliteContext, poolId: string, sub: string): Promise<UserRecord | undefined> {
  const row = rowBySub(ctx, poolId, sub);
  return row && toUser(row);
}

export async function countUsers(ctx: SqliteContext, poolId: string): Promise<number> {
  return (ctx.sql('SELECT count(*) AS n FROM users WHERE pool_id = ?').get(poolId) as { n: number }).n;
}

// CROSS JOIN makes SQLite read the attribute index first: with a plain JOIN and ORDER BY username
// it may walk every user of the pool in username order instead and probe the index for each.

export async function findUsersByAttribute(ctx: SqliteContext, poolId: string, name: string, value: string): Promise<UserRecord[]> {
  if (!SEARCHABLE_ATTRIBUTES.has(name)) return [];
  if (name === 'sub') {
    const user = await getUserBySub(ctx, poolId, value);
    return user ? [user] : [];
  }
  const rows = ctx.sql(
    `SELECT u.* FROM user_attribute_index i CROSS JOIN users u ON u.pool_id = i.pool_id AND u.username = i.username
     WHERE i.pool_id = ? AND i.name = ? AND i.value = ? ORDER BY i.username`,
  ).all(poolId, name, value) as Row[];
  return rows.map(toUser);
}

export async function listUsersByUsernamePrefix(ctx: SqliteContext, poolId: string, prefix: string, limit: number, after?: string): Promise<Page<UserRecord>> {
  const rows = ctx.sql(
    'SELECT * FROM users WHERE pool_id = ? AND username >= ? AND username < ? AND username > ? ORDER BY username LIMIT ?',
  ).all(poolId, prefix, prefixEnd(prefix), after ?? '', limit + 1) as Row[];
  return page(rows.map(toUser), limit, (u) => u.username);
}

export async function listUsersByAttribute(
  ctx: SqliteContext,
  poolId: string,
  name: string,
  value: string,
  prefix: boolean,
  limit: number,
  after?: AttributeCursor,
): Promise<AttributePage> {
  if (!SEARCHABLE_ATTRIBUTES.has(name)) return { items: [] };
  if (name === 'sub') return listUsersBySub(ctx, poolId, value, prefix, limit, after);
  const rows = (
    prefix
      ? ctx.sql(
          `SELECT i.value AS index_value, u.* FROM user_attribute_index i CROSS JOIN users u
             ON u.pool_id = i.pool_id AND u.username = i.username
           WHERE i.pool_id = ? AND i.name = ? AND i.value >= ? AND i.value < ? AND (i.value, i.username) > (?, ?)
           ORDER BY i.value, i.username LIMIT ?`,
        ).all(poolId, name, value, prefixEnd(value), after?.value ?? '', after?.username ?? '', limit + 1)
      : ctx.sql(
          `SELECT i.value AS index_value, u.* FROM user_attribute_index i CROSS JOIN users u
             ON u.pool_id = i.pool_id AND u.username = i.username
           WHERE i.pool_id = ? AND i.name = ? AND i.value = ? AND i.username > ?
           ORDER BY i.username LIMIT ?`,
        ).all(poolId, name, value, after?.username ?? '', limit + 1)
  ) as Row[];
  return attributePage(rows, limit);
}

/**
 * Keys a `sub ^=` page reads at most before it ends early (with a cursor), however few of them are
 * this pool's: the key has no pool, so a short prefix in a small pool can span a large pool's subs.
 */
export const SUB_PREFIX_KEYS_PER_PAGE = 1000;

/**
 * A `sub` filter, from the users table's users_sub_key index (the sub's bytes; migration 0018): the
 * attribute index holds no subs on SQLite (sqliteIndexedAttributes), and a sub is unique.
 *
 * A prefix is a range of keys, read in key order (the subs' order). The key holds no pool_id, to keep
 * the index small, so the range holds every pool's subs: a page reads at most SUB_PREFIX_KEYS_PER_PAGE
 * keys, then to the end of their 1/65,536th of the key space (keys with the same first two bytes), and
 * ends there with a cursor at the next such slice, even with fewer users than asked for (Cognito's
 * pages may hold fewer users than the limit). So a page costs the same whatever the pools' sizes, and a
 * cursor names one of this pool's subs or a slice, never another pool's sub.
 */
function listUsersBySub(ctx: SqliteContext, poolId: string, value: string, prefix: boolean, limit: number, after?: AttributeCursor): AttributePage {
  if (!prefix) {
    // One user at most, so never a cursor; a cursor given is past it unless its username is before.
    const row = rowBySub(ctx, poolId, value);
    return { items: row && row.username > (after?.username ?? '') ? [toUser(row)] : [] };
  }
  const range = subKeyRange(value);
  if (!range) return { items: [] };
  // A cursor from this function: the hex of the first key still to read.
  if (after && !/^(?:[0-9a-f]{2})+$/.test(after.value)) return { items: [] };
  const from = after ? Buffer.from(after.value, 'hex') : range.low;
  const keys = (low: Buffer, high: Buffer | undefined, count: number) =>
    (high
      ? ctx.sql("SELECT rowid AS id, pool_id, sub FROM users INDEXED BY users_sub_key WHERE unhex(sub, '-') >= ? AND unhex(sub, '-') < ? ORDER BY unhex(sub, '-') LIMIT ?").all(low, high, count)
      : ctx.sql("SELECT rowid AS id, pool_id, sub FROM users INDEXED BY users_sub_key WHERE unhex(sub, '-') >= ? ORDER BY unhex(sub, '-') LIMIT ?").all(low, count)) as Row[];
  const read = keys(from, range.high, SUB_PREFIX_KEYS_PER_PAGE + 1);
  let next: Buffer | undefined;
  if (read.length > SUB_PREFIX_KEYS_PER_PAGE) {
    // Read on to the end of the last key's slice, and go on from the next slice.
    const last = subKey(read[SUB_PREFIX_KEYS_PER_PAGE - 1].sub)!;
    const slice = last.readUInt16BE(0);
    next = slice < 0xffff ? Buffer.from([(slice + 1) >> 8, (slice + 1) & 0xff]) : undefined;
    if (next && range.high && Buffer.compare(next, range.high) >= 0) next = undefined;
    read.length = SUB_PREFIX_KEYS_PER_PAGE;
    const end = next ?? range.high;
    read.push(...keys(Buffer.concat([last, Buffer.from([0])]), end, Number.MAX_SAFE_INTEGER));
  }
  const matches: Row[] = [];
  const user = ctx.sql('SELECT sub AS index_value, * FROM users WHERE rowid = ?');
  for (const k of read) {
    if (k.pool_id !== poolId || !k.sub.startsWith(value)) continue;
    matches.push(user.get(k.id) as Row);
    if (matches.length > limit) {
      // A full page: the cursor is the first key after its last user's.
      const kept = matches.slice(0, limit);
      return { items: kept.map(toUser), next: { value: `${kept[limit - 1].sub.replace(/-/g, '')}00`, username: '' } };
    }
  }
  return { items: matches.map(toUser), ...(next && { next: { value: next.toString('hex'), username: '' } }) };
}

export async function listUsersByStatus(
  ctx: SqliteContext,
  poolId: string,
  column: 'status' | 'enabled',
  value: string | boolean,
  limit: number,
  after?: string,
): Promise<Page<UserRecord>> {
  const text =
    column === 'status'
      ? 'SELECT * FROM users WHERE pool_id = ? AND status = ? AND username > ? ORDER BY username LIMIT ?'
      : 'SELECT * FROM users WHERE pool_id = ? AND enabled = ? AND username > ? ORDER BY username LIMIT ?';
  const rows = ctx.sql(text).all(poolId, typeof value === 'boolean' ? Number(value) : value, after ?? '', limit + 1) as Row[];
  return page(rows.map(toUser), limit, (u) => u.username);
}

export async function listUsers(ctx: SqliteContext, poolId: string, limit: number, after?: string): Promise<Page<UserRecord>> {
  const rows = ctx.sql('SELECT * FROM users WHERE pool_id = ? AND username > ? ORDER BY username LIMIT ?').all(
    poolId, after ?? '', limit + 1,
  ) as Row[];
  return page(rows.map(toUser), limit, (u) => u.username);
}

export async function updateUser(ctx: SqliteContext, poolId: string, username: string, update: UserUpdate): Promise<boolean> {
  const { keys, values } = updateColumns(update);
  if (keys.length === 0) return true;
  const text = `UPDATE users SET ${keys.map((k) => `${userColumn(k)} = ?`).join(', ')} WHERE pool_id = ? AND username = ?`;
  const before = cachedUserRow(ctx, poolId, username);
  // Only an attribute change needs a transaction: the row and its index rows change together.
  const changed = update.attributes
    ? ctx.transaction(() => {
        const done = ctx.sql(text).run(...values, poolId, username).changes > 0;
        if (done) indexAttributes(ctx, poolId, username, update.attributes!);
        return done;
      })()
    : ctx.sql(text).run(...values, poolId, username).changes > 0;
  if (changed) rememberUpdated(ctx, before, keys, update);
  return changed;
}

/**
 * The write made the cache forget the user's row; a record that was cached before it is put back
 * with the update applied, so the next request of the same user (AssociateSoftwareToken, then
 * VerifySoftwareToken) does not read the row again. Called after the write (in its group-commit
 * turn: if that turn fails, the whole cache is cleared).
 */
function rememberUpdated(ctx: SqliteContext, before: CachedUserRow, keys: (keyof UserUpdate)[], update: UserUpdate): void {
  if (!before.record) return;
  const after: Record<string, unknown> = { ...before.record };
  for (const k of keys) after[k] = update[k];
  // As toUser reads the row: no pending value is an absent member.
  if (keys.includes('pendingAttributes') && !update.pendingAttributes?.length) delete after.pendingAttributes;
  ctx.cache.set('users', before.key, after as unknown as UserRecord);
  // An update never sets the failure counters, so what was cached of them still holds.
  for (const [kind, failures] of before.failures) if (failures) ctx.cache.set('users', before.key, failures, failuresPart(kind));
}

/** What the cache holds of a user's row, taken before a write that makes it forget the row. */
function cachedUserRow(ctx: SqliteContext, poolId: string, username: string): CachedUserRow {
  const key = rowKey(poolId, username);
  return {
    key,
    record: ctx.cache.get<UserRecord>('users', key),
    failures: FAILURE_KINDS.map((kind) => [kind, ctx.cache.get<FailureState>('users', key, failuresPart(kind))]),
  };
}

export async function deleteUser(ctx: SqliteContext, poolId: string, username: string): Promise<boolean> {
  const run = ctx.transaction(() => {
    ctx.sql('DELETE FROM sign_ins WHERE pool_id = ? AND username = ?').run(poolId, username);
    ctx.sql('DELETE FROM auth_sessions WHERE pool_id = ? AND username = ?').run(poolId, username);
    ctx.sql('DELETE FROM outbox WHERE pool_id = ? AND username = ?').run(poolId, username);
    return ctx.sql('DELETE FROM users WHERE pool_id = ? AND username = ?').run(poolId, username).changes > 0;
  });
  return run();
}

export async function consumeTotpStep(
  ctx: SqliteContext,
  poolId: string,
  username: string,
  step: number,
  update: Omit<UserUpdate, 'attributes'> = {},
  unlessLockedAt?: number,
): Promise<boolean> {
  const { keys, values } = updateColumns(update);
  if (keys.length === 0 && unlessLockedAt === undefined) return consumeStepSync(ctx, poolId, username, step);
  const before = cachedUserRow(ctx, poolId, username);
  const locked = unlessLockedAt === undefined ? '' : ` AND NOT ${lockedSql('mfa_failures', 'mfa_last_failure_at', '?')}`;
  const changed =
    ctx.sql(
      `UPDATE users SET totp_last_step = ?, mfa_failures = 0, mfa_last_failure_at = NULL${keys.map((k) => `, ${userColumn(k)} = ?`).join('')}
       WHERE pool_id = ? AND username = ? AND (totp_last_step IS NULL OR totp_last_step < ?)${locked}`,
    ).run(step, ...values, poolId, username, step, ...(unlessLockedAt === undefined ? [] : [unlessLockedAt])).changes > 0;
  if (changed) {
    rememberUpdated(ctx, before, keys, update);
    ctx.cache.set('users', before.key, toFailures(undefined), failuresPart('mfa'));
  }
  return changed;
}

export function consumeStepSync(ctx: SqliteContext, poolId: string, username: string, step: number): boolean {
  return (
    ctx.sql(
      `UPDATE users SET totp_last_step = ?, mfa_failures = 0, mfa_last_failure_at = NULL
       WHERE pool_id = ? AND username = ? AND (totp_last_step IS NULL OR totp_last_step < ?)`,
    ).run(step, poolId, username, step).changes > 0
  );
}

export async function recordFailure(ctx: SqliteContext, poolId: string, username: string, kind: FailureKind, now: number): Promise<FailureState> {
  const [count, last] = FAILURE_COLUMNS[kind];
  const row = ctx.sql(
    `UPDATE users SET ${count} = ${count} + 1, ${last} = ? WHERE pool_id = ? AND username = ?
     RETURNING ${count} AS count, ${last} AS last_at`,
  ).get(now, poolId, username) as Row | undefined;
  return toFailures(row);
}

export async function getFailures(ctx: SqliteContext, poolId: string, username: string, kind: FailureKind): Promise<FailureState> {
  const cached = ctx.cache.get<FailureState>('users', rowKey(poolId, username), failuresPart(kind));
  if (cached) return cached;
  const [count, last] = FAILURE_COLUMNS[kind];
  const row = ctx.sql(`SELECT ${count} AS count, ${last} AS last_at FROM users WHERE pool_id = ? AND username = ?`).get(
    poolId, username,
  ) as Row | undefined;
  return toFailures(row);
}

export async function clearFailures(ctx: SqliteContext, poolId: string, username: string, kind: FailureKind): Promise<void> {
  const [count, last] = FAILURE_COLUMNS[kind];
  const before = cachedUserRow(ctx, poolId, username);
  ctx.sql(`UPDATE users SET ${count} = 0, ${last} = NULL WHERE pool_id = ? AND username = ? AND ${count} <> 0`).run(
    poolId, username,
  );
  rememberFailures(ctx, before, kind, toFailures(undefined));
}

export async function reserveAttempt(ctx: SqliteContext, poolId: string, username: string, kind: FailureKind, now: number): Promise<boolean> {
  const [count, last] = FAILURE_COLUMNS[kind];
  const before = cachedUserRow(ctx, poolId, username);
  const row = ctx.sql(
    `UPDATE users SET ${count} = ${count} + 1, ${last} = ? WHERE pool_id = ? AND username = ? AND NOT ${lockedSql(count, last, '?')}
     RETURNING ${count} AS count, ${last} AS last_at`,
  ).get(now, poolId, username, now) as Row | undefined;
  rememberFailures(ctx, before, kind, row ? toFailures(row) : undefined);
  return row !== undefined;
}

export async function refundAttempt(ctx: SqliteContext, poolId: string, username: string, kind: FailureKind): Promise<void> {
  const [count] = FAILURE_COLUMNS[kind];
  const before = cachedUserRow(ctx, poolId, username);
  const row = ctx.sql(
    `UPDATE users SET ${count} = ${count} - 1 WHERE pool_id = ? AND username = ? AND ${count} > 0
     RETURNING ${count} AS count, ${FAILURE_COLUMNS[kind][1]} AS last_at`,
  ).get(poolId, username) as Row | undefined;
  rememberFailures(ctx, before, kind, row ? toFailures(row) : undefined);
}

/**
 * A write of a failure counter made the cache forget the user's row; the record did not change,
 * so what was cached of it is put back, with the counter's new state when it is known.
 */
function rememberFailures(ctx: SqliteContext, before: CachedUserRow, kind: FailureKind, state: FailureState | undefined): void {
  if (!before.record) return;
  ctx.cache.set('users', before.key, before.record);
  for (const [k, failures] of before.failures) {
    const value = k === kind ? (state ?? failures) : failures;
    if (value) ctx.cache.set('users', before.key, value, failuresPart(k));
  }
}
