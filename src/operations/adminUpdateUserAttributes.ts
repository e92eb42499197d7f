import type { Deps, Handler } from '../deps.js';
import { checkAttributeWrite, mergeAttributes } from '../users/attributes.js';
import { loadPool, loadUser } from './common.js';

export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username);
    const updates = checkAttributeWrite(pool, { by: 'admin', at: 'update' }, input.UserAttributes);
    await deps.store.updateUser(pool.id, user.username, {
      attributes: mergeAttributes(user.attributes, updates),
      modifiedAt: deps.clock.now(),
    });
    return {};
  };
