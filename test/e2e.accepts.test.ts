import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  CreateUserPoolClientCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createPool, createUser, passwordSignIn, PASSWORD, rejectsWith } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';
import { ManualClock } from '../src/clock.js';
import { createSession } from '../src/auth/session.js';
import { SqliteStore } from '../src/store/sqlite/sqliteStore.js';

/**
 * Inputs real clients send that Cognito accepts (issue 10): null members (AWS JSON 1.1 has no
 * null: a null member is an absent one), the legacy ExplicitAuthFlows names, Boolean attribute
 * values in any letter case, ListUsers with Limit 0.
 */

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

const PREFIX = 'AWSCognitoIdentityProviderService.';
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDCOGNATETEST/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
  '0123456789abcdef'.repeat(4);

/** A request exactly as written (the SDKs leave nulls out, the libraries that matter here do not). */
async function raw(operation: string, body: unknown, signed = false): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': PREFIX + operation };
  if (signed) headers.authorization = SIGV4;
  const res = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function pool(options: Parameters<typeof createPool>[1] = {}) {
  return createPool(client, options);
}

test('REFRESH_TOKEN_AUTH with DEVICE_KEY null, as amazon-cognito-identity-js sends it, refreshes', async () => {
  const { poolId, clientId } = await pool();
  await createUser(client, poolId, 'rita');
  const signIn = await passwordSignIn(client, clientId, 'rita');
  const refreshed = await raw('InitiateAuth', {
    ClientId: clientId,
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    AuthParameters: { REFRESH_TOKEN: signIn.AuthenticationResult!.RefreshToken!, DEVICE_KEY: null },
    ClientMetadata: null,
  });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json));
  assert.ok(refreshed.json.AuthenticationResult.AccessToken);
});

test('a null AccessToken or Session is an absent one for AssociateSoftwareToken and VerifySoftwareToken', async () => {
  const { poolId, clientId } = await pool({ mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'sam');
  const token = (await passwordSignIn(client, clientId, 'sam')).AuthenticationResult!.AccessToken!;
  const associated = await raw('AssociateSoftwareToken', { AccessToken: token, Session: null });
  assert.equal(associated.status, 200, JSON.stringify(associated.json));
  assert.match(associated.json.SecretCode, /^[A-Z2-7]{52}$/);
  const neither = await raw('AssociateSoftwareToken', { AccessToken: null, Session: null });
  assert.equal(neither.status, 400);
  assert.equal(neither.json.__type, 'InvalidParameterException');
  const verify = await raw('VerifySoftwareToken', { AccessToken: token, Session: null, UserCode: '000000', FriendlyDeviceName: null });
  assert.equal(verify.status, 400);
  assert.equal(verify.json.__type, 'EnableSoftwareTokenMFAException');
});

test('null pagination tokens list from the start', async () => {
  const { poolId } = await pool();
  await createUser(client, poolId, 'pat');
  const pools = await raw('ListUserPools', { MaxResults: 60, NextToken: null }, true);
  assert.equal(pools.status, 200, JSON.stringify(pools.json));
  assert.ok(pools.json.UserPools.some((p: any) => p.Id === poolId));
  const users = await raw('ListUsers', { UserPoolId: poolId, PaginationToken: null, Filter: null, AttributesToGet: null }, true);
  assert.equal(users.status, 200, JSON.stringify(users.json));
  assert.deepEqual(users.json.Users.map((u: any) => u.Username), ['pat']);
  const clients = await raw('ListUserPoolClients', { UserPoolId: poolId, NextToken: null }, true);
  assert.equal(clients.status, 200, JSON.stringify(clients.json));
  assert.equal(clients.json.UserPoolClients.length, 1);
});

test('ExplicitAuthFlows null gives the default flows; SmsMfaConfiguration null turns no SMS MFA on', async () => {
  const { poolId } = await pool();
  const created = await raw('CreateUserPoolClient', { UserPoolId: poolId, ClientName: 'nulls', ExplicitAuthFlows: null, GenerateSecret: null }, true);
  assert.equal(created.status, 200, JSON.stringify(created.json));
  assert.deepEqual(created.json.UserPoolClient.ExplicitAuthFlows, ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  assert.equal(created.json.UserPoolClient.ClientSecret, undefined);
  const updated = await raw(
    'UpdateUserPoolClient',
    { UserPoolId: poolId, ClientId: created.json.UserPoolClient.ClientId, ExplicitAuthFlows: null },
    true,
  );
  assert.equal(updated.status, 200, JSON.stringify(updated.json));
  const mfa = await raw(
    'SetUserPoolMfaConfig',
    { UserPoolId: poolId, SmsMfaConfiguration: null, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: null },
    true,
  );
  assert.equal(mfa.status, 200, JSON.stringify(mfa.json));
  assert.equal(mfa.json.SmsMfaConfiguration, undefined, 'no SMS MFA without a configuration');
  const read = await raw('GetUserPoolMfaConfig', { UserPoolId: poolId }, true);
  assert.equal(read.json.SmsMfaConfiguration, undefined);
  assert.deepEqual(read.json.SoftwareTokenMfaConfiguration, { Enabled: true });
});

test('a null list element stays a validation error, as on AWS', async () => {
  const { poolId } = await pool();
  const answer = await raw('AdminCreateUser', { UserPoolId: poolId, Username: 'nel', UserAttributes: [null] }, true);
  assert.equal(answer.status, 400);
  assert.equal(answer.json.__type, 'InvalidParameterException');
  assert.match(answer.json.message, /Member must not be null/);
});

test('members the model does not know never reach the pool settings', async () => {
  const { poolId } = await pool();
  const update = await raw(
    'UpdateUserPool',
    { UserPoolId: poolId, MfaConfiguration: 'OFF', SoftwareTokenMfaEnabled: true, UsernameAttributes: ['email'], __proto__: { polluted: true }, Surprise: 1 },
    true,
  );
  assert.equal(update.status, 200, JSON.stringify(update.json));
  const described = await raw('DescribeUserPool', { UserPoolId: poolId }, true);
  assert.equal(described.json.UserPool.UsernameAttributes, undefined);
  assert.equal(described.json.UserPool.Surprise, undefined);
  assert.equal(described.json.UserPool.polluted, undefined);
  assert.equal(described.json.UserPool.SoftwareTokenMfaEnabled, undefined);
  const mfa = await raw('GetUserPoolMfaConfig', { UserPoolId: poolId }, true);
  assert.deepEqual(mfa.json.SoftwareTokenMfaConfiguration, { Enabled: false });
});

async function legacyClient(poolId: string, flows: string[]): Promise<string> {
  const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: flows.join('+'), ExplicitAuthFlows: flows as any }));
  assert.deepEqual(app.UserPoolClient!.ExplicitAuthFlows, flows, 'the flows are kept as given');
  return app.UserPoolClient!.ClientId!;
}

const srpStart = (clientId: string, username: string) =>
  client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: 'ab'.repeat(384) } }),
  );

test('legacy ExplicitAuthFlows keep SRP and refresh allowed, as Cognito does', async () => {
  const { poolId } = await pool();
  await createUser(client, poolId, 'leo');

  const admin = await legacyClient(poolId, ['ADMIN_NO_SRP_AUTH']);
  assert.equal((await srpStart(admin, 'leo')).ChallengeName, 'PASSWORD_VERIFIER');
  const adminSignIn = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: admin, AuthFlow: 'ADMIN_NO_SRP_AUTH', AuthParameters: { USERNAME: 'leo', PASSWORD } }),
  );
  const refreshed = await client.send(
    new InitiateAuthCommand({ ClientId: admin, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: adminSignIn.AuthenticationResult!.RefreshToken! } }),
  );
  assert.ok(refreshed.AuthenticationResult!.AccessToken);
  await rejectsWith(passwordSignIn(client, admin, 'leo'), 'InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client');

  const user = await legacyClient(poolId, ['USER_PASSWORD_AUTH']);
  const signIn = await passwordSignIn(client, user, 'leo');
  assert.equal((await srpStart(user, 'leo')).ChallengeName, 'PASSWORD_VERIFIER');
  const again = await client.send(
    new InitiateAuthCommand({ ClientId: user, AuthFlow: 'REFRESH_TOKEN', AuthParameters: { REFRESH_TOKEN: signIn.AuthenticationResult!.RefreshToken! } }),
  );
  assert.ok(again.AuthenticationResult!.IdToken);
  await rejectsWith(
    client.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: user, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'leo', PASSWORD } })),
    'InvalidParameterException',
    'ADMIN_NO_SRP_AUTH flow not enabled for this client',
  );

  const customOnly = await legacyClient(poolId, ['CUSTOM_AUTH_FLOW_ONLY']);
  await rejectsWith(srpStart(customOnly, 'leo'), 'InvalidParameterException', 'USER_SRP_AUTH flow not enabled for this client');

  await rejectsWith(
    client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'mixed', ExplicitAuthFlows: ['ADMIN_NO_SRP_AUTH', 'ALLOW_USER_SRP_AUTH'] })),
    'InvalidParameterException',
  );
  const modern = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'modern', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }));
  await rejectsWith(srpStart(modern.UserPoolClient!.ClientId!, 'leo'), 'InvalidParameterException', 'USER_SRP_AUTH flow not enabled for this client');
});

test('email_verified "True" counts as verified: a password reset reaches the email, and the ID token says true', async () => {
  const created = await client.send(new CreateUserPoolCommand({ PoolName: 'booleans' }));
  const poolId = created.UserPool!.Id!;
  const app = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  const clientId = app.UserPoolClient!.ClientId!;
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: 'tess',
      MessageAction: 'SUPPRESS',
      TemporaryPassword: 'Temporary-Pass-1',
      UserAttributes: [{ Name: 'email', Value: 'tess@example.com' }, { Name: 'email_verified', Value: 'True' }],
    }),
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'tess', Password: PASSWORD, Permanent: true }));
  const got = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'tess' }));
  assert.equal(got.UserAttributes!.find((a) => a.Name === 'email_verified')!.Value, 'True', 'kept as written, as Cognito keeps it');
  const idToken = (await passwordSignIn(client, clientId, 'tess')).AuthenticationResult!.IdToken!;
  assert.equal(JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString()).email_verified, true);
  const reset = await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'tess' }));
  assert.equal(reset.CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
  assert.equal(reset.CodeDeliveryDetails!.AttributeName, 'email');
});

test('ListUsers with Limit 0 lists a page; SignUp without a Password is a 400, not a 500', async () => {
  const { poolId, clientId } = await pool();
  await createUser(client, poolId, 'lim');
  const listed = await client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 0 }));
  assert.deepEqual(listed.Users!.map((u) => u.Username), ['lim']);
  const signUp = await raw('SignUp', { ClientId: clientId, Username: 'nopass' });
  assert.equal(signUp.status, 400);
  assert.equal(signUp.json.__type, 'InvalidParameterException');
});

test('challenge sessions never start with "-", which the aws CLI would read as an option (--session -abc...)', async () => {
  const store = new SqliteStore(':memory:');
  await store.createPool({ id: 'p', name: 'p', settings: {}, createdAt: 0, modifiedAt: 0 }, []);
  const deps = { store, clock: new ManualClock(Date.UTC(2026, 0, 1)) };
  const client = { id: 'c', poolId: 'p', name: 'app', secretSealed: null, settings: {}, createdAt: 0, modifiedAt: 0 };
  const sessions = await Promise.all(Array.from({ length: 2000 }, () => createSession(deps, { poolId: 'p', client, username: 'u', sub: 's', challenge: 'SOFTWARE_TOKEN_MFA' })));
  await store.close();
  assert.equal(sessions.filter((s) => s.startsWith('-')).length, 0);
  assert.ok(sessions.every((s) => s.length >= 20 && s.length <= 2048), 'the model bounds SessionType to 20..2048');
});
