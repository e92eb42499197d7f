import type { Deps, Handler } from '../deps.js';
import { adminDeviceUser, listUserDevices } from './devices.js';

/** AdminListDevices: a user's devices, a page at a time (PaginationToken). */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => listUserDevices(deps, await adminDeviceUser(deps, input), input);
