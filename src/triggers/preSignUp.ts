import type { Deps } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import type { PoolRecord, UserAttribute } from '../store/store.js';
import { mergeAttributes } from '../users/attributes.js';
import { attributeMap, invalidLambdaResponse, invokeTrigger, optionalMap, triggerEvent } from './invoke.js';

/**
 * The pre sign-up trigger, for SignUp (`PreSignUp_SignUp`) and AdminCreateUser
 * (`PreSignUp_AdminCreateUser`), run before anything is written, so that a function that throws
 * refuses the user and leaves nothing (UserLambdaValidationException "PreSignUp failed with error ...")
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
 *
 * The event's userAttributes are the new user's, without `sub`; validationData and clientMetadata
 * are there when the caller sent them. Of the response, `autoConfirmUser` is returned, and
 * `autoVerifyEmail` / `autoVerifyPhone` set `email_verified` / `phone_number_verified` in the
 * returned attributes, which needs the attribute itself (Cognito: "the email attribute must have a
 * valid, non-null value"). Undefined when the pool has no such trigger; `attributes` is absent when
 * nothing changed.
 */
export async function applyPreSignUp(
  deps: Pick<Deps, 'lambda' | 'config' | 'log'>,
  pool: PoolRecord,
  source: 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser',
  user: { username: string; attributes: UserAttribute[] },
  clientId: string | undefined,
  validationData: UserAttribute[] | undefined,
  clientMetadata: Record<string, string> | undefined,
): Promise<{ autoConfirmUser: boolean; attributes?: UserAttribute[] } | undefined> {
  const event = triggerEvent(pool, source, user.username, clientId, {
    userAttributes: attributeMap(user.attributes.filter((a) => a.Name !== 'sub')),
    ...optionalMap('validationData', validationData),
    ...optionalMap('clientMetadata', clientMetadata),
  }, { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  const response = await invokeTrigger(deps, pool, 'PreSignUp', event);
  if (response === undefined) return undefined;
  const autoConfirmUser = flag(response.autoConfirmUser);
  const verified: UserAttribute[] = [];
  for (const [wanted, name] of [[flag(response.autoVerifyEmail), 'email'], [flag(response.autoVerifyPhone), 'phone_number']] as const) {
    if (!wanted) continue;
    if (!user.attributes.some((a) => a.Name === name && a.Value)) {
      throw InvalidParameterException(`The pre sign-up trigger verified ${name}, but the user has no ${name}.`);
    }
    verified.push({ Name: `${name}_verified`, Value: 'true' });
  }
  return { autoConfirmUser, ...(verified.length > 0 ? { attributes: mergeAttributes(user.attributes, verified) } : {}) };
}

/** A Boolean member of a response: true, false, or absent (null). Anything else is no answer Cognito reads. */
export function flag(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidLambdaResponse();
  return value;
}
