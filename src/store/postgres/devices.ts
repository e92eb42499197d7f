/** Remembered devices (ConfirmDevice, ListDevices, ...), postgres. */
import type { DeviceRecord, DeviceUpdate, Page } from '../store.js';
import type { PostgresContext } from './context.js';
import { DEVICE } from './columns.js';
import { deviceAssignments, page, toDevice } from '../rows.js';

export async function createDevice(ctx: PostgresContext, d: DeviceRecord): Promise<boolean> {
  const result = await ctx.query(
    `INSERT INTO devices (${DEVICE}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (pool_id, device_key) DO NOTHING`,
    [
      d.poolId, d.deviceKey, d.username, d.sub, d.groupKey, d.salt, d.verifierSealed, d.name, d.remembered, d.lastIp,
      d.createdAt, d.modifiedAt, d.lastAuthenticatedAt,
    ],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getDevice(ctx: PostgresContext, poolId: string, deviceKey: string): Promise<DeviceRecord | undefined> {
  const row = await ctx.one(`SELECT ${DEVICE} FROM devices WHERE pool_id = $1 AND device_key = $2`, [poolId, deviceKey]);
  return row && toDevice(row);
}

export async function listDevices(ctx: PostgresContext, poolId: string, username: string, limit: number, after?: string): Promise<Page<DeviceRecord>> {
  const { rows } = await ctx.query(
    `SELECT ${DEVICE} FROM devices WHERE pool_id = $1 AND username = $2 AND device_key > $3 ORDER BY device_key LIMIT $4`,
    [poolId, username, after ?? '', limit + 1],
  );
  return page(rows.map(toDevice), limit, (d) => d.deviceKey);
}

export async function updateDevice(ctx: PostgresContext, poolId: string, deviceKey: string, username: string, update: DeviceUpdate): Promise<boolean> {
  const { sets, values } = deviceAssignments(update, (n) => `$${n}`, (b) => b);
  const n = values.length;
  const result = await ctx.query(
    `UPDATE devices SET ${sets.join(', ')} WHERE pool_id = $${n + 1} AND device_key = $${n + 2} AND username = $${n + 3}`,
    [...values, poolId, deviceKey, username],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function deleteDevice(ctx: PostgresContext, poolId: string, deviceKey: string, username: string): Promise<boolean> {
  const result = await ctx.query('DELETE FROM devices WHERE pool_id = $1 AND device_key = $2 AND username = $3', [
    poolId, deviceKey, username,
  ]);
  return (result.rowCount ?? 0) > 0;
}
