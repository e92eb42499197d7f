import type { Deps, Handler } from '../deps.js';
import { UserNotFoundException } from '../errors.js';
import { checkSecretHash, loadClient } from '../auth/client.js';
import { noRecoveryChannel, sendCode, takeCodeIssue } from '../auth/codes.js';
import { fakeDelivery } from '../auth/unknownUsers.js';
import { findUser } from './common.js';
import { migrateUser } from '../triggers/userMigration.js';

/**
 * ForgotPassword: a reset code to the user's verified email or phone number, at most
 * CODE_ISSUE_LIMIT an hour (LimitExceededException, as Cognito throttles it). For an unknown user
 * the answer looks the same, limit included (PreventUserExistenceErrors), unless the client says LEGACY.
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.Username, input.SecretHash);
    const user = (await findUser(deps, pool.id, input.Username, pool)) ??
      (await migrateUser(deps, pool, client, input.Username, { source: 'UserMigration_ForgotPassword', clientMetadata: input.ClientMetadata }, () => undefined));
    if (!user && client.settings.PreventUserExistenceErrors === 'LEGACY') {
      throw UserNotFoundException('Username/client id combination not found.');
    }
    await takeCodeIssue(deps, pool.id, user?.username ?? input.Username, 'FORGOT_PASSWORD');
    if (!user) return { CodeDeliveryDetails: fakeDelivery(deps, pool, input.Username, 'FORGOT_PASSWORD') };
    const CodeDeliveryDetails = await sendCode(deps, pool, user, 'FORGOT_PASSWORD', { clientId: client.id, clientMetadata: input.ClientMetadata });
    if (!CodeDeliveryDetails) noRecoveryChannel();
    return { CodeDeliveryDetails };
  };
