import type { Deps, Handler } from '../deps.js';
import { checkAttributeWrite } from '../users/attributes.js';
import { planAttributeUpdate } from '../users/attributeCodes.js';
import { syncUserKeys } from '../users/usernames.js';
import { loadPool, loadUser } from './common.js';

/**
 * AdminUpdateUserAttributes: as UpdateUserAttributes, without the client's rights; a changed email or
 * phone number the pool auto-verifies gets a code (`CustomMessage_UpdateUserAttribute`) unless the
 * same call sets its `*_verified` true. One the pool lists in AttributesRequireVerificationBeforeUpdate
 * is held pending until verified; setting `*_verified` true applies a pending value
 * (src/users/attributeCodes.ts). The answer is empty, as Cognito's.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username, pool);
    const updates = checkAttributeWrite(pool, { by: 'admin', at: 'update' }, input.UserAttributes);
    // The custom message trigger runs before anything is written: a refusal changes nothing.
    const codes = await planAttributeUpdate(deps, pool, user, updates, { by: 'admin', clientMetadata: input.ClientMetadata });
    const { attributes, pendingAttributes } = codes;
    // Aliases and sign-in names follow the attributes (src/users/usernames.ts); refusals come first.
    await syncUserKeys(deps.store, pool, user.username, user.attributes, attributes, deps.clock.now());
    await deps.store.updateUser(pool.id, user.username, {
      attributes,
      ...(pendingAttributes ? { pendingAttributes } : {}),
      modifiedAt: deps.clock.now(),
    });
    await codes.commit();
    return {};
  };
