import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { answerTotp, createPool, createUser, enrolTotp, nextStep, passwordSignIn, rejectsWith, totpCode } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

/** A pool offering SMS and TOTP, and a user with both enabled and neither preferred. */
async function twoFactorUser(username: string) {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await client.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: poolId,
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sns' } },
    }),
  );
  await createUser(client, poolId, username, [{ Name: 'phone_number', Value: '+15555550123' }]);
  const { secret, accessToken } = await enrolTotp(client, server.clock, clientId, username, { prefer: false });
  await client.send(
    new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true }, SMSMfaSettings: { Enabled: true } }),
  );
  return { poolId, clientId, secret, accessToken };
}

async function outbox(poolId: string, username: string): Promise<{ message: string; purpose: string; destination: string }[]> {
  const res = await fetch(`${server.url}/_cognate/outbox?poolId=${poolId}&username=${username}`, {
    headers: { authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { Messages: { purpose: string; message: string; destination: string }[] }).Messages;
}

test('several factors and no preference: SELECT_MFA_TYPE, then the chosen TOTP challenge', async () => {
  const { clientId, secret } = await twoFactorUser('ann');
  const start = await passwordSignIn(client, clientId, 'ann');
  assert.equal(start.ChallengeName, 'SELECT_MFA_TYPE');
  assert.equal(start.ChallengeParameters!.MFAS_CAN_CHOOSE, '["SMS_MFA","SOFTWARE_TOKEN_MFA"]');
  const chosen = await client.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SELECT_MFA_TYPE', Session: start.Session, ChallengeResponses: { USERNAME: 'ann', ANSWER: 'SOFTWARE_TOKEN_MFA' } }),
  );
  assert.equal(chosen.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.notEqual(chosen.Session, start.Session);
  nextStep(server.clock);
  const done = await answerTotp(client, clientId, 'ann', chosen.Session!, totpCode(secret, server.clock.now()));
  assert.ok(done.AuthenticationResult?.AccessToken);
});

test('SELECT_MFA_TYPE answered with SMS_MFA sends a code to the outbox', async () => {
  const { poolId, clientId } = await twoFactorUser('ben');
  const start = await passwordSignIn(client, clientId, 'ben');
  await rejectsWith(
    client.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SELECT_MFA_TYPE', Session: start.Session, ChallengeResponses: { USERNAME: 'ben', ANSWER: 'EMAIL_OTP' } })),
    'InvalidParameterException',
  );
  const sms = await client.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SELECT_MFA_TYPE', Session: start.Session, ChallengeResponses: { USERNAME: 'ben', ANSWER: 'SMS_MFA' } }),
  );
  assert.equal(sms.ChallengeName, 'SMS_MFA');
  assert.equal(sms.ChallengeParameters!.CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS');
  assert.equal(sms.ChallengeParameters!.CODE_DELIVERY_DESTINATION, '+*******0123');
  const [latest] = await outbox(poolId, 'ben');
  assert.equal(latest.purpose, 'MFA');
  assert.equal(latest.destination, '+15555550123');
  const code = /Your code is (\d{6})/.exec(latest.message)![1];
  await rejectsWith(
    client.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SMS_MFA', Session: sms.Session, ChallengeResponses: { USERNAME: 'ben', SMS_MFA_CODE: code === '000000' ? '111111' : '000000' } })),
    'CodeMismatchException',
    'Invalid code or auth state for the user.',
  );
  const done = await client.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SMS_MFA', Session: sms.Session, ChallengeResponses: { USERNAME: 'ben', SMS_MFA_CODE: code } }),
  );
  assert.ok(done.AuthenticationResult?.AccessToken);
});

test('a preferred factor skips the selection', async () => {
  const { clientId, accessToken } = await twoFactorUser('cat');
  await client.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
  assert.equal((await passwordSignIn(client, clientId, 'cat')).ChallengeName, 'SMS_MFA');
  await client.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  assert.equal((await passwordSignIn(client, clientId, 'cat')).ChallengeName, 'SOFTWARE_TOKEN_MFA');
});

test('the outbox endpoint is guarded like admin operations', async () => {
  const res = await fetch(`${server.url}/_cognate/outbox?poolId=us-east-1_x`);
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
});
