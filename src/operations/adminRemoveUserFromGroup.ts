import type { Deps, Handler } from '../deps.js';
import { loadPool, loadUser } from './common.js';
import { loadGroup } from './groups.js';

/** Removing a user who is not in the group succeeds and changes nothing (docs/behaviour.md, "Groups"). */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const group = await loadGroup(deps, input.UserPoolId, input.GroupName);
    const user = await loadUser(deps, input.UserPoolId, input.Username);
    await deps.store.removeUserFromGroup(group.poolId, group.name, user.username);
    return {};
  };
