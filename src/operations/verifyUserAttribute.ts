import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { guessCode, isVerifiableAttribute, VERIFY_PURPOSE } from '../auth/codes.js';
import { authenticateAccessToken } from '../tokens/verify.js';
import { mergeAttributes } from '../users/attributes.js';
import { syncUserKeys } from '../users/usernames.js';
import { withPendingValues } from '../users/attributeCodes.js';

/**
 * VerifyUserAttribute: the code UpdateUserAttributes, AdminUpdateUserAttributes or
 * GetUserAttributeVerificationCode sent makes the attribute verified (`*_verified` true). The code
 * path is ConfirmSignUp's (src/auth/codes.ts guessCode): single use, counted guesses
 * (LimitExceededException), CodeMismatchException, ExpiredCodeException. A code sent to a value the
 * user has since changed does not match. A value held pending (AttributesRequireVerificationBeforeUpdate)
 * is what the code was sent to: the right code writes it in place of the current one, verified.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html
 */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    const name = input.AttributeName;
    if (!isVerifiableAttribute(name)) throw InvalidParameterException(`Invalid attribute name: ${String(name)} cannot be verified`);
    const waiting = user.pendingAttributes?.find((a) => a.Name === name);
    const held = waiting ? [waiting] : [];
    // The code of a pending value is bound to that value (src/auth/codes.ts).
    await guessCode(deps, pool, user.username, withPendingValues(user, held), VERIFY_PURPOSE[name], String(input.Code));
    const attributes = mergeAttributes(user.attributes, [...held, { Name: `${name}_verified`, Value: 'true' }]);
    const rest = (user.pendingAttributes ?? []).filter((a) => a.Name !== name);
    // A verified alias moves to this user, as AdminUpdateUserAttributes moves it (src/users/usernames.ts).
    await syncUserKeys(deps.store, pool, user.username, user.attributes, attributes, deps.clock.now());
    await deps.store.updateUser(pool.id, user.username, {
      attributes,
      ...(waiting ? { pendingAttributes: rest } : {}),
      modifiedAt: deps.clock.now(),
    });
    return {};
  };
