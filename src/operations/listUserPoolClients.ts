import type { Deps, Handler } from '../deps.js';
import { decodeCursor, encodeCursor, loadPool } from './common.js';

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const page = await deps.store.listClients(input.UserPoolId, input.MaxResults ?? 60, decodeCursor(input.NextToken));
    const NextToken = encodeCursor(page.next);
    return {
      UserPoolClients: page.items.map((c) => ({ ClientId: c.id, UserPoolId: c.poolId, ClientName: c.name })),
      ...(NextToken ? { NextToken } : {}),
    };
  };
