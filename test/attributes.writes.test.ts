import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminRespondToAuthChallengeCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolClientCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  type SchemaAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createUser, PASSWORD, passwordSignIn, rejectsWith } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

const TEMPORARY = 'Temporary-Pass-1';
const UNAUTHORIZED = 'A client attempted to write unauthorized attribute';
const notInSchema = (name: string) => `Attributes did not conform to the schema: ${name}: Attribute does not exist in the schema.`;

/** The claims that Cognito sets on an ID token and no attribute may supply. */
const RESERVED = ['cognito:groups', 'cognito:username', 'cognito:roles', 'iss', 'aud', 'token_use', 'exp', 'iat', 'auth_time', 'jti', 'origin_jti', 'event_id', 'identities'];

/** A pool with the given Schema and an app client allowing the password flow, optionally with WriteAttributes. */
async function pool(
  cognito: CognitoIdentityProviderClient,
  options: { schema?: SchemaAttributeType[]; writeAttributes?: string[] } = {},
): Promise<{ poolId: string; clientId: string }> {
  const created = await cognito.send(
    new CreateUserPoolCommand({ PoolName: `attrs-${Math.random().toString(36).slice(2, 8)}`, ...(options.schema ? { Schema: options.schema } : {}) }),
  );
  const poolId = created.UserPool!.Id!;
  const app = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'app',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ...(options.writeAttributes ? { WriteAttributes: options.writeAttributes } : {}),
    }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId! };
}

/** An invited user (FORCE_CHANGE_PASSWORD) and the NEW_PASSWORD_REQUIRED challenge of its first sign-in. */
async function invited(poolId: string, clientId: string, username: string, attributes: AttributeType[] = []) {
  await client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, UserAttributes: attributes, MessageAction: 'SUPPRESS', TemporaryPassword: TEMPORARY }),
  );
  const signIn = await passwordSignIn(client, clientId, username, TEMPORARY);
  assert.equal(signIn.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  return signIn;
}

function answerNewPassword(clientId: string, username: string, session: string, attributes: Record<string, string> = {}) {
  const responses: Record<string, string> = { USERNAME: username, NEW_PASSWORD: PASSWORD };
  for (const [name, value] of Object.entries(attributes)) responses[`userAttributes.${name}`] = value;
  return client.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeResponses: responses }));
}

async function attributesOf(poolId: string, username: string): Promise<Record<string, string>> {
  const user = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
  return Object.fromEntries(user.UserAttributes!.map((a) => [a.Name!, a.Value!]));
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

test('NEW_PASSWORD_REQUIRED: cognito:groups, other reserved claims and unknown names in userAttributes are refused and never stored', async () => {
  const { poolId, clientId } = await pool(client);
  const challenge = await invited(poolId, clientId, 'mallory', [{ Name: 'email', Value: 'mallory@example.com' }]);
  await rejectsWith(answerNewPassword(clientId, 'mallory', challenge.Session!, { 'cognito:groups': 'admin' }), 'InvalidParameterException', notInSchema('cognito:groups'));
  await rejectsWith(answerNewPassword(clientId, 'mallory', challenge.Session!, { role: 'admin' }), 'InvalidParameterException', notInSchema('role'));
  await rejectsWith(
    answerNewPassword(clientId, 'mallory', challenge.Session!, { 'custom:role': 'admin' }),
    'InvalidParameterException',
    'Attributes did not conform to the schema: Type for attribute {custom:role} could not be determined',
  );
  for (const name of RESERVED) {
    await rejectsWith(answerNewPassword(clientId, 'mallory', challenge.Session!, { [name]: 'x' }), 'InvalidParameterException', notInSchema(name));
  }
  assert.equal((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'mallory' }))).UserStatus, 'FORCE_CHANGE_PASSWORD');
  // A refused answer does not spend the session: the honest answer still completes.
  const done = await answerNewPassword(clientId, 'mallory', challenge.Session!, { given_name: 'Mallory' });
  const id = claimsOf(done.AuthenticationResult!.IdToken!);
  assert.equal(id['cognito:groups'], undefined);
  assert.equal(id.given_name, 'Mallory');
  assert.equal(id['cognito:username'], 'mallory');
  assert.equal(id.aud, clientId);
  assert.equal(id.token_use, 'id');
  assert.deepEqual(await attributesOf(poolId, 'mallory'), { sub: id.sub, email: 'mallory@example.com', given_name: 'Mallory' });
});

test('NEW_PASSWORD_REQUIRED: the user cannot verify their own email or phone number, nor replace sub', async () => {
  const { poolId, clientId } = await pool(client);
  const challenge = await invited(poolId, clientId, 'vic', [{ Name: 'email', Value: 'vic@example.com' }]);
  await rejectsWith(answerNewPassword(clientId, 'vic', challenge.Session!, { email_verified: 'true' }), 'NotAuthorizedException', UNAUTHORIZED);
  // The administrators' form of the answer relays the user's attributes under the same rules.
  await rejectsWith(
    client.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session!,
        ChallengeResponses: { USERNAME: 'vic', NEW_PASSWORD: PASSWORD, 'userAttributes.email_verified': 'true' },
      }),
    ),
    'NotAuthorizedException',
    UNAUTHORIZED,
  );
  await rejectsWith(answerNewPassword(clientId, 'vic', challenge.Session!, { phone_number: '+15555550100', phone_number_verified: 'true' }), 'NotAuthorizedException', UNAUTHORIZED);
  await rejectsWith(answerNewPassword(clientId, 'vic', challenge.Session!, { sub: '00000000-0000-4000-8000-000000000000' }), 'InvalidParameterException', 'Cannot modify the non-mutable attribute sub');
  const done = await answerNewPassword(clientId, 'vic', challenge.Session!);
  const id = claimsOf(done.AuthenticationResult!.IdToken!);
  assert.notEqual(id.sub, '00000000-0000-4000-8000-000000000000');
  assert.equal(id.email_verified, undefined);
  assert.equal((await attributesOf(poolId, 'vic')).email_verified, undefined);
});

test('UpdateUserAttributes: a user cannot set email_verified, even with a new email; a changed email is unverified', async () => {
  const { poolId, clientId } = await pool(client);
  await createUser(client, poolId, 'eve', [{ Name: 'email', Value: 'eve@example.com' }, { Name: 'email_verified', Value: 'true' }]);
  const token = (await passwordSignIn(client, clientId, 'eve')).AuthenticationResult!.AccessToken!;
  const update = (attributes: AttributeType[]) => client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: attributes }));

  await rejectsWith(update([{ Name: 'email', Value: 'ceo@example.com' }, { Name: 'email_verified', Value: 'true' }]), 'NotAuthorizedException', UNAUTHORIZED);
  await rejectsWith(update([{ Name: 'email_verified', Value: 'True' }]), 'NotAuthorizedException', UNAUTHORIZED);
  await rejectsWith(update([{ Name: 'phone_number_verified', Value: 'true' }]), 'NotAuthorizedException', UNAUTHORIZED);
  // Nothing of a refused request is written.
  const before = await attributesOf(poolId, 'eve');
  assert.equal(before.email, 'eve@example.com');
  assert.equal(before.email_verified, 'true');

  await update([{ Name: 'email', Value: 'ceo@example.com' }]);
  const after = await attributesOf(poolId, 'eve');
  assert.equal(after.email, 'ceo@example.com');
  assert.equal(after.email_verified, 'false');
  const id = claimsOf((await passwordSignIn(client, clientId, 'eve')).AuthenticationResult!.IdToken!);
  assert.equal(id.email_verified, false);
});

test('SignUp: a user cannot sign up with email_verified or phone_number_verified', async () => {
  const { poolId, clientId } = await pool(client);
  for (const name of ['email_verified', 'phone_number_verified']) {
    await rejectsWith(
      client.send(
        new SignUpCommand({ ClientId: clientId, Username: `sam-${name}`, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'sam@example.com' }, { Name: name, Value: 'true' }] }),
      ),
      'NotAuthorizedException',
      UNAUTHORIZED,
    );
  }
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'sam', Password: PASSWORD, UserAttributes: [{ Name: 'cognito:groups', Value: 'admin' }] })),
    'InvalidParameterException',
    notInSchema('cognito:groups'),
  );
  await rejectsWith(client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'sam-email_verified' })), 'UserNotFoundException');
});

test('administrators still set email_verified and phone_number_verified, in any letter case, kept as written', async () => {
  const { poolId, clientId } = await pool(client);
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: 'ada',
      MessageAction: 'SUPPRESS',
      TemporaryPassword: TEMPORARY,
      UserAttributes: [{ Name: 'email', Value: 'ada@example.com' }, { Name: 'email_verified', Value: 'True' }],
    }),
  );
  assert.equal((await attributesOf(poolId, 'ada')).email_verified, 'True');
  await client.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: poolId,
      Username: 'ada',
      UserAttributes: [{ Name: 'phone_number', Value: '+15555550100' }, { Name: 'phone_number_verified', Value: 'TRUE' }, { Name: 'email_verified', Value: 'FALSE' }],
    }),
  );
  const attributes = await attributesOf(poolId, 'ada');
  assert.equal(attributes.phone_number_verified, 'TRUE');
  assert.equal(attributes.email_verified, 'FALSE');
  await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'ada', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
  const challenge = await passwordSignIn(client, clientId, 'ada', TEMPORARY);
  const id = claimsOf((await answerNewPassword(clientId, 'ada', challenge.Session!)).AuthenticationResult!.IdToken!);
  assert.equal(id.email_verified, true);
  assert.equal(id.phone_number_verified, true);
});

test("the app client's WriteAttributes bound what UpdateUserAttributes, SignUp and NEW_PASSWORD_REQUIRED write", async () => {
  const { poolId, clientId } = await pool(client, {
    schema: [{ Name: 'plan', AttributeDataType: 'String', Mutable: true }],
    writeAttributes: ['email', 'given_name'],
  });
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'wes', Password: PASSWORD, UserAttributes: [{ Name: 'family_name', Value: 'W' }] })),
    'NotAuthorizedException',
    UNAUTHORIZED,
  );
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'wes', Password: PASSWORD, UserAttributes: [{ Name: 'custom:plan', Value: 'gold' }] })),
    'NotAuthorizedException',
    UNAUTHORIZED,
  );
  await client.send(new SignUpCommand({ ClientId: clientId, Username: 'wes', Password: PASSWORD, UserAttributes: [{ Name: 'given_name', Value: 'Wes' }] }));

  const challenge = await invited(poolId, clientId, 'wen');
  await rejectsWith(answerNewPassword(clientId, 'wen', challenge.Session!, { 'custom:plan': 'gold' }), 'NotAuthorizedException', UNAUTHORIZED);
  await answerNewPassword(clientId, 'wen', challenge.Session!, { given_name: 'Wen' });

  // The administrator is not bound by an app client's WriteAttributes.
  await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'wen', UserAttributes: [{ Name: 'custom:plan', Value: 'free' }] }));
  const token = (await passwordSignIn(client, clientId, 'wen')).AuthenticationResult!.AccessToken!;
  await rejectsWith(
    client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'custom:plan', Value: 'gold' }] })),
    'NotAuthorizedException',
    UNAUTHORIZED,
  );
  await rejectsWith(
    client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'given_name', Value: 'W' }, { Name: 'family_name', Value: 'N' }] })),
    'NotAuthorizedException',
    UNAUTHORIZED,
  );
  await client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'given_name', Value: 'Wendy' }] }));
  const attributes = await attributesOf(poolId, 'wen');
  assert.equal(attributes['custom:plan'], 'free');
  assert.equal(attributes.given_name, 'Wendy');
  assert.equal(attributes.family_name, undefined);

  // A client without WriteAttributes of the same pool writes any mutable attribute.
  const open = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'open', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }));
  const openToken = (await passwordSignIn(client, open.UserPoolClient!.ClientId!, 'wen')).AuthenticationResult!.AccessToken!;
  await client.send(
    new UpdateUserAttributesCommand({ AccessToken: openToken, UserAttributes: [{ Name: 'custom:plan', Value: 'gold' }, { Name: 'family_name', Value: 'N' }] }),
  );
  assert.equal((await attributesOf(poolId, 'wen'))['custom:plan'], 'gold');
});

test('an immutable custom attribute is set at creation and never changed afterwards; a mutable one changes', async () => {
  const { poolId, clientId } = await pool(client, {
    schema: [
      { Name: 'tenant', AttributeDataType: 'String', Mutable: false },
      { Name: 'plan', AttributeDataType: 'String', Mutable: true },
    ],
  });
  await createUser(client, poolId, 'tim', [{ Name: 'custom:tenant', Value: 'acme' }, { Name: 'custom:plan', Value: 'free' }]);
  await rejectsWith(
    client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'tim', UserAttributes: [{ Name: 'custom:tenant', Value: 'globex' }] })),
    'InvalidParameterException',
    'Cannot modify the non-mutable attribute custom:tenant',
  );
  const token = (await passwordSignIn(client, clientId, 'tim')).AuthenticationResult!.AccessToken!;
  await rejectsWith(
    client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'custom:plan', Value: 'gold' }, { Name: 'custom:tenant', Value: 'globex' }] })),
    'InvalidParameterException',
    'Cannot modify the non-mutable attribute custom:tenant',
  );
  await client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'custom:plan', Value: 'gold' }] }));
  const attributes = await attributesOf(poolId, 'tim');
  assert.equal(attributes['custom:tenant'], 'acme');
  assert.equal(attributes['custom:plan'], 'gold');

  // Through SignUp too, at creation only; and not by the NEW_PASSWORD_REQUIRED answer, which is not creation.
  await client.send(new SignUpCommand({ ClientId: clientId, Username: 'tia', Password: PASSWORD, UserAttributes: [{ Name: 'custom:tenant', Value: 'initech' }] }));
  assert.equal((await attributesOf(poolId, 'tia'))['custom:tenant'], 'initech');
  const challenge = await invited(poolId, clientId, 'tom');
  await rejectsWith(
    answerNewPassword(clientId, 'tom', challenge.Session!, { 'custom:tenant': 'globex' }),
    'InvalidParameterException',
    'Cannot modify the non-mutable attribute custom:tenant',
  );
});

test('sub is never written: not at creation, not by an administrator, not by the user', async () => {
  const { poolId, clientId } = await pool(client);
  const forged = '00000000-0000-4000-8000-000000000000';
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'sid', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'sub', Value: forged }] })),
    'InvalidParameterException',
    'Cannot modify the non-mutable attribute sub',
  );
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'sid', Password: PASSWORD, UserAttributes: [{ Name: 'sub', Value: forged }] })),
    'InvalidParameterException',
    'Cannot modify the non-mutable attribute sub',
  );
  await createUser(client, poolId, 'sid');
  const sub = (await attributesOf(poolId, 'sid')).sub;
  await rejectsWith(
    client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'sid', UserAttributes: [{ Name: 'sub', Value: forged }] })),
    'InvalidParameterException',
    'Cannot modify the non-mutable attribute sub',
  );
  const token = (await passwordSignIn(client, clientId, 'sid')).AuthenticationResult!.AccessToken!;
  await rejectsWith(
    client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'sub', Value: forged }] })),
    'InvalidParameterException',
    'Cannot modify the non-mutable attribute sub',
  );
  assert.equal((await attributesOf(poolId, 'sid')).sub, sub);
  assert.equal((await client.send(new GetUserCommand({ AccessToken: token }))).UserAttributes!.find((a) => a.Name === 'sub')!.Value, sub);
});

test('reserved claim names are refused on every write road, and a stored one never reaches the ID token', async () => {
  const { poolId, clientId } = await pool(client);
  await createUser(client, poolId, 'rex', [{ Name: 'email', Value: 'rex@example.com' }]);
  const token = (await passwordSignIn(client, clientId, 'rex')).AuthenticationResult!.AccessToken!;
  for (const name of RESERVED) {
    const attributes = [{ Name: name, Value: 'forged' }];
    const message = notInSchema(name);
    await rejectsWith(client.send(new SignUpCommand({ ClientId: clientId, Username: 'rey', Password: PASSWORD, UserAttributes: attributes })), 'InvalidParameterException', message);
    await rejectsWith(
      client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'rey', MessageAction: 'SUPPRESS', UserAttributes: attributes })),
      'InvalidParameterException',
      message,
    );
    await rejectsWith(client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'rex', UserAttributes: attributes })), 'InvalidParameterException', message);
    await rejectsWith(client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: attributes })), 'InvalidParameterException', message);
  }

  // A database written before these checks (or by hand) may hold such names: the ID token skips them.
  const store = server.running.deps.store;
  const user = (await store.getUser(poolId, 'rex'))!;
  const planted = [...user.attributes, ...RESERVED.map((Name) => ({ Name, Value: 'forged' })), { Name: 'dev:custom:secret', Value: 'forged' }, { Name: 'nonce', Value: 'forged' }];
  await store.updateUser(poolId, 'rex', { attributes: planted, modifiedAt: server.clock.now() });
  const signIn = await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'rex', PASSWORD } }));
  const id = claimsOf(signIn.AuthenticationResult!.IdToken!);
  for (const [claim, value] of Object.entries(id)) assert.notEqual(value, 'forged', `${claim} came from an attribute`);
  assert.equal(id['cognito:groups'], undefined);
  assert.equal(id['cognito:username'], 'rex');
  assert.equal(id.aud, clientId);
  assert.equal(id.email, 'rex@example.com');
});

test('NEW_PASSWORD_REQUIRED lists the required attributes the user lacks, and the answer must supply them', async () => {
  const { poolId, clientId } = await pool(client, {
    schema: [
      { Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true },
      { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
    ],
  });
  const challenge = await invited(poolId, clientId, 'rae', [{ Name: 'email', Value: 'rae@example.com' }]);
  assert.deepEqual(JSON.parse(challenge.ChallengeParameters!.requiredAttributes), ['userAttributes.given_name']);
  await rejectsWith(answerNewPassword(clientId, 'rae', challenge.Session!), 'InvalidParameterException', 'Invalid attributes given, given_name is missing');
  const done = await answerNewPassword(clientId, 'rae', challenge.Session!, { given_name: 'Rae' });
  assert.equal(claimsOf(done.AuthenticationResult!.IdToken!).given_name, 'Rae');
});

test("an app client's ReadAttributes bound GetUser and the ID token; developer-only attributes are for administrators", async () => {
  const { poolId, clientId } = await pool(client, {
    schema: [
      { Name: 'plan', AttributeDataType: 'String', Mutable: true },
      { Name: 'score', AttributeDataType: 'String', Mutable: true, DeveloperOnlyAttribute: true },
    ],
  });
  await createUser(client, poolId, 'rob', [
    { Name: 'email', Value: 'rob@example.com' },
    { Name: 'given_name', Value: 'Rob' },
    { Name: 'custom:plan', Value: 'gold' },
    { Name: 'dev:custom:score', Value: '42' },
  ]);
  assert.equal((await attributesOf(poolId, 'rob'))['dev:custom:score'], '42');
  const reader = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'reader', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'], ReadAttributes: ['email', 'custom:plan'] }),
  );
  const signIn = await passwordSignIn(client, reader.UserPoolClient!.ClientId!, 'rob');
  const me = await client.send(new GetUserCommand({ AccessToken: signIn.AuthenticationResult!.AccessToken! }));
  assert.deepEqual(me.UserAttributes!.map((a) => a.Name).sort(), ['custom:plan', 'email', 'sub']);
  const id = claimsOf(signIn.AuthenticationResult!.IdToken!);
  assert.equal(id.email, 'rob@example.com');
  assert.equal(id['custom:plan'], 'gold');
  assert.equal(id.given_name, undefined);

  // A client without ReadAttributes reads everything but developer-only attributes, and never writes them.
  const open = await passwordSignIn(client, clientId, 'rob');
  const all = await client.send(new GetUserCommand({ AccessToken: open.AuthenticationResult!.AccessToken! }));
  assert.deepEqual(all.UserAttributes!.map((a) => a.Name).sort(), ['custom:plan', 'email', 'given_name', 'sub']);
  assert.equal(claimsOf(open.AuthenticationResult!.IdToken!)['dev:custom:score'], undefined);
  await rejectsWith(
    client.send(new UpdateUserAttributesCommand({ AccessToken: open.AuthenticationResult!.AccessToken!, UserAttributes: [{ Name: 'dev:custom:score', Value: '99' }] })),
    'NotAuthorizedException',
    UNAUTHORIZED,
  );
  await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'rob', UserAttributes: [{ Name: 'dev:custom:score', Value: '43' }] }));
  assert.equal((await attributesOf(poolId, 'rob'))['dev:custom:score'], '43');
});

test('ReadAttributes and WriteAttributes must name attributes of the pool', async () => {
  const { poolId, clientId } = await pool(client, { schema: [{ Name: 'plan', AttributeDataType: 'String', Mutable: true }] });
  await rejectsWith(
    client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bad', WriteAttributes: ['email', 'cognito:groups'] })),
    'InvalidParameterException',
    'Invalid write attributes specified while creating a client',
  );
  await rejectsWith(
    client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bad', ReadAttributes: ['custom:nope'] })),
    'InvalidParameterException',
    'Invalid read attributes specified while creating a client',
  );
  await rejectsWith(
    client.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId, WriteAttributes: ['sub'] })),
    'InvalidParameterException',
    'Invalid write attributes specified while updating a client',
  );
  await client.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId, WriteAttributes: ['email', 'custom:plan'], ReadAttributes: ['email', 'email_verified', 'custom:plan'] }));
});
