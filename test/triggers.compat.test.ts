import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool, type ISignUpResult } from 'amazon-cognito-identity-js';
import { PASSWORD } from './support/fixtures.js';
import { lambdaArn, useTriggers } from './support/lambdaServer.js';

const t = useTriggers();

/**
 * amazon-cognito-identity-js, unchanged, against a pool with triggers: its ValidationData and
 * ClientMetadata reach the functions, and the functions' answers reach it.
 */
test('amazon-cognito-identity-js: sign-up through PreSignUp and SRP sign-in through the authentication triggers, with ClientMetadata', async () => {
  t.server.clock.set(Date.now()); // the library signs its SRP claim with the real time
  const { poolId, clientId } = await t.pool({
    PreSignUp: lambdaArn('PreSignUp'),
    PreAuthentication: lambdaArn('PreAuthentication'),
    PostAuthentication: lambdaArn('PostAuthentication'),
    PreTokenGeneration: lambdaArn('PreTokenGeneration'),
  });
  t.on('PreSignUp', (event) => ({ ...event, response: { autoConfirmUser: true, autoVerifyEmail: true } }));
  t.on('PreTokenGeneration', (event) => ({ ...event, response: { claimsOverrideDetails: { claimsToAddOrOverride: { plan: event.request.clientMetadata?.plan ?? 'none' } } } }));
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: t.server.url });
  const signedUp = await new Promise<ISignUpResult>((resolve, reject) =>
    pool.signUp(
      'ann',
      PASSWORD,
      [new CognitoUserAttribute({ Name: 'email', Value: 'ann@example.com' })],
      [new CognitoUserAttribute({ Name: 'invite', Value: 'abc' })],
      (err, result) => (err ? reject(err) : resolve(result!)),
      { campaign: 'spring' },
    ),
  );
  assert.equal(signedUp.userConfirmed, true);
  const preSignUp = t.lambda.eventsOf('PreSignUp').at(-1);
  assert.deepEqual(preSignUp.request.validationData, { invite: 'abc' });
  assert.deepEqual(preSignUp.request.clientMetadata, { campaign: 'spring' });

  const user = new CognitoUser({ Username: 'ann', Pool: pool });
  const session = await new Promise<any>((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: 'ann', Password: PASSWORD, ClientMetadata: { plan: 'gold' } }), {
      onSuccess: resolve,
      onFailure: reject,
    }),
  );
  assert.equal(session.getIdToken().payload.plan, 'gold');
  assert.equal(session.getIdToken().payload.email_verified, true);
  assert.deepEqual(t.lambda.eventsOf('PreAuthentication').at(-1).request.validationData, { plan: 'gold' });
  assert.deepEqual(t.lambda.eventsOf('PostAuthentication').at(-1).request.clientMetadata, { plan: 'gold' });

  // A refusing PreAuthentication reaches the library as Cognito's error.
  t.on('PreAuthentication', () => {
    throw new Error('Account locked by policy');
  });
  const refused = await new Promise<any>((resolve) =>
    new CognitoUser({ Username: 'ann', Pool: pool }).authenticateUser(new AuthenticationDetails({ Username: 'ann', Password: PASSWORD }), {
      onSuccess: () => resolve(undefined),
      onFailure: resolve,
    }),
  );
  assert.equal(refused?.code, 'UserLambdaValidationException');
  assert.equal(refused?.message, 'PreAuthentication failed with error Account locked by policy.');
});
