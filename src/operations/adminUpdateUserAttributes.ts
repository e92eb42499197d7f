import type { Deps, Handler } from '../deps.js';
import { checkAttributeWrite, mergeAttributes } from '../users/attributes.js';
import { prepareAttributeUpdateCodes } from '../users/attributeCodes.js';
import { syncUserKeys } from '../users/usernames.js';
import { loadPool, loadUser } from './common.js';

/**
 * AdminUpdateUserAttributes: as UpdateUserAttributes, without the client's rights; a changed email or
 * phone number the pool auto-verifies gets a code (`CustomMessage_UpdateUserAttribute`) unless the
 * same call sets its `*_verified` true. The answer is empty, as Cognito's.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username, pool);
    const updates = checkAttributeWrite(pool, { by: 'admin', at: 'update' }, input.UserAttributes);
    const attributes = mergeAttributes(user.attributes, updates);
    // The custom message trigger runs before anything is written: a refusal changes nothing.
    const codes = await prepareAttributeUpdateCodes(deps, pool, user, attributes, { clientMetadata: input.ClientMetadata });
    // Aliases and sign-in names follow the attributes (src/users/usernames.ts); refusals come first.
    await syncUserKeys(deps.store, pool, user.username, user.attributes, attributes, deps.clock.now());
    await deps.store.updateUser(pool.id, user.username, {
      attributes,
      modifiedAt: deps.clock.now(),
    });
    await codes.commit();
    return {};
  };
