import type { Deps, Handler } from '../deps.js';
import { NotAuthorizedException } from '../errors.js';
import { authenticateAccessToken } from '../tokens/verify.js';
import { deleteAttributes } from '../users/deleteAttributes.js';

/**
 * DeleteUserAttributes: the user deletes their own attributes through the app client the access
 * token was issued to, under the rules of UpdateUserAttributes (src/users/attributes.ts).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserAttributes.html
 */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => {
    const { claims, pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    const client = await deps.store.getClient(claims.client_id);
    if (!client || client.poolId !== pool.id) throw NotAuthorizedException('Invalid Access Token');
    await deleteAttributes(deps, pool, user, { by: 'user', at: 'update', client }, input.UserAttributeNames);
    return {};
  };
