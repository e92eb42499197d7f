import type { Deps, Handler } from '../deps.js';
import { authenticateAccessToken } from '../tokens/verify.js';

export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => {
    const { user } = await authenticateAccessToken(deps, input.AccessToken);
    await deps.store.deleteUser(user.poolId, user.username);
    return {};
  };
