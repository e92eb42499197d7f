import { randomInt, randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import { CodeMismatchException, ExpiredCodeException, InvalidParameterException, LimitExceededException, UserNotFoundException } from '../errors.js';
import { findUser } from '../users/lookup.js';
import type { ClientRecord, PoolRecord, UserRecord } from '../store/store.js';
import { sha256Hex } from '../tokens/issue.js';
import { attribute, attributeIsTrue } from './mfa.js';
import { customMessage, type CustomMessageSource } from '../triggers/customMessage.js';

/**
 * Confirmation (sign-up) and password-reset codes: six digits from the CSPRNG, one live code per
 * user and purpose, stored as a hash, delivered to the outbox (docs/outbox.md) instead of email or SMS.
 * Sign-up codes last 24 hours and reset codes 1 hour, as Cognito's.
 */
export type CodePurpose = 'SIGN_UP' | 'FORGOT_PASSWORD' | VerifyAttributePurpose;

/**
 * Attribute verification codes (UpdateUserAttributes, AdminUpdateUserAttributes,
 * GetUserAttributeVerificationCode; VerifyUserAttribute checks them): one live code per attribute,
 * 24 hours as Cognito's sign-up codes (docs/behaviour.md, "Attribute verification").
 */
export type VerifyAttributePurpose = 'VERIFY_EMAIL' | 'VERIFY_PHONE_NUMBER';
export type VerifiableAttribute = 'email' | 'phone_number';
export const VERIFY_PURPOSE: Record<VerifiableAttribute, VerifyAttributePurpose> = { email: 'VERIFY_EMAIL', phone_number: 'VERIFY_PHONE_NUMBER' };
const VERIFIED_BY: Record<VerifyAttributePurpose, VerifiableAttribute> = { VERIFY_EMAIL: 'email', VERIFY_PHONE_NUMBER: 'phone_number' };
export const isVerifiableAttribute = (name: unknown): name is VerifiableAttribute => name === 'email' || name === 'phone_number';

const LIFETIME_MS: Record<CodePurpose, number> = {
  SIGN_UP: 24 * 3_600_000,
  FORGOT_PASSWORD: 3_600_000,
  VERIFY_EMAIL: 24 * 3_600_000,
  VERIFY_PHONE_NUMBER: 24 * 3_600_000,
};

export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: 'EMAIL' | 'SMS';
  AttributeName: 'email' | 'phone_number';
}

/**
 * An attribute verification code is bound to the value it was sent to: once the email or phone
 * number changes again, a code for the old value no longer matches.
 */
const codeHash = (user: Pick<UserRecord, 'poolId' | 'username' | 'attributes'>, purpose: CodePurpose, code: string) =>
  purpose in VERIFIED_BY
    ? sha256Hex(`${user.poolId}/${user.username}/${purpose}/${user.attributes.find((a) => a.Name === VERIFIED_BY[purpose as VerifyAttributePurpose])?.Value ?? ''}/${code}`)
    : sha256Hex(`${user.poolId}/${user.username}/${purpose}/${code}`);

/** `a***@e***`, as Cognito masks an email destination. */
export const maskEmail = (email: string) => {
  const [local, domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
};
export const maskPhone = (phone: string) => `+${'*'.repeat(Math.max(phone.length - 5, 0))}${phone.slice(-4)}`;

/** Where a code for this purpose can go: sign-up codes to an auto-verified attribute, resets to a verified one. */
export function deliveryFor(pool: PoolRecord, user: UserRecord, purpose: CodePurpose): CodeDeliveryDetails | undefined {
  const email = attribute(user, 'email');
  const phone = attribute(user, 'phone_number');
  if (purpose in VERIFIED_BY) {
    const name = VERIFIED_BY[purpose as VerifyAttributePurpose];
    const value = name === 'email' ? email : phone;
    if (!value) return undefined;
    return name === 'email'
      ? { Destination: maskEmail(value), DeliveryMedium: 'EMAIL', AttributeName: 'email' }
      : { Destination: maskPhone(value), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  }
  if (purpose === 'SIGN_UP') {
    const auto = (pool.settings.AutoVerifiedAttributes as string[] | undefined) ?? [];
    if (email && auto.includes('email')) return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
    if (phone && auto.includes('phone_number')) return { Destination: maskPhone(phone), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
    return undefined;
  }
  if (email && attributeIsTrue(user, 'email_verified')) {
    return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
  }
  if (phone && attributeIsTrue(user, 'phone_number_verified')) {
    return { Destination: maskPhone(phone), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  }
  return undefined;
}

const MESSAGES: Record<CodePurpose, string> = {
  SIGN_UP: 'Your verification code is {####}. ',
  FORGOT_PASSWORD: 'Your password reset code is {####}. ',
  VERIFY_EMAIL: 'Your verification code is {####}. ',
  VERIFY_PHONE_NUMBER: 'Your verification code is {####}. ',
};

export interface CodeMessageOptions {
  /** The custom message trigger's source, when not CustomMessage_SignUp / _ForgotPassword by the purpose. */
  source?: CustomMessageSource;
  clientId?: string;
  clientMetadata?: Record<string, string>;
}

/**
 * A code ready to send: generated, and its message composed (the custom message trigger runs here,
 * so a failing function stops the operation before anything is written); `commit` stores the code
 * and writes the message to the outbox. Undefined when there is nowhere to send it.
 */
export async function prepareCode(
  deps: Pick<Deps, 'store' | 'clock' | 'log' | 'lambda' | 'config'>,
  pool: PoolRecord,
  user: UserRecord,
  purpose: CodePurpose,
  options: CodeMessageOptions = {},
): Promise<{ delivery: CodeDeliveryDetails; commit(): Promise<void> } | undefined> {
  const delivery = deliveryFor(pool, user, purpose);
  if (!delivery) return undefined;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const channel = delivery.DeliveryMedium === 'EMAIL' ? 'email' : 'sms';
  const composed = await customMessage(deps, pool, {
    source: options.source ?? (purpose === 'SIGN_UP' ? 'CustomMessage_SignUp' : purpose === 'FORGOT_PASSWORD' ? 'CustomMessage_ForgotPassword' : 'CustomMessage_VerifyUserAttribute'),
    user,
    channel,
    message: MESSAGES[purpose],
    code,
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(options.clientMetadata ? { clientMetadata: options.clientMetadata } : {}),
  });
  const commit = async () => {
    const now = deps.clock.now();
    await deps.store.putUserCode({
      poolId: pool.id,
      username: user.username,
      purpose,
      codeHash: codeHash(user, purpose, code),
      expiresAt: now + LIFETIME_MS[purpose],
    });
    await deps.store.addOutboxMessage({
      id: randomUUID(),
      poolId: pool.id,
      username: user.username,
      channel,
      destination: attribute(user, delivery.AttributeName) ?? '',
      purpose,
      ...composed,
      createdAt: now,
    });
    deps.log.info({ poolId: pool.id, username: user.username, purpose }, 'code sent to the outbox');
  };
  return { delivery, commit };
}

/** prepareCode and its commit at once: the code stored and its message in the outbox. */
export async function sendCode(...args: Parameters<typeof prepareCode>): Promise<CodeDeliveryDetails | undefined> {
  const prepared = await prepareCode(...args);
  await prepared?.commit();
  return prepared?.delivery;
}

export const CODE_MISMATCH = 'Invalid verification code provided, please try again.';
export const CODE_EXPIRED = 'Invalid code provided, please request a code again.';

/**
 * Limits on codes, per user (or, for a name that is no user, per name) and purpose, so that a
 * six-digit code cannot be guessed by asking for new ones: codes issued (ForgotPassword,
 * AdminResetUserPassword, ResendConfirmationCode) and codes guessed (ConfirmForgotPassword,
 * ConfirmSignUp; counted across reissues, a new code does not reset them), each in a fixed window of
 * an hour. Cognito throttles both with this error but does not publish its numbers; these are
 * Cognate's (docs/behaviour.md, "Limits on guessing").
 */
export const CODE_ISSUE_LIMIT = { limit: 5, windowMs: 3_600_000 };
export const CODE_GUESS_LIMIT = { limit: 10, windowMs: 3_600_000 };
export const ATTEMPT_LIMIT_EXCEEDED = 'Attempt limit exceeded, please try after some time.';

/** Counts one code issued to `subject` (a username, or an unknown name as given); LimitExceededException past the limit. */
export async function takeCodeIssue(
  deps: Pick<Deps, 'store' | 'clock'>,
  poolId: string,
  subject: string,
  purpose: CodePurpose,
): Promise<void> {
  const quota = { poolId, subject, kind: `issue:${purpose}`, ...CODE_ISSUE_LIMIT };
  if (!(await deps.store.takeQuota(quota, deps.clock.now()))) throw LimitExceededException(ATTEMPT_LIMIT_EXCEEDED);
}

/**
 * Guesses a code, with Cognito's errors for a wrong one and for an expired or used one. The guess
 * is counted first, atomically, against the user's budget for the purpose (LimitExceededException
 * when spent); a name that is no user is counted the same way and always guesses wrong, so the
 * answers do not tell who exists. A right code consumes it and gives the budget back.
 */
export async function guessCode(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  name: string,
  user: UserRecord | undefined,
  purpose: CodePurpose,
  code: string,
): Promise<void> {
  const subject = user?.username ?? name;
  const kind = `guess:${purpose}`;
  if (!(await deps.store.takeQuota({ poolId: pool.id, subject, kind, ...CODE_GUESS_LIMIT }, deps.clock.now()))) {
    throw LimitExceededException(ATTEMPT_LIMIT_EXCEEDED);
  }
  if (!user) throw CodeMismatchException(CODE_MISMATCH);
  const outcome = await deps.store.consumeUserCode(user.poolId, user.username, purpose, codeHash(user, purpose, code), deps.clock.now());
  if (outcome === 'mismatch') throw CodeMismatchException(CODE_MISMATCH);
  if (outcome !== 'ok') throw ExpiredCodeException(CODE_EXPIRED);
  await deps.store.clearQuota(pool.id, subject, kind);
}

/**
 * The user a code is for, or undefined for a name that is no user: guessCode then answers as for a
 * wrong code, so the reply does not tell who exists (PreventUserExistenceErrors), unless the client
 * says LEGACY.
 */
export async function userForCode(
  deps: Pick<Deps, 'store'>,
  pool: PoolRecord,
  client: ClientRecord,
  username: string,
): Promise<UserRecord | undefined> {
  const user = await findUser(deps, pool.id, username, pool);
  if (user) return user;
  if (client.settings.PreventUserExistenceErrors === 'LEGACY') throw UserNotFoundException('Username/client id combination not found.');
  return undefined;
}

export function noRecoveryChannel(): never {
  throw InvalidParameterException('Cannot reset password for the user as there is no registered/verified email or phone_number');
}
