import type { Deps, Handler } from '../deps.js';
import { groupView } from '../domain/views.js';
import { decodeCursor, encodeCursor, loadPool } from './common.js';
import { pageLimit } from './groups.js';

/** A pool's groups by name (byte order), a page at a time. */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const page = await deps.store.listGroups(input.UserPoolId, pageLimit(input.Limit), decodeCursor(input.NextToken));
    const NextToken = encodeCursor(page.next);
    return { Groups: page.items.map(groupView), ...(NextToken ? { NextToken } : {}) };
  };
