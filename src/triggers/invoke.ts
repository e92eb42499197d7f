import type { Deps, RequestContext } from '../deps.js';
import { CognitoError } from '../errors.js';
import type { PoolRecord } from '../store/store.js';
import { functionFromArn } from './lambdaClient.js';

/**
 * Invoking a pool's Lambda triggers, as Cognito does
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html):
 * synchronously, with the trigger's event, and acting on the `response` the function returns.
 */

/** The triggers of LambdaConfigType that Cognate invokes, by their member names. */
export type TriggerName =
  | 'PreSignUp'
  | 'CustomMessage'
  | 'PostConfirmation'
  | 'PreAuthentication'
  | 'PostAuthentication'
  | 'DefineAuthChallenge'
  | 'CreateAuthChallenge'
  | 'VerifyAuthChallengeResponse'
  | 'PreTokenGeneration'
  | 'UserMigration'
  | 'CustomSMSSender'
  | 'CustomEmailSender';

/** A trigger's event, with the members every trigger's event has (the "common parameters"). */
export interface TriggerEvent {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string | null;
  callerContext: { awsSdkVersion: string; clientId: string };
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

/** The pool's function for a trigger, or undefined: one look at the pool's settings. */
export function triggerArn(pool: PoolRecord, trigger: TriggerName): string | undefined {
  const config = pool.settings.LambdaConfig as Record<string, any> | undefined;
  if (config === undefined) return undefined;
  switch (trigger) {
    case 'PreTokenGeneration':
      return config.PreTokenGenerationConfig?.LambdaArn ?? config.PreTokenGeneration;
    case 'CustomSMSSender':
    case 'CustomEmailSender':
      return config[trigger]?.LambdaArn;
    default:
      return config[trigger];
  }
}

/** The pool's pre token generation event version: 'V1_0' (the default), 'V2_0' or 'V3_0'. */
export function preTokenGenerationVersion(pool: PoolRecord): 'V1_0' | 'V2_0' | 'V3_0' {
  const config = pool.settings.LambdaConfig as Record<string, any> | undefined;
  return config?.PreTokenGenerationConfig?.LambdaVersion ?? 'V1_0';
}

/** Attributes as triggers receive them: `{ name: value }`. */
export function attributeMap(attributes: { Name: string; Value?: string }[]): Record<string, string> {
  return Object.fromEntries(attributes.map((a) => [a.Name, a.Value ?? '']));
}

/**
 * A user's attributes as the sign-in and confirmation triggers receive them: every attribute,
 * `sub` included, and `cognito:user_status`.
 */
export function userAttributesOf(user: { attributes: { Name: string; Value?: string }[]; status: string }): Record<string, string> {
  return { ...attributeMap(user.attributes), 'cognito:user_status': user.status };
}

/** ClientMetadata and ValidationData members of an event: present only when the caller sent them. */
export function optionalMap(name: string, value: Record<string, string> | { Name: string; Value?: string }[] | undefined) {
  if (value === undefined) return {};
  return { [name]: Array.isArray(value) ? attributeMap(value) : value };
}

/** The request context with the input's ClientMetadata, for the triggers the operation runs. */
export function withClientMetadata(ctx: RequestContext, input: { ClientMetadata?: Record<string, string> }): RequestContext {
  return input.ClientMetadata === undefined ? ctx : { ...ctx, clientMetadata: input.ClientMetadata };
}

/** `callerContext.clientId` of an operation that has no app client (Admin* without one). */
export const NO_CLIENT = 'CLIENT_ID_NOT_APPLICABLE';

/**
 * The common part of every trigger's event. `awsSdkVersion` names the caller's SDK in Cognito;
 * Cognate does not look at the caller's user agent and sends `aws-sdk-unknown-unknown`, the value
 * Cognito sends for callers it does not recognise.
 */
export function triggerEvent(
  pool: PoolRecord,
  triggerSource: string,
  userName: string | null,
  clientId: string | undefined,
  request: Record<string, unknown>,
  response: Record<string, unknown> = {},
  version = '1',
): TriggerEvent {
  return {
    version,
    triggerSource,
    region: pool.id.split('_')[0],
    userPoolId: pool.id,
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: clientId ?? NO_CLIENT },
    request,
    response,
  };
}

// Cognito's errors for a trigger that fails (the forms its clients see):
// the function threw: UserLambdaValidationException "PreSignUp failed with error <errorMessage>.";
// the invocation failed or timed out: UnexpectedLambdaException
// "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.";
// the function returned something that is not its event: InvalidLambdaResponseException.
export const userLambdaValidation = (trigger: TriggerName, message: string) =>
  new CognitoError('UserLambdaValidationException', `${trigger} failed with error ${message}.`);
export const unexpectedLambda = (trigger: TriggerName, reason: string) =>
  new CognitoError('UnexpectedLambdaException', `${trigger} invocation failed due to error ${reason}.`);
export const invalidLambdaResponse = (message = 'Unrecognizable lambda output') =>
  new CognitoError('InvalidLambdaResponseException', message);

/**
 * Invokes the pool's function for `trigger` with `event` and returns the `response` member of what
 * it returned (an object), or undefined when the pool has no such trigger. Throws Cognito's errors
 * (above) when the function fails, times out (config.lambdaTimeoutMs, 5 s as Cognito) or returns
 * something that is not a JSON object, and UnexpectedLambdaException when no Lambda endpoint is
 * configured: a trigger is never skipped silently.
 */
export async function invokeTrigger(
  deps: Pick<Deps, 'lambda' | 'config' | 'log'>,
  pool: PoolRecord,
  trigger: TriggerName,
  event: TriggerEvent | Record<string, unknown>,
): Promise<Record<string, any> | undefined> {
  const arn = triggerArn(pool, trigger);
  if (arn === undefined) return undefined;
  if (!deps.lambda) {
    throw unexpectedLambda(
      trigger,
      'no Lambda endpoint is configured in Cognate (start it with --lambda-endpoint, or set AWS_ENDPOINT_URL_LAMBDA or AWS_ENDPOINT_URL)',
    );
  }
  const { functionName, qualifier } = functionFromArn(arn);
  const started = Date.now();
  const outcome = await deps.lambda.invoke({
    functionName,
    ...(qualifier ? { qualifier } : {}),
    region: pool.id.split('_')[0],
    payload: JSON.stringify(event),
    timeoutMs: deps.config.lambdaTimeoutMs,
  });
  // The event carries passwords (UserMigration) and codes: only names and the outcome are logged.
  deps.log.debug({ trigger, functionName, outcome: outcome.kind, ms: Date.now() - started }, 'trigger invoked');
  if (outcome.kind === 'functionError') throw userLambdaValidation(trigger, outcome.errorMessage);
  if (outcome.kind === 'invocationFailed') {
    deps.log.warn({ trigger, functionName, endpoint: deps.lambda.endpoint, reason: outcome.reason }, 'trigger invocation failed');
    throw unexpectedLambda(trigger, outcome.reason);
  }
  let returned: unknown;
  try {
    returned = JSON.parse(outcome.payload);
  } catch {
    throw invalidLambdaResponse();
  }
  if (!isObject(returned)) throw invalidLambdaResponse();
  const response = returned.response;
  if (response === undefined || response === null) return {};
  if (!isObject(response)) throw invalidLambdaResponse();
  return response;
}

const isObject = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
