import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { createUser, nextStep, PASSWORD, totpCode } from './support/fixtures.js';
import { WebStorage } from './support/compat.js';
import { useServer, type TestServer } from './support/server.js';

/**
 * Remembered devices with amazon-cognito-identity-js (issue 16), in an MFA-ON pool whose devices are
 * remembered on the user's prompt and then stand in for the TOTP code (ChallengeRequiredOnNewDevice).
 * Each CognitoUser has a storage of its own (WebStorage, what a browser's localStorage is): one
 * storage is one device. The library computes the device verifier (ConfirmDevice) and the device
 * SRP proof (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) itself, so its acceptance checks the math.
 */

let server: TestServer;
let admin: CognitoIdentityProviderClient;
useServer((s, c) => ((server = s), (admin = c)), { realTime: true });

async function devicePool(client: CognitoIdentityProviderClient): Promise<{ poolId: string; clientId: string }> {
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: `devices-${Math.random().toString(36).slice(2, 8)}`,
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    }),
  );
  const poolId = pool.UserPool!.Id!;
  await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'ON' }));
  const app = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId! };
}

/** One device: a storage, and the requests the library made from it (operation and challenge). */
function device(poolId: string, clientId: string, username: string) {
  const storage = new WebStorage();
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url, Storage: storage as any });
  const calls: string[] = [];
  const client = (pool as any).client;
  const request = client.request.bind(client);
  client.request = (operation: string, params: any, callback: any) => {
    calls.push(params?.ChallengeName ? `${operation}:${params.ChallengeName}` : operation);
    return request(operation, params, callback);
  };
  return { storage, calls, pool, user: () => new CognitoUser({ Username: username, Pool: pool, Storage: storage as any }) };
}

type Outcome =
  | { kind: 'success'; session: CognitoUserSession; confirmationNecessary?: boolean }
  | { kind: 'failure'; error: any }
  | { kind: 'totpRequired' }
  | { kind: 'mfaSetup' };

function signIn(user: CognitoUser): Promise<Outcome> {
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: PASSWORD }), {
      onSuccess: (session, confirmationNecessary) => resolve({ kind: 'success', session, confirmationNecessary }),
      onFailure: (error) => resolve({ kind: 'failure', error }),
      totpRequired: () => resolve({ kind: 'totpRequired' }),
      mfaSetup: () => resolve({ kind: 'mfaSetup' }),
    });
  });
}

function sendCode(user: CognitoUser, code: string): Promise<Outcome> {
  return new Promise((resolve) => {
    user.sendMFACode(
      code,
      {
        onSuccess: (session, confirmationNecessary) => resolve({ kind: 'success', session, confirmationNecessary }),
        onFailure: (error) => resolve({ kind: 'failure', error }),
      },
      'SOFTWARE_TOKEN_MFA',
    );
  });
}

const callback = <T>(run: (cb: { onSuccess: (v: T) => void; onFailure: (e: any) => void }) => void) =>
  new Promise<T>((resolve, reject) => run({ onSuccess: resolve, onFailure: reject }));

test('amazon-cognito-identity-js: TOTP once, remember the device, then sign in on it without a code; a new device still needs one; forgetting brings MFA back', async () => {
  const { poolId, clientId } = await devicePool(admin);
  const described = await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.deepEqual(described.UserPool!.DeviceConfiguration, { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true });
  await createUser(admin, poolId, 'ann');

  // SRP sign-in in an MFA-ON pool: TOTP is enrolled in the MFA_SETUP step.
  const laptop = device(poolId, clientId, 'ann');
  const first = laptop.user();
  assert.equal((await signIn(first)).kind, 'mfaSetup');
  const secret = await new Promise<string>((resolve, reject) => first.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
  await callback<unknown>((cb) => first.verifySoftwareToken(totpCode(secret, server.clock.now()), 'phone', cb));

  // Signed in with the code: the tokens come with NewDeviceMetadata, which the library confirms.
  nextStep(server.clock);
  const withCode = laptop.user();
  assert.equal((await signIn(withCode)).kind, 'totpRequired');
  const confirmed = await sendCode(withCode, totpCode(secret, server.clock.now()));
  assert.equal(confirmed.kind, 'success', JSON.stringify(confirmed));
  // DeviceOnlyRememberedOnUserPrompt: the user must be asked (UserConfirmationNecessary).
  assert.equal((confirmed as any).confirmationNecessary, true);
  assert.ok(laptop.calls.includes('ConfirmDevice'));
  const deviceKey = laptop.storage.getItem(`CognitoIdentityServiceProvider.${clientId}.ann.deviceKey`)!;
  assert.match(deviceKey, /^us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const accessClaims = (confirmed as any).session.getAccessToken().decodePayload();
  assert.equal(accessClaims.device_key, deviceKey, 'the access token names the device');

  // The device is tracked but not remembered yet: the code is still asked for, and is enough
  // (amazon-cognito-identity-js would answer a device challenge after the code with the code's spent session).
  const notYet = laptop.user();
  laptop.calls.length = 0;
  assert.equal((await signIn(notYet)).kind, 'totpRequired');
  nextStep(server.clock);
  const notYetDone = await sendCode(notYet, totpCode(secret, server.clock.now()));
  assert.equal(notYetDone.kind, 'success', String((notYetDone as any).error));
  assert.equal((notYetDone as any).session.getAccessToken().decodePayload().device_key, deviceKey, 'no new device: the same one');
  assert.deepEqual(laptop.calls, [
    'InitiateAuth',
    'RespondToAuthChallenge:PASSWORD_VERIFIER',
    'RespondToAuthChallenge:SOFTWARE_TOKEN_MFA',
  ]);

  await callback<string>((cb) => notYet.setDeviceStatusRemembered(cb));

  // Remembered: the same storage signs in without any code (the device's SRP instead).
  const remembered = laptop.user();
  laptop.calls.length = 0;
  const noCode = await signIn(remembered);
  assert.equal(noCode.kind, 'success', JSON.stringify(noCode));
  assert.deepEqual(laptop.calls, [
    'InitiateAuth',
    'RespondToAuthChallenge:PASSWORD_VERIFIER',
    'RespondToAuthChallenge:DEVICE_SRP_AUTH',
    'RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER',
  ]);
  assert.equal((noCode as any).session.getAccessToken().decodePayload().device_key, deviceKey);

  // Another storage is another device: the code is asked for.
  const phone = device(poolId, clientId, 'ann');
  const other = phone.user();
  assert.equal((await signIn(other)).kind, 'totpRequired');
  nextStep(server.clock);
  assert.equal((await sendCode(other, totpCode(secret, server.clock.now()))).kind, 'success');
  const phoneKey = phone.storage.getItem(`CognitoIdentityServiceProvider.${clientId}.ann.deviceKey`)!;
  assert.notEqual(phoneKey, deviceKey);

  // listDevices: both, with Cognito's attributes.
  const listed = await callback<any>((cb) => remembered.listDevices(60, null, cb));
  const byKey = new Map<string, any>(listed.Devices.map((d: any) => [d.DeviceKey, d]));
  assert.deepEqual([...byKey.keys()].sort(), [deviceKey, phoneKey].sort());
  const attrs = Object.fromEntries(byKey.get(deviceKey).DeviceAttributes.map((a: any) => [a.Name, a.Value]));
  assert.equal(attrs.device_status, 'valid');
  assert.equal(attrs['dev:device_remembered_status'], 'remembered');
  assert.equal(typeof attrs.device_name, 'string');
  assert.match(attrs.last_ip_used, /127\.0\.0\.1/);
  assert.equal(Object.fromEntries(byKey.get(phoneKey).DeviceAttributes.map((a: any) => [a.Name, a.Value]))['dev:device_remembered_status'], 'not_remembered');
  assert.equal(typeof byKey.get(deviceKey).DeviceLastAuthenticatedDate, 'number');

  // refreshSession sends the stored DEVICE_KEY; the new access token keeps naming the device.
  const refreshed = await new Promise<CognitoUserSession>((resolve, reject) =>
    remembered.refreshSession((noCode as any).session.getRefreshToken(), (err: any, s: CognitoUserSession) => (err ? reject(err) : resolve(s))),
  );
  assert.equal(refreshed.getAccessToken().decodePayload().device_key, deviceKey);

  // forgetDevice: the library drops its device, and the next sign-in asks for the code again.
  await callback<string>((cb) => remembered.forgetDevice(cb));
  assert.equal(laptop.storage.getItem(`CognitoIdentityServiceProvider.${clientId}.ann.deviceKey`), null);
  const afterForget = laptop.user();
  assert.equal((await signIn(afterForget)).kind, 'totpRequired');
  const left = await callback<any>((cb) => other.listDevices(10, null, cb));
  assert.deepEqual(left.Devices.map((d: any) => d.DeviceKey), [phoneKey]);
});
