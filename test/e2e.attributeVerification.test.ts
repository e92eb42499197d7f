import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createUser, passwordSignIn, rejectsWith } from './support/fixtures.js';
import { control } from './support/control.js';
import { lambdaArn, useTriggers } from './support/lambdaServer.js';

const t = useTriggers();
const autoVerified = (...names: string[]) => ({ AutoVerifiedAttributes: names });

/** The outbox's messages for a user, newest first, read over HTTP as a test suite would. */
async function outbox(poolId: string, username: string): Promise<{ purpose: string; message: string; destination: string; channel: string; subject?: string }[]> {
  const answer = await control(t.server.url, 'GET', `/_cognate/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`);
  return answer.body.Messages;
}
const codeIn = (message: string) => /(\d{6})/.exec(message)![1];
const latestCode = async (poolId: string, username: string, purpose: string) => {
  const message = (await outbox(poolId, username)).find((m) => m.purpose === purpose);
  assert.ok(message, `a ${purpose} message in the outbox`);
  return codeIn(message.message);
};
const wrong = (code: string) => (code === '000000' ? '111111' : '000000');
const attr = (attributes: { Name?: string; Value?: string }[] | undefined, name: string) => attributes?.find((a) => a.Name === name)?.Value;

async function signedIn(extra: Record<string, unknown>, attributes: { Name: string; Value: string }[], triggers: Record<string, unknown> = {}) {
  const { poolId, clientId } = await t.pool(triggers, extra);
  await createUser(t.client, poolId, 'ann', attributes);
  const AccessToken = (await passwordSignIn(t.client, clientId, 'ann')).AuthenticationResult!.AccessToken!;
  return { poolId, clientId, AccessToken };
}

test('UpdateUserAttributes sends a code to a changed auto-verified email and phone; VerifyUserAttribute verifies them', async () => {
  const { poolId, AccessToken } = await signedIn(autoVerified('email', 'phone_number'), [
    { Name: 'email', Value: 'ann@example.com' },
    { Name: 'email_verified', Value: 'true' },
  ]);
  const answer = await t.client.send(
    new UpdateUserAttributesCommand({
      AccessToken,
      UserAttributes: [
        { Name: 'email', Value: 'new@example.org' },
        { Name: 'phone_number', Value: '+15555550123' },
        { Name: 'name', Value: 'Ann' },
      ],
    }),
  );
  assert.deepEqual(answer.CodeDeliveryDetailsList, [
    { Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    { Destination: '+*******0123', DeliveryMedium: 'SMS', AttributeName: 'phone_number' },
  ]);
  const user = await t.client.send(new GetUserCommand({ AccessToken }));
  assert.equal(attr(user.UserAttributes, 'email'), 'new@example.org');
  assert.equal(attr(user.UserAttributes, 'email_verified'), 'false');
  assert.equal(attr(user.UserAttributes, 'phone_number_verified'), 'false');
  const messages = await outbox(poolId, 'ann');
  const email = messages.find((m) => m.purpose === 'VERIFY_EMAIL')!;
  assert.equal(email.destination, 'new@example.org');
  assert.equal(email.channel, 'email');
  assert.equal(messages.find((m) => m.purpose === 'VERIFY_PHONE_NUMBER')!.destination, '+15555550123');

  const code = codeIn(email.message);
  await rejectsWith(
    t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: wrong(code) })),
    'CodeMismatchException',
    'Invalid verification code provided, please try again.',
  );
  await t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: code }));
  // Single use.
  await rejectsWith(t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: code })), 'ExpiredCodeException');
  const phoneCode = await latestCode(poolId, 'ann', 'VERIFY_PHONE_NUMBER');
  await t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'phone_number', Code: phoneCode }));
  const after = await t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }));
  assert.equal(attr(after.UserAttributes, 'email_verified'), 'true');
  assert.equal(attr(after.UserAttributes, 'phone_number_verified'), 'true');
});

test('UpdateUserAttributes sends nothing for an attribute the pool does not auto-verify, nor for an unchanged one', async () => {
  const { poolId, AccessToken } = await signedIn(autoVerified('phone_number'), [{ Name: 'email', Value: 'ann@example.com' }]);
  const answer = await t.client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'new@example.org' }] }));
  assert.deepEqual(answer.CodeDeliveryDetailsList, []);
  assert.equal(attr((await t.client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'email_verified'), 'false');
  const same = await t.client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'new@example.org' }] }));
  assert.deepEqual(same.CodeDeliveryDetailsList, []);
  assert.deepEqual((await outbox(poolId, 'ann')).filter((m) => m.purpose.startsWith('VERIFY_')), []);
});

test('AdminUpdateUserAttributes sends a code unless the same call sets *_verified true', async () => {
  const { poolId, AccessToken } = await signedIn(autoVerified('email'), [{ Name: 'email', Value: 'ann@example.com' }]);
  const verifyMessages = async () => (await outbox(poolId, 'ann')).filter((m) => m.purpose === 'VERIFY_EMAIL');
  assert.deepEqual(
    await t.client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'ann', UserAttributes: [{ Name: 'email', Value: 'b@example.net' }] })).then((a) => Object.keys(a).filter((k) => k !== '$metadata')),
    [],
  );
  const sent = await verifyMessages();
  assert.equal(sent.length, 1);
  assert.equal(sent[0].destination, 'b@example.net');
  await t.client.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: poolId,
      Username: 'ann',
      UserAttributes: [{ Name: 'email', Value: 'c@example.net' }, { Name: 'email_verified', Value: 'true' }],
    }),
  );
  assert.equal((await verifyMessages()).length, 1);
  // The code went to b@: once the email has changed, it no longer matches.
  await rejectsWith(
    t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: codeIn(sent[0].message) })),
    'CodeMismatchException',
  );
  assert.equal(attr((await t.client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'email_verified'), 'true');
});

test('GetUserAttributeVerificationCode sends a code VerifyUserAttribute takes; its refusals and limits', async () => {
  const { poolId, clientId, AccessToken } = await signedIn({}, [{ Name: 'email', Value: 'ann@example.com' }]);
  const sent = await t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
  assert.deepEqual(sent.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  const code = await latestCode(poolId, 'ann', 'VERIFY_EMAIL');
  await t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: code }));
  assert.equal(attr((await t.client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'email_verified'), 'true');

  await rejectsWith(t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'phone_number' })), 'InvalidParameterException');
  await rejectsWith(t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'name' })), 'InvalidParameterException');
  await rejectsWith(t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'name', Code: '123456' })), 'InvalidParameterException');
  // Without a code asked for, any code is an expired one.
  await rejectsWith(t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: '123456' })), 'ExpiredCodeException');

  // An expired code.
  await t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
  const late = await latestCode(poolId, 'ann', 'VERIFY_EMAIL');
  t.server.clock.advance(24 * 3_600_000 + 1);
  const fresh = (await passwordSignIn(t.client, clientId, 'ann')).AuthenticationResult!.AccessToken!;
  await rejectsWith(
    t.client.send(new VerifyUserAttributeCommand({ AccessToken: fresh, AttributeName: 'email', Code: late })),
    'ExpiredCodeException',
    'Invalid code provided, please request a code again.',
  );
  // Codes issued: CODE_ISSUE_LIMIT (5) an hour (two were issued in an earlier hour).
  for (let i = 0; i < 5; i++) await t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: fresh, AttributeName: 'email' }));
  await rejectsWith(
    t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: fresh, AttributeName: 'email' })),
    'LimitExceededException',
    'Attempt limit exceeded, please try after some time.',
  );
  // A code takes MAX_CODE_ATTEMPTS (5) wrong guesses, then is gone (ExpiredCodeException);
  // guesses are counted across codes, CODE_GUESS_LIMIT (10) an hour, then LimitExceededException.
  const right = await latestCode(poolId, 'ann', 'VERIFY_EMAIL');
  const guess = (Code: string) => t.client.send(new VerifyUserAttributeCommand({ AccessToken: fresh, AttributeName: 'email', Code }));
  for (let i = 0; i < 5; i++) await rejectsWith(guess(wrong(right)), 'CodeMismatchException');
  await rejectsWith(guess(right), 'ExpiredCodeException');
  // The expired code's guess above was the first of this hour: 1 + 5 + 1 + 3 = 10.
  for (let i = 0; i < 3; i++) await rejectsWith(guess(wrong(right)), 'ExpiredCodeException');
  await rejectsWith(guess(right), 'LimitExceededException', 'Attempt limit exceeded, please try after some time.');
});

test('the attribute operations refuse a bad, an ID or a signed-out access token', async () => {
  const { clientId, AccessToken } = await signedIn({}, [{ Name: 'email', Value: 'ann@example.com' }]);
  const idToken = (await passwordSignIn(t.client, clientId, 'ann')).AuthenticationResult!.IdToken!;
  for (const token of ['not-a-token', idToken]) {
    await rejectsWith(t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: 'email' })), 'NotAuthorizedException');
    await rejectsWith(t.client.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: '123456' })), 'NotAuthorizedException');
  }
  await t.client.send(new GlobalSignOutCommand({ AccessToken }));
  await rejectsWith(t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' })), 'NotAuthorizedException');
  await rejectsWith(t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: '123456' })), 'NotAuthorizedException');
});

test('CustomMessage_UpdateUserAttribute and CustomMessage_VerifyUserAttribute: the trigger writes the texts; a refusal changes nothing', async () => {
  const { poolId, clientId, AccessToken } = await signedIn(autoVerified('email'), [{ Name: 'email', Value: 'ann@example.com' }], {
    CustomMessage: lambdaArn('CustomMessage'),
  });
  t.on('CustomMessage', (event) => ({
    ...event,
    response: { emailMessage: `[${event.triggerSource}] code ${event.request.codeParameter}`, emailSubject: `Subject for ${event.triggerSource}`, smsMessage: null },
  }));
  await t.client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'new@example.org' }], ClientMetadata: { from: 'profile' } }));
  let event = t.lambda.eventsOf('CustomMessage').at(-1);
  assert.equal(event.triggerSource, 'CustomMessage_UpdateUserAttribute');
  assert.equal(event.callerContext.clientId, clientId);
  assert.equal(event.request.userAttributes.email, 'new@example.org');
  assert.deepEqual(event.request.clientMetadata, { from: 'profile' });
  let message = (await outbox(poolId, 'ann'))[0];
  assert.match(message.message, /^\[CustomMessage_UpdateUserAttribute\] code \d{6}$/);
  assert.equal(message.subject, 'Subject for CustomMessage_UpdateUserAttribute');

  await t.client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'ann', UserAttributes: [{ Name: 'email', Value: 'adm@example.org' }] }));
  assert.equal(t.lambda.eventsOf('CustomMessage').at(-1).triggerSource, 'CustomMessage_UpdateUserAttribute');

  await t.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email', ClientMetadata: { from: 'resend' } }));
  event = t.lambda.eventsOf('CustomMessage').at(-1);
  assert.equal(event.triggerSource, 'CustomMessage_VerifyUserAttribute');
  assert.deepEqual(event.request.clientMetadata, { from: 'resend' });
  message = (await outbox(poolId, 'ann'))[0];
  assert.match(message.message, /^\[CustomMessage_VerifyUserAttribute\] code \d{6}$/);
  await t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: codeIn(message.message) }));

  t.on('CustomMessage', () => {
    throw new Error('no templates');
  });
  const before = (await outbox(poolId, 'ann')).length;
  await rejectsWith(
    t.client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'other@example.org' }] })),
    'UserLambdaValidationException',
  );
  const user = await t.client.send(new GetUserCommand({ AccessToken }));
  assert.equal(attr(user.UserAttributes, 'email'), 'adm@example.org');
  assert.equal(attr(user.UserAttributes, 'email_verified'), 'true');
  assert.equal((await outbox(poolId, 'ann')).length, before);
});

test('VerifyUserAttribute of an email another user holds as an alias moves the alias', async () => {
  const { poolId, clientId } = await t.pool({}, { AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
  await createUser(t.client, poolId, 'ann', [{ Name: 'email', Value: 'shared@example.com' }, { Name: 'email_verified', Value: 'true' }]);
  await createUser(t.client, poolId, 'bob', [{ Name: 'email', Value: 'bob@example.com' }, { Name: 'email_verified', Value: 'true' }]);
  const AccessToken = (await passwordSignIn(t.client, clientId, 'bob')).AuthenticationResult!.AccessToken!;
  await t.client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'shared@example.com' }] }));
  // Unverified, bob's new email is no alias yet: the name still signs ann in; bob's old one no more.
  assert.equal((await t.client.send(new GetUserCommand({ AccessToken: (await passwordSignIn(t.client, clientId, 'shared@example.com')).AuthenticationResult!.AccessToken! }))).Username, 'ann');
  await rejectsWith(passwordSignIn(t.client, clientId, 'bob@example.com'), 'NotAuthorizedException');
  await t.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: await latestCode(poolId, 'bob', 'VERIFY_EMAIL') }));
  const signedInAs = await passwordSignIn(t.client, clientId, 'shared@example.com');
  assert.equal((await t.client.send(new GetUserCommand({ AccessToken: signedInAs.AuthenticationResult!.AccessToken! }))).Username, 'bob');
  const ann = await t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }));
  assert.equal(attr(ann.UserAttributes, 'email_verified'), 'false');
});
