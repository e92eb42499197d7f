import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminUpdateUserAttributesCommand,
  ChangePasswordCommand,
  CreateUserPoolClientCommand,
  DeleteUserCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { computeSecretHash } from '../src/crypto/secretHash.js';
import { createPool, createUser, PASSWORD, rejectsWith } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

test('sign up, confirm, sign in, read, change password, disable, enable and delete a user', async () => {
  const { poolId, clientId } = await createPool(client);
  const signUp = await client.send(
    new SignUpCommand({ ClientId: clientId, Username: 'alice', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] }),
  );
  assert.equal(signUp.UserConfirmed, false);
  assert.match(signUp.UserSub!, /^[0-9a-f-]{36}$/);

  await rejectsWith(
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } })),
    'UserNotConfirmedException',
    'User is not confirmed.',
  );
  await client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'alice' }));

  const signIn = await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }),
  );
  const tokens = signIn.AuthenticationResult!;
  assert.equal(tokens.TokenType, 'Bearer');
  assert.equal(tokens.ExpiresIn, 3600);
  assert.ok(tokens.AccessToken && tokens.IdToken && tokens.RefreshToken);

  const me = await client.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
  assert.equal(me.Username, 'alice');
  assert.deepEqual(
    me.UserAttributes!.filter((a) => a.Name !== 'sub'),
    [{ Name: 'email', Value: 'alice@example.com' }],
  );
  assert.equal(me.UserAttributes!.find((a) => a.Name === 'sub')!.Value, signUp.UserSub);

  await client.send(new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'given_name', Value: 'Alice' }] }));
  const admin = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'alice' }));
  assert.equal(admin.UserStatus, 'CONFIRMED');
  assert.equal(admin.Enabled, true);
  assert.equal(admin.UserAttributes!.find((a) => a.Name === 'given_name')!.Value, 'Alice');

  await rejectsWith(
    client.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: 'Wrong-Pass-1', ProposedPassword: 'New-Password-2' })),
    'NotAuthorizedException',
    'Incorrect username or password.',
  );
  await rejectsWith(
    client.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'short' })),
    'InvalidPasswordException',
    'Password did not conform with policy: Password not long enough',
  );
  await client.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'New-Password-2' }));
  await rejectsWith(
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } })),
    'NotAuthorizedException',
    'Incorrect username or password.',
  );
  const again = await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'New-Password-2' } }),
  );

  await client.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'alice' }));
  await rejectsWith(
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'New-Password-2' } })),
    'NotAuthorizedException',
    'User is disabled.',
  );
  await rejectsWith(client.send(new GetUserCommand({ AccessToken: again.AuthenticationResult!.AccessToken })), 'NotAuthorizedException', 'User is disabled.');
  await client.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'alice' }));
  // Disabling revoked the tokens issued before it.
  await rejectsWith(
    client.send(new GetUserCommand({ AccessToken: again.AuthenticationResult!.AccessToken })),
    'NotAuthorizedException',
    'Access Token has been revoked',
  );
  const fresh = await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'New-Password-2' } }),
  );
  await client.send(new DeleteUserCommand({ AccessToken: fresh.AuthenticationResult!.AccessToken }));
  await rejectsWith(client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'alice' })), 'UserNotFoundException', 'User does not exist.');
  await rejectsWith(client.send(new GetUserCommand({ AccessToken: fresh.AuthenticationResult!.AccessToken })), 'UserNotFoundException', 'User does not exist.');
});

test('wrong password and unknown user give the same answer', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'bob');
  for (const USERNAME of ['bob', 'nobody']) {
    await rejectsWith(
      client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD: 'Wrong-Pass-1' } })),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
  }
});

test('after five wrong passwords the user is locked out with growing lockouts', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'carol');
  const attempt = (password: string) =>
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carol', PASSWORD: password } }));
  for (let i = 0; i < 5; i++) await rejectsWith(attempt('Wrong-Pass-1'), 'NotAuthorizedException', 'Incorrect username or password.');
  // Five failures are free; then a 1 s lockout refuses even the right password.
  await rejectsWith(attempt(PASSWORD), 'NotAuthorizedException', 'Password attempts exceeded');
  server.clock.advance(1_001);
  await rejectsWith(attempt('Wrong-Pass-1'), 'NotAuthorizedException', 'Incorrect username or password.');
  // The sixth failure doubles the lockout to 2 s.
  server.clock.advance(1_500);
  await rejectsWith(attempt(PASSWORD), 'NotAuthorizedException', 'Password attempts exceeded');
  server.clock.advance(600);
  const ok = await attempt(PASSWORD);
  assert.ok(ok.AuthenticationResult?.AccessToken);
});

test('admin-created users must replace the temporary password (NEW_PASSWORD_REQUIRED)', async () => {
  const { poolId, clientId } = await createPool(client);
  await client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dave', TemporaryPassword: 'Temporary-Pass-1', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'dave@example.com' }] }),
  );
  const start = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'dave', PASSWORD: 'Temporary-Pass-1' } }),
  );
  assert.equal(start.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.equal(JSON.parse(start.ChallengeParameters!.userAttributes).email, 'dave@example.com');
  await rejectsWith(
    client.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: start.Session, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD: 'weak' } })),
    'InvalidPasswordException',
  );
  const done = await client.send(
    new AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: start.Session, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD: 'Brand-New-Pass-3' } }),
  );
  assert.ok(done.AuthenticationResult?.AccessToken);
  await rejectsWith(
    client.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: start.Session, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD: 'Brand-New-Pass-4' } })),
    'NotAuthorizedException',
    'Invalid session for the user, session can only be used once.',
  );
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dave', MessageAction: 'RESEND' })),
    'UnsupportedUserStateException',
  );
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'nobody', MessageAction: 'RESEND' })),
    'UserNotFoundException',
    'User does not exist.',
  );
  const status = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dave' }));
  assert.equal(status.UserStatus, 'CONFIRMED');
  const noSrp = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_NO_SRP_AUTH', AuthParameters: { USERNAME: 'dave', PASSWORD: 'Brand-New-Pass-3' } }),
  );
  assert.ok(noSrp.AuthenticationResult?.IdToken);

  // A generated temporary password that is never sent is known to no one: no password signs in
  // until an administrator sets one.
  await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'erin', MessageAction: 'SUPPRESS' }));
  await rejectsWith(
    client.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'erin', PASSWORD: 'Temporary-Pass-1' } })),
    'NotAuthorizedException',
    'Incorrect username or password.',
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin', Password: 'Erin-Pass-77', Permanent: false }));
  const erin = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'erin', PASSWORD: 'Erin-Pass-77' } }),
  );
  assert.equal(erin.ChallengeName, 'NEW_PASSWORD_REQUIRED');
});

test('a client with a secret requires a correct SECRET_HASH', async () => {
  const { poolId, clientId, clientSecret } = await createPool(client, { secret: true });
  assert.match(clientSecret!, /^[a-z0-9]{51}$/);
  await createUser(client, poolId, 'erin');
  const auth = (hash?: string) =>
    client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'erin', PASSWORD, ...(hash ? { SECRET_HASH: hash } : {}) } }),
    );
  await rejectsWith(auth(), 'NotAuthorizedException', `Client ${clientId} is configured with secret but SECRET_HASH was not received`);
  await rejectsWith(auth(computeSecretHash('erin', clientId, 'not-the-secret')), 'NotAuthorizedException', `Unable to verify secret hash for client ${clientId}`);
  const ok = await auth(computeSecretHash('erin', clientId, clientSecret!));
  assert.ok(ok.AuthenticationResult?.AccessToken);
});

test("the client's ExplicitAuthFlows are honoured", async () => {
  const { poolId } = await createPool(client);
  await createUser(client, poolId, 'frank');
  const srpOnly = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'srp-only' }));
  const clientId = srpOnly.UserPoolClient!.ClientId!;
  assert.deepEqual(srpOnly.UserPoolClient!.ExplicitAuthFlows, ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  await rejectsWith(
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'frank', PASSWORD } })),
    'InvalidParameterException',
    'USER_PASSWORD_AUTH flow not enabled for this client',
  );
  await rejectsWith(
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'frank', PASSWORD } })),
    'InvalidParameterException',
    'Initiate Auth method not supported.',
  );
});

test('pools and clients can be listed, described, updated and deleted', async () => {
  const a = await createPool(client);
  const b = await createPool(client);
  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListUserPoolsCommand({ MaxResults: 1, NextToken }));
    assert.ok(page.UserPools!.length <= 1);
    seen.push(...page.UserPools!.map((p) => p.Id!));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.ok(seen.includes(a.poolId) && seen.includes(b.poolId));

  await client.send(
    new UpdateUserPoolCommand({ UserPoolId: a.poolId, Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: false } } }),
  );
  const described = await client.send(new DescribeUserPoolCommand({ UserPoolId: a.poolId }));
  assert.equal(described.UserPool!.Policies!.PasswordPolicy!.MinimumLength, 12);
  assert.equal(described.UserPool!.Policies!.PasswordPolicy!.RequireSymbols, false);
  assert.ok(described.UserPool!.CreationDate instanceof Date);

  await client.send(new UpdateUserPoolClientCommand({ UserPoolId: a.poolId, ClientId: a.clientId, ClientName: 'renamed', AccessTokenValidity: 2, TokenValidityUnits: { AccessToken: 'hours' } }));
  const app = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: a.poolId, ClientId: a.clientId }));
  assert.equal(app.UserPoolClient!.ClientName, 'renamed');
  assert.equal(app.UserPoolClient!.AccessTokenValidity, 2);
  const apps = await client.send(new ListUserPoolClientsCommand({ UserPoolId: a.poolId }));
  assert.deepEqual(apps.UserPoolClients!.map((c) => c.ClientName), ['renamed']);
  await rejectsWith(
    client.send(new UpdateUserPoolClientCommand({ UserPoolId: a.poolId, ClientId: a.clientId, AccessTokenValidity: 2, TokenValidityUnits: { AccessToken: 'days' } })),
    'InvalidParameterException',
  );

  await client.send(new DeleteUserPoolCommand({ UserPoolId: b.poolId }));
  await rejectsWith(client.send(new DescribeUserPoolCommand({ UserPoolId: b.poolId })), 'ResourceNotFoundException', `User pool ${b.poolId} does not exist.`);
});

test('ListUsers filters by attribute, prefix and status, and paginates', async () => {
  const { poolId } = await createPool(client);
  await createUser(client, poolId, 'gina', [{ Name: 'email', Value: 'gina@example.com' }]);
  await createUser(client, poolId, 'gordon', [{ Name: 'email', Value: 'gordon@example.org' }]);
  await createUser(client, poolId, 'hank', [{ Name: 'email', Value: 'hank@example.com' }]);
  await client.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'hank' }));
  const names = async (Filter?: string) =>
    (await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter }))).Users!.map((u) => u.Username);
  assert.deepEqual(await names(), ['gina', 'gordon', 'hank']);
  assert.deepEqual(await names('email = "gina@example.com"'), ['gina']);
  assert.deepEqual(await names('username ^= "go"'), ['gordon']);
  assert.deepEqual(await names('status = "Disabled"'), ['hank']);
  assert.deepEqual(await names('cognito:user_status = "CONFIRMED"'), ['gina', 'gordon', 'hank']);
  await rejectsWith(client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email = gina' })), 'InvalidParameterException');
  const first = await client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 2 }));
  assert.equal(first.Users!.length, 2);
  const second = await client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 2, PaginationToken: first.PaginationToken }));
  assert.deepEqual(second.Users!.map((u) => u.Username), ['hank']);
  assert.equal(second.PaginationToken, undefined);

  // Filtered listings page too, each page read from an index.
  const filtered = async (Filter: string) => {
    const seen: string[] = [];
    let PaginationToken: string | undefined;
    do {
      const page = await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter, Limit: 1, PaginationToken }));
      seen.push(...page.Users!.map((u) => u.Username!));
      PaginationToken = page.PaginationToken;
    } while (PaginationToken);
    return seen;
  };
  assert.deepEqual(await filtered('email ^= "g"'), ['gina', 'gordon']);
  assert.deepEqual(await filtered('cognito:user_status ^= "CON"'), ['gina', 'gordon', 'hank']);
  assert.deepEqual(await filtered('status ^= "E"'), ['gina', 'gordon']);
  assert.deepEqual(await filtered('username ^= "g"'), ['gina', 'gordon']);
  assert.deepEqual(await names('username = "hank"'), ['hank']);
  await rejectsWith(
    client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email ^= "g"', PaginationToken: Buffer.from('not json').toString('base64url') })),
    'InvalidParameterException',
    'Invalid pagination token.',
  );

  await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'gina', UserAttributes: [{ Name: 'email', Value: 'gina@new.example' }] }));
  assert.deepEqual(await names('email = "gina@new.example"'), ['gina']);
  await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'gina' }));
  assert.deepEqual(await names(), ['gordon', 'hank']);
});

test('the pool password policy is enforced', async () => {
  const { poolId } = await createPool(client);
  await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivan', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1' }));
  const cases: [string, string][] = [
    ['Sh0rt!', 'Password not long enough'],
    ['NOLOWERCASE-1', 'Password must have lowercase characters'],
    ['nouppercase-1', 'Password must have uppercase characters'],
    ['No-Numbers-Here', 'Password must have numeric characters'],
    ['NoSymbols123', 'Password must have symbol characters'],
  ];
  for (const [Password, why] of cases) {
    await rejectsWith(
      client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ivan', Password, Permanent: true })),
      'InvalidPasswordException',
      `Password did not conform with policy: ${why}`,
    );
  }
});
