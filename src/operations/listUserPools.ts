import type { Deps, Handler } from '../deps.js';
import { poolSummary } from '../domain/views.js';
import { decodeCursor, encodeCursor } from './common.js';

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    const page = await deps.store.listPools(input.MaxResults, decodeCursor(input.NextToken));
    const NextToken = encodeCursor(page.next);
    return { UserPools: page.items.map(poolSummary), ...(NextToken ? { NextToken } : {}) };
  };
