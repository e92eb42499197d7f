import type { Deps } from '../deps.js';
import type { PoolRecord, UserRecord } from '../store/store.js';
import { invalidLambdaResponse, invokeTrigger, optionalMap, triggerArn, triggerEvent, userAttributesOf } from './invoke.js';

/**
 * The custom message trigger
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html):
 * before a code or a temporary password is written to the outbox, the function may replace the
 * message (`smsMessage` or `emailMessage`, by the channel) and the email's subject. Its texts carry
 * the placeholders of the request, `{####}` for the code and, for AdminCreateUser, `{username}`,
 * which Cognate fills in. A member left null keeps Cognate's own text.
 */
export type CustomMessageSource =
  | 'CustomMessage_SignUp'
  | 'CustomMessage_AdminCreateUser'
  | 'CustomMessage_ResendCode'
  | 'CustomMessage_ForgotPassword'
  | 'CustomMessage_UpdateUserAttribute'
  | 'CustomMessage_VerifyUserAttribute'
  | 'CustomMessage_Authentication';

export const CODE_PARAMETER = '{####}';
export const USERNAME_PARAMETER = '{username}';

export interface CustomMessageRequest {
  source: CustomMessageSource;
  user: Pick<UserRecord, 'username' | 'attributes' | 'status'>;
  channel: 'sms' | 'email';
  /** Cognate's own text, with the placeholders. */
  message: string;
  /** What `{####}` stands for: a code, or a temporary password. */
  code: string;
  clientId?: string;
  clientMetadata?: Record<string, string>;
}

/** The message to write to the outbox, with its placeholders filled in, and the subject if the function gave one. */
export async function customMessage(
  deps: Pick<Deps, 'lambda' | 'config' | 'log'>,
  pool: PoolRecord,
  req: CustomMessageRequest,
): Promise<{ message: string; subject?: string }> {
  const fill = (text: string) => text.split(CODE_PARAMETER).join(req.code).split(USERNAME_PARAMETER).join(req.user.username);
  if (triggerArn(pool, 'CustomMessage') === undefined) return { message: fill(req.message) };
  const admin = req.source === 'CustomMessage_AdminCreateUser';
  const request = {
    userAttributes: userAttributesOf(req.user),
    codeParameter: CODE_PARAMETER,
    linkParameter: '{##Click Here##}',
    usernameParameter: admin ? USERNAME_PARAMETER : null,
    ...optionalMap('clientMetadata', req.clientMetadata),
  };
  const event = triggerEvent(pool, req.source, req.user.username, req.clientId, request, { smsMessage: null, emailMessage: null, emailSubject: null });
  const response = (await invokeTrigger(deps, pool, 'CustomMessage', event))!;
  const text = optionalString(req.channel === 'sms' ? response.smsMessage : response.emailMessage);
  const subject = req.channel === 'email' ? optionalString(response.emailSubject) : undefined;
  return { message: fill(text ?? req.message), ...(subject !== undefined ? { subject } : {}) };
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidLambdaResponse();
  return value;
}
