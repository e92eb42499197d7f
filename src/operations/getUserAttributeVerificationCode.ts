import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { isVerifiableAttribute, sendCode, takeCodeIssue, VERIFY_PURPOSE } from '../auth/codes.js';
import { authenticateAccessToken } from '../tokens/verify.js';
import { withPendingValues } from '../users/attributeCodes.js';

/**
 * GetUserAttributeVerificationCode: a code to the signed-in user's email or phone number, through
 * the custom message trigger as `CustomMessage_VerifyUserAttribute`; VerifyUserAttribute takes it.
 * At most CODE_ISSUE_LIMIT an hour per attribute (LimitExceededException), as the other codes.
 * While a new value is pending (AttributesRequireVerificationBeforeUpdate) the code goes to it, as
 * the update's code did: this is how that code is sent again.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserAttributeVerificationCode.html
 */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const { claims, pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    const name = input.AttributeName;
    // Only email and phone numbers are verified by a code (Cognate's message: docs/behaviour.md).
    if (!isVerifiableAttribute(name)) throw InvalidParameterException(`Invalid attribute name: ${String(name)} cannot be verified`);
    const purpose = VERIFY_PURPOSE[name];
    if (!user.attributes.some((a) => a.Name === name && a.Value)) throw InvalidParameterException(`User does not have a value for the attribute ${name}`);
    await takeCodeIssue(deps, pool.id, user.username, purpose);
    const waiting = user.pendingAttributes?.filter((a) => a.Name === name) ?? [];
    const CodeDeliveryDetails = await sendCode(deps, pool, withPendingValues(user, waiting), purpose, {
      source: 'CustomMessage_VerifyUserAttribute',
      clientId: claims.client_id,
      clientMetadata: input.ClientMetadata,
    });
    return { CodeDeliveryDetails };
  };
