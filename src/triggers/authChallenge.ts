import type { Deps } from '../deps.js';
import { invokeTrigger, triggerEvent, type TriggerName } from './invoke.js';
import type { CustomFlow } from '../auth/customAuth.js';

/**
 * The three custom authentication challenge triggers' events and their `response` defaults
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-define-auth-challenge.html,
 * .../user-pool-lambda-create-auth-challenge.html, .../user-pool-lambda-verify-auth-challenge-response.html).
 * The flow itself is src/auth/customAuth.ts.
 */
export type ChallengeTrigger = Extract<TriggerName, 'DefineAuthChallenge' | 'CreateAuthChallenge' | 'VerifyAuthChallengeResponse'>;

const RESPONSE: Record<ChallengeTrigger, Record<string, null>> = {
  DefineAuthChallenge: { challengeName: null, issueTokens: null, failAuthentication: null },
  CreateAuthChallenge: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  VerifyAuthChallengeResponse: { answerCorrect: null },
};

/**
 * Invokes one of the challenge triggers (`<Trigger>_Authentication`) and returns its response;
 * a pool without that trigger answers "Custom auth lambda trigger is not configured".
 */
export async function invokeChallengeTrigger(
  deps: Pick<Deps, 'lambda' | 'config' | 'log'>,
  flow: CustomFlow,
  trigger: ChallengeTrigger,
  request: Record<string, unknown>,
  notConfigured: () => Error,
): Promise<Record<string, any>> {
  const event = triggerEvent(flow.pool, `${trigger}_Authentication`, flow.username, flow.client.id, request, { ...RESPONSE[trigger] });
  const response = await invokeTrigger(deps, flow.pool, trigger, event);
  if (response === undefined) throw notConfigured();
  return response;
}
