import type { Deps, Handler } from '../deps.js';
import { NotAuthorizedException } from '../errors.js';
import { authenticateAccessToken } from '../tokens/verify.js';
import { checkAttributeWrite } from '../users/attributes.js';
import { planAttributeUpdate } from '../users/attributeCodes.js';
import { syncUserKeys } from '../users/usernames.js';

/**
 * UpdateUserAttributes: the user writes through the app client the access token was issued to, so
 * that client's WriteAttributes apply. A changed email or phone number the pool auto-verifies is
 * unverified and gets a code (`CustomMessage_UpdateUserAttribute`), listed in CodeDeliveryDetailsList;
 * one the pool lists in AttributesRequireVerificationBeforeUpdate is held pending until verified
 * (src/users/attributeCodes.ts). The codes count toward the hourly code-issue limit.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html
 */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const { claims, pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    const client = await deps.store.getClient(claims.client_id);
    // A token of a deleted client has nobody left to write through.
    if (!client || client.poolId !== pool.id) throw NotAuthorizedException('Invalid Access Token');
    const updates = checkAttributeWrite(pool, { by: 'user', at: 'update', client }, input.UserAttributes);
    // The limit and the custom message trigger come before anything is written: a refusal changes nothing.
    const codes = await planAttributeUpdate(deps, pool, user, updates, {
      by: 'user',
      clientId: client.id,
      clientMetadata: input.ClientMetadata,
      countIssues: true,
    });
    const { attributes, pendingAttributes } = codes;
    // Aliases and sign-in names follow the attributes (src/users/usernames.ts); refusals come first.
    await syncUserKeys(deps.store, pool, user.username, user.attributes, attributes, deps.clock.now());
    await deps.store.updateUser(pool.id, user.username, {
      attributes,
      ...(pendingAttributes ? { pendingAttributes } : {}),
      modifiedAt: deps.clock.now(),
    });
    await codes.commit();
    return { CodeDeliveryDetailsList: codes.deliveries };
  };
