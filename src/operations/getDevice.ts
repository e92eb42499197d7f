import type { Deps, Handler } from '../deps.js';
import { deviceCaller, deviceView, loadDevice } from './devices.js';

/** GetDevice: one of the caller's own devices (src/operations/devices.ts). */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => {
    const { user } = await deviceCaller(deps, input.AccessToken);
    return { Device: deviceView(await loadDevice(deps, user, input.DeviceKey)) };
  };
