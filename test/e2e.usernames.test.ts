import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  InitiateAuthCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { adminSrpAnswer, PASSWORD, rejectsWith, type Fixture } from './support/fixtures.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServer, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

async function pool(settings: Omit<CreateUserPoolCommandInput, 'PoolName'>, on = client): Promise<Fixture> {
  const created = await on.send(new CreateUserPoolCommand({ PoolName: `pool-${Math.random().toString(36).slice(2, 8)}`, ...settings }));
  const poolId = created.UserPool!.Id!;
  const app = await on.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'app',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId! };
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

async function outboxCode(poolId: string, username: string, purpose: string): Promise<{ code: string; destination: string }> {
  const res = await fetch(`${server.url}/_cognate/outbox?poolId=${poolId}&username=${username}`, {
    headers: { authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` },
  });
  const { Messages } = (await res.json()) as { Messages: { purpose: string; message: string; destination: string }[] };
  const message = Messages.find((m) => m.purpose === purpose);
  assert.ok(message, `a ${purpose} message in the outbox`);
  return { code: /(\d{6})/.exec(message.message)![1], destination: message.destination };
}

async function srpSignIn(poolId: string, clientId: string, username: string, password = PASSWORD) {
  const { userIdForSrp, answer } = await adminSrpAnswer(client, server.clock, { poolId, clientId, username, password });
  return { userIdForSrp, tokens: (await answer()).AuthenticationResult! };
}

const passwordSignIn = (clientId: string, username: string) =>
  client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));

test('UsernameAttributes and AliasAttributes together are refused', async () => {
  await rejectsWith(
    client.send(new CreateUserPoolCommand({ PoolName: 'both', UsernameAttributes: ['email'], AliasAttributes: ['phone_number'] })),
    'InvalidParameterException',
    'Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.',
  );
});

test('email as username: a UUID username equal to sub, code to the email, sign-in by email (password and SRP), AdminGetUser by email', async () => {
  const { poolId, clientId } = await pool({ UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'alice', Password: PASSWORD })),
    'InvalidParameterException',
    'Username should be an email.',
  );
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'alice@example.com', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'other@example.com' }] })),
    'InvalidParameterException',
    'User email should be empty or same as username, since username attribute is email.',
  );
  const signUp = await client.send(new SignUpCommand({ ClientId: clientId, Username: 'alice@example.com', Password: PASSWORD }));
  const sub = signUp.UserSub!;
  assert.match(sub, /^[0-9a-f-]{36}$/);
  assert.equal(signUp.CodeDeliveryDetails?.AttributeName, 'email');
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'alice@example.com', Password: PASSWORD })),
    'UsernameExistsException',
    'An account with the given email already exists.',
  );

  const { code, destination } = await outboxCode(poolId, sub, 'SIGN_UP');
  assert.equal(destination, 'alice@example.com');
  await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'alice@example.com', ConfirmationCode: code }));

  const admin = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'alice@example.com' }));
  assert.equal(admin.Username, sub);
  assert.equal(admin.UserStatus, 'CONFIRMED');
  assert.equal(admin.UserAttributes!.find((a) => a.Name === 'email')!.Value, 'alice@example.com');
  assert.equal(admin.UserAttributes!.find((a) => a.Name === 'sub')!.Value, sub);

  const tokens = (await passwordSignIn(clientId, 'alice@example.com')).AuthenticationResult!;
  assert.equal(claims(tokens.AccessToken!).username, sub);
  assert.equal(claims(tokens.IdToken!)['cognito:username'], sub);
  assert.equal(claims(tokens.IdToken!).email, 'alice@example.com');

  const srp = await srpSignIn(poolId, clientId, 'alice@example.com');
  assert.equal(srp.userIdForSrp, sub);
  assert.equal(claims(srp.tokens.AccessToken!).username, sub);

  const listed = await client.send(new ListUsersCommand({ UserPoolId: poolId }));
  assert.deepEqual(listed.Users!.map((u) => u.Username), [sub]);
  // sub filters: answered from the users' sub index (SQLite keeps no sub in the attribute index).
  for (const Filter of [`sub = "${sub}"`, `sub ^= "${sub.slice(0, 8)}"`, 'email = "alice@example.com"']) {
    const found = await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter }));
    assert.deepEqual(found.Users!.map((u) => u.Username), [sub], Filter);
  }
  assert.deepEqual((await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'sub = "00000000-0000-0000-0000-000000000000"' }))).Users, []);

  // A password reset by email: the code goes to the email, the reset is answered by email too.
  const forgot = await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'alice@example.com' }));
  assert.equal(forgot.CodeDeliveryDetails?.AttributeName, 'email');
  const reset = await outboxCode(poolId, sub, 'FORGOT_PASSWORD');
  assert.equal(reset.destination, 'alice@example.com');
  await client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'alice@example.com', ConfirmationCode: reset.code, Password: 'Another-Pass-7' }));
  const again = await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice@example.com', PASSWORD: 'Another-Pass-7' } }),
  );
  assert.equal(claims(again.AuthenticationResult!.IdToken!)['cognito:username'], sub);
});

test('AdminCreateUser in an email-or-phone pool: the phone number as username, refusals and duplicates', async () => {
  const { poolId, clientId } = await pool({ UsernameAttributes: ['email', 'phone_number'] });
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bob', MessageAction: 'SUPPRESS' })),
    'InvalidParameterException',
    'Username should be either an email or a phone number.',
  );
  const created = await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: '+15555550100', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1' }));
  const username = created.User!.Username!;
  assert.match(username, /^[0-9a-f-]{36}$/);
  assert.equal(created.User!.Attributes!.find((a) => a.Name === 'sub')!.Value, username);
  assert.equal(created.User!.Attributes!.find((a) => a.Name === 'phone_number')!.Value, '+15555550100');
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: '+15555550100', MessageAction: 'SUPPRESS' })),
    'UsernameExistsException',
    'An account with the given phone_number already exists.',
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: '+15555550100', Password: PASSWORD, Permanent: true }));
  const tokens = (await passwordSignIn(clientId, '+15555550100')).AuthenticationResult!;
  assert.equal(claims(tokens.AccessToken!).username, username);

  // An email given with a phone number as username is a sign-in name too, and unique.
  const both = await client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: '+15555550101', UserAttributes: [{ Name: 'email', Value: 'ivy@example.com' }], MessageAction: 'SUPPRESS' }),
  );
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ivy@example.com' }))).Username, both.User!.Username);
  await rejectsWith(client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivy@example.com', MessageAction: 'SUPPRESS' })), 'UsernameExistsException');
});

async function signUpRace(on: ReturnType<typeof sdk>): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const { poolId, clientId } = await pool({ UsernameAttributes: ['email'] }, on);
    const email = `race${round}@example.com`;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => on.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: PASSWORD }))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 1, `round ${round}`);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'UsernameExistsException');
    const listed = await on.send(new ListUsersCommand({ UserPoolId: poolId }));
    assert.equal(listed.Users!.length, 1, `round ${round}`);
  }
}

/**
 * Users of a UsernameAttributes pool changing their email, all to one new address at once: one gets
 * it, the others AliasExistsException, and no two users are left with that email.
 */
async function emailUpdateRace(on: ReturnType<typeof sdk>): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const { poolId } = await pool({ UsernameAttributes: ['email'] }, on);
    const usernames = Array.from({ length: 6 }, (_, i) => `user${i}-${round}@example.com`);
    for (const Username of usernames) await on.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, MessageAction: 'SUPPRESS' }));
    const email = `shared${round}@example.com`;
    const results = await Promise.allSettled(
      usernames.map((Username) => on.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username, UserAttributes: [{ Name: 'email', Value: email }] }))),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}`);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'AliasExistsException');
    const holders = await on.send(new ListUsersCommand({ UserPoolId: poolId, Filter: `email = "${email}"` }));
    assert.equal(holders.Users!.length, 1, `round ${round}: one user has the email`);
    const winner = usernames[results.findIndex((r) => r.status === 'fulfilled')];
    const signedIn = await on.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: email }));
    assert.equal(signedIn.UserAttributes!.find((a) => a.Name === 'email')?.Value, email);
    assert.equal(signedIn.Username, holders.Users![0].Username, 'the email finds the user who has it');
    await rejectsWith(on.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: winner })), 'UserNotFoundException');
  }
}

test('20 rounds of concurrent SignUps with one email in a UsernameAttributes pool create one user each (SQLite)', () => signUpRace(client));

test('10 rounds of concurrent AdminUpdateUserAttributes to one email in a UsernameAttributes pool: one user gets it (SQLite)', () => emailUpdateRace(client));

describe('on PostgreSQL', { skip: pgSkip }, () => {
  let pgServer: TestServer;
  const schema = pgSchemaUrl();
  before(async () => {
    pgServer = await startServer({ db: schema.url, sealingKey: randomBytes(32).toString('hex') });
  });
  after(async () => {
    await pgServer?.stop();
    await schema.drop();
  });
  test('20 rounds of concurrent SignUps with one email in a UsernameAttributes pool create one user each (PostgreSQL)', () => signUpRace(sdk(pgServer.url)));
  test('10 rounds of concurrent AdminUpdateUserAttributes to one email in a UsernameAttributes pool: one user gets it (PostgreSQL)', () =>
    emailUpdateRace(sdk(pgServer.url)));
});

test('email alias: refused as a username, signs in only once verified, moves to the newest verifier', async () => {
  const { poolId, clientId } = await pool({ AliasAttributes: ['email', 'preferred_username'], AutoVerifiedAttributes: ['email'] });
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'carol@example.com', Password: PASSWORD })),
    'InvalidParameterException',
    'Username cannot be of email format, since user pool is configured for email alias.',
  );
  await client.send(new SignUpCommand({ ClientId: clientId, Username: 'carol', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'shared@example.com' }] }));
  // Not verified yet: no sign-in or look-up by the email.
  await rejectsWith(client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'shared@example.com' })), 'UserNotFoundException');
  await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'carol', ConfirmationCode: (await outboxCode(poolId, 'carol', 'SIGN_UP')).code }));
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'shared@example.com' }))).Username, 'carol');
  assert.ok((await passwordSignIn(clientId, 'shared@example.com')).AuthenticationResult);
  assert.equal((await srpSignIn(poolId, clientId, 'shared@example.com')).userIdForSrp, 'carol');

  // A second user with the same email: ConfirmSignUp refuses to take the alias without ForceAliasCreation.
  await client.send(new SignUpCommand({ ClientId: clientId, Username: 'dave', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'shared@example.com' }] }));
  const code = (await outboxCode(poolId, 'dave', 'SIGN_UP')).code;
  await rejectsWith(
    client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'dave', ConfirmationCode: code })),
    'AliasExistsException',
    'An account with the email already exists.',
  );
  // AdminCreateUser with a verified email held by another user: AliasExistsException, or the alias moves with ForceAliasCreation.
  const verifiedShared = [
    { Name: 'email', Value: 'shared@example.com' },
    { Name: 'email_verified', Value: 'true' },
  ];
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'erin', UserAttributes: verifiedShared, MessageAction: 'SUPPRESS' })),
    'AliasExistsException',
  );
  await client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'erin', UserAttributes: verifiedShared, MessageAction: 'SUPPRESS', ForceAliasCreation: true, TemporaryPassword: 'Temporary-Pass-1' }),
  );
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'shared@example.com' }))).Username, 'erin');
  const carol = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }));
  assert.equal(carol.UserAttributes!.find((a) => a.Name === 'email_verified')!.Value, 'false', 'the previous holder’s email is unverified');
  // An administrator verifying carol's email again moves it back, and erin's becomes unverified.
  await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'carol', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'shared@example.com' }))).Username, 'carol');
  const erin = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'erin' }));
  assert.equal(erin.UserAttributes!.find((a) => a.Name === 'email_verified')!.Value, 'false');
  await client.send(
    new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'carol', UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }, { Name: 'email_verified', Value: 'true' }] }),
  );
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol@example.com' }))).Username, 'carol');

  // preferred_username: a sign-in name as soon as it is set, unique.
  await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'carol', UserAttributes: [{ Name: 'preferred_username', Value: 'caz' }] }));
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'caz' }))).Username, 'carol');
  await rejectsWith(
    client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'erin', UserAttributes: [{ Name: 'preferred_username', Value: 'caz' }] })),
    'AliasExistsException',
  );
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'finn', UserAttributes: [{ Name: 'preferred_username', Value: 'caz' }], MessageAction: 'SUPPRESS' })),
    'AliasExistsException',
    'An account with the preferred_username already exists.',
  );
  assert.ok((await passwordSignIn(clientId, 'caz')).AuthenticationResult, 'signs in by preferred_username');
});

test('email alias: the newest user who verifies it by ConfirmSignUp with ForceAliasCreation takes it; the previous holder can no longer use it', async () => {
  const { poolId, clientId } = await pool({ AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
  const email = [{ Name: 'email', Value: 'moving@example.com' }];
  for (const name of ['first', 'second']) await client.send(new SignUpCommand({ ClientId: clientId, Username: name, Password: PASSWORD, UserAttributes: email }));
  await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'first', ConfirmationCode: (await outboxCode(poolId, 'first', 'SIGN_UP')).code }));
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'moving@example.com' }))).Username, 'first');
  const code = (await outboxCode(poolId, 'second', 'SIGN_UP')).code;
  await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'second', ConfirmationCode: code, ForceAliasCreation: true }));
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'moving@example.com' }))).Username, 'second');
  assert.equal((await passwordSignIn(clientId, 'moving@example.com')).AuthenticationResult !== undefined, true);
  const first = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'first' }));
  assert.equal(first.UserAttributes!.find((a) => a.Name === 'email_verified')!.Value, 'false');
});

test('case-insensitive usernames: found in any case, unique in any case; case-sensitive by default', async () => {
  const insensitive = await pool({ UsernameConfiguration: { CaseSensitive: false } });
  await client.send(new AdminCreateUserCommand({ UserPoolId: insensitive.poolId, Username: 'Frank', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1' }));
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: insensitive.poolId, Username: 'fRANK' }))).Username, 'Frank');
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: insensitive.poolId, Username: 'FRANK', MessageAction: 'SUPPRESS' })),
    'UsernameExistsException',
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: insensitive.poolId, Username: 'frank', Password: PASSWORD, Permanent: true }));
  assert.equal(claims((await passwordSignIn(insensitive.clientId, 'FRANK')).AuthenticationResult!.AccessToken!).username, 'Frank');
  assert.equal((await srpSignIn(insensitive.poolId, insensitive.clientId, 'frank')).userIdForSrp, 'Frank');

  const emails = await pool({ UsernameAttributes: ['email'], UsernameConfiguration: { CaseSensitive: false } });
  await client.send(new SignUpCommand({ ClientId: emails.clientId, Username: 'Gina@Example.com', Password: PASSWORD }));
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: emails.clientId, Username: 'gina@example.com', Password: PASSWORD })),
    'UsernameExistsException',
    'An account with the given email already exists.',
  );
  assert.ok((await client.send(new AdminGetUserCommand({ UserPoolId: emails.poolId, Username: 'GINA@EXAMPLE.COM' }))).Username);

  const sensitive = await pool({});
  await client.send(new AdminCreateUserCommand({ UserPoolId: sensitive.poolId, Username: 'Hank', MessageAction: 'SUPPRESS' }));
  await rejectsWith(client.send(new AdminGetUserCommand({ UserPoolId: sensitive.poolId, Username: 'hank' })), 'UserNotFoundException');
  await client.send(new AdminCreateUserCommand({ UserPoolId: sensitive.poolId, Username: 'hank', MessageAction: 'SUPPRESS' }));
});
