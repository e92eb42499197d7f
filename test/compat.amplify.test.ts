import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GetUserCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  fetchAuthSession,
  fetchMFAPreference,
  fetchUserAttributes,
  getCurrentUser,
  setUpTOTP,
  signIn,
  signOut,
  updateMFAPreference,
  updateUserAttributes,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { createUser, PASSWORD, rejectsWith, totpCode } from './support/fixtures.js';
import { compatPool, SharedClock, type Mfa } from './support/compat.js';
import { useServer, type TestServer } from './support/server.js';

/**
 * Compatibility: an application built on Amplify v6 (aws-amplify, `aws-amplify/auth`) pointed at
 * Cognate with `userPoolEndpoint`, in Node 20 with nothing but Node's own globals (fetch, Web
 * Crypto; Amplify keeps its tokens in its in-memory storage when there is no localStorage):
 * signIn over USER_SRP_AUTH (Amplify's default), TOTP enrolment (setUpTOTP, verifyTOTPSetup,
 * updateMFAPreference; or the MFA_SETUP step of an MFA-ON pool) and a TOTP sign-in (confirmSignIn),
 * fetchAuthSession({ forceRefresh: true }) (Amplify refreshes with GetTokensFromRefreshToken),
 * fetchAuthSession once the access token has expired, fetchUserAttributes, updateUserAttributes and
 * signOut({ global: true }), in pools with TOTP MFA OFF, OPTIONAL and ON.
 *
 * Client secrets: Amplify does not support app clients with a secret (it never sends SECRET_HASH;
 * the Amplify docs require a client without one), so no client here has one. The secret cases are
 * in compat.boto3 and compat.awscli.
 *
 * Amplify is a singleton: each test configures it for its own pool and signs out at the end.
 * Time: Amplify checks expiry with `Date`, so the test's `Date` shows the server's clock (SharedClock).
 */

let server: TestServer;
let admin: CognitoIdentityProviderClient;
useServer((s, c) => ((server = s), (admin = c)));

function configure(fixture: { poolId: string; clientId: string }): void {
  Amplify.configure({ Auth: { Cognito: { userPoolId: fixture.poolId, userPoolClientId: fixture.clientId, userPoolEndpoint: server.url } } });
}

/** Signs in the way a user of a pool in this MFA mode does with Amplify; returns the TOTP secret if any. */
async function signInAs(clock: SharedClock, username: string, mfa: Mfa): Promise<string | undefined> {
  const first = await signIn({ username, password: PASSWORD });
  if (mfa === 'OFF') {
    assert.deepEqual(first, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    return undefined;
  }

  let secret: string;
  if (mfa === 'OPTIONAL') {
    assert.equal(first.nextStep.signInStep, 'DONE');
    const details = await setUpTOTP();
    secret = details.sharedSecret;
    assert.match(secret, /^[A-Z2-7]{52}$/);
    // The URI an authenticator app scans.
    const uri = details.getSetupUri('Compat', username);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.searchParams.get('secret'), secret);
    await verifyTOTPSetup({ code: totpCode(secret, clock.now()), options: { friendlyDeviceName: `${username} phone` } });
    await updateMFAPreference({ totp: 'PREFERRED' });
    assert.deepEqual(await fetchMFAPreference(), { preferred: 'TOTP', enabled: ['TOTP'] });
  } else {
    // An MFA-ON pool and no MFA yet: Amplify associates a token with the MFA_SETUP session.
    assert.equal(first.isSignedIn, false);
    assert.equal(first.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
    secret = (first.nextStep as any).totpSetupDetails.sharedSecret;
    assert.match(secret, /^[A-Z2-7]{52}$/);
    const done = await confirmSignIn({ challengeResponse: totpCode(secret, clock.now()) });
    assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    assert.deepEqual(await fetchMFAPreference(), { preferred: 'TOTP', enabled: ['TOTP'] });
  }

  // Signed out and in again: now a code is asked for. The code just used is spent: next step's.
  await signOut();
  clock.nextStep();
  const again = await signIn({ username, password: PASSWORD });
  assert.equal(again.isSignedIn, false);
  assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  const done = await confirmSignIn({ challengeResponse: totpCode(secret, clock.now()) });
  assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  return secret;
}

for (const mfa of ['OFF', 'OPTIONAL', 'ON'] as const) {
  test(`Amplify v6, TOTP MFA ${mfa}: signIn, fetchAuthSession (forced and after expiry), fetchUserAttributes, updateUserAttributes, signOut global`, async () => {
    const clock = new SharedClock(server.clock);
    clock.install();
    try {
      const fixture = await compatPool(admin, { mfa });
      const username = `amp${mfa.toLowerCase()}`;
      // email_verified as admin scripts often write it: "True".
      await createUser(admin, fixture.poolId, username, [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'email_verified', Value: 'True' },
      ]);
      configure(fixture);

      await signInAs(clock, username, mfa);
      const current = await getCurrentUser();
      assert.equal(current.username, username);

      const session = await fetchAuthSession();
      const access = session.tokens!.accessToken;
      assert.equal(access.payload.username, username);
      assert.equal(access.payload.client_id, fixture.clientId);
      assert.equal(session.tokens!.idToken!.payload.email, `${username}@example.com`);
      assert.equal(session.tokens!.idToken!.payload.email_verified, true, 'email_verified is a JSON true in the ID token');
      assert.equal(current.userId, access.payload.sub);

      // forceRefresh: new tokens from the refresh token, for the same user and session.
      clock.advance(5_000);
      const forced = await fetchAuthSession({ forceRefresh: true });
      assert.notEqual(forced.tokens!.accessToken.toString(), access.toString());
      assert.equal(forced.tokens!.accessToken.payload.sub, access.payload.sub);
      assert.equal(forced.tokens!.accessToken.payload.iat, Math.floor(clock.now() / 1000));
      assert.equal(forced.tokens!.accessToken.payload.origin_jti, access.payload.origin_jti);
      assert.equal(forced.tokens!.idToken!.payload['cognito:username'], username);
      assert.equal((await admin.send(new GetUserCommand({ AccessToken: forced.tokens!.accessToken.toString() }))).Username, username);

      // fetchUserAttributes: GetUser's attributes as a record.
      const attributes = await fetchUserAttributes();
      assert.equal(attributes.email, `${username}@example.com`);
      assert.equal(attributes.email_verified?.toLowerCase(), 'true');
      assert.equal(attributes.sub, access.payload.sub);

      // updateUserAttributes: attributes that need no verification are updated at once.
      const updated = await updateUserAttributes({ userAttributes: { name: 'Amp Example', locale: 'en-GB' } });
      assert.deepEqual(updated, {
        name: { isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } },
        locale: { isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } },
      });
      const after = await fetchUserAttributes();
      assert.equal(after.name, 'Amp Example');
      assert.equal(after.locale, 'en-GB');

      // An hour later the access token has expired: fetchAuthSession refreshes by itself.
      const beforeExpiry = forced.tokens!.accessToken.toString();
      clock.advance(3_601_000);
      await rejectsWith(admin.send(new GetUserCommand({ AccessToken: beforeExpiry })), 'NotAuthorizedException', 'Access Token has expired');
      const later = await fetchAuthSession();
      assert.notEqual(later.tokens!.accessToken.toString(), beforeExpiry);
      assert.equal(later.tokens!.accessToken.payload.iat, Math.floor(clock.now() / 1000));
      assert.equal((await fetchUserAttributes()).name, 'Amp Example');

      // signOut({ global: true }): every token of the user is revoked, and Amplify forgets them.
      const lastAccess = later.tokens!.accessToken.toString();
      await signOut({ global: true });
      await rejectsWith(admin.send(new GetUserCommand({ AccessToken: lastAccess })), 'NotAuthorizedException', 'Access Token has been revoked');
      assert.equal((await fetchAuthSession()).tokens, undefined);
      await assert.rejects(getCurrentUser(), { name: 'UserUnAuthenticatedException' });

      // A wrong password is reported with Cognito's error name and message.
      await assert.rejects(signIn({ username, password: 'Wrong-Pass-1' }), {
        name: 'NotAuthorizedException',
        message: 'Incorrect username or password.',
      });
    } finally {
      await signOut().catch(() => undefined);
      clock.restore();
    }
  });
}

test('Amplify v6, a client created with legacy ExplicitAuthFlows ["ADMIN_NO_SRP_AUTH"]: SRP signIn and forced refresh work, as on Cognito', async () => {
  const clock = new SharedClock(server.clock);
  clock.install();
  try {
    const fixture = await compatPool(admin, { flows: ['ADMIN_NO_SRP_AUTH'] });
    await createUser(admin, fixture.poolId, 'amplegacy', [{ Name: 'email', Value: 'amplegacy@example.com' }]);
    configure(fixture);
    assert.deepEqual(await signIn({ username: 'amplegacy', password: PASSWORD }), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const first = (await fetchAuthSession()).tokens!.accessToken;
    clock.advance(5_000);
    const forced = (await fetchAuthSession({ forceRefresh: true })).tokens!.accessToken;
    assert.notEqual(forced.toString(), first.toString());
    assert.equal(forced.payload.sub, first.payload.sub);
    assert.equal((await fetchUserAttributes()).email, 'amplegacy@example.com');
  } finally {
    await signOut().catch(() => undefined);
    clock.restore();
  }
});
