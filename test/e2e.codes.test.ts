import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminResetUserPasswordCommand,
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { passwordSignIn, PASSWORD, rejectsWith } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

/** The newest code the outbox holds for a user, read as a test or a person would: over HTTP. */
async function latestCode(poolId: string, username: string, purpose: string): Promise<string> {
  const res = await fetch(`${server.url}/_cognate/outbox?poolId=${poolId}&username=${username}`, {
    headers: { authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` },
  });
  const { Messages } = (await res.json()) as { Messages: { purpose: string; message: string }[] };
  const message = Messages.find((m: { purpose: string }) => m.purpose === purpose);
  assert.ok(message, `a ${purpose} message in the outbox`);
  return /(\d{6})/.exec(message.message)![1];
}

async function emailPool() {
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'codes', AutoVerifiedAttributes: ['email'] }));
  const poolId = pool.UserPool!.Id!;
  const app = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId! };
}

test('sign-up confirmation with the code from the outbox', async () => {
  const { poolId, clientId } = await emailPool();
  const signUp = await client.send(
    new SignUpCommand({ ClientId: clientId, Username: 'ann', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'ann@example.com' }] }),
  );
  assert.deepEqual(signUp.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  const code = await latestCode(poolId, 'ann', 'SIGN_UP');
  await rejectsWith(
    client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ann', ConfirmationCode: code === '000000' ? '111111' : '000000' })),
    'CodeMismatchException',
    'Invalid verification code provided, please try again.',
  );
  // A resent code replaces the first one.
  await client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'ann' }));
  const resent = await latestCode(poolId, 'ann', 'SIGN_UP');
  if (resent !== code) {
    await rejectsWith(client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ann', ConfirmationCode: code })), 'CodeMismatchException');
  }
  await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ann', ConfirmationCode: resent }));
  await rejectsWith(
    client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ann', ConfirmationCode: resent })),
    'NotAuthorizedException',
    'User cannot be confirmed. Current status is CONFIRMED',
  );
  await rejectsWith(client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'ann' })), 'InvalidParameterException');
  const user = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }));
  assert.equal(user.UserStatus, 'CONFIRMED');
  assert.equal(user.UserAttributes!.find((a) => a.Name === 'email_verified')!.Value, 'true');
  assert.ok((await passwordSignIn(client, clientId, 'ann')).AuthenticationResult);
});

test('an expired confirmation code is ExpiredCodeException', async () => {
  const { poolId, clientId } = await emailPool();
  await client.send(new SignUpCommand({ ClientId: clientId, Username: 'bob', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] }));
  const code = await latestCode(poolId, 'bob', 'SIGN_UP');
  server.clock.advance(24 * 3_600_000 + 1);
  await rejectsWith(
    client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'bob', ConfirmationCode: code })),
    'ExpiredCodeException',
    'Invalid code provided, please request a code again.',
  );
});

test('password reset: ForgotPassword and ConfirmForgotPassword, and AdminResetUserPassword', async () => {
  const { poolId, clientId } = await emailPool();
  await client.send(new SignUpCommand({ ClientId: clientId, Username: 'cat', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'cat@example.com' }] }));
  await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'cat', ConfirmationCode: await latestCode(poolId, 'cat', 'SIGN_UP') }));

  const forgot = await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'cat' }));
  assert.equal(forgot.CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
  const code = await latestCode(poolId, 'cat', 'FORGOT_PASSWORD');
  await rejectsWith(
    client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'cat', ConfirmationCode: code, Password: 'weak' })),
    'InvalidPasswordException',
  );
  await client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'cat', ConfirmationCode: code, Password: 'Reset-Password-5' }));
  await rejectsWith(
    client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'cat', ConfirmationCode: code, Password: 'Reset-Password-6' })),
    'ExpiredCodeException',
  );
  assert.ok((await passwordSignIn(client, clientId, 'cat', 'Reset-Password-5')).AuthenticationResult);

  await client.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'cat' }));
  await rejectsWith(passwordSignIn(client, clientId, 'cat', 'Reset-Password-5'), 'PasswordResetRequiredException', 'Password reset required for the user');
  await client.send(
    new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'cat', ConfirmationCode: await latestCode(poolId, 'cat', 'FORGOT_PASSWORD'), Password: 'Reset-Password-7' }),
  );
  assert.ok((await passwordSignIn(client, clientId, 'cat', 'Reset-Password-7')).AuthenticationResult);
});

test('ForgotPassword does not tell who exists, and needs a verified channel', async () => {
  const { poolId, clientId } = await emailPool();
  const unknown = await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'nobody' }));
  assert.equal(unknown.CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
  await rejectsWith(
    client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'nobody', ConfirmationCode: '123456', Password: 'Reset-Password-5' })),
    'CodeMismatchException',
  );
  const { AdminCreateUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dan', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1' }));
  await rejectsWith(
    client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'dan' })),
    'InvalidParameterException',
    'Cannot reset password for the user as there is no registered/verified email or phone_number',
  );
});
