import type { Deps, Handler } from '../deps.js';
import { deviceCaller, forgetUserDevice } from './devices.js';

/** ForgetDevice: the caller forgets one of their devices; it must do MFA again. */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => forgetUserDevice(deps, (await deviceCaller(deps, input.AccessToken)).user, input.DeviceKey);
