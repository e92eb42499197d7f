import { randomInt, randomUUID } from 'node:crypto';
import type { Deps, RequestContext } from '../deps.js';
import { NotAuthorizedException, PasswordResetRequiredException, UserNotConfirmedException } from '../errors.js';
import type { ClientRecord, PoolRecord, UserRecord } from '../store/store.js';
import { issueTokens, sha256Hex, type AuthenticationResult } from '../tokens/issue.js';
import { attribute, decideMfa, type Factor } from './mfa.js';
import { maskPhone } from './codes.js';
import { createSession } from './session.js';
import { missingRequiredAttributes, readableAttributes } from '../users/attributes.js';
import { deviceChallenge, deviceContext, deviceSkipsMfa, tokenDevice, type PresentedDevice } from './devices.js';
import { runPostAuthentication } from '../triggers/authentication.js';
import { customMessage } from '../triggers/customMessage.js';
import type { TokenSource } from '../triggers/preTokenGeneration.js';

/** NEW_PASSWORD_REQUIRED names attributes `userAttributes.<name>`, in its parameters and its answer. */
export const USER_ATTRIBUTE_PREFIX = 'userAttributes.';

/** What InitiateAuth and RespondToAuthChallenge answer: a challenge, or tokens. */
export interface AuthResponse {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters: Record<string, string>;
  AuthenticationResult?: AuthenticationResult;
}

export interface SignInState {
  pool: PoolRecord;
  client: ClientRecord;
  user: UserRecord;
  /** The device the sign-in presented (DEVICE_KEY), in a pool that tracks devices (src/auth/devices.ts). */
  device?: PresentedDevice;
  /** The device whose proof (DEVICE_PASSWORD_VERIFIER) this sign-in has given. */
  provenDevice?: { key: string; groupKey: string };
  /** The pre token generation trigger's source, when not TokenGeneration_Authentication. */
  tokenSource?: TokenSource;
  /** A CUSTOM_AUTH sign-in that goes on after this MFA step: its challenge history (src/auth/customAuth.ts). */
  customHistory?: string;
}

/** Refuses users who may not finish signing in, with Cognito's errors. */
export function checkUserCanSignIn(user: UserRecord): void {
  if (!user.enabled) throw NotAuthorizedException('User is disabled.');
  if (user.status === 'UNCONFIRMED') throw UserNotConfirmedException('User is not confirmed.');
  if (user.status === 'RESET_REQUIRED') throw PasswordResetRequiredException('Password reset required for the user');
}

export async function challenge(
  deps: Pick<Deps, 'store' | 'clock'>,
  state: SignInState,
  name: string,
  parameters: Record<string, string>,
  context: Record<string, string | number | boolean> = {},
): Promise<AuthResponse> {
  const { pool, client, user, customHistory } = state;
  if (customHistory !== undefined) context = { ...context, customHistory };
  const Session = await createSession(deps, {
    poolId: pool.id,
    client,
    username: user.username,
    sub: user.sub,
    challenge: name,
    context: state.device ? { ...context, ...deviceContext(state.device) } : context,
  });
  return { ChallengeName: name, Session, ChallengeParameters: { ...parameters, USER_ID_FOR_SRP: user.username } };
}

export async function tokens(
  deps: Pick<Deps, 'keys' | 'store' | 'clock' | 'config' | 'lambda' | 'log'>,
  ctx: RequestContext,
  state: SignInState,
): Promise<AuthResponse> {
  // The post authentication trigger, then the pre token generation trigger (in issueTokens).
  await runPostAuthentication(deps, state.pool, state.client, state.user, ctx.clientMetadata);
  // Managed login: the sign-in is complete and the pages, not this answer, carry on (an authorization code).
  if (ctx.completeSignIn) {
    await ctx.completeSignIn(state);
    return { ChallengeParameters: {} };
  }
  const { tokenSource, ...issue } = state;
  return {
    ChallengeParameters: {},
    AuthenticationResult: await issueTokens(deps, {
      ...issue,
      ctx,
      device: tokenDevice(state),
      ...(tokenSource ? { source: tokenSource } : {}),
      ...(ctx.clientMetadata ? { clientMetadata: ctx.clientMetadata } : {}),
    }),
  };
}

/**
 * The one decision after a password has been proven (plain, SRP or a new password): a required
 * new password first, then MFA as docs/behaviour.md describes, else tokens. Every flow calls it,
 * so the password flows and SRP challenge alike.
 */
export async function afterPasswordStep(deps: Deps, ctx: RequestContext, state: SignInState): Promise<AuthResponse> {
  const { user } = state;
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    const userAttributes: Record<string, string> = {};
    for (const a of readableAttributes(state.client, user.attributes)) if (a.Name !== 'sub') userAttributes[a.Name] = a.Value;
    // The pool's required attributes the user lacks, which the answer must supply, named as the
    // answer carries them (amazon-cognito-identity-js strips the prefix before showing them).
    const required = missingRequiredAttributes(state.pool, user.attributes).map((name) => USER_ATTRIBUTE_PREFIX + name);
    return challenge(deps, state, 'NEW_PASSWORD_REQUIRED', {
      requiredAttributes: JSON.stringify(required),
      userAttributes: JSON.stringify(userAttributes),
    });
  }
  return mfaStep(deps, ctx, state);
}

export async function mfaStep(deps: Deps, ctx: RequestContext, state: SignInState): Promise<AuthResponse> {
  const step = decideMfa(state.pool, state.user);
  // A sign-in that presents a device proves it (DEVICE_SRP_AUTH) when no MFA code is asked, or in
  // place of the code when the device is remembered and the pool lets it (src/auth/devices.ts).
  if (state.device && (step.kind === 'none' || ((step.kind === 'challenge' || step.kind === 'select') && deviceSkipsMfa(state.pool, state.device)))) {
    return deviceChallenge(deps, state);
  }
  switch (step.kind) {
    case 'none':
      return tokens(deps, ctx, state);
    case 'setup':
      // A JSON array encoded as a string, which Amplify and amazon-cognito-identity-js JSON.parse.
      return challenge(deps, state, 'MFA_SETUP', { MFAS_CAN_SETUP: JSON.stringify(step.canSetUp) });
    case 'select':
      return challenge(deps, state, 'SELECT_MFA_TYPE', { MFAS_CAN_CHOOSE: JSON.stringify(step.choices) });
    case 'challenge':
      return factorChallenge(deps, state, step.factor);
  }
}

export async function factorChallenge(deps: Deps, state: SignInState, factor: Factor): Promise<AuthResponse> {
  if (factor === 'SOFTWARE_TOKEN_MFA') {
    const parameters: Record<string, string> = {};
    if (state.user.totpFriendlyDeviceName) parameters.FRIENDLY_DEVICE_NAME = state.user.totpFriendlyDeviceName;
    return challenge(deps, state, 'SOFTWARE_TOKEN_MFA', parameters);
  }
  return smsChallenge(deps, state);
}

/** SMS_MFA: the code goes to the outbox (docs/outbox.md) instead of a phone. */
async function smsChallenge(deps: Deps, state: SignInState): Promise<AuthResponse> {
  const phone = attribute(state.user, 'phone_number') ?? '';
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const template = (state.pool.settings.SmsAuthenticationMessage as string | undefined) ?? 'Your authentication code is {####}. ';
  const composed = await customMessage(deps, state.pool, {
    source: 'CustomMessage_Authentication',
    user: state.user,
    channel: 'sms',
    message: template,
    code,
    clientId: state.client.id,
  });
  await deps.store.addOutboxMessage({
    id: randomUUID(),
    poolId: state.pool.id,
    username: state.user.username,
    channel: 'sms',
    destination: phone,
    purpose: 'MFA',
    message: composed.message,
    createdAt: deps.clock.now(),
  });
  deps.log.info({ poolId: state.pool.id, username: state.user.username, destination: phone }, 'SMS MFA code sent to the outbox');
  return challenge(
    deps,
    state,
    'SMS_MFA',
    { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: maskPhone(phone) },
    { codeHash: sha256Hex(`${state.user.sub}:${code}`) },
  );
}

