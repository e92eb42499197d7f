import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  answerTotp,
  createPool,
  createUser,
  enrolTotp,
  nextStep,
  passwordSignIn,
  rejectsWith,
  totpCode,
} from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

test('AssociateSoftwareToken returns a fresh 52-character base32 secret and no Session for an access token', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'alice');
  const signIn = await passwordSignIn(client, clientId, 'alice');
  const secrets = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const out = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: signIn.AuthenticationResult!.AccessToken }));
    assert.match(out.SecretCode!, /^[A-Z2-7]{52}$/);
    assert.equal(out.Session, undefined);
    secrets.add(out.SecretCode!);
  }
  assert.equal(secrets.size, 5);
});

test('enrol with an access token, enable and prefer, then sign in through SOFTWARE_TOKEN_MFA', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'bob');
  const { AuthenticationResult } = await passwordSignIn(client, clientId, 'bob');
  const accessToken = AuthenticationResult!.AccessToken!;
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  const verified = await client.send(
    new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!, server.clock.now()), FriendlyDeviceName: 'Bob phone' }),
  );
  assert.equal(verified.Status, 'SUCCESS');
  assert.equal(verified.Session, undefined);

  // Verifying does not enable MFA: SetUserMFAPreference does.
  const before = await client.send(new GetUserCommand({ AccessToken: accessToken }));
  assert.equal(before.UserMFASettingList, undefined);
  assert.equal(before.PreferredMfaSetting, undefined);
  const noMfa = await passwordSignIn(client, clientId, 'bob');
  assert.ok(noMfa.AuthenticationResult?.AccessToken, 'no MFA challenge before TOTP is enabled');

  await client.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const me = await client.send(new GetUserCommand({ AccessToken: accessToken }));
  assert.deepEqual(me.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(me.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  const admin = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'bob' }));
  assert.deepEqual(admin.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);

  const challenge = await passwordSignIn(client, clientId, 'bob');
  assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(challenge.ChallengeParameters!.FRIENDLY_DEVICE_NAME, 'Bob phone');
  assert.equal(challenge.ChallengeParameters!.USER_ID_FOR_SRP, 'bob');
  assert.ok(challenge.Session!.length >= 20);
  assert.equal(challenge.AuthenticationResult, undefined);

  nextStep(server.clock);
  const done = await answerTotp(client, clientId, 'bob', challenge.Session!, totpCode(SecretCode!, server.clock.now()));
  assert.ok(done.AuthenticationResult?.AccessToken);
  assert.ok(done.AuthenticationResult?.RefreshToken);
});

test('a replayed code is refused at sign-in with ExpiredCodeException, also after VerifySoftwareToken used it', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'carol');
  const { secret } = await enrolTotp(client, server.clock, clientId, 'carol');
  // The code Verify accepted in this step cannot sign in.
  const first = await passwordSignIn(client, clientId, 'carol');
  const usedCode = totpCode(secret, server.clock.now());
  await rejectsWith(answerTotp(client, clientId, 'carol', first.Session!, usedCode), 'ExpiredCodeException');
  // The session survives a replay: the next step's code completes it.
  nextStep(server.clock);
  const code = totpCode(secret, server.clock.now());
  const ok = await answerTotp(client, clientId, 'carol', first.Session!, code);
  assert.ok(ok.AuthenticationResult?.AccessToken);
  // The same code again, in a new sign-in, within its step: refused.
  const second = await passwordSignIn(client, clientId, 'carol');
  await rejectsWith(answerTotp(client, clientId, 'carol', second.Session!, code), 'ExpiredCodeException');
});

test('codes one step early or late are accepted, two steps are not', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'dan');
  const { secret } = await enrolTotp(client, server.clock, clientId, 'dan');
  const attempt = async (offsetSteps: number) => {
    nextStep(server.clock);
    nextStep(server.clock);
    nextStep(server.clock);
    const { Session } = await passwordSignIn(client, clientId, 'dan');
    return answerTotp(client, clientId, 'dan', Session!, totpCode(secret, server.clock.now() + offsetSteps * 30_000));
  };
  assert.ok((await attempt(-1)).AuthenticationResult);
  assert.ok((await attempt(0)).AuthenticationResult);
  assert.ok((await attempt(1)).AuthenticationResult);
  await rejectsWith(attempt(2), 'CodeMismatchException', 'Invalid code or auth state for the user.');
  await rejectsWith(attempt(-2), 'CodeMismatchException', 'Invalid code or auth state for the user.');
});

test('a wrong code is CodeMismatchException; after five the session is dead', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'erin');
  const { secret } = await enrolTotp(client, server.clock, clientId, 'erin');
  nextStep(server.clock);
  const { Session } = await passwordSignIn(client, clientId, 'erin');
  const right = totpCode(secret, server.clock.now());
  const wrong = right === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) {
    await rejectsWith(answerTotp(client, clientId, 'erin', Session!, wrong), 'CodeMismatchException', 'Invalid code or auth state for the user.');
  }
  await rejectsWith(answerTotp(client, clientId, 'erin', Session!, right), 'NotAuthorizedException', 'Invalid session for the user.');
});

test('a user who keeps failing across sessions is throttled with TooManyRequestsException', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'fay');
  const { secret } = await enrolTotp(client, server.clock, clientId, 'fay');
  nextStep(server.clock);
  const right = () => totpCode(secret, server.clock.now());
  const wrong = () => (right() === '000000' ? '111111' : '000000');
  for (let i = 0; i < 5; i++) {
    const { Session } = await passwordSignIn(client, clientId, 'fay');
    await rejectsWith(answerTotp(client, clientId, 'fay', Session!, wrong()), 'CodeMismatchException');
  }
  const { Session } = await passwordSignIn(client, clientId, 'fay');
  await rejectsWith(answerTotp(client, clientId, 'fay', Session!, right()), 'TooManyRequestsException');
  server.clock.advance(1_500);
  const ok = await answerTotp(client, clientId, 'fay', Session!, right());
  assert.ok(ok.AuthenticationResult?.AccessToken);
});

test('MFA_SETUP on an ON pool, completed with the Session from VerifySoftwareToken (Amplify, amazon-cognito-identity-js)', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'ON' });
  await createUser(client, poolId, 'gus');
  const start = await passwordSignIn(client, clientId, 'gus');
  assert.equal(start.ChallengeName, 'MFA_SETUP');
  assert.equal(start.ChallengeParameters!.MFAS_CAN_SETUP, '["SOFTWARE_TOKEN_MFA"]');
  const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: start.Session }));
  assert.match(associated.SecretCode!, /^[A-Z2-7]{52}$/);
  assert.ok(associated.Session && associated.Session !== start.Session);
  // The challenge's session is single-use.
  await rejectsWith(
    client.send(new AssociateSoftwareTokenCommand({ Session: start.Session })),
    'NotAuthorizedException',
    'Invalid session for the user, session can only be used once.',
  );
  const verified = await client.send(
    new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, server.clock.now()), FriendlyDeviceName: 'Gus phone' }),
  );
  assert.equal(verified.Status, 'SUCCESS');
  assert.ok(verified.Session);
  const done = await client.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses: { USERNAME: 'gus' } }),
  );
  assert.ok(done.AuthenticationResult?.AccessToken);
  // On this path the verified token becomes the enabled, preferred factor.
  const me = await client.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken }));
  assert.deepEqual(me.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(me.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  const next = await passwordSignIn(client, clientId, 'gus');
  assert.equal(next.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(next.ChallengeParameters!.FRIENDLY_DEVICE_NAME, 'Gus phone');
});

test('MFA_SETUP on an ON pool, finished by signing in again after VerifySoftwareToken (AWS examples)', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'ON' });
  await createUser(client, poolId, 'hal');
  const start = await passwordSignIn(client, clientId, 'hal');
  const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: start.Session }));
  await client.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, server.clock.now()) }));
  const again = await passwordSignIn(client, clientId, 'hal');
  assert.equal(again.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  nextStep(server.clock);
  const done = await answerTotp(client, clientId, 'hal', again.Session!, totpCode(associated.SecretCode!, server.clock.now()));
  assert.ok(done.AuthenticationResult?.IdToken);
});

test('pool MFA configuration is validated and reported', async () => {
  const { poolId } = await createPool(client);
  const config = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
  assert.equal(config.MfaConfiguration, 'OFF');
  assert.deepEqual(config.SoftwareTokenMfaConfiguration, { Enabled: false });
  const { SetUserPoolMfaConfigCommand, CreateUserPoolCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  await rejectsWith(
    client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'ON' })),
    'InvalidParameterException',
    "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.",
  );
  await rejectsWith(
    client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OFF', SoftwareTokenMfaConfiguration: { Enabled: true } })),
    'InvalidParameterException',
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
  );
  await rejectsWith(
    client.send(new CreateUserPoolCommand({ PoolName: 'mfa-on', MfaConfiguration: 'ON' })),
    'InvalidParameterException',
    'SMS configuration and Auto verification for phone_number are required when MFA is required/optional',
  );
  const set = await client.send(
    new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }),
  );
  assert.equal(set.MfaConfiguration, 'OPTIONAL');
  assert.deepEqual(set.SoftwareTokenMfaConfiguration, { Enabled: true });
  const described = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.equal(described.UserPool!.MfaConfiguration, 'OPTIONAL');
});

test('an administrator resets a lost authenticator; the user enrols again', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'ON' });
  await createUser(client, poolId, 'ida');
  const start = await passwordSignIn(client, clientId, 'ida');
  const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: start.Session }));
  const verified = await client.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, server.clock.now()) }));
  const tokens = await client.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses: { USERNAME: 'ida' } }),
  );
  // The user cannot turn TOTP off while the pool requires MFA ...
  await rejectsWith(
    client.send(new SetUserMFAPreferenceCommand({ AccessToken: tokens.AuthenticationResult!.AccessToken, SoftwareTokenMfaSettings: { Enabled: false } })),
    'InvalidParameterException',
  );
  // ... an administrator can, which removes the lost token.
  await client.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'ida', SoftwareTokenMfaSettings: { Enabled: false } }));
  const admin = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ida' }));
  assert.equal(admin.UserMFASettingList, undefined);
  const again = await passwordSignIn(client, clientId, 'ida');
  assert.equal(again.ChallengeName, 'MFA_SETUP');
});
