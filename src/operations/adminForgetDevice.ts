import type { Deps, Handler } from '../deps.js';
import { adminDeviceUser, forgetUserDevice } from './devices.js';

/** AdminForgetDevice: forgets a device of any user of the pool. */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => forgetUserDevice(deps, await adminDeviceUser(deps, input), input.DeviceKey);
