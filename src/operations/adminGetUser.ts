import type { Deps, Handler } from '../deps.js';
import { adminUserView } from '../domain/views.js';
import { loadPool, loadUser } from './common.js';

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    return adminUserView(await loadUser(deps, pool.id, input.Username, pool));
  };
