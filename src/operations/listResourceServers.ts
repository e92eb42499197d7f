import type { Deps, Handler } from '../deps.js';
import { decodeCursor, encodeCursor, loadPool } from './common.js';
import { resourceServerView } from './resourceServers.js';

/** A pool's resource servers by identifier (byte order), MaxResults (1..50, default 50) at a time. */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const page = await deps.store.listResourceServers(input.UserPoolId, input.MaxResults ?? 50, decodeCursor(input.NextToken));
    const NextToken = encodeCursor(page.next);
    return { ResourceServers: page.items.map(resourceServerView), ...(NextToken ? { NextToken } : {}) };
  };
