import type { Deps, Handler } from '../deps.js';
import { checkAttributeNames, loadPool, loadUser, mergeAttributes } from './common.js';

export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username);
    checkAttributeNames(pool, input.UserAttributes);
    await deps.store.updateUser(pool.id, user.username, {
      attributes: mergeAttributes(user.attributes, input.UserAttributes),
      modifiedAt: deps.clock.now(),
    });
    return {};
  };
