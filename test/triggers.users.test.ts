import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD, createUser, passwordSignIn, rejectsWith } from './support/fixtures.js';
import { control } from './support/control.js';
import { lambdaArn, useTriggers } from './support/lambdaServer.js';

const t = useTriggers();
const last = (name: string) => t.lambda.eventsOf(name).at(-1);
const emailPool = { AutoVerifiedAttributes: ['email'] };

/** The outbox's messages for a user, newest first, read over HTTP as a test suite would. */
async function outbox(poolId: string, username: string): Promise<any[]> {
  const answer = await control(t.server.url, 'GET', `/_cognate/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`);
  return answer.body.Messages;
}
const codeIn = (message: string) => /(\d{6})/.exec(message)![1];

test('PostConfirmation after ConfirmSignUp and AdminConfirmSignUp sees the confirmed user; a refusal leaves the user unconfirmed', async () => {
  const { poolId, clientId } = await t.pool({ PostConfirmation: lambdaArn('PostConfirmation') }, emailPool);
  const signUp = (Username: string) =>
    t.client.send(new SignUpCommand({ ClientId: clientId, Username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${Username}@example.com` }] }));
  await signUp('ann');
  t.on('PostConfirmation', () => {
    throw new Error('no database');
  });
  const first = codeIn((await outbox(poolId, 'ann'))[0].message);
  await rejectsWith(
    t.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ann', ConfirmationCode: first })),
    'UserLambdaValidationException',
    'PostConfirmation failed with error no database.',
  );
  assert.equal((await t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }))).UserStatus, 'UNCONFIRMED');

  t.on('PostConfirmation', (event) => event);
  await t.client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'ann' }));
  const second = codeIn((await outbox(poolId, 'ann'))[0].message);
  await t.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ann', ConfirmationCode: second, ClientMetadata: { from: 'link' } }));
  const event = last('PostConfirmation');
  assert.equal(event.triggerSource, 'PostConfirmation_ConfirmSignUp');
  assert.equal(event.userName, 'ann');
  assert.equal(event.callerContext.clientId, clientId);
  assert.equal(event.request.userAttributes['cognito:user_status'], 'CONFIRMED');
  assert.equal(event.request.userAttributes.email_verified, 'true');
  assert.deepEqual(event.request.clientMetadata, { from: 'link' });
  assert.equal((await t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }))).UserStatus, 'CONFIRMED');

  await signUp('bob');
  await t.client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'bob' }));
  assert.equal(last('PostConfirmation').userName, 'bob');
  assert.equal(last('PostConfirmation').callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
});

test('PostConfirmation_ConfirmForgotPassword; a refusal keeps the old password', async () => {
  const { poolId, clientId } = await t.pool({ PostConfirmation: lambdaArn('PostConfirmation') });
  await createUser(t.client, poolId, 'cy', [{ Name: 'email', Value: 'cy@example.com' }, { Name: 'email_verified', Value: 'true' }]);
  t.on('PostConfirmation', () => {
    throw new Error('refused');
  });
  await t.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'cy' }));
  const code = codeIn((await outbox(poolId, 'cy'))[0].message);
  await rejectsWith(
    t.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'cy', ConfirmationCode: code, Password: 'Other-Horse-7' })),
    'UserLambdaValidationException',
    'PostConfirmation failed with error refused.',
  );
  assert.equal(last('PostConfirmation').triggerSource, 'PostConfirmation_ConfirmForgotPassword');
  assert.ok((await passwordSignIn(t.client, clientId, 'cy')).AuthenticationResult, 'the old password still works');
});

test('PreSignUp_AdminCreateUser: autoVerifyEmail applies, the user stays FORCE_CHANGE_PASSWORD; a refusal creates nothing', async () => {
  const { poolId } = await t.pool({ PreSignUp: lambdaArn('PreSignUp') });
  t.on('PreSignUp', (event) => ({ ...event, response: { autoConfirmUser: true, autoVerifyEmail: true } }));
  const created = await t.client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: 'dee',
      TemporaryPassword: 'Temporary-Pass-1',
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: 'dee@example.com' }],
      ValidationData: [{ Name: 'ticket', Value: '42' }],
      ClientMetadata: { by: 'admin' },
    }),
  );
  assert.equal(created.User!.UserStatus, 'FORCE_CHANGE_PASSWORD');
  assert.equal(created.User!.Attributes!.find((a) => a.Name === 'email_verified')?.Value, 'true');
  const event = last('PreSignUp');
  assert.equal(event.triggerSource, 'PreSignUp_AdminCreateUser');
  assert.equal(event.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
  assert.deepEqual(event.request, { userAttributes: { email: 'dee@example.com' }, validationData: { ticket: '42' }, clientMetadata: { by: 'admin' } });
  t.on('PreSignUp', () => {
    throw new Error('closed');
  });
  await rejectsWith(
    t.client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'eve', MessageAction: 'SUPPRESS' })),
    'UserLambdaValidationException',
    'PreSignUp failed with error closed.',
  );
  await rejectsWith(t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'eve' })), 'UserNotFoundException');
});

test('CustomMessage writes its texts and subject to the outbox, for each source', async () => {
  const { poolId, clientId } = await t.pool({ CustomMessage: lambdaArn('CustomMessage') }, emailPool);
  t.on('CustomMessage', (event) => ({
    ...event,
    response: {
      smsMessage: null,
      emailSubject: `Subject for ${event.triggerSource}`,
      emailMessage: `[${event.triggerSource}] code ${event.request.codeParameter}${event.request.usernameParameter ? ` for ${event.request.usernameParameter}` : ''}`,
    },
  }));
  await t.client.send(
    new SignUpCommand({ ClientId: clientId, Username: 'fay', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'fay@example.com' }], ClientMetadata: { lang: 'fr' } }),
  );
  let [message] = await outbox(poolId, 'fay');
  assert.match(message.message, /^\[CustomMessage_SignUp\] code \d{6}$/);
  assert.equal(message.subject, 'Subject for CustomMessage_SignUp');
  const event = last('CustomMessage');
  assert.equal(event.request.codeParameter, '{####}');
  assert.equal(event.request.usernameParameter, null);
  assert.deepEqual(event.request.clientMetadata, { lang: 'fr' });
  assert.equal(event.request.userAttributes.email, 'fay@example.com');
  assert.deepEqual(event.response, { smsMessage: null, emailMessage: null, emailSubject: null });
  // The code in the custom text is the one that confirms.
  await t.client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'fay' }));
  [message] = await outbox(poolId, 'fay');
  assert.match(message.message, /^\[CustomMessage_ResendCode\] code \d{6}$/);
  await t.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'fay', ConfirmationCode: codeIn(message.message) }));
  await t.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'fay' }));
  [message] = await outbox(poolId, 'fay');
  assert.match(message.message, /^\[CustomMessage_ForgotPassword\] code \d{6}$/);

  await t.client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'gil', UserAttributes: [{ Name: 'email', Value: 'gil@example.com' }] }));
  [message] = await outbox(poolId, 'gil');
  assert.equal(message.purpose, 'INVITATION');
  assert.match(message.message, /^\[CustomMessage_AdminCreateUser\] code \S+ for gil$/);
  assert.equal(last('CustomMessage').request.usernameParameter, '{username}');

  // A function that leaves the texts null keeps Cognate's own; one that fails stops the operation.
  t.on('CustomMessage', (event) => event);
  await t.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'fay' }));
  [message] = await outbox(poolId, 'fay');
  assert.match(message.message, /^Your password reset code is \d{6}\. $/);
  assert.equal(message.subject, undefined);
  t.on('CustomMessage', () => {
    throw new Error('template missing');
  });
  await rejectsWith(
    t.client.send(new SignUpCommand({ ClientId: clientId, Username: 'hal', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'hal@example.com' }] })),
    'UserLambdaValidationException',
    'CustomMessage failed with error template missing.',
  );
  await rejectsWith(t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'hal' })), 'UserNotFoundException');
});

test('CustomMessage_Authentication writes the SMS MFA text; the code in it signs the user in', async () => {
  const { poolId, clientId } = await t.pool({ CustomMessage: lambdaArn('CustomMessage'), PostAuthentication: lambdaArn('PostAuthentication') });
  await t.client.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: poolId,
      MfaConfiguration: 'OPTIONAL',
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Code {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sns' } },
    }),
  );
  await createUser(t.client, poolId, 'max', [{ Name: 'phone_number', Value: '+15555550123' }, { Name: 'phone_number_verified', Value: 'true' }]);
  await t.client.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'max', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
  t.on('CustomMessage', (event) => ({ ...event, response: { smsMessage: `Acme sign-in: ${event.request.codeParameter}` } }));
  const before = t.lambda.eventsOf('PostAuthentication').length;
  const started = await passwordSignIn(t.client, clientId, 'max');
  assert.equal(started.ChallengeName, 'SMS_MFA');
  assert.equal(t.lambda.eventsOf('PostAuthentication').length, before, 'not before the second factor');
  assert.equal(last('CustomMessage').triggerSource, 'CustomMessage_Authentication');
  const [message] = await outbox(poolId, 'max');
  assert.match(message.message, /^Acme sign-in: \d{6}$/);
  const done = await t.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'SMS_MFA',
      Session: started.Session,
      ChallengeResponses: { USERNAME: 'max', SMS_MFA_CODE: codeIn(message.message) },
    }),
  );
  assert.ok(done.AuthenticationResult?.AccessToken);
  assert.equal(t.lambda.eventsOf('PostAuthentication').length, before + 1);
});

test('UserMigration_Authentication creates the user with the attributes and the password of the sign-in', async () => {
  const { poolId, clientId } = await t.pool({ UserMigration: lambdaArn('UserMigration') });
  t.on('UserMigration', (event) => {
    if (event.request.password !== 'Legacy-pass-1') throw new Error('Bad password');
    return { ...event, response: { userAttributes: { email: `${event.userName}@example.com`, email_verified: 'true' }, finalUserStatus: 'CONFIRMED', messageAction: 'SUPPRESS' } };
  });
  await rejectsWith(passwordSignIn(t.client, clientId, 'ivy', 'wrong'), 'NotAuthorizedException', 'Incorrect username or password.');
  await rejectsWith(t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ivy' })), 'UserNotFoundException');
  const signIn = await t.client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ivy', PASSWORD: 'Legacy-pass-1' }, ClientMetadata: { v: '1' } }),
  );
  assert.ok(signIn.AuthenticationResult?.AccessToken);
  const event = last('UserMigration');
  assert.equal(event.triggerSource, 'UserMigration_Authentication');
  assert.equal(event.userName, 'ivy');
  assert.deepEqual(event.request, { password: 'Legacy-pass-1', validationData: { v: '1' } });
  const user = await t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ivy' }));
  assert.equal(user.UserStatus, 'CONFIRMED');
  assert.equal(user.UserAttributes!.find((a) => a.Name === 'email')?.Value, 'ivy@example.com');
  // The next sign-in is an ordinary one: the trigger is not invoked again.
  const count = t.lambda.eventsOf('UserMigration').length;
  await passwordSignIn(t.client, clientId, 'ivy', 'Legacy-pass-1');
  assert.equal(t.lambda.eventsOf('UserMigration').length, count);

  // Two first sign-ins at once: one creates the user, both sign in.
  const both = await Promise.all([passwordSignIn(t.client, clientId, 'nia', 'Legacy-pass-1'), passwordSignIn(t.client, clientId, 'nia', 'Legacy-pass-1')]);
  assert.ok(both.every((r) => r.AuthenticationResult?.AccessToken));

  // RESET_REQUIRED: created, and the sign-in asks for a reset.
  t.on('UserMigration', (e) => ({ ...e, response: { userAttributes: { email: 'jo@example.com', email_verified: 'true' }, finalUserStatus: 'RESET_REQUIRED' } }));
  await rejectsWith(passwordSignIn(t.client, clientId, 'jo', 'Legacy-pass-1'), 'PasswordResetRequiredException');
  assert.equal((await t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'jo' }))).UserStatus, 'RESET_REQUIRED');

  // Refusals count against the name's lockout, as wrong passwords do: the sixth try does not reach the function.
  t.on('UserMigration', () => {
    throw new Error('Bad password');
  });
  for (let i = 0; i < 5; i++) await rejectsWith(passwordSignIn(t.client, clientId, 'mo', `guess-${i}`), 'NotAuthorizedException', 'Incorrect username or password.');
  const tried = t.lambda.eventsOf('UserMigration').length;
  await rejectsWith(passwordSignIn(t.client, clientId, 'mo', 'guess-5'), 'NotAuthorizedException', 'Password attempts exceeded');
  assert.equal(t.lambda.eventsOf('UserMigration').length, tried);

  // A client that shows user existence hears Cognito's migration error.
  await t.client.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId, PreventUserExistenceErrors: 'LEGACY', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
  t.on('UserMigration', () => {
    throw new Error('unknown');
  });
  await rejectsWith(passwordSignIn(t.client, clientId, 'kim'), 'UserNotFoundException', `Exception migrating user in app client ${clientId}`);
});

test('UserMigration_ForgotPassword creates the user RESET_REQUIRED and sends the reset code', async () => {
  const { poolId, clientId } = await t.pool({ UserMigration: lambdaArn('UserMigration') });
  t.on('UserMigration', (event) => ({ ...event, response: { userAttributes: { email: 'lou@example.com', email_verified: 'true' }, messageAction: 'SUPPRESS' } }));
  const answer = await t.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'lou', ClientMetadata: { why: 'forgot' } }));
  assert.equal(answer.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
  const event = last('UserMigration');
  assert.equal(event.triggerSource, 'UserMigration_ForgotPassword');
  assert.deepEqual(event.request, { clientMetadata: { why: 'forgot' } });
  assert.equal((await t.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'lou' }))).UserStatus, 'RESET_REQUIRED');
  const code = codeIn((await outbox(poolId, 'lou'))[0].message);
  await t.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'lou', ConfirmationCode: code, Password: PASSWORD }));
  assert.ok((await passwordSignIn(t.client, clientId, 'lou')).AuthenticationResult);
  // A name the function does not know: the answer an unknown name always gets.
  t.on('UserMigration', () => {
    throw new Error('no such user');
  });
  const unknown = await t.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'nobody' }));
  assert.ok(unknown.CodeDeliveryDetails);
});
