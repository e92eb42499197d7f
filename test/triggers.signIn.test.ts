import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  CreateGroupCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD, createUser, passwordSignIn, rejectsWith } from './support/fixtures.js';
import { RawReply, delay, lambdaArn, useTriggers } from './support/lambdaServer.js';
import { srpClientStart } from '../src/crypto/srpClient.js';

// A short trigger time-out for the time-out test only; Cognate's default is Cognito's 5 seconds.
const t = useTriggers({ lambdaTimeoutMs: 1000 });

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
const last = (name: string) => t.lambda.eventsOf(name).at(-1);

test('PreAuthentication receives the user and InitiateAuth\'s ClientMetadata as validationData, and can refuse the sign-in', async () => {
  const { poolId, clientId } = await t.pool({ PreAuthentication: lambdaArn('PreAuthentication') });
  await createUser(t.client, poolId, 'ann', [{ Name: 'email', Value: 'ann@example.com' }]);
  t.on('PreAuthentication', (event) => event);
  const ok = await t.client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ann', PASSWORD }, ClientMetadata: { app: 'web' } }),
  );
  assert.ok(ok.AuthenticationResult?.AccessToken);
  const event = last('PreAuthentication');
  assert.equal(event.version, '1');
  assert.equal(event.triggerSource, 'PreAuthentication_Authentication');
  assert.equal(event.userPoolId, poolId);
  assert.equal(event.userName, 'ann');
  assert.deepEqual(event.callerContext, { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId });
  assert.equal(event.request.userAttributes.email, 'ann@example.com');
  assert.equal(event.request.userAttributes['cognito:user_status'], 'CONFIRMED');
  assert.ok(event.request.userAttributes.sub);
  assert.equal(event.request.userNotFound, false);
  assert.deepEqual(event.request.validationData, { app: 'web' });
  assert.deepEqual(event.response, {});

  t.on('PreAuthentication', () => {
    throw new Error('Sign-in is closed');
  });
  await rejectsWith(passwordSignIn(t.client, clientId, 'ann'), 'UserLambdaValidationException', 'PreAuthentication failed with error Sign-in is closed.');
  // A name that is no user: invoked with userNotFound (PreventUserExistenceErrors is on by default).
  t.on('PreAuthentication', (e) => e);
  await rejectsWith(passwordSignIn(t.client, clientId, 'nobody'), 'NotAuthorizedException');
  assert.equal(last('PreAuthentication').request.userNotFound, true);
  assert.equal(last('PreAuthentication').userName, 'nobody');
  // USER_SRP_AUTH runs it at its first step.
  const before = t.lambda.eventsOf('PreAuthentication').length;
  await t.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'ann', SRP_A: srpClientStart().AHex } }));
  assert.equal(t.lambda.eventsOf('PreAuthentication').length, before + 1);
});

test('PostAuthentication runs after the password with the ClientMetadata, and a refusal issues no tokens', async () => {
  const { poolId, clientId } = await t.pool({ PostAuthentication: lambdaArn('PostAuthentication') });
  await createUser(t.client, poolId, 'bob');
  t.on('PostAuthentication', (event) => event);
  await t.client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob', PASSWORD }, ClientMetadata: { k: 'v' } }),
  );
  const event = last('PostAuthentication');
  assert.equal(event.triggerSource, 'PostAuthentication_Authentication');
  assert.equal(event.request.newDeviceUsed, false);
  assert.deepEqual(event.request.clientMetadata, { k: 'v' });
  assert.equal(event.request.userAttributes['cognito:user_status'], 'CONFIRMED');
  t.on('PostAuthentication', () => {
    throw new Error('audit log unavailable');
  });
  await rejectsWith(passwordSignIn(t.client, clientId, 'bob'), 'UserLambdaValidationException', 'PostAuthentication failed with error audit log unavailable.');
});

test('PreTokenGeneration V1_0 adds, overrides and suppresses ID token claims and overrides the groups of both tokens', async () => {
  const { poolId, clientId } = await t.pool({ PreTokenGeneration: lambdaArn('PreTokenGeneration') });
  await createUser(t.client, poolId, 'cy', [{ Name: 'email', Value: 'cy@example.com' }, { Name: 'name', Value: 'Cy' }]);
  await t.client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff', RoleArn: 'arn:aws:iam::123456789012:role/staff', Precedence: 1 }));
  await t.client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'cy', GroupName: 'staff' }));
  t.on('PreTokenGeneration', (event) => ({
    ...event,
    response: {
      claimsOverrideDetails: {
        claimsToAddOrOverride: { tenant: 'acme', name: 'Cyrus', sub: 'forged', email: 'x@example.com' },
        claimsToSuppress: ['email'],
        groupOverrideDetails: { groupsToOverride: ['admins', 'staff'], iamRolesToOverride: [], preferredRole: null },
      },
    },
  }));
  const signIn = await passwordSignIn(t.client, clientId, 'cy');
  const event = last('PreTokenGeneration');
  assert.equal(event.version, '1');
  assert.equal(event.triggerSource, 'TokenGeneration_Authentication');
  assert.deepEqual(event.request.groupConfiguration, {
    groupsToOverride: ['staff'],
    iamRolesToOverride: ['arn:aws:iam::123456789012:role/staff'],
    preferredRole: 'arn:aws:iam::123456789012:role/staff',
  });
  assert.equal(event.request.userAttributes.name, 'Cy');
  assert.equal(event.request.scopes, undefined, 'V1_0 events carry no scopes');
  const id = claims(signIn.AuthenticationResult!.IdToken!);
  const access = claims(signIn.AuthenticationResult!.AccessToken!);
  assert.equal(id.tenant, 'acme');
  assert.equal(id.name, 'Cyrus');
  assert.notEqual(id.sub, 'forged', 'sub cannot be overridden');
  assert.equal(id.email, undefined, 'suppressed wins over added');
  assert.deepEqual(id['cognito:groups'], ['admins', 'staff']);
  assert.equal(id['cognito:roles'], undefined);
  assert.equal(id['cognito:preferred_role'], undefined);
  assert.deepEqual(access['cognito:groups'], ['admins', 'staff']);
  assert.equal(access.tenant, undefined, 'V1_0 does not change the access token');

  // Refreshing invokes it again, as TokenGeneration_RefreshTokens.
  const refreshed = await t.client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: signIn.AuthenticationResult!.RefreshToken! } }),
  );
  assert.equal(last('PreTokenGeneration').triggerSource, 'TokenGeneration_RefreshTokens');
  assert.equal(claims(refreshed.AuthenticationResult!.IdToken!).tenant, 'acme');

  // A response that is not the trigger's shape is refused with no tokens.
  t.on('PreTokenGeneration', (event) => ({ ...event, response: { claimsOverrideDetails: { claimsToSuppress: 'email' } } }));
  await rejectsWith(passwordSignIn(t.client, clientId, 'cy'), 'InvalidLambdaResponseException');
});

test('PreTokenGeneration V2_0 customises the access token: claims and scopes', async () => {
  const { poolId, clientId } = await t.pool({ PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: lambdaArn('PreTokenV2') } });
  await createUser(t.client, poolId, 'dee', [{ Name: 'email', Value: 'dee@example.com' }]);
  t.on('PreTokenV2', (event) => ({
    ...event,
    response: {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { plan: 'pro' }, claimsToSuppress: ['email'] },
        accessTokenGeneration: {
          claimsToAddOrOverride: { roles: ['reader', 'writer'], level: 3 },
          scopesToAdd: ['api/read'],
          scopesToSuppress: ['aws.cognito.signin.user.admin'],
        },
      },
    },
  }));
  const signIn = await passwordSignIn(t.client, clientId, 'dee');
  const event = last('PreTokenV2');
  assert.equal(event.version, '2');
  assert.deepEqual(event.request.scopes, ['aws.cognito.signin.user.admin']);
  assert.deepEqual(event.request.groupConfiguration, { groupsToOverride: [], iamRolesToOverride: [] });
  const id = claims(signIn.AuthenticationResult!.IdToken!);
  const access = claims(signIn.AuthenticationResult!.AccessToken!);
  assert.equal(id.plan, 'pro');
  assert.equal(id.email, undefined);
  assert.deepEqual(access.roles, ['reader', 'writer']);
  assert.equal(access.level, 3);
  assert.equal(access.scope, 'api/read');

  // V3_0 sends the same event as version "3".
  const v3 = await t.pool({ PreTokenGenerationConfig: { LambdaVersion: 'V3_0', LambdaArn: lambdaArn('PreTokenV3') } });
  await createUser(t.client, v3.poolId, 'dee');
  await passwordSignIn(t.client, v3.clientId, 'dee');
  assert.equal(last('PreTokenV3').version, '3');
  assert.deepEqual(last('PreTokenV3').request.scopes, ['aws.cognito.signin.user.admin']);
});

test('a new password answer gives TokenGeneration_NewPasswordChallenge', async () => {
  const { poolId, clientId } = await t.pool({ PreTokenGeneration: lambdaArn('PreTokenGeneration') });
  t.on('PreTokenGeneration', (event) => event);
  await t.client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'eve', TemporaryPassword: 'Temporary-Pass-1', MessageAction: 'SUPPRESS' }));
  const started = await passwordSignIn(t.client, clientId, 'eve', 'Temporary-Pass-1');
  assert.equal(started.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  await t.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: started.Session,
      ChallengeResponses: { USERNAME: 'eve', NEW_PASSWORD: PASSWORD },
      ClientMetadata: { step: 'new-password' },
    }),
  );
  assert.equal(last('PreTokenGeneration').triggerSource, 'TokenGeneration_NewPasswordChallenge');
  assert.deepEqual(last('PreTokenGeneration').request.clientMetadata, { step: 'new-password' });
});

test('a trigger that times out, answers no JSON or does not exist gives Cognito\'s errors', async () => {
  const { poolId, clientId } = await t.pool({ PreAuthentication: lambdaArn('PreAuthentication') });
  await createUser(t.client, poolId, 'fay');
  t.on('PreAuthentication', async (event) => {
    await delay(2500);
    return event;
  });
  await rejectsWith(
    passwordSignIn(t.client, clientId, 'fay'),
    'UnexpectedLambdaException',
    'PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function.',
  );
  t.on('PreAuthentication', () => new RawReply('this is not JSON'));
  await rejectsWith(passwordSignIn(t.client, clientId, 'fay'), 'InvalidLambdaResponseException', 'Unrecognizable lambda output');
  t.on('PreAuthentication', () => new RawReply('[1, 2]'));
  await rejectsWith(passwordSignIn(t.client, clientId, 'fay'), 'InvalidLambdaResponseException', 'Unrecognizable lambda output');
  t.remove('NoSuchFunction');
  const missing = await t.pool({ PreAuthentication: lambdaArn('NoSuchFunction') });
  await createUser(t.client, missing.poolId, 'gil');
  await rejectsWith(passwordSignIn(t.client, missing.clientId, 'gil'), 'UnexpectedLambdaException', /^PreAuthentication invocation failed due to error ResourceNotFoundException/);
  // A PreSignUp that times out creates no user.
  const signUps = await t.pool({ PreSignUp: lambdaArn('SlowPreSignUp') });
  t.on('SlowPreSignUp', async (event) => {
    await delay(2500);
    return event;
  });
  await rejectsWith(
    t.client.send(new SignUpCommand({ ClientId: signUps.clientId, Username: 'hal', Password: PASSWORD })),
    'UnexpectedLambdaException',
    'PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.',
  );
  await rejectsWith(t.client.send(new AdminGetUserCommand({ UserPoolId: signUps.poolId, Username: 'hal' })), 'UserNotFoundException');
  // The same user signs in once the function behaves.
  t.on('PreAuthentication', (e) => e);
  assert.ok((await passwordSignIn(t.client, clientId, 'fay')).AuthenticationResult);
});
