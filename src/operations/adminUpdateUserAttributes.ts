import type { Deps, Handler } from '../deps.js';
import { checkAttributeWrite, mergeAttributes } from '../users/attributes.js';
import { syncUserKeys } from '../users/usernames.js';
import { loadPool, loadUser } from './common.js';

export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username);
    const updates = checkAttributeWrite(pool, { by: 'admin', at: 'update' }, input.UserAttributes);
    const attributes = mergeAttributes(user.attributes, updates);
    // Aliases and sign-in names follow the attributes (src/users/usernames.ts); refusals come first.
    await syncUserKeys(deps.store, pool, user.username, user.attributes, attributes, deps.clock.now());
    await deps.store.updateUser(pool.id, user.username, {
      attributes,
      modifiedAt: deps.clock.now(),
    });
    return {};
  };
