import type { Deps, Handler } from '../deps.js';
import { setMfaPreference } from '../auth/mfaPreference.js';
import { loadPool, loadUser } from './common.js';

export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username, pool);
    await setMfaPreference(deps, pool, user, input, true);
    return {};
  };
