import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminGetUserCommand, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { createUser, PASSWORD } from './support/fixtures.js';
import { control } from './support/control.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
// The library signs its SRP claim with the real time; the server's clock starts there.
useServer((s, c) => ((server = s), (client = c)), { realTime: true });

async function latestCode(poolId: string, username: string, purpose: string): Promise<string> {
  const answer = await control(server.url, 'GET', `/_cognate/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`);
  const message = (answer.body.Messages as { purpose: string; message: string }[]).find((m) => m.purpose === purpose);
  assert.ok(message, `a ${purpose} message in the outbox`);
  return /(\d{6})/.exec(message.message)![1];
}

test('updateAttributes, getAttributeVerificationCode and verifyAttribute with amazon-cognito-identity-js', async () => {
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'verify', AutoVerifiedAttributes: ['email'] }));
  const poolId = pool.UserPool!.Id!;
  const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
  await createUser(client, poolId, 'ann', [{ Name: 'email', Value: 'ann@example.com' }, { Name: 'email_verified', Value: 'true' }]);
  const user = new CognitoUser({ Username: 'ann', Pool: new CognitoUserPool({ UserPoolId: poolId, ClientId: app.UserPoolClient!.ClientId!, endpoint: server.url }) });
  await new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: 'ann', Password: PASSWORD }), { onSuccess: resolve, onFailure: reject }),
  );

  const updated = await new Promise<{ result?: string; details?: any }>((resolve, reject) =>
    user.updateAttributes([{ Name: 'email', Value: 'new@example.org' }], (err, result, details) => (err ? reject(err) : resolve({ result, details })), { from: 'js' }),
  );
  assert.equal(updated.result, 'SUCCESS');
  assert.deepEqual(updated.details.CodeDeliveryDetailsList, [{ Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);

  // A new code on request (the first one is replaced), then verifyAttribute with it.
  const delivery = await new Promise<any>((resolve, reject) =>
    user.getAttributeVerificationCode('email', { onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }),
  );
  assert.deepEqual(delivery.CodeDeliveryDetails, { Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  const code = await latestCode(poolId, 'ann', 'VERIFY_EMAIL');
  const wrong = await new Promise<any>((resolve) =>
    user.verifyAttribute('email', code === '000000' ? '111111' : '000000', { onSuccess: () => resolve(undefined), onFailure: resolve }),
  );
  assert.equal(wrong.code, 'CodeMismatchException');
  assert.equal(await new Promise((resolve, reject) => user.verifyAttribute('email', code, { onSuccess: resolve, onFailure: reject })), 'SUCCESS');

  const after = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }));
  assert.equal(after.UserAttributes!.find((a) => a.Name === 'email')!.Value, 'new@example.org');
  assert.equal(after.UserAttributes!.find((a) => a.Name === 'email_verified')!.Value, 'true');
});

test('a pool that holds updates until verified: updateAttributes keeps the old email, verifyAttribute applies the new one', async () => {
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'held',
      AliasAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    }),
  );
  const poolId = pool.UserPool!.Id!;
  const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
  await createUser(client, poolId, 'ann', [{ Name: 'email', Value: 'ann@example.com' }, { Name: 'email_verified', Value: 'true' }]);
  const userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: app.UserPoolClient!.ClientId!, endpoint: server.url });
  const signIn = (name: string) => {
    const user = new CognitoUser({ Username: name, Pool: userPool });
    return new Promise<CognitoUser>((resolve, reject) =>
      user.authenticateUser(new AuthenticationDetails({ Username: name, Password: PASSWORD }), { onSuccess: () => resolve(user), onFailure: reject }),
    );
  };
  const user = await signIn('ann');
  const emailOf = () =>
    new Promise<Record<string, string>>((resolve, reject) =>
      user.getUserAttributes((err, attributes) => (err ? reject(err) : resolve(Object.fromEntries(attributes!.map((a) => [a.getName(), a.getValue()]))))),
    );

  const updated = await new Promise<{ result?: string; details?: any }>((resolve, reject) =>
    user.updateAttributes([{ Name: 'email', Value: 'new@example.org' }], (err, result, details) => (err ? reject(err) : resolve({ result, details }))),
  );
  assert.equal(updated.result, 'SUCCESS');
  assert.deepEqual(updated.details.CodeDeliveryDetailsList, [{ Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
  const held = await emailOf();
  assert.equal(held.email, 'ann@example.com');
  assert.equal(held.email_verified, 'true');
  // The old email still signs in (SRP, by alias).
  await signIn('ann@example.com');

  const code = await latestCode(poolId, 'ann', 'VERIFY_EMAIL');
  const wrong = await new Promise<any>((resolve) =>
    user.verifyAttribute('email', code === '000000' ? '111111' : '000000', { onSuccess: () => resolve(undefined), onFailure: resolve }),
  );
  assert.equal(wrong.code, 'CodeMismatchException');
  assert.equal((await emailOf()).email, 'ann@example.com');
  assert.equal(await new Promise((resolve, reject) => user.verifyAttribute('email', code, { onSuccess: resolve, onFailure: reject })), 'SUCCESS');
  const applied = await emailOf();
  assert.equal(applied.email, 'new@example.org');
  assert.equal(applied.email_verified, 'true');
  await signIn('new@example.org');
});
