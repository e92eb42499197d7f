import type { Deps, Handler } from '../deps.js';
import { groupView } from '../domain/views.js';
import { decodeCursor, encodeCursor, loadPool, loadUser } from './common.js';
import { pageLimit } from './groups.js';

/** A user's groups by name, a page at a time; the user may be named by alias or sub, as in AdminGetUser. */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, input.UserPoolId, input.Username);
    const page = await deps.store.listGroupsForUser(user.poolId, user.username, pageLimit(input.Limit), decodeCursor(input.NextToken));
    const NextToken = encodeCursor(page.next);
    return { Groups: page.items.map(groupView), ...(NextToken ? { NextToken } : {}) };
  };
