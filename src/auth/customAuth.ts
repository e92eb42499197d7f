import type { Deps, RequestContext } from '../deps.js';
import { InvalidParameterException, NotAuthorizedException, UserNotFoundException } from '../errors.js';
import { findUser } from '../operations/common.js';
import type { ClientRecord, PoolRecord, SessionRecord, UserRecord } from '../store/store.js';
import { checkSecretHash } from './client.js';
import { requireParameter } from './initiate.js';
import { INCORRECT_CREDENTIALS } from './password.js';
import { SESSION_INVALID, SESSION_USED, createSession, findSession, sessionIsFor } from './session.js';
import { checkUserCanSignIn, mfaStep, tokens, type AuthResponse, type SignInState } from './signIn.js';
import { decideMfa } from './mfa.js';
import { srpChallenge, validSrpA } from './srpFlow.js';
import { invokeChallengeTrigger } from '../triggers/authChallenge.js';
import { runPreAuthentication } from '../triggers/authentication.js';
import { invalidLambdaResponse, triggerArn, userAttributesOf } from '../triggers/invoke.js';
import { flag } from '../triggers/preSignUp.js';

/**
 * CUSTOM_AUTH: the sign-in a pool's three challenge triggers run. DefineAuthChallenge reads the
 * history of the challenges so far (`session`) and answers the next step: a CUSTOM_CHALLENGE (which
 * CreateAuthChallenge then writes), the SRP PASSWORD_VERIFIER, tokens, or failure.
 * VerifyAuthChallengeResponse judges each ANSWER, and DefineAuthChallenge is asked again.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-challenge.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html#Custom-authentication-flow-and-challenges
 *
 * The history, CreateAuthChallenge's private parameters and its metadata live in the challenge's
 * session row, sealed, never in what the client holds; every answer spends its session, and a
 * trigger that fails leaves the session as it was (docs/behaviour.md, "Custom authentication").
 */

export const NOT_CONFIGURED = 'Custom auth lambda trigger is not configured for the user pool.';

/**
 * The most challenges one sign-in may go through (the length of `session` DefineAuthChallenge
 * sees). Cognito publishes no number; Cognate's choice (docs/behaviour.md).
 */
export const MAX_CUSTOM_CHALLENGES = 16;

/** One entry of the `session` array the challenge triggers receive. */
export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

/** Who the sign-in is for: a user, or (PreventUserExistenceErrors) a name that is no user. */
export interface CustomFlow {
  pool: PoolRecord;
  client: ClientRecord;
  /** The user's username, or the name given when it is no user. */
  username: string;
  user: UserRecord | undefined;
}

/** What a CUSTOM_CHALLENGE session keeps (sealed): the history, and the challenge's private parameters and metadata. */
interface ChallengeState {
  history: ChallengeResult[];
  privateParameters: Record<string, string>;
  metadata: string | null;
}

type NextStep =
  | { kind: 'fail' }
  | { kind: 'tokens' }
  | { kind: 'custom'; parameters: Record<string, string>; privateParameters: Record<string, string>; metadata: string | null }
  | { kind: 'password' };

const aadFor = (flow: CustomFlow) => `custom-challenge/${flow.client.id}/${flow.username}`;

/** InitiateAuth / AdminInitiateAuth with AuthFlow CUSTOM_AUTH. */
export async function startCustomAuth(
  deps: Deps,
  ctx: RequestContext,
  pool: PoolRecord,
  client: ClientRecord,
  parameters: Record<string, string>,
): Promise<AuthResponse> {
  if (triggerArn(pool, 'DefineAuthChallenge') === undefined) throw InvalidParameterException(NOT_CONFIGURED);
  const name = requireParameter(parameters, 'USERNAME');
  checkSecretHash(deps, client, name, parameters.SECRET_HASH);
  // "CHALLENGE_NAME: SRP_A" starts with Cognito's own password check (the developer guide's
  // "Use SRP password verification in custom authentication flow").
  const srpA = parameters.CHALLENGE_NAME === 'SRP_A' ? validSrpA(requireParameter(parameters, 'SRP_A')) : undefined;
  const user = await findUser(deps, pool.id, name, pool);
  // PreAuthentication first, with InitiateAuth's ClientMetadata as its validationData.
  await runPreAuthentication(deps, pool, client, user, name, ctx.clientMetadata);
  if (!user && client.settings.PreventUserExistenceErrors === 'LEGACY') throw UserNotFoundException('User does not exist.');
  if (user) checkUserCanSignIn(user);
  const flow: CustomFlow = { pool, client, user, username: user?.username ?? name };
  const history: ChallengeResult[] = srpA ? [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }] : [];
  // InitiateAuth's ClientMetadata is not given to the challenge triggers (API reference, InitiateAuth).
  const next = await decideNext(deps, flow, history, undefined, Boolean(srpA));
  return present(deps, ctx, flow, history, next, srpA, false);
}

/** RespondToAuthChallenge with ChallengeName CUSTOM_CHALLENGE: VerifyAuthChallengeResponse, then DefineAuthChallenge. */
export async function answerCustomChallenge(
  deps: Deps,
  ctx: RequestContext,
  pool: PoolRecord,
  client: ClientRecord,
  responses: Record<string, string>,
  session: string | undefined,
): Promise<AuthResponse> {
  // RespondToAuthChallenge's ClientMetadata goes to the three triggers.
  const { clientMetadata } = ctx;
  if (!session) throw InvalidParameterException('Missing required parameter Session');
  const name = requireParameter(responses, 'USERNAME');
  const answer = requireParameter(responses, 'ANSWER');
  checkSecretHash(deps, client, name, responses.SECRET_HASH);
  const record = await findSession(deps, session, ['CUSTOM_CHALLENGE'], client.id);
  const flow = await flowOfSession(deps, pool, client, record, name);

  // One answer of a session at a time: reserved before the triggers run, given back if one of them
  // fails (the answer was never judged), spent once the next step (failure included) is known.
  if (!(await deps.store.reserveSessionAttempt(record.idHash, 1))) throw NotAuthorizedException(SESSION_USED);
  let history: ChallengeResult[];
  let next: NextStep;
  try {
    const sealed = JSON.parse(deps.sealer.open(String(record.context.stateSealed), aadFor(flow)).toString('utf8')) as ChallengeState;
    const verdict = await invokeChallengeTrigger(deps, flow, 'VerifyAuthChallengeResponse', {
      ...baseRequest(flow),
      privateChallengeParameters: sealed.privateParameters,
      challengeAnswer: answer,
      ...(clientMetadata ? { clientMetadata } : {}),
    }, notConfigured);
    history = [
      ...sealed.history,
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: flag(verdict.answerCorrect), challengeMetadata: sealed.metadata },
    ];
    next = await decideNext(deps, flow, history, clientMetadata, false);
  } catch (err) {
    await deps.store.refundSessionAttempt(record.idHash);
    throw err;
  }
  if (!(await deps.store.consumeSession(record.idHash, deps.clock.now()))) throw NotAuthorizedException(SESSION_USED);
  return present(deps, ctx, flow, history, next, undefined, record.context.mfaDone === true);
}

/**
 * After the PASSWORD_VERIFIER of a CUSTOM_AUTH that began with SRP_A: the password is proven, and
 * DefineAuthChallenge is asked what comes next with the history [SRP_A, PASSWORD_VERIFIER].
 */
export async function continueAfterPassword(
  deps: Deps,
  ctx: RequestContext,
  pool: PoolRecord,
  client: ClientRecord,
  user: UserRecord,
  record: SessionRecord,
): Promise<AuthResponse> {
  const flow: CustomFlow = { pool, client, user, username: user.username };
  const history: ChallengeResult[] = [
    ...(JSON.parse(String(record.context.history)) as ChallengeResult[]),
    { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
  ];
  // "If MFA is enabled for a user, it is handled automatically after the password is verified"
  // (developer guide, "Use SRP password verification in custom authentication flow"); afterMfa
  // then asks DefineAuthChallenge. A user who must still set MFA up does so when tokens are issued.
  const mfa = decideMfa(pool, user);
  if (mfa.kind === 'challenge' || mfa.kind === 'select') {
    return mfaStep(deps, ctx, { pool, client, user, customHistory: JSON.stringify(history) });
  }
  const next = await decideNext(deps, flow, history, ctx.clientMetadata, false);
  return present(deps, ctx, flow, history, next, undefined, false);
}

/**
 * What follows a right MFA answer: tokens, or, in a CUSTOM_AUTH sign-in whose MFA came after its
 * password, DefineAuthChallenge with the history so far (MFA answers are not entries of it).
 */
export async function afterMfa(deps: Deps, ctx: RequestContext, state: SignInState): Promise<AuthResponse> {
  if (state.customHistory === undefined) return tokens(deps, ctx, state);
  const { pool, client, user } = state;
  const flow: CustomFlow = { pool, client, user, username: user.username };
  const history = JSON.parse(state.customHistory) as ChallengeResult[];
  const next = await decideNext(deps, flow, history, ctx.clientMetadata, false);
  return present(deps, ctx, flow, history, next, undefined, true);
}

/** The flow a CUSTOM_CHALLENGE session belongs to, checked against the USERNAME of the answer. */
async function flowOfSession(
  deps: Deps,
  pool: PoolRecord,
  client: ClientRecord,
  record: SessionRecord,
  name: string,
): Promise<CustomFlow> {
  if (record.context.known !== true) {
    // A name that is no user: the answer must name it as the challenge did.
    if (name !== record.username || (await findUser(deps, pool.id, name, pool))) throw NotAuthorizedException(SESSION_INVALID);
    return { pool, client, user: undefined, username: record.username };
  }
  const user = await findUser(deps, pool.id, name, pool);
  if (!user || !sessionIsFor(record, user)) throw NotAuthorizedException(SESSION_INVALID);
  checkUserCanSignIn(user);
  return { pool, client, user, username: user.username };
}

function baseRequest(flow: CustomFlow): Record<string, unknown> {
  return {
    userAttributes: flow.user ? userAttributesOf(flow.user) : {},
    // "populated when PreventUserExistenceErrors is set to ENABLED for your user pool client".
    ...(flow.client.settings.PreventUserExistenceErrors === 'LEGACY' ? {} : { userNotFound: !flow.user }),
  };
}

/**
 * DefineAuthChallenge, and CreateAuthChallenge when it names a CUSTOM_CHALLENGE. Nothing is
 * written here: the caller spends the old session first, then `present` writes the next step.
 */
async function decideNext(
  deps: Deps,
  flow: CustomFlow,
  history: ChallengeResult[],
  clientMetadata: Record<string, string> | undefined,
  /** PASSWORD_VERIFIER may come next: the InitiateAuth that carried SRP_A. */
  passwordNext: boolean,
): Promise<NextStep> {
  if (history.length > MAX_CUSTOM_CHALLENGES) return { kind: 'fail' };
  const metadata = clientMetadata ? { clientMetadata } : {};
  const defined = await invokeChallengeTrigger(deps, flow, 'DefineAuthChallenge', { ...baseRequest(flow), session: history, ...metadata }, notConfigured);
  // failAuthentication wins over issueTokens; a name that is no user never gets tokens.
  if (flag(defined.failAuthentication)) return { kind: 'fail' };
  if (flag(defined.issueTokens)) return flow.user ? { kind: 'tokens' } : { kind: 'fail' };
  if (defined.challengeName === 'PASSWORD_VERIFIER' && passwordNext) return { kind: 'password' };
  if (defined.challengeName !== 'CUSTOM_CHALLENGE') throw invalidLambdaResponse();

  const created = await invokeChallengeTrigger(deps, flow, 'CreateAuthChallenge', {
    ...baseRequest(flow),
    challengeName: 'CUSTOM_CHALLENGE',
    session: history,
    ...metadata,
  }, notConfigured);
  return {
    kind: 'custom',
    parameters: stringMap(created.publicChallengeParameters),
    privateParameters: stringMap(created.privateChallengeParameters),
    metadata: typeof created.challengeMetadata === 'string' ? created.challengeMetadata : null,
  };
}

/**
 * Acts on the next step: failure, tokens (after MFA when the user has it), or a new CUSTOM_CHALLENGE
 * or SRP challenge in a new session. A failure is a verdict, so it comes after the answer's session
 * was spent.
 */
async function present(
  deps: Deps,
  ctx: RequestContext,
  flow: CustomFlow,
  history: ChallengeResult[],
  next: NextStep,
  /** SRP_A of the InitiateAuth, when the next step is PASSWORD_VERIFIER. */
  srpA: string | undefined,
  /** MFA was answered after the password: the tokens come without it. */
  mfaDone: boolean,
): Promise<AuthResponse> {
  const { pool, client, user } = flow;
  if (next.kind === 'fail') throw NotAuthorizedException(INCORRECT_CREDENTIALS);
  if (next.kind === 'tokens') return (mfaDone ? tokens : mfaStep)(deps, ctx, { pool, client, user: user! });
  if (next.kind === 'password') {
    // decideNext answers PASSWORD_VERIFIER only for the InitiateAuth that carried SRP_A.
    return srpChallenge(deps, pool, client, flow.username, user, srpA!, { custom: true, history: JSON.stringify(history) });
  }
  // The functions' private parameters are the answer, and metadata may hold secrets too: all sealed.
  const state: ChallengeState = { history, privateParameters: next.privateParameters, metadata: next.metadata };
  const Session = await createSession(deps, {
    poolId: pool.id,
    client,
    username: flow.username,
    sub: user?.sub ?? '',
    challenge: 'CUSTOM_CHALLENGE',
    context: {
      known: Boolean(user),
      ...(mfaDone ? { mfaDone } : {}),
      stateSealed: deps.sealer.seal(JSON.stringify(state), aadFor(flow)),
    },
  });
  // Cognito adds USERNAME (the user's username, not the alias signed in with) to the public parameters.
  return { ChallengeName: 'CUSTOM_CHALLENGE', Session, ChallengeParameters: { ...next.parameters, USERNAME: flow.username } };
}

function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidLambdaResponse();
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    out[key] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

const notConfigured = () => InvalidParameterException(NOT_CONFIGURED);
