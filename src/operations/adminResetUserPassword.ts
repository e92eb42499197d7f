import type { Deps, Handler } from '../deps.js';
import { noRecoveryChannel, sendCode, takeCodeIssue } from '../auth/codes.js';
import { loadPool, loadUser } from './common.js';

/** The user must reset the password (RESET_REQUIRED): sign-in answers PasswordResetRequiredException until ConfirmForgotPassword. */
export default (deps: Pick<Deps, 'store' | 'clock' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const user = await loadUser(deps, pool.id, input.Username, pool);
    // Shares ForgotPassword's limit on reset codes per user (LimitExceededException).
    await takeCodeIssue(deps, pool.id, user.username, 'FORGOT_PASSWORD');
    if (!(await sendCode(deps, pool, user, 'FORGOT_PASSWORD', { clientMetadata: input.ClientMetadata }))) noRecoveryChannel();
    await deps.store.updateUser(pool.id, user.username, { status: 'RESET_REQUIRED', modifiedAt: deps.clock.now() });
    return {};
  };
