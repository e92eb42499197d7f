import type { Deps, Handler } from '../deps.js';
import { checkPasswordPolicy, passwordFields } from '../auth/password.js';
import { loadPool, loadUser } from './common.js';

/** Permanent: the user is CONFIRMED; otherwise the password is temporary (FORCE_CHANGE_PASSWORD). */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username, pool);
    checkPasswordPolicy(pool, input.Password);
    await deps.store.updateUser(pool.id, user.username, {
      ...(await passwordFields(deps, pool.id, user.username, input.Password)),
      status: input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
      modifiedAt: deps.clock.now(),
    });
    await deps.store.clearFailures(pool.id, user.username, 'password');
    return {};
  };
