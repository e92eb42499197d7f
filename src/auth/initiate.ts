import type { Deps, RequestContext } from '../deps.js';
import { InvalidParameterException, NotAuthorizedException, UserNotFoundException } from '../errors.js';
import { findUser } from '../users/lookup.js';
import type { ClientRecord, PoolRecord } from '../store/store.js';
import { checkFlowAllowed, checkSecretHash } from './client.js';
import { ATTEMPTS_EXCEEDED, INCORRECT_CREDENTIALS, checkPasswordWithLockout } from './password.js';
import { dummyPasswordCheck } from './unknownUsers.js';
import { refreshTokens } from './refresh.js';
import { startSrp } from './srpFlow.js';
import { presentedDevice } from './devices.js';
import { startCustomAuth } from './customAuth.js';
import { afterPasswordStep, checkUserCanSignIn, type AuthResponse } from './signIn.js';
import { runPreAuthentication } from '../triggers/authentication.js';
import { migrateUser } from '../triggers/userMigration.js';

export interface InitiateRequest {
  pool: PoolRecord;
  client: ClientRecord;
  flow: string;
  parameters: Record<string, string>;
  /** AdminInitiateAuth (signed) rather than InitiateAuth. */
  admin: boolean;
}

const ADMIN_ONLY = new Set(['ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH']);
const PUBLIC_ONLY = new Set(['USER_PASSWORD_AUTH']);

export function requireParameter(parameters: Record<string, string> | undefined, name: string): string {
  const value = parameters?.[name];
  if (value === undefined || value === '') throw InvalidParameterException(`Missing required parameter ${name}`);
  return value;
}

/** InitiateAuth and AdminInitiateAuth: checkClient, checkFlow, checkSecretHash, loadUser, checkPassword, decide. */
export async function initiateAuth(deps: Deps, ctx: RequestContext, req: InitiateRequest): Promise<AuthResponse> {
  const { flow, admin } = req;
  if ((admin && PUBLIC_ONLY.has(flow)) || (!admin && ADMIN_ONLY.has(flow))) {
    throw InvalidParameterException('Initiate Auth method not supported.');
  }
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      checkFlowAllowed(req.client, flow);
      return passwordFlow(deps, ctx, req);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN': {
      checkFlowAllowed(req.client, flow);
      const AuthenticationResult = await refreshTokens(deps, ctx, {
        pool: req.pool,
        client: req.client,
        refreshToken: requireParameter(req.parameters, 'REFRESH_TOKEN'),
        secretHash: { value: req.parameters.SECRET_HASH, username: req.parameters.USERNAME },
        deviceKey: req.parameters.DEVICE_KEY,
      });
      return { ChallengeParameters: {}, AuthenticationResult };
    }
    case 'USER_SRP_AUTH':
      checkFlowAllowed(req.client, flow);
      return startSrp(deps, req.pool, req.client, req.parameters, ctx.clientMetadata);
    case 'CUSTOM_AUTH':
      checkFlowAllowed(req.client, flow);
      return startCustomAuth(deps, ctx, req.pool, req.client, req.parameters);
    default:
      checkFlowAllowed(req.client, flow);
      throw InvalidParameterException(`The ${flow} flow is not supported by Cognate yet.`);
  }
}

/** The password sign-in after the flow check; managed login calls it too (its pages need no ExplicitAuthFlows). */
export async function passwordFlow(deps: Deps, ctx: RequestContext, { pool, client, parameters }: InitiateRequest): Promise<AuthResponse> {
  const username = requireParameter(parameters, 'USERNAME');
  const password = requireParameter(parameters, 'PASSWORD');
  checkSecretHash(deps, client, username, parameters.SECRET_HASH);
  let user = await findUser(deps, pool.id, username, pool);
  if (!user) {
    // A name that is no user may be one the UserMigration trigger brings in (src/triggers/userMigration.ts);
    // one migrated as RESET_REQUIRED answers PasswordResetRequiredException.
    const migration = { source: 'UserMigration_Authentication' as const, password, validationData: ctx.clientMetadata };
    user = await migrateUser(deps, pool, client, username, migration, () => NotAuthorizedException(INCORRECT_CREDENTIALS));
    if (user) checkUserCanSignIn(user);
  }
  await runPreAuthentication(deps, pool, client, user, username, ctx.clientMetadata);
  if (!user) {
    // PreventUserExistenceErrors (ENABLED unless a client says LEGACY) hides whether the user exists.
    if (client.settings.PreventUserExistenceErrors === 'LEGACY') throw UserNotFoundException('User does not exist.');
    // The same lockouts and the same work as for a user, so neither the answers nor their timing
    // tell who exists.
    if (!(await deps.store.reserveNameAttempt(pool.id, username, deps.clock.now()))) throw NotAuthorizedException(ATTEMPTS_EXCEEDED);
    await dummyPasswordCheck(deps, pool.id, username, password);
    throw NotAuthorizedException(INCORRECT_CREDENTIALS);
  }
  // An imported user has no password yet: "Amazon Cognito returns NotAuthorizedException when
  // PreventUserExistenceErrors is enabled. Otherwise, it returns PasswordResetRequiredException."
  // (developer guide, "Requiring imported users to reset their passwords").
  if (user.status === 'RESET_REQUIRED' && !user.passwordVerifierSealed && client.settings.PreventUserExistenceErrors === 'LEGACY') {
    checkUserCanSignIn(user);
  }
  await checkPasswordWithLockout(deps, user, password);
  checkUserCanSignIn(user);
  checkTemporaryPasswordAge(pool, user.status, user.modifiedAt, deps.clock.now());
  const device = await presentedDevice(deps, pool, user, parameters.DEVICE_KEY);
  return afterPasswordStep(deps, ctx, { pool, client, user, device });
}

/** A temporary password expires after the policy's TemporaryPasswordValidityDays (7 by default). */
export function checkTemporaryPasswordAge(pool: PoolRecord, status: string, setAt: number, now: number): void {
  if (status !== 'FORCE_CHANGE_PASSWORD') return;
  const days = ((pool.settings.Policies as any)?.PasswordPolicy?.TemporaryPasswordValidityDays as number | undefined) ?? 7;
  if (now > setAt + days * 86_400_000) {
    throw NotAuthorizedException('Temporary password has expired and must be reset by an administrator.');
  }
}
