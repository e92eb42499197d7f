/** Groups and their members (SQLite): CreateGroup, AdminAddUserToGroup, ListUsersInGroup, ... */
import type { SqliteContext } from './context.js';
import { page, toGroup, toUser, type Row } from '../rows.js';
import { groupUpdateColumns } from '../groupColumns.js';
import type { GroupRecord, GroupUpdate, Page, UserRecord } from '../store.js';

export async function createGroup(ctx: SqliteContext, g: GroupRecord): Promise<boolean> {
  return (
    ctx.sql(
      `INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pool_id, name) DO NOTHING`,
    ).run(g.poolId, g.name, g.description, g.roleArn, g.precedence, g.createdAt, g.modifiedAt).changes > 0
  );
}

export async function getGroup(ctx: SqliteContext, poolId: string, name: string): Promise<GroupRecord | undefined> {
  const row = ctx.sql('SELECT * FROM groups WHERE pool_id = ? AND name = ?').get(poolId, name) as Row | undefined;
  return row && toGroup(row);
}

export async function listGroups(ctx: SqliteContext, poolId: string, limit: number, after?: string): Promise<Page<GroupRecord>> {
  const rows = ctx.sql('SELECT * FROM groups WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?').all(poolId, after ?? '', limit + 1) as Row[];
  return page(rows.map(toGroup), limit, (g) => g.name);
}

export async function updateGroup(ctx: SqliteContext, poolId: string, name: string, update: GroupUpdate): Promise<GroupRecord | undefined> {
  const { assignments, values } = groupUpdateColumns(update, () => '?');
  const row = ctx.sql(`UPDATE groups SET ${assignments} WHERE pool_id = ? AND name = ? RETURNING *`).get(...values, poolId, name) as
    | Row
    | undefined;
  return row && toGroup(row);
}

export async function deleteGroup(ctx: SqliteContext, poolId: string, name: string): Promise<boolean> {
  // Its memberships go by cascade (group_members' primary key finds them); the record cache holds neither table.
  return ctx.sql('DELETE FROM groups WHERE pool_id = ? AND name = ?').run(poolId, name).changes > 0;
}

export async function addUserToGroup(ctx: SqliteContext, poolId: string, groupName: string, username: string): Promise<boolean> {
  try {
    ctx.sql('INSERT INTO group_members (pool_id, group_name, username) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(poolId, groupName, username);
    return true;
  } catch (err) {
    // The foreign keys: the group or the user is gone (deleted since the caller looked).
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return false;
    throw err;
  }
}

export async function removeUserFromGroup(ctx: SqliteContext, poolId: string, groupName: string, username: string): Promise<boolean> {
  return ctx.sql('DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username = ?').run(poolId, groupName, username).changes > 0;
}

// CROSS JOIN makes SQLite read the membership index first, then probe the other table's primary key.

export async function listGroupsForUser(ctx: SqliteContext, poolId: string, username: string, limit: number, after?: string): Promise<Page<GroupRecord>> {
  const rows = ctx.sql(
    `SELECT g.* FROM group_members m CROSS JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
     WHERE m.pool_id = ? AND m.username = ? AND m.group_name > ? ORDER BY m.group_name LIMIT ?`,
  ).all(poolId, username, after ?? '', limit + 1) as Row[];
  return page(rows.map(toGroup), limit, (g) => g.name);
}

export async function getUserGroups(ctx: SqliteContext, poolId: string, username: string): Promise<GroupRecord[]> {
  const rows = ctx.sql(
    `SELECT g.* FROM group_members m CROSS JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
     WHERE m.pool_id = ? AND m.username = ? ORDER BY m.group_name`,
  ).all(poolId, username) as Row[];
  return rows.map(toGroup);
}

export async function listUsersInGroup(ctx: SqliteContext, poolId: string, groupName: string, limit: number, after?: string): Promise<Page<UserRecord>> {
  const rows = ctx.sql(
    `SELECT u.* FROM group_members m CROSS JOIN users u ON u.pool_id = m.pool_id AND u.username = m.username
     WHERE m.pool_id = ? AND m.group_name = ? AND m.username > ? ORDER BY m.username LIMIT ?`,
  ).all(poolId, groupName, after ?? '', limit + 1) as Row[];
  return page(rows.map(toUser), limit, (u) => u.username);
}
