import type { Deps, Handler } from '../deps.js';
import { adminDeviceUser, deviceView, loadDevice } from './devices.js';

/** AdminGetDevice: a device of any user of the pool (src/operations/devices.ts). */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => ({ Device: deviceView(await loadDevice(deps, await adminDeviceUser(deps, input), input.DeviceKey)) });
