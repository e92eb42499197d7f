import type { Deps } from '../deps.js';
import type { PoolRecord, UserRecord } from '../store/store.js';
import { invokeTrigger, optionalMap, triggerArn, triggerEvent, userAttributesOf } from './invoke.js';

/**
 * The post confirmation trigger
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html):
 * PostConfirmation_ConfirmSignUp (ConfirmSignUp, AdminConfirmSignUp) and
 * PostConfirmation_ConfirmForgotPassword (ConfirmForgotPassword). The event shows the user as the
 * confirmation leaves it (CONFIRMED, the verified attribute); the function runs before that is
 * written, so a function that fails leaves the user as it was (docs/behaviour.md). What it returns
 * is not read.
 */
export async function runPostConfirmation(
  deps: Pick<Deps, 'lambda' | 'config' | 'log'>,
  pool: PoolRecord,
  source: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword',
  user: Pick<UserRecord, 'username' | 'attributes' | 'status'>,
  clientId: string | undefined,
  clientMetadata: Record<string, string> | undefined,
): Promise<void> {
  if (triggerArn(pool, 'PostConfirmation') === undefined) return;
  const request = { userAttributes: userAttributesOf(user), ...optionalMap('clientMetadata', clientMetadata) };
  await invokeTrigger(deps, pool, 'PostConfirmation', triggerEvent(pool, source, user.username, clientId, request));
}
