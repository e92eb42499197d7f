import type { Deps, Handler } from '../deps.js';
import { authenticateAccessToken } from '../tokens/verify.js';
import { checkAttributeNames, mergeAttributes } from './common.js';

/** Verification codes for changed email or phone numbers are not sent yet (CodeDeliveryDetailsList is empty). */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    checkAttributeNames(pool, input.UserAttributes);
    await deps.store.updateUser(pool.id, user.username, {
      attributes: mergeAttributes(user.attributes, input.UserAttributes),
      modifiedAt: deps.clock.now(),
    });
    return { CodeDeliveryDetailsList: [] };
  };
