import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  GetUserCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createPool, createUser, enrolTotp, nextStep, passwordSignIn, rejectsWith, totpCode } from './support/fixtures.js';
import { sdk, startServer, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

test('AccessToken and Session together, or neither, are InvalidParameterException', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'ON' });
  await createUser(client, poolId, 'amy');
  const { Session } = await passwordSignIn(client, clientId, 'amy');
  const { AuthenticationResult } = await (async () => {
    const other = await createPool(client, { mfa: 'OPTIONAL' });
    await createUser(client, other.poolId, 'amy');
    return passwordSignIn(client, other.clientId, 'amy');
  })();
  await rejectsWith(client.send(new AssociateSoftwareTokenCommand({ AccessToken: AuthenticationResult!.AccessToken, Session })), 'InvalidParameterException');
  await rejectsWith(client.send(new AssociateSoftwareTokenCommand({})), 'InvalidParameterException');
  await rejectsWith(client.send(new VerifySoftwareTokenCommand({ UserCode: '123456' })), 'InvalidParameterException');
  await rejectsWith(
    client.send(new VerifySoftwareTokenCommand({ AccessToken: AuthenticationResult!.AccessToken, Session, UserCode: '123456' })),
    'InvalidParameterException',
  );
});

test('session problems get Cognito NotAuthorizedException messages', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'ON' });
  await createUser(client, poolId, 'ben');
  // Garbage.
  await rejectsWith(
    client.send(new AssociateSoftwareTokenCommand({ Session: 'x'.repeat(40) })),
    'NotAuthorizedException',
    'Invalid session for the user.',
  );
  // Expired: older than the client's AuthSessionValidity (3 minutes by default).
  const old = await passwordSignIn(client, clientId, 'ben');
  server.clock.advance(3 * 60_000 + 1);
  await rejectsWith(
    client.send(new AssociateSoftwareTokenCommand({ Session: old.Session })),
    'NotAuthorizedException',
    'Invalid session for the user, session is expired.',
  );
  // Issued for another challenge: an Associate session is not a challenge session.
  const start = await passwordSignIn(client, clientId, 'ben');
  const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: start.Session }));
  await rejectsWith(
    client.send(new AssociateSoftwareTokenCommand({ Session: associated.Session })),
    'NotAuthorizedException',
    'Invalid session for the user.',
  );
  // Used.
  const verified = await client.send(
    new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, server.clock.now()) }),
  );
  nextStep(server.clock);
  await rejectsWith(
    client.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, server.clock.now()) })),
    'NotAuthorizedException',
    'Invalid session for the user, session can only be used once.',
  );
  assert.ok(verified.Session);
});

test('a longer AuthSessionValidity keeps the session alive longer', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'ON', authSessionValidity: 15 });
  await createUser(client, poolId, 'bea');
  const start = await passwordSignIn(client, clientId, 'bea');
  server.clock.advance(14 * 60_000);
  const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: start.Session }));
  assert.ok(associated.SecretCode);
});

test('a pool without software-token MFA refuses AssociateSoftwareToken', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'cal');
  const { AuthenticationResult } = await passwordSignIn(client, clientId, 'cal');
  await rejectsWith(
    client.send(new AssociateSoftwareTokenCommand({ AccessToken: AuthenticationResult!.AccessToken })),
    'SoftwareTokenMFANotFoundException',
    'Software Token MFA has not been enabled by the userPool.',
  );
});

test('a wrong code at VerifySoftwareToken is EnableSoftwareTokenMFAException, and so is a replayed one', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'dee');
  const { AuthenticationResult } = await passwordSignIn(client, clientId, 'dee');
  const AccessToken = AuthenticationResult!.AccessToken!;
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  const right = totpCode(SecretCode!, server.clock.now());
  await rejectsWith(
    client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: right === '000000' ? '111111' : '000000' })),
    'EnableSoftwareTokenMFAException',
    'Code mismatch and fail enable Software Token MFA',
  );
  await client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: right }));
  // A second secret, verified with a code from the step already used, is refused.
  const second = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  await rejectsWith(
    client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(second.SecretCode!, server.clock.now()) })),
    'EnableSoftwareTokenMFAException',
    'Code mismatch and fail enable Software Token MFA',
  );
});

test('MFA preferences need a set-up, verified token', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'eve');
  const { AuthenticationResult } = await passwordSignIn(client, clientId, 'eve');
  const AccessToken = AuthenticationResult!.AccessToken!;
  const enable = { SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } };
  await rejectsWith(
    client.send(new SetUserMFAPreferenceCommand({ AccessToken, ...enable })),
    'InvalidParameterException',
    'User has not set up software token mfa',
  );
  await rejectsWith(
    client.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'eve', ...enable })),
    'InvalidParameterException',
    'User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA',
  );
  await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  await rejectsWith(
    client.send(new SetUserMFAPreferenceCommand({ AccessToken, ...enable })),
    'InvalidParameterException',
    'User has not verified software token mfa',
  );
  // Turning a factor off that was never on is always accepted (old Amplify sends it).
  await client.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } }));
});

test('re-associating in an OPTIONAL pool drops MFA until the new token is verified', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'fox');
  const { accessToken } = await enrolTotp(client, server.clock, clientId, 'fox');
  assert.equal((await passwordSignIn(client, clientId, 'fox')).ChallengeName, 'SOFTWARE_TOKEN_MFA');
  const fresh = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  const open = await passwordSignIn(client, clientId, 'fox');
  assert.equal(open.ChallengeName, undefined);
  assert.ok(open.AuthenticationResult?.AccessToken);
  // As amplify-js#3844 observed: the settings still say TOTP, and enabling it again is "not set up".
  const user = await client.send(new GetUserCommand({ AccessToken: accessToken }));
  assert.equal(user.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  await rejectsWith(
    client.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })),
    'InvalidParameterException',
    'User has not set up software token mfa',
  );
  nextStep(server.clock);
  await client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(fresh.SecretCode!, server.clock.now()) }));
  assert.equal((await passwordSignIn(client, clientId, 'fox')).ChallengeName, 'SOFTWARE_TOKEN_MFA');
});

test('re-associating in an ON pool sends the user to MFA_SETUP', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'ON' });
  await createUser(client, poolId, 'gil');
  const start = await passwordSignIn(client, clientId, 'gil');
  const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: start.Session }));
  const verified = await client.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, server.clock.now()) }));
  const { RespondToAuthChallengeCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const tokens = await client.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses: { USERNAME: 'gil' } }),
  );
  await client.send(new AssociateSoftwareTokenCommand({ AccessToken: tokens.AuthenticationResult!.AccessToken }));
  assert.equal((await passwordSignIn(client, clientId, 'gil')).ChallengeName, 'MFA_SETUP');
});

test("with totpReassociation 'on-verify' the old token keeps working until the new one is verified", async () => {
  const other = await startServer({ totpReassociation: 'on-verify' });
  try {
    const c = sdk(other.url);
    const { poolId, clientId } = await createPool(c, { mfa: 'OPTIONAL' });
    await createUser(c, poolId, 'hope');
    const { secret, accessToken } = await enrolTotp(c, other.clock, clientId, 'hope');
    await c.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    const challenge = await passwordSignIn(c, clientId, 'hope');
    assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    nextStep(other.clock);
    const { RespondToAuthChallengeCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    const done = await c.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: 'hope', SOFTWARE_TOKEN_MFA_CODE: totpCode(secret, other.clock.now()) },
      }),
    );
    assert.ok(done.AuthenticationResult?.AccessToken);
  } finally {
    await other.stop();
  }
});

test('challenge answers of a client with a secret need SECRET_HASH', async () => {
  const { computeSecretHash } = await import('../src/crypto/secretHash.js');
  const { InitiateAuthCommand, RespondToAuthChallengeCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const { poolId, clientId, clientSecret } = await createPool(client, { mfa: 'OPTIONAL', secret: true });
  await createUser(client, poolId, 'ivy');
  const hash = computeSecretHash('ivy', clientId, clientSecret!);
  const signIn = () =>
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ivy', PASSWORD: 'Correct-Horse-9', SECRET_HASH: hash } }));
  const { AuthenticationResult } = await signIn();
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: AuthenticationResult!.AccessToken }));
  await client.send(new VerifySoftwareTokenCommand({ AccessToken: AuthenticationResult!.AccessToken, UserCode: totpCode(SecretCode!, server.clock.now()) }));
  await client.send(new SetUserMFAPreferenceCommand({ AccessToken: AuthenticationResult!.AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const challenge = await signIn();
  nextStep(server.clock);
  const code = totpCode(SecretCode!, server.clock.now());
  const answer = (responses: Record<string, string>) =>
    client.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: challenge.Session, ChallengeResponses: { USERNAME: 'ivy', SOFTWARE_TOKEN_MFA_CODE: code, ...responses } }));
  await rejectsWith(answer({}), 'NotAuthorizedException', `Client ${clientId} is configured with secret but SECRET_HASH was not received`);
  await rejectsWith(answer({ SECRET_HASH: computeSecretHash('ivy', clientId, 'wrong') }), 'NotAuthorizedException', `Unable to verify secret hash for client ${clientId}`);
  assert.ok((await answer({ SECRET_HASH: hash })).AuthenticationResult?.AccessToken);
});
