import type { Deps, Handler } from '../deps.js';
import { loadPool, loadUser } from './common.js';

/** Deactivates the user and revokes every token issued to them, as Cognito's AdminDisableUser does. */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, input.UserPoolId, input.Username);
    const now = deps.clock.now();
    await deps.store.updateUser(user.poolId, user.username, { enabled: false, modifiedAt: now });
    await deps.store.revokeUserSignIns(user.poolId, user.username, now);
    return {};
  };
