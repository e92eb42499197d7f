import type { Deps } from '../deps.js';
import { deviceNotFound, deviceOwnedBy } from '../auth/devices.js';
import { wireTime } from '../domain/views.js';
import type { DeviceRecord, UserRecord } from '../store/store.js';
import { authenticateAccessToken, type Authenticated } from '../tokens/verify.js';
import { InvalidParameterException } from '../errors.js';
import { decodeCursor, encodeCursor, loadPool, loadUser } from './common.js';
import { pageLimit } from './groups.js';

/**
 * What the device operations share: DeviceType as Cognito returns it (API reference, DeviceType and
 * AdminGetDevice): DeviceKey, the device attributes `device_status`, `device_name`,
 * `dev:device_remembered_status` and `last_ip_used`, and the three dates.
 */
export function deviceView(device: DeviceRecord): Record<string, unknown> {
  const attributes = [{ Name: 'device_status', Value: 'valid' }];
  if (device.name !== null) attributes.push({ Name: 'device_name', Value: device.name });
  attributes.push({ Name: 'dev:device_remembered_status', Value: device.remembered ? 'remembered' : 'not_remembered' });
  if (device.lastIp !== null) attributes.push({ Name: 'last_ip_used', Value: device.lastIp });
  return {
    DeviceKey: device.deviceKey,
    DeviceAttributes: attributes,
    DeviceCreateDate: wireTime(device.createdAt),
    DeviceLastModifiedDate: wireTime(device.modifiedAt),
    ...(device.lastAuthenticatedAt !== null ? { DeviceLastAuthenticatedDate: wireTime(device.lastAuthenticatedAt) } : {}),
  };
}

/** The caller of a user device operation: its access token is required (the model leaves it optional for GetDevice and ForgetDevice). */
export async function deviceCaller(deps: Pick<Deps, 'store' | 'keys' | 'clock'>, accessToken: string | undefined): Promise<Authenticated> {
  if (accessToken === undefined) throw InvalidParameterException('Missing required parameter AccessToken');
  return authenticateAccessToken(deps, accessToken);
}

/** The administrator's user: the pool and the user must exist (ResourceNotFoundException, UserNotFoundException). */
export async function adminDeviceUser(deps: Pick<Deps, 'store'>, input: { UserPoolId: string; Username: string }): Promise<UserRecord> {
  await loadPool(deps, input.UserPoolId);
  return loadUser(deps, input.UserPoolId, input.Username);
}

/** A device of this user, or "Device does not exist." (another user's device is not theirs to see). */
export async function loadDevice(deps: Pick<Deps, 'store'>, user: UserRecord, deviceKey: string): Promise<DeviceRecord> {
  const device = await deps.store.getDevice(user.poolId, deviceKey);
  if (!device || !deviceOwnedBy(device, user)) throw deviceNotFound();
  return device;
}

/** ListDevices and AdminListDevices: a user's devices by key, Limit at a time (0 or none: 60, as ListGroups). */
export async function listUserDevices(
  deps: Pick<Deps, 'store'>,
  user: UserRecord,
  input: { Limit?: number; PaginationToken?: string },
): Promise<Record<string, unknown>> {
  const page = await deps.store.listDevices(user.poolId, user.username, pageLimit(input.Limit), decodeCursor(input.PaginationToken));
  const PaginationToken = encodeCursor(page.next);
  return { Devices: page.items.map(deviceView), ...(PaginationToken ? { PaginationToken } : {}) };
}

/** UpdateDeviceStatus and AdminUpdateDeviceStatus: remembered or not_remembered (absent: unchanged). */
export async function setDeviceStatus(
  deps: Pick<Deps, 'store' | 'clock'>,
  user: UserRecord,
  input: { DeviceKey: string; DeviceRememberedStatus?: string },
): Promise<Record<string, never>> {
  await loadDevice(deps, user, input.DeviceKey);
  const status = input.DeviceRememberedStatus;
  const changed = await deps.store.updateDevice(user.poolId, input.DeviceKey, user.username, {
    ...(status !== undefined ? { remembered: status === 'remembered' } : {}),
    modifiedAt: deps.clock.now(),
  });
  if (!changed) throw deviceNotFound();
  return {};
}

/** ForgetDevice and AdminForgetDevice: the device is deleted; its refresh tokens stop working and it must do MFA again. */
export async function forgetUserDevice(deps: Pick<Deps, 'store'>, user: UserRecord, deviceKey: string): Promise<Record<string, never>> {
  await loadDevice(deps, user, deviceKey);
  if (!(await deps.store.deleteDevice(user.poolId, deviceKey, user.username))) throw deviceNotFound();
  return {};
}
