import type { Deps } from '../deps.js';
import { CognitoError, NotAuthorizedException, UserNotFoundException } from '../errors.js';
import { ATTEMPTS_EXCEEDED, passwordFields } from '../auth/password.js';
import { findUser, newUser } from '../operations/common.js';
import type { ClientRecord, PoolRecord, UserRecord } from '../store/store.js';
import { checkAttributeWrite } from '../users/attributes.js';
import { nameNewUser, takeUserKey } from '../users/usernames.js';
import { invalidLambdaResponse, invokeTrigger, optionalMap, triggerArn, triggerEvent } from './invoke.js';

/**
 * The user migration trigger
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html):
 * when a name that is no user signs in with a password (USER_PASSWORD_AUTH,
 * ADMIN_USER_PASSWORD_AUTH; `UserMigration_Authentication`, with the password) or asks for a
 * password reset (ForgotPassword; `UserMigration_ForgotPassword`), the function may vouch for the
 * user and return its attributes; Cognate then creates it.
 *
 * - `userAttributes` (required) are written as AdminCreateUser writes them (the pool's schema).
 * - `finalUserStatus`: CONFIRMED or absent keeps the password given at sign-in (the pool's password
 *   policy is not applied, as in Cognito); RESET_REQUIRED stores none, and the sign-in answers
 *   PasswordResetRequiredException. A user migrated at ForgotPassword is RESET_REQUIRED.
 * - `forceAliasCreation` moves a verified email or phone alias from the user who holds it.
 * - `messageAction` / `desiredDeliveryMediums`: Cognate sends migrated users no welcome message.
 *
 * A function that throws means "no such user": UserNotFoundException "Exception migrating user in
 * app client <id>" when the client shows user existence (PreventUserExistenceErrors LEGACY), else
 * what `notFound` gives (the answer a wrong password gets; at ForgotPassword, none: undefined, and
 * the operation answers as for any unknown name). Undefined when the pool has no such trigger.
 */
export async function migrateUser(
  deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'lambda' | 'config' | 'log'>,
  pool: PoolRecord,
  client: ClientRecord,
  givenName: string,
  from: { source: 'UserMigration_Authentication'; password: string; validationData?: Record<string, string> }
    | { source: 'UserMigration_ForgotPassword'; clientMetadata?: Record<string, string> },
  notFound: () => CognitoError | undefined,
): Promise<UserRecord | undefined> {
  if (triggerArn(pool, 'UserMigration') === undefined) return undefined;
  const request = from.source === 'UserMigration_Authentication'
    ? { password: from.password, ...optionalMap('validationData', from.validationData) }
    : { ...optionalMap('clientMetadata', from.clientMetadata) };
  const event = triggerEvent(pool, from.source, givenName, client.id, request, {
    userAttributes: null,
    finalUserStatus: null,
    messageAction: null,
    desiredDeliveryMediums: null,
    forceAliasCreation: null,
  });
  // Every name tried at sign-in counts against its lockout before the function sees the password,
  // as an unknown name's attempts do: the old directory cannot be guessed through it faster.
  if (from.source === 'UserMigration_Authentication' && !(await deps.store.reserveNameAttempt(pool.id, givenName, deps.clock.now()))) {
    throw NotAuthorizedException(ATTEMPTS_EXCEEDED);
  }
  let response: Record<string, any>;
  try {
    response = (await invokeTrigger(deps, pool, 'UserMigration', event))!;
  } catch (err) {
    if (err instanceof CognitoError && err.type === 'UserLambdaValidationException') {
      if (client.settings.PreventUserExistenceErrors === 'LEGACY') throw UserNotFoundException(`Exception migrating user in app client ${client.id}`);
      const refusal = notFound();
      if (refusal) throw refusal;
      return undefined;
    }
    throw err;
  }
  const given = response.userAttributes;
  if (typeof given !== 'object' || given === null || Array.isArray(given) || Object.values(given).some((v) => typeof v !== 'string')) {
    throw invalidLambdaResponse();
  }
  const status = response.finalUserStatus ?? 'CONFIRMED';
  if (status !== 'CONFIRMED' && status !== 'RESET_REQUIRED') throw invalidLambdaResponse();
  const force = response.forceAliasCreation ?? false;
  if (typeof force !== 'boolean') throw invalidLambdaResponse();
  const attributes = checkAttributeWrite(pool, { by: 'admin', at: 'create' }, Object.entries(given).map(([Name, Value]) => ({ Name, Value: Value as string })));
  const named = await nameNewUser(pool, givenName, attributes, {
    forceAliasCreation: force,
    holder: async (key) => (await deps.store.getUserByKey(pool.id, key.name, key.value)) !== undefined,
  });
  const now = deps.clock.now();
  const keepsPassword = from.source === 'UserMigration_Authentication' && status === 'CONFIRMED';
  const user: UserRecord = {
    ...newUser(pool.id, named.username, named.sub, named.attributes, keepsPassword ? 'CONFIRMED' : 'RESET_REQUIRED', now),
    ...(keepsPassword ? await passwordFields(deps, pool.id, named.username, from.password) : {}),
  };
  // Two sign-ins of the same new user at once: one creates it, the other finds it.
  if (!(await deps.store.createUser(user, named.keys))) return findUser(deps, pool.id, givenName, pool);
  for (const key of named.movedKeys) await takeUserKey(deps.store, pool, key, user.username, now);
  deps.log.info({ poolId: pool.id, username: user.username, source: from.source }, 'user migrated by the UserMigration trigger');
  return user;
}
