import type { Deps, Handler } from '../deps.js';
import { deleteAttributes } from '../users/deleteAttributes.js';
import { loadPool, loadUser } from './common.js';

/**
 * AdminDeleteUserAttributes: an administrator deletes a user's attributes (src/users/attributes.ts).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteUserAttributes.html
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username, pool);
    await deleteAttributes(deps, pool, user, { by: 'admin', at: 'update' }, input.UserAttributeNames);
    return {};
  };
