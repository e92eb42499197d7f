import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminInitiateAuthCommand,
  AssociateSoftwareTokenCommand,
  AdminRespondToAuthChallengeCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
  type CognitoIdentityProviderClient,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { answerTotp, createUser, enrolTotp, nextStep, PASSWORD, rejectsWith, totpCode } from './support/fixtures.js';
import { delay, lambdaArn, startLambdaServer, type LambdaServer } from './support/lambdaServer.js';
import { sdk, startServer, type TestServer } from './support/server.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { srpClientProof, srpClientStart } from '../src/crypto/srpClient.js';
import { formatSrpTimestamp } from '../src/crypto/srp.js';
import { computeSecretHash } from '../src/crypto/secretHash.js';

/**
 * CUSTOM_AUTH end to end: a passwordless sign-in whose code CreateAuthChallenge "emails" (keeps in
 * this file's `mailbox`, as a function would send it), through the Lambda API test server, with the
 * AWS SDK and amazon-cognito-identity-js.
 */

const TIMEOUT_MS = 1_000;
let lambda: LambdaServer;
let server: TestServer;
let client: CognitoIdentityProviderClient;

/** The last code CreateAuthChallenge sent each user, by userName. */
const mailbox = new Map<string, string>();
/** A trigger's misbehaviour for the next invocations: throw, or run past the time-out. */
const failing: Partial<Record<'define' | 'create' | 'verify', 'throw' | 'timeout'>> = {};
/** Wrong answers DefineAuthChallenge allows before it fails the sign-in. */
const MAX_WRONG = 3;

async function misbehave(which: 'define' | 'create' | 'verify'): Promise<void> {
  const how = failing[which];
  if (how === 'throw') throw new Error(`${which} is broken`);
  if (how === 'timeout') await delay(TIMEOUT_MS + 500);
}

/** When set, DefineAuthChallenge answers this response instead. */
let defineOverride: Record<string, unknown> | undefined;

/** A passwordless Define: password first when the flow began with SRP_A, then codes until right, or too many wrong. */
async function define(event: any) {
  await misbehave('define');
  if (defineOverride) return { ...event, response: defineOverride };
  const session: any[] = event.request.session;
  const last = session.at(-1);
  const wrong = session.filter((s) => s.challengeName === 'CUSTOM_CHALLENGE' && !s.challengeResult).length;
  let response;
  if (last?.challengeName === 'SRP_A') response = { challengeName: 'PASSWORD_VERIFIER', issueTokens: false, failAuthentication: false };
  else if (last?.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult === true) response = { issueTokens: true, failAuthentication: false };
  else if (wrong >= MAX_WRONG) response = { issueTokens: false, failAuthentication: true };
  else response = { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false };
  return { ...event, response };
}

async function create(event: any) {
  await misbehave('create');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  mailbox.set(event.request.userNotFound ? `?${event.userName}` : event.userName, code);
  const email = event.request.userAttributes.email ?? 'nobody@example.com';
  return {
    ...event,
    response: {
      publicChallengeParameters: { email: email.replace(/^(.).*@/, '$1***@') },
      privateChallengeParameters: { code, marker: 'never-stored-in-clear' },
      challengeMetadata: `CODE-${event.request.session.length}`,
    },
  };
}

async function verify(event: any) {
  await misbehave('verify');
  return { ...event, response: { answerCorrect: event.request.challengeAnswer === event.request.privateChallengeParameters.code } };
}

before(async () => {
  lambda = await startLambdaServer({
    define,
    create,
    verify,
    pre: (event) => event,
    post: (event) => event,
    tokens: (event) => ({ ...event, response: { claimsOverrideDetails: { claimsToAddOrOverride: { signed_in_by: 'code' } } } }),
  });
  server = await startServer({ lambdaEndpoint: lambda.url, lambdaTimeoutMs: TIMEOUT_MS });
  server.clock.set(Date.now()); // amazon-cognito-identity-js signs its SRP claim with the real time
  client = sdk(server.url);
});
after(async () => {
  await server?.stop();
  await lambda?.stop();
});

const LAMBDA_CONFIG = { DefineAuthChallenge: lambdaArn('define'), CreateAuthChallenge: lambdaArn('create'), VerifyAuthChallengeResponse: lambdaArn('verify') };

async function customPool(
  options: { triggers?: boolean; flows?: ExplicitAuthFlowsType[]; mfa?: 'ON' | 'OPTIONAL'; legacy?: boolean; hooks?: boolean; secret?: boolean } = {},
) {
  const hooks = options.hooks
    ? { PreAuthentication: lambdaArn('pre'), PostAuthentication: lambdaArn('post'), PreTokenGeneration: lambdaArn('tokens') }
    : {};
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'custom',
      ...(options.triggers === false ? {} : { LambdaConfig: { ...LAMBDA_CONFIG, ...hooks } }),
    }),
  );
  const poolId = pool.UserPool!.Id!;
  if (options.mfa) {
    await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: options.mfa }));
  }
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'web',
      ...(options.flows ? { ExplicitAuthFlows: options.flows } : {}),
      ...(options.legacy ? { PreventUserExistenceErrors: 'LEGACY' } : {}),
      ...(options.secret ? { GenerateSecret: true } : {}),
    }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId!, clientSecret: app.UserPoolClient!.ClientSecret };
}

const initiate = (clientId: string, username: string, clientMetadata?: Record<string, string>) =>
  client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username }, ClientMetadata: clientMetadata }));

const answer = (clientId: string, username: string, session: string, code: string, clientMetadata?: Record<string, string>) =>
  client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: session,
      ChallengeResponses: { USERNAME: username, ANSWER: code },
      ClientMetadata: clientMetadata,
    }),
  );

const sources = (since: number) => lambda.invocations.slice(since).map((i) => i.event.triggerSource);

test('a passwordless sign-in with the AWS SDK: Define, Create, the code, Verify, Define again, tokens', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'ann', [{ Name: 'email', Value: 'ann@example.com' }]);
  const start = lambda.invocations.length;

  const challenge = await initiate(clientId, 'ann', { ignored: 'at InitiateAuth' });
  assert.equal(challenge.ChallengeName, 'CUSTOM_CHALLENGE');
  assert.deepEqual(challenge.ChallengeParameters, { email: 'a***@example.com', USERNAME: 'ann' });
  assert.ok(challenge.Session);
  assert.deepEqual(sources(start), ['DefineAuthChallenge_Authentication', 'CreateAuthChallenge_Authentication']);
  const [defineEvent, createEvent] = lambda.invocations.slice(start).map((i) => i.event);
  assert.equal(defineEvent.version, '1');
  assert.equal(defineEvent.userPoolId, poolId);
  assert.equal(defineEvent.userName, 'ann');
  assert.deepEqual(defineEvent.callerContext, { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId });
  assert.deepEqual(defineEvent.request.session, []);
  assert.equal(defineEvent.request.userNotFound, false);
  assert.equal(defineEvent.request.userAttributes.email, 'ann@example.com');
  assert.equal(defineEvent.request.userAttributes['cognito:user_status'], 'CONFIRMED');
  assert.equal(defineEvent.request.clientMetadata, undefined, "InitiateAuth's ClientMetadata is not given to the challenge triggers");
  assert.equal(createEvent.request.challengeName, 'CUSTOM_CHALLENGE');
  assert.deepEqual(createEvent.request.session, []);

  const verifyStart = lambda.invocations.length;
  const done = await answer(clientId, 'ann', challenge.Session!, mailbox.get('ann')!, { app: 'web' });
  assert.ok(done.AuthenticationResult?.AccessToken);
  assert.equal(done.ChallengeName, undefined);
  assert.deepEqual(sources(verifyStart), ['VerifyAuthChallengeResponse_Authentication', 'DefineAuthChallenge_Authentication']);
  const [verifyEvent, defineAgain] = lambda.invocations.slice(verifyStart).map((i) => i.event);
  assert.deepEqual(verifyEvent.request.privateChallengeParameters, { code: mailbox.get('ann'), marker: 'never-stored-in-clear' });
  // The private parameters were kept sealed in the session row.
  const dump = readdirSync(server.dir)
    .filter((f) => f.startsWith('cognate.db'))
    .map((f) => readFileSync(join(server.dir, f)).toString('latin1'))
    .join('');
  assert.ok(dump.length > 0 && !dump.includes('never-stored-in-clear'));
  assert.equal(verifyEvent.request.challengeAnswer, mailbox.get('ann'));
  assert.deepEqual(verifyEvent.request.clientMetadata, { app: 'web' });
  assert.deepEqual(defineAgain.request.session, [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'CODE-0' }]);
  assert.deepEqual(defineAgain.request.clientMetadata, { app: 'web' });

  const me = await client.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken! }));
  assert.equal(me.Username, 'ann');
  // The session was spent by the answer.
  await rejectsWith(answer(clientId, 'ann', challenge.Session!, mailbox.get('ann')!), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');
});

test('a wrong code gets a new challenge in a new session (the old one is spent); the right one then signs in', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'bob', [{ Name: 'email', Value: 'bob@example.com' }]);
  const first = await initiate(clientId, 'bob');
  const firstCode = mailbox.get('bob')!;
  const wrongCode = firstCode === '000000' ? '000001' : '000000';
  const start = lambda.invocations.length;
  const second = await answer(clientId, 'bob', first.Session!, wrongCode);
  assert.equal(second.ChallengeName, 'CUSTOM_CHALLENGE');
  assert.notEqual(second.Session, first.Session);
  assert.deepEqual(sources(start), [
    'VerifyAuthChallengeResponse_Authentication',
    'DefineAuthChallenge_Authentication',
    'CreateAuthChallenge_Authentication',
  ]);
  const createEvent = lambda.eventsOf('create').at(-1);
  assert.deepEqual(createEvent.request.session, [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'CODE-0' }]);
  await rejectsWith(answer(clientId, 'bob', first.Session!, firstCode), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');
  const done = await answer(clientId, 'bob', second.Session!, mailbox.get('bob')!);
  assert.ok(done.AuthenticationResult?.IdToken);
  const history = lambda.eventsOf('define').at(-1).request.session;
  assert.deepEqual(history.map((h: any) => [h.challengeName, h.challengeResult, h.challengeMetadata]), [
    ['CUSTOM_CHALLENGE', false, 'CODE-0'],
    ['CUSTOM_CHALLENGE', true, 'CODE-1'],
  ]);
});

test('failAuthentication after too many wrong codes: Incorrect username or password.', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'cid', [{ Name: 'email', Value: 'cid@example.com' }]);
  let step = await initiate(clientId, 'cid');
  for (let i = 0; i < MAX_WRONG - 1; i++) {
    step = await answer(clientId, 'cid', step.Session!, 'wrong');
    assert.equal(step.ChallengeName, 'CUSTOM_CHALLENGE');
  }
  await rejectsWith(answer(clientId, 'cid', step.Session!, 'wrong'), 'NotAuthorizedException', 'Incorrect username or password.');
  await rejectsWith(answer(clientId, 'cid', step.Session!, mailbox.get('cid')!), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');
});

test('concurrent answers to one session: one is judged, the others are refused; a session expires', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'kim', [{ Name: 'email', Value: 'kim@example.com' }]);
  const challenge = await initiate(clientId, 'kim');
  const code = mailbox.get('kim')!;
  const verifies = lambda.eventsOf('verify').length;
  const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => answer(clientId, 'kim', challenge.Session!, code)));
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  assert.equal(won.length, 1);
  assert.ok((won[0] as PromiseFulfilledResult<any>).value.AuthenticationResult);
  for (const o of outcomes.filter((o) => o.status === 'rejected')) {
    assert.equal((o as PromiseRejectedResult).reason.name, 'NotAuthorizedException');
  }
  assert.equal(lambda.eventsOf('verify').length, verifies + 1, 'only one answer reached VerifyAuthChallengeResponse');

  const late = await initiate(clientId, 'kim');
  server.clock.advance(3 * 60_000 + 1_000); // AuthSessionValidity: 3 minutes by default
  await rejectsWith(answer(clientId, 'kim', late.Session!, mailbox.get('kim')!), 'NotAuthorizedException', 'Invalid session for the user, session is expired.');
  server.clock.set(Date.now()); // back to the real time, for the SRP sign-ins
});

test('a sign-in holds at most 16 challenges', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'lou');
  defineOverride = { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false };
  try {
    let step = await initiate(clientId, 'lou');
    for (let i = 1; i < 16; i++) step = await answer(clientId, 'lou', step.Session!, 'wrong');
    assert.equal(lambda.eventsOf('define').at(-1).request.session.length, 15);
    // The 16th answer makes a history of 16: DefineAuthChallenge sees it once more, and then no more.
    step = await answer(clientId, 'lou', step.Session!, 'wrong');
    assert.equal(lambda.eventsOf('define').at(-1).request.session.length, 16);
    const defines = lambda.eventsOf('define').length;
    await rejectsWith(answer(clientId, 'lou', step.Session!, 'wrong'), 'NotAuthorizedException', 'Incorrect username or password.');
    assert.equal(lambda.eventsOf('define').length, defines);
  } finally {
    defineOverride = undefined;
  }
});

test('AdminInitiateAuth and AdminRespondToAuthChallenge run the same flow; an alias signs in as the username', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'dee', [{ Name: 'email', Value: 'dee@example.com' }]);
  const challenge = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'dee' } }),
  );
  assert.equal(challenge.ChallengeName, 'CUSTOM_CHALLENGE');
  const done = await client.send(
    new AdminRespondToAuthChallengeCommand({
      UserPoolId: poolId,
      ClientId: clientId,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: challenge.Session,
      ChallengeResponses: { USERNAME: challenge.ChallengeParameters!.USERNAME, ANSWER: mailbox.get('dee')! },
    }),
  );
  assert.ok(done.AuthenticationResult?.RefreshToken);
});

test('amazon-cognito-identity-js: initiateAuth with a customChallenge callback and sendCustomChallengeAnswer', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'eve', [{ Name: 'email', Value: 'eve@example.com' }]);
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url });
  const user = new CognitoUser({ Username: 'eve', Pool: pool });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  const session = await new Promise<CognitoUserSession>((resolve, reject) => {
    let answered = 0;
    const callbacks = {
      onSuccess: resolve,
      onFailure: reject,
      customChallenge(parameters: any) {
        assert.equal(parameters.email, 'e***@example.com');
        // First a wrong code, then the one from the mailbox.
        const code = answered++ === 0 ? 'nope' : mailbox.get('eve')!;
        user.sendCustomChallengeAnswer(code, callbacks, { attempt: String(answered) });
      },
    };
    user.initiateAuth(new AuthenticationDetails({ Username: 'eve' }), callbacks);
  });
  assert.equal(session.getAccessToken().decodePayload().username, 'eve');
  assert.deepEqual(lambda.eventsOf('verify').at(-1).request.clientMetadata, { attempt: '2' });
});

test('amazon-cognito-identity-js CUSTOM_AUTH with a password: SRP_A, PASSWORD_VERIFIER, then the custom challenge', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'fay', [{ Name: 'email', Value: 'fay@example.com' }]);
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url });
  const signIn = (password: string) => {
    const user = new CognitoUser({ Username: 'fay', Pool: pool });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    return new Promise<CognitoUserSession>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        customChallenge: () => user.sendCustomChallengeAnswer(mailbox.get('fay')!, callbacks),
      };
      user.authenticateUser(new AuthenticationDetails({ Username: 'fay', Password: password }), callbacks);
    });
  };
  await assert.rejects(signIn('Wrong-Pass-1'), (err: any) => err.code === 'NotAuthorizedException' && err.message === 'Incorrect username or password.');
  const start = lambda.invocations.length;
  const session = await signIn(PASSWORD);
  assert.equal(session.getIdToken().decodePayload()['cognito:username'], 'fay');
  const defines = lambda.invocations.slice(start).filter((i) => i.functionName === 'define').map((i) => i.event.request.session);
  assert.deepEqual(defines, [
    [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }],
    [
      { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
      { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
    ],
    [
      { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
      { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'CODE-2' },
    ],
  ]);
});

for (const which of ['define', 'create', 'verify'] as const) {
  const trigger = { define: 'DefineAuthChallenge', create: 'CreateAuthChallenge', verify: 'VerifyAuthChallengeResponse' }[which];
  test(`${trigger} that throws or times out: Cognito's error, and nothing half done`, async () => {
    const { poolId, clientId } = await customPool();
    await createUser(client, poolId, `user-${which}`, [{ Name: 'email', Value: `${which}@example.com` }]);
    const name = `user-${which}`;
    try {
      if (which === 'verify') {
        const challenge = await initiate(clientId, name);
        failing.verify = 'throw';
        await rejectsWith(answer(clientId, name, challenge.Session!, mailbox.get(name)!), 'UserLambdaValidationException', 'VerifyAuthChallengeResponse failed with error verify is broken.');
        failing.verify = 'timeout';
        await rejectsWith(answer(clientId, name, challenge.Session!, mailbox.get(name)!), 'UnexpectedLambdaException', /^VerifyAuthChallengeResponse invocation failed due to error/);
        delete failing.verify;
        // The answer was never judged: the same session still takes it.
        assert.ok((await answer(clientId, name, challenge.Session!, mailbox.get(name)!)).AuthenticationResult);
        return;
      }
      failing[which] = 'throw';
      await rejectsWith(initiate(clientId, name), 'UserLambdaValidationException', `${trigger} failed with error ${which} is broken.`);
      failing[which] = 'timeout';
      await rejectsWith(initiate(clientId, name), 'UnexpectedLambdaException', new RegExp(`^${trigger} invocation failed due to error`));
      // After a right answer too: Define (or Create) fails, and the session still takes the answer.
      delete failing[which];
      const challenge = await initiate(clientId, name);
      const code = mailbox.get(name)!;
      if (which === 'define') {
        failing.define = 'throw';
        await rejectsWith(answer(clientId, name, challenge.Session!, code), 'UserLambdaValidationException', `${trigger} failed with error define is broken.`);
        delete failing.define;
        assert.ok((await answer(clientId, name, challenge.Session!, code)).AuthenticationResult);
      } else {
        failing.create = 'throw';
        await rejectsWith(answer(clientId, name, challenge.Session!, 'wrong'), 'UserLambdaValidationException', `${trigger} failed with error create is broken.`);
        delete failing.create;
        assert.equal((await answer(clientId, name, challenge.Session!, 'wrong')).ChallengeName, 'CUSTOM_CHALLENGE');
      }
    } finally {
      delete failing[which];
    }
  });
}

test('malformed answers of DefineAuthChallenge: InvalidLambdaResponseException', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'gus');
  // PASSWORD_VERIFIER without SRP_A, a challenge Cognate does not know, a flag that is not a Boolean, nothing.
  try {
    for (const response of [{ challengeName: 'PASSWORD_VERIFIER' }, { challengeName: 'NO_SUCH_CHALLENGE' }, { issueTokens: 'yes' }, {}]) {
      defineOverride = response;
      await rejectsWith(initiate(clientId, 'gus'), 'InvalidLambdaResponseException', 'Unrecognizable lambda output');
    }
  } finally {
    defineOverride = undefined;
  }
});

test('a name that is no user: userNotFound in the events, challenges that never end in tokens; LEGACY clients say so', async () => {
  const { clientId } = await customPool();
  const start = lambda.invocations.length;
  const challenge = await initiate(clientId, 'nobody');
  assert.equal(challenge.ChallengeName, 'CUSTOM_CHALLENGE');
  assert.equal(challenge.ChallengeParameters!.USERNAME, 'nobody');
  const events = lambda.invocations.slice(start).map((i) => i.event);
  assert.equal(events.length, 2);
  for (const e of events) {
    assert.equal(e.request.userNotFound, true);
    assert.deepEqual(e.request.userAttributes, {});
  }
  // Verify judges the answer as for anyone; even a right answer gives no tokens.
  await rejectsWith(answer(clientId, 'nobody', challenge.Session!, mailbox.get('?nobody')!), 'NotAuthorizedException', 'Incorrect username or password.');
  assert.equal(lambda.eventsOf('define').at(-1).request.session.at(-1).challengeResult, true);
  await rejectsWith(answer(clientId, 'nobody', challenge.Session!, mailbox.get('?nobody')!), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');

  // Beginning with SRP_A: a PASSWORD_VERIFIER challenge like a user's (USER_SRP_AUTH's unknown-user answer).
  const srp = await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'nobody', CHALLENGE_NAME: 'SRP_A', SRP_A: srpClientStart().AHex } }),
  );
  assert.equal(srp.ChallengeName, 'PASSWORD_VERIFIER');
  assert.equal(srp.ChallengeParameters!.USER_ID_FOR_SRP, 'nobody');
  assert.match(srp.ChallengeParameters!.SALT, /^[0-9a-f]+$/);
  const srpDefine = lambda.eventsOf('define').at(-1);
  assert.equal(srpDefine.request.userNotFound, true);
  assert.deepEqual(srpDefine.request.session, [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }]);

  const legacy = await customPool({ legacy: true });
  await rejectsWith(initiate(legacy.clientId, 'nobody'), 'UserNotFoundException', 'User does not exist.');
});

test('CUSTOM_AUTH needs the triggers and a client that allows it; SECRET_HASH on both calls of a client with a secret', async () => {
  const bare = await customPool({ triggers: false });
  await rejectsWith(initiate(bare.clientId, 'ann'), 'InvalidParameterException', 'Custom auth lambda trigger is not configured for the user pool.');
  const srpOnly = await customPool({ flows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  await rejectsWith(initiate(srpOnly.clientId, 'ann'), 'InvalidParameterException', 'CUSTOM_AUTH flow not enabled for this client');
  const legacyOnly = await customPool({ flows: ['CUSTOM_AUTH_FLOW_ONLY'] });
  await createUser(client, legacyOnly.poolId, 'hal');
  assert.equal((await initiate(legacyOnly.clientId, 'hal')).ChallengeName, 'CUSTOM_CHALLENGE');
  await rejectsWith(
    client.send(new RespondToAuthChallengeCommand({ ClientId: legacyOnly.clientId, ChallengeName: 'CUSTOM_CHALLENGE', ChallengeResponses: { USERNAME: 'hal', ANSWER: '1' } })),
    'InvalidParameterException',
    'Missing required parameter Session',
  );

  // A client with a secret: SECRET_HASH on both calls.
  const secret = await customPool({ secret: true });
  await createUser(client, secret.poolId, 'max');
  await rejectsWith(initiate(secret.clientId, 'max'), 'NotAuthorizedException', `Client ${secret.clientId} is configured with secret but SECRET_HASH was not received`);
  const hash = computeSecretHash('max', secret.clientId, secret.clientSecret!);
  const challenge = await client.send(
    new InitiateAuthCommand({ ClientId: secret.clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'max', SECRET_HASH: hash } }),
  );
  const respond = (responses: Record<string, string>) =>
    client.send(new RespondToAuthChallengeCommand({ ClientId: secret.clientId, ChallengeName: 'CUSTOM_CHALLENGE', Session: challenge.Session, ChallengeResponses: responses }));
  await rejectsWith(respond({ USERNAME: 'max', ANSWER: mailbox.get('max')! }), 'NotAuthorizedException', /SECRET_HASH was not received/);
  assert.ok((await respond({ USERNAME: 'max', ANSWER: mailbox.get('max')!, SECRET_HASH: hash })).AuthenticationResult);
});

test('the sign-in triggers around a custom sign-in: PreAuthentication first, PostAuthentication and PreTokenGeneration at the tokens', async () => {
  const { poolId, clientId } = await customPool({ hooks: true });
  await createUser(client, poolId, 'jon', [{ Name: 'email', Value: 'jon@example.com' }]);
  const start = lambda.invocations.length;
  const challenge = await initiate(clientId, 'jon', { from: 'initiate' });
  const done = await answer(clientId, 'jon', challenge.Session!, mailbox.get('jon')!, { from: 'respond' });
  assert.deepEqual(sources(start), [
    'PreAuthentication_Authentication',
    'DefineAuthChallenge_Authentication',
    'CreateAuthChallenge_Authentication',
    'VerifyAuthChallengeResponse_Authentication',
    'DefineAuthChallenge_Authentication',
    'PostAuthentication_Authentication',
    'TokenGeneration_Authentication',
  ]);
  assert.deepEqual(lambda.eventsOf('pre').at(-1).request.validationData, { from: 'initiate' });
  assert.deepEqual(lambda.eventsOf('post').at(-1).request.clientMetadata, { from: 'respond' });
  const idToken = JSON.parse(Buffer.from(done.AuthenticationResult!.IdToken!.split('.')[1], 'base64url').toString('utf8'));
  assert.equal(idToken.signed_in_by, 'code');
});

test('MFA after the custom challenge: DefineAuthChallenge issues tokens, the user with TOTP gets SOFTWARE_TOKEN_MFA first', async () => {
  const { poolId, clientId } = await customPool({ mfa: 'OPTIONAL', flows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  await createUser(client, poolId, 'ivy', [{ Name: 'email', Value: 'ivy@example.com' }]);
  const { secret } = await enrolTotp(client, server.clock, clientId, 'ivy');
  const challenge = await initiate(clientId, 'ivy');
  const mfa = await answer(clientId, 'ivy', challenge.Session!, mailbox.get('ivy')!);
  assert.equal(mfa.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  nextStep(server.clock);
  const done = await answerTotp(client, clientId, 'ivy', mfa.Session!, totpCode(secret, server.clock.now()));
  assert.ok(done.AuthenticationResult?.AccessToken);
});

test('MFA_SETUP after the custom challenge in an MFA-ON pool, for a user without MFA', async () => {
  const { poolId, clientId } = await customPool({ mfa: 'ON' });
  await createUser(client, poolId, 'ned', [{ Name: 'email', Value: 'ned@example.com' }]);
  const challenge = await initiate(clientId, 'ned');
  const setup = await answer(clientId, 'ned', challenge.Session!, mailbox.get('ned')!);
  assert.equal(setup.ChallengeName, 'MFA_SETUP');
  const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: setup.Session }));
  const verified = await client.send(
    new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, server.clock.now()) }),
  );
  const done = await client.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses: { USERNAME: 'ned' } }),
  );
  assert.ok(done.AuthenticationResult?.AccessToken);
});

test('MFA in a custom sign-in that begins with the password: right after PASSWORD_VERIFIER, then DefineAuthChallenge, then tokens without MFA again', async () => {
  const { poolId, clientId } = await customPool({ mfa: 'OPTIONAL', flows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  await createUser(client, poolId, 'joy', [{ Name: 'email', Value: 'joy@example.com' }]);
  const { secret } = await enrolTotp(client, server.clock, clientId, 'joy');
  const srp = srpClientStart();
  const start = await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'joy', CHALLENGE_NAME: 'SRP_A', SRP_A: srp.AHex } }),
  );
  assert.equal(start.ChallengeName, 'PASSWORD_VERIFIER');
  const p = start.ChallengeParameters!;
  const proof = srpClientProof(srp, {
    poolName: poolId.split('_')[1],
    userIdForSrp: p.USER_ID_FOR_SRP,
    password: PASSWORD,
    saltHex: p.SALT,
    BHex: p.SRP_B,
    secretBlockB64: p.SECRET_BLOCK,
    timestamp: formatSrpTimestamp(new Date(server.clock.now())),
  });
  const defines = lambda.eventsOf('define').length;
  const mfa = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: { USERNAME: 'joy', PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: proof.signatureB64, TIMESTAMP: proof.timestamp },
    }),
  );
  assert.equal(mfa.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(lambda.eventsOf('define').length, defines, 'DefineAuthChallenge waits for the MFA answer');
  nextStep(server.clock);
  const custom = await answerTotp(client, clientId, 'joy', mfa.Session!, totpCode(secret, server.clock.now()));
  assert.equal(custom.ChallengeName, 'CUSTOM_CHALLENGE');
  assert.deepEqual(
    lambda.eventsOf('define').at(-1).request.session.map((h: any) => h.challengeName),
    ['SRP_A', 'PASSWORD_VERIFIER'],
  );
  const done = await answer(clientId, 'joy', custom.Session!, mailbox.get('joy')!);
  assert.ok(done.AuthenticationResult?.AccessToken, 'no second MFA challenge');
  server.clock.set(Date.now());
});

test('Amplify v6: signIn with CUSTOM_WITHOUT_SRP and CUSTOM_WITH_SRP, confirmSignIn with the code', async () => {
  const { poolId, clientId } = await customPool();
  await createUser(client, poolId, 'kay', [{ Name: 'email', Value: 'kay@example.com' }]);
  Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: server.url } } });
  try {
    const first = await signIn({ username: 'kay', options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    assert.equal(first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    assert.equal((first.nextStep as any).additionalInfo.email, 'k***@example.com');
    const wrong = await confirmSignIn({ challengeResponse: 'nope' });
    assert.equal(wrong.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    assert.deepEqual(await confirmSignIn({ challengeResponse: mailbox.get('kay')! }), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    assert.equal((await fetchAuthSession()).tokens?.accessToken.payload.username, 'kay');
    await signOut();

    const withPassword = await signIn({ username: 'kay', password: PASSWORD, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
    assert.equal(withPassword.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    assert.deepEqual(
      lambda.eventsOf('define').at(-1).request.session.map((h: any) => h.challengeName),
      ['SRP_A', 'PASSWORD_VERIFIER'],
    );
    assert.deepEqual(await confirmSignIn({ challengeResponse: mailbox.get('kay')! }), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    await signOut();
  } finally {
    Amplify.configure({});
  }
});

describe('on PostgreSQL', { skip: pgSkip }, () => {
  let pgServer: TestServer;
  const schema = pgSchemaUrl();
  before(async () => {
    pgServer = await startServer({ db: schema.url, sealingKey: randomBytes(32).toString('hex'), lambdaEndpoint: lambda.url, lambdaTimeoutMs: TIMEOUT_MS });
  });
  after(async () => {
    await pgServer?.stop();
    await schema.drop();
  });

  test('the session rules on PostgreSQL: a wrong code, a failing Verify given back, concurrent answers, the right code', async () => {
    const sqliteClient = client;
    client = sdk(pgServer.url);
    try {
      const { poolId, clientId } = await customPool();
      await createUser(client, poolId, 'pat', [{ Name: 'email', Value: 'pat@example.com' }]);
      const first = await initiate(clientId, 'pat');
      const second = await answer(clientId, 'pat', first.Session!, 'wrong');
      assert.equal(second.ChallengeName, 'CUSTOM_CHALLENGE');
      await rejectsWith(answer(clientId, 'pat', first.Session!, mailbox.get('pat')!), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');
      failing.verify = 'throw';
      await rejectsWith(answer(clientId, 'pat', second.Session!, mailbox.get('pat')!), 'UserLambdaValidationException');
      delete failing.verify;
      const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => answer(clientId, 'pat', second.Session!, mailbox.get('pat')!)));
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled' && o.value.AuthenticationResult).length, 1);
      assert.equal(outcomes.filter((o) => o.status === 'rejected' && o.reason.name === 'NotAuthorizedException').length, 3);
    } finally {
      delete failing.verify;
      client = sqliteClient;
    }
  });
});
