/** Remembered devices (ConfirmDevice, ListDevices, ...), sqlite. */
import type { SqliteContext } from './context.js';
import { deviceAssignments, page, toDevice, type Row } from '../rows.js';
import type { DeviceRecord, DeviceUpdate, Page } from '../store.js';

export async function createDevice(ctx: SqliteContext, d: DeviceRecord): Promise<boolean> {
  return (
    ctx.sql(
      `INSERT INTO devices (pool_id, device_key, username, sub, group_key, salt, verifier_sealed, name, remembered, last_ip,
         created_at, modified_at, last_authenticated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pool_id, device_key) DO NOTHING`,
    ).run(
      d.poolId, d.deviceKey, d.username, d.sub, d.groupKey, d.salt, d.verifierSealed, d.name, d.remembered ? 1 : 0, d.lastIp,
      d.createdAt, d.modifiedAt, d.lastAuthenticatedAt,
    ).changes > 0
  );
}

export async function getDevice(ctx: SqliteContext, poolId: string, deviceKey: string): Promise<DeviceRecord | undefined> {
  const row = ctx.sql('SELECT * FROM devices WHERE pool_id = ? AND device_key = ?').get(poolId, deviceKey) as Row | undefined;
  return row && toDevice(row);
}

export async function listDevices(ctx: SqliteContext, poolId: string, username: string, limit: number, after?: string): Promise<Page<DeviceRecord>> {
  const rows = ctx.sql(
    'SELECT * FROM devices WHERE pool_id = ? AND username = ? AND device_key > ? ORDER BY device_key LIMIT ?',
  ).all(poolId, username, after ?? '', limit + 1) as Row[];
  return page(rows.map(toDevice), limit, (d) => d.deviceKey);
}

export async function updateDevice(ctx: SqliteContext, poolId: string, deviceKey: string, username: string, update: DeviceUpdate): Promise<boolean> {
  const { sets, values } = deviceAssignments(update, () => '?', (b) => (b ? 1 : 0));
  return (
    ctx.sql(`UPDATE devices SET ${sets.join(', ')} WHERE pool_id = ? AND device_key = ? AND username = ?`).run(
      ...values, poolId, deviceKey, username,
    ).changes > 0
  );
}

export async function deleteDevice(ctx: SqliteContext, poolId: string, deviceKey: string, username: string): Promise<boolean> {
  return ctx.sql('DELETE FROM devices WHERE pool_id = ? AND device_key = ? AND username = ?').run(poolId, deviceKey, username).changes > 0;
}
