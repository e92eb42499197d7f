/**
 * Issue 11, point 2: a sign-in (its refresh token and access tokens) belongs to the user it was made
 * for, by sub, not to whoever holds the username next. Sign-ins racing AdminDeleteUser and a new
 * user of the same name must not hand the old user's refresh token to the new one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createPool, createUser, passwordSignIn, rejectsWith } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

const OTHER_PASSWORD = 'Other-Horse-8';

const subOf = async (poolId: string, username: string) =>
  (await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))).UserAttributes!.find((a) => a.Name === 'sub')!.Value!;

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

const refresh = (clientId: string, token: string) =>
  client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }));

async function recreate(poolId: string, username: string, password: string): Promise<void> {
  await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1' }));
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
}

test("a deleted user's refresh token does not work for the next user of the name", async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'ada');
  const old = (await passwordSignIn(client, clientId, 'ada')).AuthenticationResult!;
  await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'ada' }));
  await recreate(poolId, 'ada', OTHER_PASSWORD);
  await rejectsWith(refresh(clientId, old.RefreshToken!), 'NotAuthorizedException');
  await rejectsWith(client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: old.RefreshToken! })), 'NotAuthorizedException');
  await rejectsWith(client.send(new GetUserCommand({ AccessToken: old.AccessToken! })), 'UserNotFoundException');
});

test('a sign-in row of the old user written after the delete (an in-flight sign-in) is refused at refresh and at token checks', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'bea');
  const oldSub = await subOf(poolId, 'bea');
  // What a sign-in of the old user that was in flight during the delete leaves behind.
  const { sha256Hex } = await import('../src/tokens/issue.js');
  const token = `stale-refresh-token-${Date.now()}`;
  await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'bea' }));
  await recreate(poolId, 'bea', OTHER_PASSWORD);
  const now = server.clock.now();
  await server.running.deps.store.createSignIn({
    originJti: `jti-${now}`,
    poolId,
    clientId,
    username: 'bea',
    sub: oldSub,
    refreshHash: sha256Hex(token),
    authTime: Math.floor(now / 1000),
    createdAt: now,
    expiresAt: now + 86_400_000,
    revokedAt: null,
  });
  await rejectsWith(refresh(clientId, token), 'NotAuthorizedException', 'Invalid Refresh Token');
  await rejectsWith(client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: token })), 'NotAuthorizedException');
  // The new user's own sign-in works.
  const fresh = (await passwordSignIn(client, clientId, 'bea', OTHER_PASSWORD)).AuthenticationResult!;
  assert.equal(claims((await refresh(clientId, fresh.RefreshToken!)).AuthenticationResult!.IdToken!).sub, await subOf(poolId, 'bea'));
});

test('40 rounds of 6 sign-ins racing AdminDeleteUser and a new user of the name: no old sign-in works for the new user', async () => {
  const { poolId, clientId } = await createPool(client);
  let leaked = 0;
  let oldSignIns = 0;
  for (let round = 0; round < 40; round++) {
    const name = 'cyd';
    await createUser(client, poolId, name);
    const signIns = Array.from({ length: 6 }, () => passwordSignIn(client, clientId, name));
    const replace = (async () => {
      await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: name }));
      await recreate(poolId, name, OTHER_PASSWORD);
    })();
    const results = await Promise.allSettled([...signIns, replace]);
    assert.equal(results[6].status, 'fulfilled');
    const newSub = await subOf(poolId, name);
    for (const r of results.slice(0, 6)) {
      if (r.status !== 'fulfilled') continue;
      // Only the old user has PASSWORD: every successful sign-in here was the old user's.
      const tokens = (r.value as Awaited<ReturnType<typeof passwordSignIn>>).AuthenticationResult!;
      oldSignIns++;
      assert.notEqual(claims(tokens.AccessToken!).sub, newSub);
      const again = await refresh(clientId, tokens.RefreshToken!).catch((err) => err);
      if (again.AuthenticationResult) leaked++;
      else assert.equal(again.name, 'NotAuthorizedException');
      const me = await client.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })).catch((err) => err);
      assert.ok(me.name === 'UserNotFoundException' || me.name === 'NotAuthorizedException', me.name);
    }
    await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: name }));
  }
  assert.ok(oldSignIns > 0, 'some sign-ins of the old user succeeded');
  assert.equal(leaked, 0, `${leaked} refresh tokens of deleted users signed in their successors`);
});

test("a challenge session of the old user written after the delete does not answer for the next user of the name", async () => {
  const { RespondToAuthChallengeCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const { sha256Hex } = await import('../src/tokens/issue.js');
  const { poolId, clientId } = await createPool(client);
  await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dot', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1' }));
  const oldSub = await subOf(poolId, 'dot');
  await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'dot' }));
  await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dot', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1' }));
  // What a sign-in of the old user that was in flight during the delete leaves behind: its
  // NEW_PASSWORD_REQUIRED session, which would set the new user's password.
  const session = `stale-session-${Date.now()}`;
  const now = server.clock.now();
  await server.running.deps.store.createSession({
    idHash: sha256Hex(session),
    poolId,
    clientId,
    username: 'dot',
    challenge: 'NEW_PASSWORD_REQUIRED',
    context: { sub: oldSub },
    createdAt: now,
    expiresAt: now + 180_000,
    consumedAt: null,
    wrongAttempts: 0,
  });
  await rejectsWith(
    client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session,
        ChallengeResponses: { USERNAME: 'dot', NEW_PASSWORD: 'Taken-Over-99' },
      }),
    ),
    'NotAuthorizedException',
    'Invalid session for the user.',
  );
  await rejectsWith(passwordSignIn(client, clientId, 'dot', 'Taken-Over-99'), 'NotAuthorizedException', 'Incorrect username or password.');
});
