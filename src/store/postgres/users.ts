/**
 * Users (PostgreSQL): their rows, keys (username, alias, sub) and attribute index, TOTP steps and
 * failure counters.
 */
import type pg from 'pg';
import { LOCKOUT, type UserKey, type UserKeyChanges, type UserKeyChangeResult, type AttributeCursor, type AttributePage, type FailureKind, type FailureState, type Page, type UserAttribute, type UserRecord, type UserUpdate } from '../store.js';
import type { BatchRun, PostgresContext } from './context.js';
import { Failed, readByKeys } from './batch.js';
import { USER, USER_AS_U } from './columns.js';
import { attributePage, byKeyOrder, FAILURE_COLUMNS, keyChangesInOrder, page, prefixEnd, USER_UPDATE_COLUMNS, userUpdateValues, SEARCHABLE_ATTRIBUTES, searchableAttributes, toFailures, toUser } from '../rows.js';

const userColumn = (k: keyof UserUpdate) => USER_UPDATE_COLUMNS[k].column;

/** Whether a failure count locks now (LOCKOUT), as in sqlite/users.ts; 1000 << 10 is past the cap. */
export const lockedSql = (count: string, last: string, now: string) =>
  `(${count} >= ${LOCKOUT.free} AND ${now} < ${last} + LEAST(${LOCKOUT.firstMs}::bigint << LEAST(${count} - ${LOCKOUT.free}, 10), ${LOCKOUT.maxMs}))`;

export async function createUser(ctx: PostgresContext, u: UserRecord, keys: UserKey[] = []): Promise<boolean> {
  return ctx.transaction(async (c) => {
    // A concurrent insert of the same username waits on the primary key and then does nothing.
    const inserted = await ctx.query(
      `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_salt, password_verifier_sealed,
         totp_secret_sealed, totp_pending_secret_sealed, totp_enabled, totp_friendly_device_name, sms_mfa_enabled,
         preferred_mfa, created_at, modified_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (pool_id, username) DO NOTHING`,
      [
        u.poolId, u.username, u.sub, u.status, u.enabled, JSON.stringify(u.attributes), u.passwordSalt,
        u.passwordVerifierSealed, u.totpSecretSealed, u.totpPendingSecretSealed, u.totpEnabled,
        u.totpFriendlyDeviceName, u.smsMfaEnabled, u.preferredMfa, u.createdAt, u.modifiedAt,
      ],
      c,
    );
    if ((inserted.rowCount ?? 0) === 0) return { commit: false, result: false };
    for (const k of [...keys].sort(byKeyOrder)) {
      // A concurrent insert of the same key waits on the primary key; then this one does nothing.
      // In changeUserKeys' order, so that the two never wait on each other crosswise.
      const taken = await ctx.query(
        'INSERT INTO user_keys (pool_id, name, value, username) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [u.poolId, k.name, k.value, u.username],
        c,
      );
      if ((taken.rowCount ?? 0) === 0) return { commit: false, result: false };
    }
    await indexAttributes(ctx, c, u.poolId, u.username, u.attributes);
    return { commit: true, result: true };
  });
}

export async function getUserByKey(ctx: PostgresContext, poolId: string, name: string, value: string): Promise<UserRecord | undefined> {
  const row = await ctx.one(
    `SELECT ${USER_AS_U} FROM user_keys k JOIN users u ON u.pool_id = k.pool_id AND u.username = k.username
     WHERE k.pool_id = $1 AND k.name = $2 AND k.value = $3`,
    [poolId, name, value],
  );
  return row && toUser(row);
}

export async function changeUserKeys(ctx: PostgresContext, poolId: string, username: string, changes: Partial<UserKeyChanges>): Promise<UserKeyChangeResult> {
  return ctx.transaction<UserKeyChangeResult>(async (c) => {
    const takenFrom: UserKeyChangeResult['takenFrom'] = [];
    // In one order (byKeyOrder): two users swapping emails lock the two rows in the same order, so
    // one waits for the other instead of both waiting forever (PostgreSQL would abort one, 40P01).
    for (const { kind, key } of keyChangesInOrder(changes)) {
      const values = [poolId, key.name, key.value];
      if (kind === 'release') {
        await ctx.query('DELETE FROM user_keys WHERE pool_id = $1 AND name = $2 AND value = $3 AND username = $4', [...values, username], c);
      } else if (kind === 'claim') {
        if (!(await claimKey(ctx, c, values, username))) return { commit: false, result: { refused: key, takenFrom: [] } };
      } else {
        // The row locked first, so that who held it is who this takes it from.
        const held = (await ctx.one('SELECT username FROM user_keys WHERE pool_id = $1 AND name = $2 AND value = $3 FOR UPDATE', values, c))?.username as string | undefined;
        if (held !== undefined && held !== username) takenFrom.push({ key, username: held });
        await ctx.query(
          `INSERT INTO user_keys (pool_id, name, value, username) VALUES ($1, $2, $3, $4)
           ON CONFLICT (pool_id, name, value) DO UPDATE SET username = excluded.username`,
          [...values, username],
          c,
        );
      }
    }
    return { commit: true, result: { takenFrom } };
  });
}

/**
 * Whether `username` holds the key (pool, name, value) after trying to insert it. A concurrent insert
 * or delete of the same key makes the insert wait for that transaction (READ COMMITTED, the
 * default); a holder that let the key go between the insert and the look-up is tried again.
 */
async function claimKey(ctx: PostgresContext, c: pg.PoolClient, values: string[], username: string): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await ctx.query('INSERT INTO user_keys (pool_id, name, value, username) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [...values, username], c);
    if ((inserted.rowCount ?? 0) > 0) return true;
    const holder = await ctx.one('SELECT username FROM user_keys WHERE pool_id = $1 AND name = $2 AND value = $3', values, c);
    if (holder) return holder.username === username;
  }
  return false;
}

async function indexAttributes(ctx: PostgresContext, c: pg.PoolClient, poolId: string, username: string, attributes: UserAttribute[]): Promise<void> {
  await ctx.query('DELETE FROM user_attribute_index WHERE pool_id = $1 AND username = $2', [poolId, username], c);
  // PostgreSQL keeps `sub` in the attribute index: its users_sub index has the database's collation,
  // which the byte-range (COLLATE "C") prefix filter cannot use.
  attributes = searchableAttributes(attributes);
  if (attributes.length === 0) return;
  await ctx.query(
    `INSERT INTO user_attribute_index (pool_id, username, name, value)
     SELECT $1, $2, a.name, a.value FROM unnest($3::text[], $4::text[]) AS a(name, value)
     ON CONFLICT DO NOTHING`,
    [poolId, username, attributes.map((a) => a.Name), attributes.map((a) => a.Value)],
    c,
  );
}

/** The reads of users by name made in one event-loop turn share one statement (batch.ts). */
export function getUser(ctx: PostgresContext, poolId: string, username: string): Promise<UserRecord | undefined> {
  return ctx.batcher('getUser', readUsersByName).load([poolId, username]);
}

const USERS_BY_NAME = `SELECT k.i, ${USER_AS_U} FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(pool_id, username, i)
  JOIN users u ON u.pool_id = k.pool_id AND u.username = k.username COLLATE "C"`;
const readUsersByName: BatchRun<string[], UserRecord | undefined> = (ctx, names) => readByKeys(ctx, USERS_BY_NAME, names, toUser);

/** By sub, batched as getUser (an unknown name is tried as a sub). */
export function getUserBySub(ctx: PostgresContext, poolId: string, sub: string): Promise<UserRecord | undefined> {
  return ctx.batcher('getUserBySub', readUsersBySub).load([poolId, sub]);
}

const USERS_BY_SUB = `SELECT k.i, ${USER_AS_U} FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(pool_id, sub, i)
  JOIN users u ON u.pool_id = k.pool_id AND u.sub = k.sub`;
const readUsersBySub: BatchRun<string[], UserRecord | undefined> = (ctx, subs) => readByKeys(ctx, USERS_BY_SUB, subs, toUser);

export async function countUsers(ctx: PostgresContext, poolId: string): Promise<number> {
  const row = await ctx.one('SELECT count(*)::int AS n FROM users WHERE pool_id = $1', [poolId]);
  return Number(row!.n);
}

export async function findUsersByAttribute(ctx: PostgresContext, poolId: string, name: string, value: string): Promise<UserRecord[]> {
  if (!SEARCHABLE_ATTRIBUTES.has(name)) return [];
  const { rows } = await ctx.query(
    `SELECT ${USER_AS_U}
     FROM user_attribute_index i JOIN users u ON u.pool_id = i.pool_id AND u.username = i.username
     WHERE i.pool_id = $1 AND i.name = $2 AND i.value = $3 ORDER BY u.username`,
    [poolId, name, value],
  );
  return rows.map(toUser);
}

export async function listUsersByUsernamePrefix(ctx: PostgresContext, poolId: string, prefix: string, limit: number, after?: string): Promise<Page<UserRecord>> {
  // username is COLLATE "C": the range is a byte range, as prefixEnd expects.
  const { rows } = await ctx.query(
    `SELECT ${USER} FROM users WHERE pool_id = $1 AND username >= $2 AND username < $3 AND username > $4
     ORDER BY username LIMIT $5`,
    [poolId, prefix, prefixEnd(prefix), after ?? '', limit + 1],
  );
  return page(rows.map(toUser), limit, (u) => u.username);
}

export async function listUsersByAttribute(
  ctx: PostgresContext,
  poolId: string,
  name: string,
  value: string,
  prefix: boolean,
  limit: number,
  after?: AttributeCursor,
): Promise<AttributePage> {
  if (!SEARCHABLE_ATTRIBUTES.has(name)) return { items: [] };
  // A prefix is a byte range of the values: compared COLLATE "C", which the user_attribute_prefix
  // index (migration 0005) is built with, whatever the database's default collation.
  const { rows } = prefix
    ? await ctx.query(
        `SELECT i.value AS index_value, ${USER_AS_U}
         FROM user_attribute_index i JOIN users u ON u.pool_id = i.pool_id AND u.username = i.username
         WHERE i.pool_id = $1 AND i.name = $2 AND i.value COLLATE "C" >= $3 AND i.value COLLATE "C" < $4
           AND (i.value COLLATE "C", i.username) > ($5, $6)
         ORDER BY i.value COLLATE "C", i.username LIMIT $7`,
        [poolId, name, value, prefixEnd(value), after?.value ?? '', after?.username ?? '', limit + 1],
      )
    : await ctx.query(
        `SELECT i.value AS index_value, ${USER_AS_U}
         FROM user_attribute_index i JOIN users u ON u.pool_id = i.pool_id AND u.username = i.username
         WHERE i.pool_id = $1 AND i.name = $2 AND i.value = $3 AND i.username > $4
         ORDER BY i.username LIMIT $5`,
        [poolId, name, value, after?.username ?? '', limit + 1],
      );
  return attributePage(rows, limit);
}

export async function listUsersByStatus(
  ctx: PostgresContext,
  poolId: string,
  column: 'status' | 'enabled',
  value: string | boolean,
  limit: number,
  after?: string,
): Promise<Page<UserRecord>> {
  const { rows } = await ctx.query(
    `SELECT ${USER} FROM users WHERE pool_id = $1 AND ${column === 'status' ? 'status' : 'enabled'} = $2 AND username > $3
     ORDER BY username LIMIT $4`,
    [poolId, value, after ?? '', limit + 1],
  );
  return page(rows.map(toUser), limit, (u) => u.username);
}

export async function listUsers(ctx: PostgresContext, poolId: string, limit: number, after?: string): Promise<Page<UserRecord>> {
  const { rows } = await ctx.query(
    `SELECT ${USER} FROM users WHERE pool_id = $1 AND username > $2 ORDER BY username LIMIT $3`,
    [poolId, after ?? '', limit + 1],
  );
  return page(rows.map(toUser), limit, (u) => u.username);
}

export async function updateUser(ctx: PostgresContext, poolId: string, username: string, update: UserUpdate): Promise<boolean> {
  const { keys, values } = userUpdateValues(update);
  if (keys.length === 0) return true; // as SqliteStore
  // Without attributes there is no index to refresh: the UPDATE alone, atomic by itself, saves the
  // BEGIN and COMMIT round trips (AssociateSoftwareToken, a sign-in's MFA settings ...), and the
  // updates of the same columns made in one event-loop turn share one statement and one commit.
  if (!update.attributes) {
    // Four statements out at once: one waiting for a row lock holds up fewer of the others.
    return ctx.batcher(`updateUser ${keys.join(',')}`, updateUsers, 4).load({ keys, poolId, username, values });
  }
  return ctx.transaction(async (c) => {
    // The row lock taken here serialises concurrent updates of one user, index refresh included.
    const changed = ((await ctx.query(updateText(keys), [...values, poolId, username], c)).rowCount ?? 0) > 0;
    if (changed && update.attributes) await indexAttributes(ctx, c, poolId, username, update.attributes);
    return { commit: true, result: changed };
  });
}

/** One user's new values, in the order of the batch's columns. */
interface UserRow {
  /** The columns, the same for every row of a batch (its batcher is named after them). */
  keys: (keyof UserUpdate)[];
  poolId: string;
  username: string;
  values: unknown[];
}

function updateText(keys: (keyof UserUpdate)[]): string {
  return `UPDATE users SET ${keys.map((k, i) => `${userColumn(k)} = $${i + 1}`).join(', ')}
    WHERE pool_id = $${keys.length + 1} AND username = $${keys.length + 2}`;
}

/**
 * The updates of one batch (batch.ts), whether each found its user. One UPDATE over arrays, which
 * commits them together. A user named twice goes to a second statement after the first, so the
 * calls keep their order (the last one wins, as one statement each would do). Rows are locked in
 * (pool, username) order, the same in every batch of every instance, so two batches cannot
 * deadlock each other; if a batch fails anyway, each update runs alone and fails or not by itself.
 */
async function updateUsers(ctx: PostgresContext, batch: UserRow[]): Promise<(boolean | Failed)[]> {
  const { keys } = batch[0];
  const alone = (row: UserRow) => ctx.query(updateText(keys), [...row.values, row.poolId, row.username]).then((r) => (r.rowCount ?? 0) > 0);
  if (batch.length === 1) return [await alone(batch[0])];
  const changed: (boolean | Failed)[] = new Array(batch.length).fill(false);
  // Rounds: each holds at most one update per user, in call order.
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  batch.forEach((row, i) => {
    const key = `${row.poolId}\n${row.username}`;
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(i);
  });
  const text = `UPDATE users AS u SET ${keys.map((k, i) => `${userColumn(k)} = v.c${i}`).join(', ')}
    FROM unnest(${keys.map((k, i) => `$${i + 1}::${USER_UPDATE_COLUMNS[k].type}[]`).join(', ')}, $${keys.length + 1}::text[], $${keys.length + 2}::text[], $${keys.length + 3}::int[])
      AS v(${keys.map((_, i) => `c${i}`).join(', ')}, pool_id, username, i)
    WHERE u.pool_id = v.pool_id AND u.username = v.username COLLATE "C"
    RETURNING v.i`;
  for (const round of rounds) {
    const order = round.slice().sort((a, b) => compareUsers(batch[a], batch[b]));
    try {
      const columns = keys.map((_, c) => order.map((i) => batch[i].values[c]));
      const { rows } = await ctx.query(text, [...columns, order.map((i) => batch[i].poolId), order.map((i) => batch[i].username), order]);
      for (const row of rows) changed[row.i as number] = true;
    } catch {
      const one = await Promise.allSettled(order.map((i) => alone(batch[i])));
      one.forEach((r, j) => (changed[order[j]] = r.status === 'fulfilled' ? r.value : new Failed(r.reason)));
    }
  }
  return changed;
}

function compareUsers(a: UserRow, b: UserRow): number {
  if (a.poolId !== b.poolId) return a.poolId < b.poolId ? -1 : 1;
  return a.username < b.username ? -1 : a.username > b.username ? 1 : 0;
}

export async function deleteUser(ctx: PostgresContext, poolId: string, username: string): Promise<boolean> {
  return ctx.transaction(async (c) => {
    await ctx.query('DELETE FROM sign_ins WHERE pool_id = $1 AND username = $2', [poolId, username], c);
    await ctx.query('DELETE FROM auth_sessions WHERE pool_id = $1 AND username = $2', [poolId, username], c);
    await ctx.query('DELETE FROM outbox WHERE pool_id = $1 AND username = $2', [poolId, username], c);
    const deleted = await ctx.query('DELETE FROM users WHERE pool_id = $1 AND username = $2', [poolId, username], c);
    return { commit: true, result: (deleted.rowCount ?? 0) > 0 };
  });
}

/**
 * One conditional UPDATE. Under READ COMMITTED a second writer waits for the first's row lock,
 * then re-checks the WHERE clause against the committed row: a step can be accepted once.
 */
export async function consumeTotpStep(
  ctx: PostgresContext,
  poolId: string,
  username: string,
  step: number,
  stepUpdate: Omit<UserUpdate, 'attributes'> = {},
  unlessLockedAt?: number,
): Promise<boolean> {
  const { keys, values: stepValues } = userUpdateValues(stepUpdate);
  if (keys.length === 0 && unlessLockedAt === undefined) return consumeStepOn(ctx, undefined, poolId, username, step);
  const nowParam = `$${keys.length + 4}::bigint`;
  const locked = unlessLockedAt === undefined ? '' : ` AND NOT ${lockedSql('mfa_failures', 'mfa_last_failure_at', nowParam)}`;
  const text = `UPDATE users SET totp_last_step = $1, mfa_failures = 0, mfa_last_failure_at = NULL${keys.map((k, i) => `, ${userColumn(k)} = $${i + 2}`).join('')}
    WHERE pool_id = $${keys.length + 2} AND username = $${keys.length + 3}
      AND (totp_last_step IS NULL OR totp_last_step < $1)${locked}`;
  const values = [step, ...stepValues, poolId, username, ...(unlessLockedAt === undefined ? [] : [unlessLockedAt])];
  const result = await ctx.query(text, values);
  return (result.rowCount ?? 0) > 0;
}

export async function consumeStepOn(ctx: PostgresContext, on: pg.PoolClient | undefined, poolId: string, username: string, step: number): Promise<boolean> {
  const result = await ctx.query(
    `UPDATE users SET totp_last_step = $1, mfa_failures = 0, mfa_last_failure_at = NULL
     WHERE pool_id = $2 AND username = $3 AND (totp_last_step IS NULL OR totp_last_step < $1)`,
    [step, poolId, username],
    on,
  );
  return (result.rowCount ?? 0) > 0;
}

export async function recordFailure(ctx: PostgresContext, poolId: string, username: string, kind: FailureKind, now: number): Promise<FailureState> {
  const [count, last] = FAILURE_COLUMNS[kind];
  const row = await ctx.one(
    `UPDATE users SET ${count} = ${count} + 1, ${last} = $1 WHERE pool_id = $2 AND username = $3
     RETURNING ${count} AS count, ${last} AS last_at`,
    [now, poolId, username],
  );
  return toFailures(row);
}

export async function getFailures(ctx: PostgresContext, poolId: string, username: string, kind: FailureKind): Promise<FailureState> {
  const [count, last] = FAILURE_COLUMNS[kind];
  const row = await ctx.one(`SELECT ${count} AS count, ${last} AS last_at FROM users WHERE pool_id = $1 AND username = $2`, [
    poolId, username,
  ]);
  return toFailures(row);
}

export async function clearFailures(ctx: PostgresContext, poolId: string, username: string, kind: FailureKind): Promise<void> {
  const [count, last] = FAILURE_COLUMNS[kind];
  await ctx.query(`UPDATE users SET ${count} = 0, ${last} = NULL WHERE pool_id = $1 AND username = $2 AND ${count} <> 0`, [
    poolId, username,
  ]);
}

/**
 * One conditional UPDATE: a concurrent reservation waits for the row lock, then re-evaluates the
 * lockout against the committed count, so no more attempts proceed than the rule allows.
 */
export async function reserveAttempt(ctx: PostgresContext, poolId: string, username: string, kind: FailureKind, now: number): Promise<boolean> {
  const [count, last] = FAILURE_COLUMNS[kind];
  const result = await ctx.query(
    `UPDATE users SET ${count} = ${count} + 1, ${last} = $1
     WHERE pool_id = $2 AND username = $3 AND NOT ${lockedSql(count, last, '$1::bigint')}`,
    [now, poolId, username],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function refundAttempt(ctx: PostgresContext, poolId: string, username: string, kind: FailureKind): Promise<void> {
  const [count] = FAILURE_COLUMNS[kind];
  await ctx.query(`UPDATE users SET ${count} = ${count} - 1 WHERE pool_id = $1 AND username = $2 AND ${count} > 0`, [poolId, username]);
}
