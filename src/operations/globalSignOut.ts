import type { Deps, Handler } from '../deps.js';
import { authenticateAccessToken } from '../tokens/verify.js';

/** Revokes every sign-in of the user: their access, ID and refresh tokens stop working. */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => {
    const { user } = await authenticateAccessToken(deps, input.AccessToken);
    await deps.store.revokeUserSignIns(user.poolId, user.username, deps.clock.now());
    return {};
  };
