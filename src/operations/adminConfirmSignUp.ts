import type { Deps, Handler } from '../deps.js';
import { NotAuthorizedException } from '../errors.js';
import { loadPool, loadUser } from './common.js';
import { runPostConfirmation } from '../triggers/postConfirmation.js';

export default (deps: Pick<Deps, 'store' | 'clock' | 'lambda' | 'config' | 'log'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, input.UserPoolId, input.Username);
    if (user.status !== 'UNCONFIRMED') {
      throw NotAuthorizedException(`User cannot be confirmed. Current status is ${user.status}`);
    }
    await runPostConfirmation(deps, pool, 'PostConfirmation_ConfirmSignUp', { ...user, status: 'CONFIRMED' }, undefined, input.ClientMetadata);
    await deps.store.updateUser(user.poolId, user.username, { status: 'CONFIRMED', modifiedAt: deps.clock.now() });
    return {};
  };
