/** Groups and their members (PostgreSQL): CreateGroup, AdminAddUserToGroup, ListUsersInGroup, ... */
import type { GroupRecord, GroupUpdate, Page, UserRecord } from '../store.js';
import type { PostgresContext } from './context.js';
import { page, toGroup, toUser } from '../rows.js';
import { groupUpdateColumns } from '../groupColumns.js';
import { GROUP, GROUP_AS_G, USER, USER_AS_U } from './columns.js';

export async function createGroup(ctx: PostgresContext, g: GroupRecord): Promise<boolean> {
  // A concurrent create of the same name waits on the primary key and then does nothing.
  const result = await ctx.query(
    `INSERT INTO groups (${GROUP}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (pool_id, name) DO NOTHING`,
    [g.poolId, g.name, g.description, g.roleArn, g.precedence, g.createdAt, g.modifiedAt],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getGroup(ctx: PostgresContext, poolId: string, name: string): Promise<GroupRecord | undefined> {
  const row = await ctx.one(`SELECT ${GROUP} FROM groups WHERE pool_id = $1 AND name = $2`, [poolId, name]);
  return row && toGroup(row);
}

export async function listGroups(ctx: PostgresContext, poolId: string, limit: number, after?: string): Promise<Page<GroupRecord>> {
  const { rows } = await ctx.query(`SELECT ${GROUP} FROM groups WHERE pool_id = $1 AND name > $2 ORDER BY name LIMIT $3`, [
    poolId, after ?? '', limit + 1,
  ]);
  return page(rows.map(toGroup), limit, (g) => g.name);
}

export async function updateGroup(ctx: PostgresContext, poolId: string, name: string, update: GroupUpdate): Promise<GroupRecord | undefined> {
  const { assignments, values } = groupUpdateColumns(update, (i) => `$${i + 1}`);
  const row = await ctx.one(
    `UPDATE groups SET ${assignments} WHERE pool_id = $${values.length + 1} AND name = $${values.length + 2} RETURNING ${GROUP}`,
    [...values, poolId, name],
  );
  return row && toGroup(row);
}

export async function deleteGroup(ctx: PostgresContext, poolId: string, name: string): Promise<boolean> {
  // Its memberships go by cascade, found by group_members' primary key.
  return ((await ctx.query('DELETE FROM groups WHERE pool_id = $1 AND name = $2', [poolId, name])).rowCount ?? 0) > 0;
}

export async function addUserToGroup(ctx: PostgresContext, poolId: string, groupName: string, username: string): Promise<boolean> {
  try {
    await ctx.query('INSERT INTO group_members (pool_id, group_name, username) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      poolId, groupName, username,
    ]);
    return true;
  } catch (err) {
    // foreign_key_violation: the group or the user is gone (deleted since the caller looked).
    if ((err as { code?: string }).code === '23503') return false;
    throw err;
  }
}

export async function removeUserFromGroup(ctx: PostgresContext, poolId: string, groupName: string, username: string): Promise<boolean> {
  const result = await ctx.query('DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username = $3', [
    poolId, groupName, username,
  ]);
  return (result.rowCount ?? 0) > 0;
}

// The memberships are read first and each row probes the other table's primary key: LATERAL with
// LIMIT 1 (one row by the key anyway) keeps the planner from flattening it into a join, which it may
// run as a merge or hash join reading the whole pool's users or groups.

export async function listGroupsForUser(ctx: PostgresContext, poolId: string, username: string, limit: number, after?: string): Promise<Page<GroupRecord>> {
  const { rows } = await ctx.query(
    `SELECT ${GROUP_AS_G} FROM (
       SELECT group_name FROM group_members WHERE pool_id = $1 AND username = $2 AND group_name > $3 ORDER BY group_name LIMIT $4
     ) m CROSS JOIN LATERAL (SELECT ${GROUP} FROM groups WHERE pool_id = $1 AND name = m.group_name LIMIT 1) g
     ORDER BY m.group_name`,
    [poolId, username, after ?? '', limit + 1],
  );
  return page(rows.map(toGroup), limit, (g) => g.name);
}

export async function getUserGroups(ctx: PostgresContext, poolId: string, username: string): Promise<GroupRecord[]> {
  const { rows } = await ctx.query(
    `SELECT ${GROUP_AS_G} FROM group_members m
     CROSS JOIN LATERAL (SELECT ${GROUP} FROM groups WHERE pool_id = $1 AND name = m.group_name LIMIT 1) g
     WHERE m.pool_id = $1 AND m.username = $2 ORDER BY m.group_name`,
    [poolId, username],
  );
  return rows.map(toGroup);
}

export async function listUsersInGroup(ctx: PostgresContext, poolId: string, groupName: string, limit: number, after?: string): Promise<Page<UserRecord>> {
  const { rows } = await ctx.query(
    `SELECT ${USER_AS_U} FROM (
       SELECT username FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username > $3 ORDER BY username LIMIT $4
     ) m CROSS JOIN LATERAL (SELECT ${USER} FROM users WHERE pool_id = $1 AND username = m.username LIMIT 1) u
     ORDER BY m.username`,
    [poolId, groupName, after ?? '', limit + 1],
  );
  return page(rows.map(toUser), limit, (u) => u.username);
}
