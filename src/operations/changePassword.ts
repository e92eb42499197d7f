import type { Deps, Handler } from '../deps.js';
import { checkPasswordPolicy, checkPasswordWithLockout, passwordFields } from '../auth/password.js';
import { authenticateAccessToken } from '../tokens/verify.js';

export default (deps: Pick<Deps, 'store' | 'keys' | 'clock' | 'sealer'>): Handler =>
  async (input) => {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    await checkPasswordWithLockout(deps, user, input.PreviousPassword ?? '');
    checkPasswordPolicy(pool, input.ProposedPassword);
    await deps.store.updateUser(pool.id, user.username, {
      ...(await passwordFields(deps, pool.id, user.username, input.ProposedPassword)),
      modifiedAt: deps.clock.now(),
    });
    return {};
  };
