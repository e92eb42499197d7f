import type { Deps, Handler } from '../deps.js';
import { NotAuthorizedException } from '../errors.js';
import { checkSecretHash, loadClient } from '../auth/client.js';
import { deliveryFor, guessCode, userForCode } from '../auth/codes.js';
import { mergeAttributes } from '../users/attributes.js';
import { syncUserKeys } from '../users/usernames.js';
import { runPostConfirmation } from '../triggers/postConfirmation.js';

/** ConfirmSignUp: the code from the outbox confirms the user and verifies the attribute it went to. */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'lambda' | 'config' | 'log'>): Handler =>
  async (input) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.Username, input.SecretHash);
    const found = await userForCode(deps, pool, client, input.Username);
    if (found && found.status !== 'UNCONFIRMED') throw NotAuthorizedException(`User cannot be confirmed. Current status is ${found.status}`);
    // Counted per user across reissued codes (LimitExceededException); an unknown name always mismatches.
    await guessCode(deps, pool, input.Username, found, 'SIGN_UP', input.ConfirmationCode);
    const user = found!;
    const delivered = deliveryFor(pool, user, 'SIGN_UP');
    const attributes = delivered ? mergeAttributes(user.attributes, [{ Name: `${delivered.AttributeName}_verified`, Value: 'true' }]) : undefined;
    // The post confirmation trigger sees the confirmed user; a refusal leaves the user unconfirmed
    // (the code is spent: ResendConfirmationCode gives another).
    const confirmed = { ...user, status: 'CONFIRMED' as const, attributes: attributes ?? user.attributes };
    await runPostConfirmation(deps, pool, 'PostConfirmation_ConfirmSignUp', confirmed, client.id, input.ClientMetadata);
    // The verified alias moves to this user only with ForceAliasCreation (AliasExistsException otherwise).
    if (attributes) await syncUserKeys(deps.store, pool, user.username, user.attributes, attributes, deps.clock.now(), { refuseTaken: input.ForceAliasCreation !== true });
    await deps.store.updateUser(pool.id, user.username, {
      status: 'CONFIRMED',
      ...(attributes ? { attributes } : {}),
      modifiedAt: deps.clock.now(),
    });
    return {};
  };
