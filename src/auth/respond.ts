import { bytesEqual } from '../crypto/constantTime.js';
import type { Deps, RequestContext } from '../deps.js';
import {
  CodeMismatchException,
  ExpiredCodeException,
  InvalidParameterException,
  NotAuthorizedException,
  SoftwareTokenMFANotFoundException,
} from '../errors.js';
import { matchTotp } from '../crypto/totp.js';
import { findUser } from '../users/lookup.js';
import type { ClientRecord, PoolRecord, SessionRecord } from '../store/store.js';
import { sha256Hex } from '../tokens/issue.js';
import { checkAttributeWrite, mergeAttributes, missingRequiredAttributes } from '../users/attributes.js';
import { checkSecretHash } from './client.js';
import { answerPasswordVerifier } from './srpFlow.js';
import { answerDevicePasswordVerifier, answerDeviceSrpAuth, deviceFromSession } from './devices.js';
import { afterMfa, answerCustomChallenge } from './customAuth.js';
import { requireParameter } from './initiate.js';
import { userFactors, type Factor } from './mfa.js';
import { checkPasswordPolicy, passwordFields } from './password.js';
import { SESSION_INVALID, SESSION_USED, consumeSession, findSession, sessionIsFor } from './session.js';
import { USER_ATTRIBUTE_PREFIX, checkUserCanSignIn, factorChallenge, mfaStep, tokens, type AuthResponse, type SignInState } from './signIn.js';
import { oneAttemptAtATime } from './attemptGate.js';
import { openTotpSecret, refundMfaAttempt, reserveMfaAttempt } from './totpSecrets.js';

export interface RespondRequest {
  pool: PoolRecord;
  client: ClientRecord;
  challengeName: string;
  responses: Record<string, string>;
  session: string | undefined;
}

/**
 * The session a challenge answer must carry. MFA_SETUP is answered with the session that
 * VerifySoftwareToken returned, not the one the challenge came with.
 */
const SESSION_FOR: Record<string, string> = {
  SOFTWARE_TOKEN_MFA: 'SOFTWARE_TOKEN_MFA',
  SMS_MFA: 'SMS_MFA',
  SELECT_MFA_TYPE: 'SELECT_MFA_TYPE',
  NEW_PASSWORD_REQUIRED: 'NEW_PASSWORD_REQUIRED',
  MFA_SETUP: 'MFA_SETUP_VERIFIED',
  DEVICE_SRP_AUTH: 'DEVICE_SRP_AUTH',
  DEVICE_PASSWORD_VERIFIER: 'DEVICE_PASSWORD_VERIFIER',
};

interface ChallengeStep extends SignInState {
  record: SessionRecord;
  responses: Record<string, string>;
}

/** RespondToAuthChallenge and AdminRespondToAuthChallenge. */
export async function respondToChallenge(deps: Deps, ctx: RequestContext, req: RespondRequest): Promise<AuthResponse> {
  // SRP's answer carries its own session, the SECRET_BLOCK.
  if (req.challengeName === 'PASSWORD_VERIFIER') return answerPasswordVerifier(deps, ctx, req.pool, req.client, req.responses);
  if (req.challengeName === 'CUSTOM_CHALLENGE') return answerCustomChallenge(deps, ctx, req.pool, req.client, req.responses, req.session);
  const expected = SESSION_FOR[req.challengeName];
  if (!expected) throw InvalidParameterException(`The ${req.challengeName} challenge is not supported by Cognate yet.`);
  if (!req.session) throw InvalidParameterException('Missing required parameter Session');
  const username = requireParameter(req.responses, 'USERNAME');
  checkSecretHash(deps, req.client, username, req.responses.SECRET_HASH);
  const record = await findSession(deps, req.session, [expected], req.client.id, deps.config.maxMfaAttemptsPerSession);
  const user = await findUser(deps, req.pool.id, username, req.pool);
  if (!user || !sessionIsFor(record, user)) throw NotAuthorizedException(SESSION_INVALID);
  checkUserCanSignIn(user);
  const step: ChallengeStep = { pool: req.pool, client: req.client, user, record, responses: req.responses, device: deviceFromSession(record) };
  if (typeof record.context.customHistory === 'string') step.customHistory = record.context.customHistory;
  switch (req.challengeName) {
    case 'DEVICE_SRP_AUTH':
      return answerDeviceSrpAuth(deps, step);
    case 'DEVICE_PASSWORD_VERIFIER':
      return answerDevicePasswordVerifier(deps, ctx, step);
    case 'SOFTWARE_TOKEN_MFA':
      return softwareTokenMfa(deps, ctx, step);
    case 'SMS_MFA':
      return smsMfa(deps, ctx, step);
    case 'SELECT_MFA_TYPE':
      return selectMfaType(deps, step);
    case 'NEW_PASSWORD_REQUIRED':
      return newPasswordRequired(deps, ctx, step);
    default:
      // MFA_SETUP: VerifySoftwareToken has already checked the code and enabled the token.
      await consumeSession(deps, record);
      return tokens(deps, ctx, step);
  }
}

/**
 * A wrong code: already counted against the session (dead after the cap) and the user's throttle
 * by reserveMfaAttempt, before the code was checked.
 */
const wrongCode = () => CodeMismatchException('Invalid code or auth state for the user.');

async function softwareTokenMfa(deps: Deps, ctx: RequestContext, step: ChallengeStep): Promise<AuthResponse> {
  const { user, record } = step;
  const code = requireParameter(step.responses, 'SOFTWARE_TOKEN_MFA_CODE');
  if (!user.totpSecretSealed) throw SoftwareTokenMFANotFoundException('Software Token MFA does not exist for the user.');
  const secret = user.totpSecretSealed;
  // One answer of the user at a time (attemptGate.ts): counted, checked, then kept or given back.
  await oneAttemptAtATime(user.poolId, user.username, async () => {
    await reserveMfaAttempt(deps, user, record);
    const now = deps.clock.now();
    const matched = matchTotp(openTotpSecret(deps, user, secret), code, now);
    if (matched === null) throw wrongCode();
    // The session and the time step are consumed together: of concurrent right answers exactly one
    // wins, and its accepted step resets the user's MFA failures.
    const outcome = await deps.store.completeTotpChallenge(record.idHash, user.poolId, user.username, matched, now);
    if (outcome === 'session-used') {
      await refundMfaAttempt(deps, user);
      throw NotAuthorizedException(SESSION_USED);
    }
    if (outcome === 'step-used') {
      await refundMfaAttempt(deps, user, record);
      throw ExpiredCodeException('Your software token has already been used once.');
    }
  });
  return afterMfa(deps, ctx, step);
}

async function smsMfa(deps: Deps, ctx: RequestContext, step: ChallengeStep): Promise<AuthResponse> {
  const { user, record } = step;
  const code = requireParameter(step.responses, 'SMS_MFA_CODE');
  await oneAttemptAtATime(user.poolId, user.username, async () => {
    await reserveMfaAttempt(deps, user, record);
    const expected = Buffer.from(String(record.context.codeHash ?? ''), 'hex');
    const given = Buffer.from(sha256Hex(`${user.sub}:${code}`), 'hex');
    if (!bytesEqual(expected, given)) throw wrongCode();
    // A right code: the session is spent (once, of concurrent right answers) and the count reset.
    if (!(await deps.store.consumeSession(record.idHash, deps.clock.now()))) {
      await refundMfaAttempt(deps, user);
      throw NotAuthorizedException(SESSION_USED);
    }
    await deps.store.clearFailures(user.poolId, user.username, 'mfa');
  });
  return afterMfa(deps, ctx, step);
}

async function selectMfaType(deps: Deps, step: ChallengeStep): Promise<AuthResponse> {
  const answer = requireParameter(step.responses, 'ANSWER');
  const factors = userFactors(step.pool, step.user);
  if (!factors.includes(answer as Factor)) {
    throw InvalidParameterException(`The MFA type ${answer} is not set up for the user.`);
  }
  await consumeSession(deps, step.record);
  return factorChallenge(deps, step, answer as Factor);
}

async function newPasswordRequired(deps: Deps, ctx: RequestContext, step: ChallengeStep): Promise<AuthResponse> {
  const { pool, user, record } = step;
  const password = requireParameter(step.responses, 'NEW_PASSWORD');
  checkPasswordPolicy(pool, password);
  // Attributes may be set in the same answer as `userAttributes.<name>`: the user writes them
  // through this app client, under the same rules as UpdateUserAttributes, and must supply the
  // pool's required attributes the challenge listed. Checked before the session is spent.
  const given = Object.entries(step.responses)
    .filter(([key]) => key.startsWith(USER_ATTRIBUTE_PREFIX))
    .map(([key, Value]) => ({ Name: key.slice(USER_ATTRIBUTE_PREFIX.length), Value }));
  const updates = checkAttributeWrite(pool, { by: 'user', at: 'update', client: step.client }, given);
  const attributes = mergeAttributes(user.attributes, updates);
  const missing = missingRequiredAttributes(pool, attributes);
  if (missing.length > 0) throw InvalidParameterException(`Invalid attributes given, ${missing[0]} is missing`);
  await consumeSession(deps, record);
  const now = deps.clock.now();
  const update = {
    ...(await passwordFields(deps, pool.id, user.username, password)),
    status: 'CONFIRMED' as const,
    attributes,
    modifiedAt: now,
  };
  await deps.store.updateUser(pool.id, user.username, update);
  return mfaStep(deps, ctx, { ...step, user: { ...user, ...update }, tokenSource: 'TokenGeneration_NewPasswordChallenge' });
}

