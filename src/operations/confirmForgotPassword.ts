import type { Deps, Handler } from '../deps.js';
import { checkSecretHash, loadClient } from '../auth/client.js';
import { guessCode, userForCode } from '../auth/codes.js';
import { checkPasswordPolicy, passwordFields } from '../auth/password.js';
import { runPostConfirmation } from '../triggers/postConfirmation.js';

export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'lambda' | 'config' | 'log'>): Handler =>
  async (input) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.Username, input.SecretHash);
    const found = await userForCode(deps, pool, client, input.Username);
    // The policy is checked before the code is spent, so a weak password does not cost the code.
    checkPasswordPolicy(pool, input.Password);
    // Counted per user across reissued codes (LimitExceededException); an unknown name always mismatches.
    await guessCode(deps, pool, input.Username, found, 'FORGOT_PASSWORD', input.ConfirmationCode);
    const user = found!;
    const status = user.status === 'UNCONFIRMED' ? 'UNCONFIRMED' : 'CONFIRMED';
    // Before the new password is written: a refusal leaves the old one (the code is spent).
    await runPostConfirmation(deps, pool, 'PostConfirmation_ConfirmForgotPassword', { ...user, status }, client.id, input.ClientMetadata);
    await deps.store.updateUser(pool.id, user.username, {
      ...(await passwordFields(deps, pool.id, user.username, input.Password)),
      status,
      modifiedAt: deps.clock.now(),
    });
    await deps.store.clearFailures(pool.id, user.username, 'password');
    return {};
  };
