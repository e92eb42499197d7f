import type { Deps } from '../deps.js';
import type { ClientRecord, PoolRecord, UserRecord } from '../store/store.js';
import { invokeTrigger, optionalMap, triggerArn, triggerEvent, userAttributesOf } from './invoke.js';

/**
 * The pre and post authentication triggers
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html,
 * .../user-pool-lambda-post-authentication.html). Both only refuse: a function that throws ends the
 * sign-in with UserLambdaValidationException ("PreAuthentication failed with error ..."); what they
 * return is not read.
 */

/**
 * PreAuthentication_Authentication, when someone starts signing in (the password flows and
 * USER_SRP_AUTH's first step), before the password is checked. InitiateAuth's ClientMetadata
 * arrives as `validationData`, as Cognito sends it. For a name that is no user, the function is
 * invoked with `userNotFound: true` when the app client hides user existence
 * (PreventUserExistenceErrors ENABLED, the default), and not at all otherwise.
 */
export async function runPreAuthentication(
  deps: Pick<Deps, 'lambda' | 'config' | 'log'>,
  pool: PoolRecord,
  client: ClientRecord,
  user: UserRecord | undefined,
  givenName: string,
  clientMetadata: Record<string, string> | undefined,
): Promise<void> {
  if (triggerArn(pool, 'PreAuthentication') === undefined) return;
  if (!user && client.settings.PreventUserExistenceErrors === 'LEGACY') return;
  const request = {
    userAttributes: user ? userAttributesOf(user) : {},
    userNotFound: !user,
    ...optionalMap('validationData', clientMetadata),
  };
  const event = triggerEvent(pool, 'PreAuthentication_Authentication', user?.username ?? givenName, client.id, request);
  await invokeTrigger(deps, pool, 'PreAuthentication', event);
}

/**
 * PostAuthentication_Authentication, once a user has proven everything a sign-in asks (password,
 * MFA, new password) and before the tokens are issued, so a refusal leaves no sign-in behind.
 */
export async function runPostAuthentication(
  deps: Pick<Deps, 'lambda' | 'config' | 'log'>,
  pool: PoolRecord,
  client: ClientRecord,
  user: UserRecord,
  clientMetadata: Record<string, string> | undefined,
): Promise<void> {
  if (triggerArn(pool, 'PostAuthentication') === undefined) return;
  const request = { userAttributes: userAttributesOf(user), newDeviceUsed: false, ...optionalMap('clientMetadata', clientMetadata) };
  await invokeTrigger(deps, pool, 'PostAuthentication', triggerEvent(pool, 'PostAuthentication_Authentication', user.username, client.id, request));
}
