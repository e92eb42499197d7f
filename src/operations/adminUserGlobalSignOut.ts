import type { Deps, Handler } from '../deps.js';
import { loadPool, loadUser } from './common.js';

export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, input.UserPoolId, input.Username);
    await deps.store.revokeUserSignIns(user.poolId, user.username, deps.clock.now());
    return {};
  };
