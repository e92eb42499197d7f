import type { Deps, Handler } from '../deps.js';
import { UserNotFoundException } from '../errors.js';
import { checkSecretHash, loadClient } from '../auth/client.js';
import { maskEmail, noRecoveryChannel, sendCode } from '../auth/codes.js';
import { findUser } from './common.js';

/**
 * ForgotPassword: a reset code to the user's verified email or phone number. For an unknown user
 * the answer looks the same (PreventUserExistenceErrors), unless the client says LEGACY.
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log'>): Handler =>
  async (input) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.Username, input.SecretHash);
    const user = await findUser(deps, pool.id, input.Username, pool);
    if (!user) {
      if (client.settings.PreventUserExistenceErrors === 'LEGACY') throw UserNotFoundException('Username/client id combination not found.');
      return { CodeDeliveryDetails: { Destination: maskEmail(`${input.Username}@example.com`), DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
    }
    const CodeDeliveryDetails = await sendCode(deps, pool, user, 'FORGOT_PASSWORD');
    if (!CodeDeliveryDetails) noRecoveryChannel();
    return { CodeDeliveryDetails };
  };
