import type { Deps, Handler } from '../deps.js';
import { selfUserView } from '../domain/views.js';
import { authenticateAccessToken } from '../tokens/verify.js';
import { readableAttributes } from '../users/attributes.js';

/** GetUser: the attributes the access token's app client may read (its ReadAttributes, if it lists any). */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => {
    const { claims, user, client: read } = await authenticateAccessToken(deps, input.AccessToken);
    const client = read !== undefined ? read : await deps.store.getClient(claims.client_id);
    return selfUserView(client ? { ...user, attributes: readableAttributes(client, user.attributes) } : user);
  };
