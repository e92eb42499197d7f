import type { Deps, Handler } from '../deps.js';
import { ResourceNotFoundException } from '../errors.js';
import { loadPool } from './common.js';

/** Deletes the group and its memberships: its members' next tokens no longer name it. */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    if (!(await deps.store.deleteGroup(input.UserPoolId, input.GroupName))) throw ResourceNotFoundException('Group not found.');
    return {};
  };
