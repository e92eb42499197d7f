import type { Deps, Handler } from '../deps.js';
import { deviceCaller, setDeviceStatus } from './devices.js';

/** UpdateDeviceStatus: the caller remembers one of their devices, or stops remembering it. */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => setDeviceStatus(deps, (await deviceCaller(deps, input.AccessToken)).user, input);
