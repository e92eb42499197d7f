import type { Deps, Handler } from '../deps.js';
import { poolView } from '../domain/views.js';
import { loadPool } from './common.js';

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    return { UserPool: poolView(pool, await deps.store.countUsers(pool.id)) };
  };
