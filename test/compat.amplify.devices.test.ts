import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminListDevicesCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, fetchDevices, forgetDevice, rememberDevice, signIn, signOut } from 'aws-amplify/auth';
import { createUser, PASSWORD, totpCode } from './support/fixtures.js';
import { MODERN_FLOWS, SharedClock } from './support/compat.js';
import { useServer, type TestServer } from './support/server.js';

/**
 * Remembered devices with Amplify v6 (issue 16): signIn and confirmSignIn in an MFA-ON pool that
 * tracks devices (Amplify confirms the new device by itself), rememberDevice, a sign-in on the
 * remembered device without a code (Amplify runs DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER),
 * fetchDevices, a forced refresh (GetTokensFromRefreshToken with the DeviceKey), forgetDevice, and
 * the code asked for again.
 *
 * Amplify names the device from `navigator` (getDeviceName), which Node 20 lacks; without it Amplify
 * silently skips ConfirmDevice. The test gives it the `navigator.userAgent` every browser has.
 */

let server: TestServer;
let admin: CognitoIdentityProviderClient;
useServer((s, c) => ((server = s), (admin = c)));

test('Amplify v6: rememberDevice, a sign-in without the code on that device, fetchDevices, refresh, forgetDevice and the code again', async () => {
  const hadNavigator = 'navigator' in globalThis;
  if (!hadNavigator) Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'Cognate test browser' }, configurable: true });
  const clock = new SharedClock(server.clock);
  clock.install();
  try {
    const pool = await admin.send(
      new CreateUserPoolCommand({
        PoolName: 'amplify-devices',
        DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
      }),
    );
    const poolId = pool.UserPool!.Id!;
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'ON' }));
    const app = await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'amplify', ExplicitAuthFlows: MODERN_FLOWS as any }));
    Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: app.UserPoolClient!.ClientId!, userPoolEndpoint: server.url } } });
    await createUser(admin, poolId, 'ampdev');

    // MFA ON: TOTP is set up in the sign-in; the tokens bring a new device, which Amplify confirms.
    const first = await signIn({ username: 'ampdev', password: PASSWORD });
    assert.equal(first.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
    const secret = (first.nextStep as any).totpSetupDetails.sharedSecret as string;
    assert.deepEqual(await confirmSignIn({ challengeResponse: totpCode(secret, clock.now()) }), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const devices = await fetchDevices();
    assert.equal(devices.length, 1);
    const [mine] = devices;
    assert.match(mine.id, /^us-east-1_[0-9a-f-]{36}$/);
    assert.equal(mine.name, 'Cognate test browser');
    assert.equal(mine.attributes['dev:device_remembered_status'], 'not_remembered');
    assert.ok(mine.createDate instanceof Date);
    assert.equal((await fetchAuthSession()).tokens!.accessToken.payload.device_key, mine.id);

    await rememberDevice();
    assert.equal((await fetchDevices())[0].attributes['dev:device_remembered_status'], 'remembered');

    // Signed out and in again on the remembered device: no code.
    await signOut();
    clock.nextStep();
    assert.deepEqual(await signIn({ username: 'ampdev', password: PASSWORD }), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const session = await fetchAuthSession();
    assert.equal(session.tokens!.accessToken.payload.device_key, mine.id);
    const listed = await admin.send(new AdminListDevicesCommand({ UserPoolId: poolId, Username: 'ampdev' }));
    assert.equal(listed.Devices!.length, 1, 'no new device for a remembered one');
    assert.ok(listed.Devices![0].DeviceLastAuthenticatedDate instanceof Date);

    // A forced refresh sends the DeviceKey; the tokens keep naming the device.
    clock.advance(5_000);
    const forced = await fetchAuthSession({ forceRefresh: true });
    assert.notEqual(forced.tokens!.accessToken.toString(), session.tokens!.accessToken.toString());
    assert.equal(forced.tokens!.accessToken.payload.device_key, mine.id);

    // forgetDevice: gone from the list, and the next sign-in asks for the code.
    await forgetDevice();
    assert.deepEqual(await fetchDevices(), []);
    await signOut();
    clock.nextStep();
    const again = await signIn({ username: 'ampdev', password: PASSWORD });
    assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    assert.deepEqual(await confirmSignIn({ challengeResponse: totpCode(secret, clock.now()) }), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const fresh = await fetchDevices();
    assert.equal(fresh.length, 1);
    assert.notEqual(fresh[0].id, mine.id, 'a new device after the forgotten one');
  } finally {
    await signOut().catch(() => undefined);
    clock.restore();
    if (!hadNavigator) delete (globalThis as any).navigator;
  }
});
