import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { createPool, rejectsWith } from './support/fixtures.js';
import { control } from './support/control.js';
import { useServer, type TestServer } from './support/server.js';

/**
 * AdminCreateUser with MessageAction RESEND: "resend the invitation message to a user that already
 * exists, and to reset the temporary-password duration with a new temporary password" (AWS API
 * reference). Read through the outbox, over HTTP, as a test suite would.
 */
let server: TestServer;
let client: CognitoIdentityProviderClient;
useServer((s, c) => {
  server = s;
  client = c;
});

async function invitations(poolId: string, username: string): Promise<any[]> {
  const answer = await control(server.url, 'GET', `/_cognate/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`);
  return answer.body.Messages.filter((m: any) => m.purpose === 'INVITATION');
}
const passwordIn = (message: string) => /temporary password is (\S+)\.$/.exec(message)![1];

test('RESEND sends a new temporary password, the old one stops working, and the 7 days start again', async () => {
  const { poolId, clientId } = await createPool(client);
  const signIn = (PASSWORD: string) =>
    client.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_NO_SRP_AUTH', AuthParameters: { USERNAME: 'ivy', PASSWORD } }));
  await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivy', UserAttributes: [{ Name: 'email', Value: 'ivy@example.com' }] }));
  const [first] = await invitations(poolId, 'ivy');
  const firstPassword = passwordIn(first.message);
  assert.equal((await signIn(firstPassword)).ChallengeName, 'NEW_PASSWORD_REQUIRED');

  // Eight days on, the first temporary password has expired; an administrator resends.
  server.clock.advance(8 * 86_400_000);
  await rejectsWith(signIn(firstPassword), 'NotAuthorizedException', 'Temporary password has expired and must be reset by an administrator.');
  const resent = await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivy', MessageAction: 'RESEND' }));
  assert.equal(resent.User?.Username, 'ivy');
  assert.equal(resent.User?.UserStatus, 'FORCE_CHANGE_PASSWORD');
  const sent = await invitations(poolId, 'ivy');
  assert.equal(sent.length, 2, 'a second invitation');
  assert.equal(sent[0].destination, 'ivy@example.com');
  const secondPassword = passwordIn(sent[0].message);
  assert.notEqual(secondPassword, firstPassword);
  await rejectsWith(signIn(firstPassword), 'NotAuthorizedException');
  assert.equal((await signIn(secondPassword)).ChallengeName, 'NEW_PASSWORD_REQUIRED', 'the new password works, its validity started again');

  // A TemporaryPassword given with RESEND is the one sent; the pool's policy applies to it.
  await rejectsWith(
    client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivy', MessageAction: 'RESEND', TemporaryPassword: 'short' })),
    'InvalidPasswordException',
  );
  await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivy', MessageAction: 'RESEND', TemporaryPassword: 'Chosen-Temp-Pass-7' }));
  assert.equal(passwordIn((await invitations(poolId, 'ivy'))[0].message), 'Chosen-Temp-Pass-7');
  assert.equal((await signIn('Chosen-Temp-Pass-7')).ChallengeName, 'NEW_PASSWORD_REQUIRED');
  await rejectsWith(signIn(secondPassword), 'NotAuthorizedException');
  const user = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ivy' }));
  assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
});
