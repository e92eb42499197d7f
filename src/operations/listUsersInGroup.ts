import type { Deps, Handler } from '../deps.js';
import { userView } from '../domain/views.js';
import { decodeCursor, encodeCursor, loadPool } from './common.js';
import { loadGroup, pageLimit } from './groups.js';

/** A group's members (UserType, as ListUsers) by username, a page at a time. */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const group = await loadGroup(deps, input.UserPoolId, input.GroupName);
    const page = await deps.store.listUsersInGroup(group.poolId, group.name, pageLimit(input.Limit), decodeCursor(input.NextToken));
    const NextToken = encodeCursor(page.next);
    return { Users: page.items.map(userView), ...(NextToken ? { NextToken } : {}) };
  };
