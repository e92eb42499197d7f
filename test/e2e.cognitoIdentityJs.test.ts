import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { createPool, createUser, nextStep, PASSWORD, rejectsWith, totpCode } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
// The library signs its SRP claim with the real time; the server's clock starts there.
useServer((s, c) => ((server = s), (client = c)), { realTime: true });

function cognitoUser(poolId: string, clientId: string, username: string): CognitoUser {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url });
  return new CognitoUser({ Username: username, Pool: pool });
}

type Outcome =
  | { kind: 'success'; session: CognitoUserSession }
  | { kind: 'failure'; error: any }
  | { kind: 'totpRequired' }
  | { kind: 'mfaSetup'; params: any };

/** authenticateUser over USER_SRP_AUTH, its callbacks turned into one outcome. */
function signIn(user: CognitoUser, password = PASSWORD): Promise<Outcome> {
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
      onSuccess: (session) => resolve({ kind: 'success', session }),
      onFailure: (error) => resolve({ kind: 'failure', error }),
      totpRequired: () => resolve({ kind: 'totpRequired' }),
      mfaSetup: (_name, params) => resolve({ kind: 'mfaSetup', params }),
    });
  });
}

function callbacks<T>(run: (done: (err: any, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
}

test('SRP sign-in, TOTP enrolment, a TOTP sign-in, refresh and global sign-out with amazon-cognito-identity-js', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'ann');
  const user = cognitoUser(poolId, clientId, 'ann');

  const wrong = await signIn(cognitoUser(poolId, clientId, 'ann'), 'Wrong-Pass-1');
  assert.equal(wrong.kind, 'failure');
  assert.equal((wrong as any).error.code, 'NotAuthorizedException');
  assert.equal((wrong as any).error.message, 'Incorrect username or password.');

  const first = await signIn(user);
  assert.equal(first.kind, 'success', JSON.stringify(first));

  const secret = await new Promise<string>((resolve, reject) =>
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
  );
  assert.match(secret, /^[A-Z2-7]{52}$/);
  await new Promise((resolve, reject) =>
    user.verifySoftwareToken(totpCode(secret, server.clock.now()), 'Ann phone', { onSuccess: resolve, onFailure: reject }),
  );
  await callbacks((done) => user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, done));

  const second = cognitoUser(poolId, clientId, 'ann');
  assert.equal((await signIn(second)).kind, 'totpRequired');
  nextStep(server.clock);
  const session = await new Promise<CognitoUserSession>((resolve, reject) =>
    second.sendMFACode(totpCode(secret, server.clock.now()), { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA'),
  );
  const accessToken = session.getAccessToken().getJwtToken();
  assert.equal(session.getAccessToken().decodePayload().username, 'ann');
  assert.ok(session.getAccessToken().decodePayload().origin_jti, 'origin_jti makes the session revocable');

  server.clock.advance(1_000);
  const refreshed = await callbacks<CognitoUserSession>((done) => second.refreshSession(session.getRefreshToken(), done));
  const refreshedAccess = refreshed.getAccessToken();
  assert.notEqual(refreshedAccess.getJwtToken(), accessToken);
  assert.equal(refreshedAccess.decodePayload().origin_jti, session.getAccessToken().decodePayload().origin_jti);
  assert.equal(refreshedAccess.decodePayload().auth_time, session.getAccessToken().decodePayload().auth_time);

  await new Promise((resolve, reject) => second.globalSignOut({ onSuccess: resolve, onFailure: reject }));
  for (const token of [accessToken, refreshedAccess.getJwtToken()]) {
    await rejectsWith(client.send(new GetUserCommand({ AccessToken: token })), 'NotAuthorizedException', 'Access Token has been revoked');
  }
  await rejectsWith(
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() } })),
    'NotAuthorizedException',
    'Refresh Token has been revoked',
  );
});

test('the mfaSetup callback on an MFA-ON pool enrols TOTP and signs in', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'ON' });
  await createUser(client, poolId, 'bob');
  const user = cognitoUser(poolId, clientId, 'bob');
  const outcome = await signIn(user);
  assert.equal(outcome.kind, 'mfaSetup');
  const secret = await new Promise<string>((resolve, reject) =>
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
  );
  // With the MFA_SETUP session, verifySoftwareToken also answers the challenge and signs in.
  const session = await new Promise<CognitoUserSession>((resolve, reject) =>
    user.verifySoftwareToken(totpCode(secret, server.clock.now()), 'Bob phone', { onSuccess: resolve as any, onFailure: reject }),
  );
  assert.equal(session.getIdToken().decodePayload()['cognito:username'], 'bob');
  nextStep(server.clock);
  const again = cognitoUser(poolId, clientId, 'bob');
  assert.equal((await signIn(again)).kind, 'totpRequired');
});
