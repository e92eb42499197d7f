import type { Deps, Handler } from '../deps.js';
import { deviceCaller, listUserDevices } from './devices.js';

/** ListDevices: the caller's devices, a page at a time (PaginationToken). */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => listUserDevices(deps, (await deviceCaller(deps, input.AccessToken)).user, input);
