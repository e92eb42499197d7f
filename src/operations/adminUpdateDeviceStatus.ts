import type { Deps, Handler } from '../deps.js';
import { adminDeviceUser, setDeviceStatus } from './devices.js';

/** AdminUpdateDeviceStatus: remembered or not_remembered, for any user of the pool. */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => setDeviceStatus(deps, await adminDeviceUser(deps, input), input);
