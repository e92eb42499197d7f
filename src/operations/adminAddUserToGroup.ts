import type { Deps, Handler } from '../deps.js';
import { loadPool, loadUser } from './common.js';
import { loadGroup } from './groups.js';

/** Idempotent, as in Cognito: adding a member again succeeds and changes nothing. */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    // The group is checked before the user (docs/behaviour.md, "Groups").
    const group = await loadGroup(deps, input.UserPoolId, input.GroupName);
    const user = await loadUser(deps, input.UserPoolId, input.Username);
    // False only if the group or the user was deleted since: answered as if it had been gone before.
    if (!(await deps.store.addUserToGroup(group.poolId, group.name, user.username))) {
      await loadGroup(deps, input.UserPoolId, input.GroupName);
      await loadUser(deps, input.UserPoolId, input.Username);
    }
    return {};
  };
