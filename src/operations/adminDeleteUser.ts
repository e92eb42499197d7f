import type { Deps, Handler } from '../deps.js';
import { UserNotFoundException } from '../errors.js';
import { loadPool, loadUser } from './common.js';

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, input.UserPoolId, input.Username);
    if (!(await deps.store.deleteUser(user.poolId, user.username))) throw UserNotFoundException('User does not exist.');
    return {};
  };
