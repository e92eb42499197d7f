import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException, UserNotFoundException } from '../errors.js';
import { checkSecretHash, loadClient } from '../auth/client.js';
import { sendCode, takeCodeIssue } from '../auth/codes.js';
import { fakeDelivery } from '../auth/unknownUsers.js';
import { findUser } from './common.js';

const NO_AUTO_VERIFICATION = 'Auto verification not turned on.';

/**
 * ResendConfirmationCode: a new sign-up code, at most CODE_ISSUE_LIMIT an hour
 * (LimitExceededException). An unknown user gets what a real one would, a plausible
 * CodeDeliveryDetails and the same limit (PreventUserExistenceErrors), unless the client says LEGACY.
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.Username, input.SecretHash);
    const user = await findUser(deps, pool.id, input.Username, pool);
    if (!user) {
      if (client.settings.PreventUserExistenceErrors === 'LEGACY') throw UserNotFoundException('Username/client id combination not found.');
      await takeCodeIssue(deps, pool.id, input.Username, 'SIGN_UP');
      const CodeDeliveryDetails = fakeDelivery(deps, pool, input.Username, 'SIGN_UP');
      if (!CodeDeliveryDetails) throw InvalidParameterException(NO_AUTO_VERIFICATION);
      return { CodeDeliveryDetails };
    }
    if (user.status !== 'UNCONFIRMED') throw InvalidParameterException('User is already confirmed.');
    await takeCodeIssue(deps, pool.id, user.username, 'SIGN_UP');
    const CodeDeliveryDetails = await sendCode(deps, pool, user, 'SIGN_UP', { source: 'CustomMessage_ResendCode', clientId: client.id, clientMetadata: input.ClientMetadata });
    if (!CodeDeliveryDetails) throw InvalidParameterException(NO_AUTO_VERIFICATION);
    return { CodeDeliveryDetails };
  };
