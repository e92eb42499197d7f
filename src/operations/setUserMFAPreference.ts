import type { Deps, Handler } from '../deps.js';
import { setMfaPreference } from '../auth/mfaPreference.js';
import { authenticateAccessToken } from '../tokens/verify.js';

export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    await setMfaPreference(deps, pool, user, input, false);
    return {};
  };
