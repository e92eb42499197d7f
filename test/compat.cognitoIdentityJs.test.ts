import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GetUserCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { createUser, PASSWORD, rejectsWith, totpCode } from './support/fixtures.js';
import { compatPool, SharedClock, WebStorage, type Mfa } from './support/compat.js';
import { useServer, type TestServer } from './support/server.js';

/**
 * Compatibility: an application built on amazon-cognito-identity-js, as a new user would write it
 * (issue 10). Every call goes through the library's own API, against a real server over HTTP, the
 * library keeping its session in the `Storage` it is given: a store with a browser localStorage's
 * contract (WebStorage: a missing key reads `null`, so refreshSession sends `DEVICE_KEY: null` as it
 * does in a browser), or its own default for Node (one legacy case and the short-token case):
 * authenticateUser over SRP, TOTP enrolment and sign-in (associateSoftwareToken,
 * verifySoftwareToken, setUserMfaPreference, sendMFACode), refreshSession right after sign-in,
 * getSession once the access token has expired, getUserData, updateAttributes, changePassword and
 * globalSignOut; in pools with TOTP MFA OFF, OPTIONAL and ON, and with app clients created with the
 * legacy ExplicitAuthFlows names.
 *
 * Client secrets: amazon-cognito-identity-js never sends SECRET_HASH ("the generate client secret box
 * must be unchecked because the JavaScript SDK doesn't support apps that have a client secret", its
 * README), so every client here is created without one. The secret cases are in compat.boto3 and
 * compat.awscli.
 *
 * Time: the library decides expiry with `Date` (exp against the local time less the clock drift it
 * measured at sign-in), so the test's `Date` shows the server's clock (SharedClock): moving the
 * server's clock an hour on is an hour lived by the user's machine too.
 */

let server: TestServer;
let admin: CognitoIdentityProviderClient;
useServer((s, c) => ((server = s), (admin = c)));

const NEW_PASSWORD = 'Changed-Horse-8';

/**
 * The app's pool object and the storage it keeps its session in: `Storage` as a browser's
 * localStorage behaves (WebStorage), or, with `undefined`, the library's own default for Node.
 */
class App {
  readonly pool: CognitoUserPool;
  constructor(
    fixture: { poolId: string; clientId: string },
    readonly storage: WebStorage | undefined,
  ) {
    this.pool = new CognitoUserPool({ UserPoolId: fixture.poolId, ClientId: fixture.clientId, endpoint: server.url, Storage: storage });
  }
  user(username: string): CognitoUser {
    return new CognitoUser({ Username: username, Pool: this.pool, Storage: this.storage });
  }
}

type Outcome =
  | { kind: 'success'; session: CognitoUserSession }
  | { kind: 'failure'; error: any }
  | { kind: 'totpRequired' }
  | { kind: 'mfaSetup' };

/** authenticateUser (USER_SRP_AUTH unless the user's flow type was changed), callbacks as one outcome. */
function authenticate(user: CognitoUser, password = PASSWORD): Promise<Outcome> {
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
      onSuccess: (session) => resolve({ kind: 'success', session }),
      onFailure: (error) => resolve({ kind: 'failure', error }),
      totpRequired: () => resolve({ kind: 'totpRequired' }),
      mfaSetup: () => resolve({ kind: 'mfaSetup' }),
      mfaRequired: () => resolve({ kind: 'failure', error: new Error('unexpected SMS_MFA challenge') }),
      selectMFAType: () => resolve({ kind: 'failure', error: new Error('unexpected SELECT_MFA_TYPE challenge') }),
      newPasswordRequired: () => resolve({ kind: 'failure', error: new Error('unexpected NEW_PASSWORD_REQUIRED challenge') }),
    });
  });
}

function nodeCallback<T>(run: (done: (err: any, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
}

function associate(user: CognitoUser): Promise<string> {
  return new Promise((resolve, reject) => user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
}

function verify(user: CognitoUser, code: string, device: string): Promise<any> {
  return new Promise((resolve, reject) => user.verifySoftwareToken(code, device, { onSuccess: resolve, onFailure: reject }));
}

function sendTotp(user: CognitoUser, code: string): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) => user.sendMFACode(code, { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA'));
}

function success(outcome: Outcome): CognitoUserSession {
  if (outcome.kind !== 'success') {
    const error = outcome.kind === 'failure' ? `${outcome.error?.code ?? outcome.error?.name}: ${outcome.error?.message}` : outcome.kind;
    assert.fail(`expected authenticateUser to succeed, got ${error}`);
  }
  return outcome.session;
}

const attrs = (data: { UserAttributes: { Name: string; Value: string }[] }) =>
  Object.fromEntries(data.UserAttributes.map((a) => [a.Name, a.Value]));

/**
 * Signs `username` in the way a user of a pool in this MFA mode does with the library, enrolling
 * TOTP with the library's own calls where the pool has TOTP: OFF signs straight in; OPTIONAL signs
 * in, enrols and prefers TOTP, then signs in again with a code; ON answers the MFA_SETUP challenge by
 * enrolling, then signs in again with a code. Returns the user and the session of the last sign-in.
 */
async function signIn(
  clock: SharedClock,
  app: App,
  username: string,
  mfa: Mfa,
): Promise<{ user: CognitoUser; session: CognitoUserSession; secret?: string }> {
  const first = app.user(username);
  const outcome = await authenticate(first);
  if (mfa === 'OFF') return { user: first, session: success(outcome) };

  let secret: string;
  if (mfa === 'OPTIONAL') {
    success(outcome);
    secret = await associate(first);
    assert.match(secret, /^[A-Z2-7]{52}$/);
    assert.equal((await verify(first, totpCode(secret, clock.now()), `${username} phone`)).Status, 'SUCCESS');
    assert.equal(await nodeCallback((done) => first.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, done)), 'SUCCESS');
  } else {
    assert.equal(outcome.kind, 'mfaSetup', JSON.stringify(outcome));
    secret = await associate(first);
    // verifySoftwareToken with the MFA_SETUP session answers the challenge too: the user is in.
    const enrolled = await verify(first, totpCode(secret, clock.now()), `${username} phone`);
    assert.equal(enrolled.getAccessToken().decodePayload().username, username);
  }

  // Signing in again now asks for a code; the code just used is spent, so take the next step's.
  clock.nextStep();
  const user = app.user(username);
  assert.equal((await authenticate(user)).kind, 'totpRequired');
  const session = await sendTotp(user, totpCode(secret, clock.now()));
  assert.ok(session.isValid());
  return { user, session, secret };
}

/**
 * The session-management calls an app makes after sign-in, in order. With `full`, also
 * updateAttributes, changePassword and globalSignOut.
 */
async function sessionLifecycle(
  clock: SharedClock,
  fixture: { poolId: string; clientId: string },
  username: string,
  mfa: Mfa,
  options: { full?: boolean; storage?: WebStorage; emailVerified?: boolean } = {},
): Promise<void> {
  const app = new App(fixture, options.storage);
  const pool = app.pool;
  const { user, session, secret } = await signIn(clock, app, username, mfa);
  const signedIn = session.getAccessToken().decodePayload();
  assert.equal(signedIn.username, username);
  assert.equal(signedIn.client_id, fixture.clientId);
  const idClaims = session.getIdToken().decodePayload();
  assert.equal(idClaims.email, `${username}@example.com`);
  if (options.emailVerified) assert.equal(idClaims.email_verified, true, 'email_verified is a JSON true in the ID token');

  // refreshSession straight after sign-in, the library reading the user and device key from its
  // storage: with a browser's localStorage it sends AuthParameters { REFRESH_TOKEN, DEVICE_KEY: null }
  // (no device is remembered), which Cognito accepts (issue 10).
  clock.advance(5_000);
  const refreshed = await nodeCallback<CognitoUserSession>((done) => user.refreshSession(session.getRefreshToken(), done));
  const refreshedAccess = refreshed.getAccessToken().decodePayload();
  assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
  assert.equal(refreshedAccess.sub, signedIn.sub);
  assert.equal(refreshedAccess.iat, Math.floor(clock.now() / 1000));
  assert.equal(refreshed.getIdToken().decodePayload()['cognito:username'], username);
  assert.equal(refreshed.getRefreshToken().getToken(), session.getRefreshToken().getToken(), 'the library keeps the refresh token');

  // getUserData reads GetUser with the access token.
  const data = await nodeCallback<any>((done) => user.getUserData(done, { bypassCache: true }));
  assert.equal(data.Username, username);
  assert.equal(attrs(data).email, `${username}@example.com`);
  assert.equal(attrs(data).sub, signedIn.sub);
  if (mfa === 'OFF') {
    assert.equal(data.PreferredMfaSetting, undefined);
  } else {
    assert.equal(data.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
    assert.deepEqual(data.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  }

  // An hour later the app starts again: the pool's current user from storage, getSession. The access
  // token has expired, so the library refreshes it with the refresh token it stored.
  const beforeExpiry = refreshed.getAccessToken().getJwtToken();
  clock.advance(3_601_000);
  await rejectsWith(admin.send(new GetUserCommand({ AccessToken: beforeExpiry })), 'NotAuthorizedException', 'Access Token has expired');
  const current = pool.getCurrentUser();
  assert.ok(current, 'the library remembers the last user');
  assert.equal(current.getUsername(), username);
  const later = await nodeCallback<CognitoUserSession>((done) => current.getSession(done));
  assert.ok(later.isValid());
  assert.notEqual(later.getAccessToken().getJwtToken(), beforeExpiry);
  assert.equal(later.getAccessToken().decodePayload().iat, Math.floor(clock.now() / 1000));
  assert.equal(later.getAccessToken().decodePayload().sub, signedIn.sub);
  const me = await admin.send(new GetUserCommand({ AccessToken: later.getAccessToken().getJwtToken() }));
  assert.equal(me.Username, username);
  if (options.full === false) return;

  // updateAttributes, then the attributes as GetUser reports them.
  const result = await new Promise<string>((resolve, reject) =>
    current.updateAttributes(
      [new CognitoUserAttribute({ Name: 'name', Value: 'Ann Example' }), new CognitoUserAttribute({ Name: 'locale', Value: 'en-GB' })],
      (err, value) => (err ? reject(err) : resolve(value!)),
    ),
  );
  assert.equal(result, 'SUCCESS');
  const updated = attrs(await nodeCallback<any>((done) => current.getUserData(done, { bypassCache: true })));
  assert.equal(updated.name, 'Ann Example');
  assert.equal(updated.locale, 'en-GB');
  assert.equal(updated.email, `${username}@example.com`);

  // changePassword: the old password no longer signs in, the new one does.
  assert.equal(await nodeCallback((done) => current.changePassword(PASSWORD, NEW_PASSWORD, done)), 'SUCCESS');
  const old = await authenticate(app.user(username), PASSWORD);
  assert.equal(old.kind, 'failure');
  assert.equal((old as any).error.code, 'NotAuthorizedException');
  assert.equal((old as any).error.message, 'Incorrect username or password.');
  const withNew = app.user(username);
  const outcome = await authenticate(withNew, NEW_PASSWORD);
  if (mfa === 'OFF') {
    success(outcome);
  } else {
    assert.equal(outcome.kind, 'totpRequired');
    clock.nextStep();
    await sendTotp(withNew, totpCode(secret!, clock.now()));
  }

  // globalSignOut: every token of every session of the user stops working, refresh included.
  const lastAccess = withNew.getSignInUserSession()!.getAccessToken().getJwtToken();
  assert.equal(await new Promise((resolve, reject) => withNew.globalSignOut({ onSuccess: resolve, onFailure: reject })), 'SUCCESS');
  for (const token of [later.getAccessToken().getJwtToken(), lastAccess]) {
    await rejectsWith(admin.send(new GetUserCommand({ AccessToken: token })), 'NotAuthorizedException', 'Access Token has been revoked');
  }
  const revoked = await nodeCallback((done) => withNew.refreshSession(later.getRefreshToken(), done)).then(
    () => assert.fail('refresh after globalSignOut succeeded'),
    (err) => err,
  );
  assert.equal(revoked.code, 'NotAuthorizedException');
  assert.equal(revoked.message, 'Refresh Token has been revoked');
  assert.equal(pool.getCurrentUser(), null, 'the library forgot the user after globalSignOut');
}

for (const mfa of ['OFF', 'OPTIONAL', 'ON'] as const) {
  test(`identity-js, TOTP MFA ${mfa}: SRP sign-in, refreshSession, getUserData, getSession after expiry, updateAttributes, changePassword, globalSignOut`, async () => {
    const clock = new SharedClock(server.clock);
    clock.install();
    try {
      const fixture = await compatPool(admin, { mfa });
      const username = `user${mfa.toLowerCase()}`;
      // email_verified as admin scripts often write it: "True".
      await createUser(admin, fixture.poolId, username, [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'email_verified', Value: 'True' },
      ]);
      await sessionLifecycle(clock, fixture, username, mfa, { storage: new WebStorage(), emailVerified: true });
    } finally {
      clock.restore();
    }
  });
}

for (const legacy of [['ADMIN_NO_SRP_AUTH'], ['USER_PASSWORD_AUTH']]) {
  test(`identity-js, a client created with legacy ExplicitAuthFlows ${JSON.stringify(legacy)}: SRP sign-in and refresh work, as on Cognito`, async () => {
    const clock = new SharedClock(server.clock);
    clock.install();
    try {
      const fixture = await compatPool(admin, { flows: legacy });
      const username = `legacy${legacy[0].toLowerCase().replace(/_/g, '')}`;
      await createUser(admin, fixture.poolId, username, [{ Name: 'email', Value: `${username}@example.com` }]);
      await sessionLifecycle(clock, fixture, username, 'OFF', { full: false, storage: new WebStorage() });
      // The library's USER_PASSWORD_AUTH mode: allowed by the legacy name USER_PASSWORD_AUTH, not by
      // ADMIN_NO_SRP_AUTH (which allows the admin password flow only, besides SRP and refresh).
      const user = new App(fixture, undefined).user(username);
      user.setAuthenticationFlowType('USER_PASSWORD_AUTH');
      const outcome = await authenticate(user);
      if (legacy[0] === 'USER_PASSWORD_AUTH') {
        assert.equal(success(outcome).getAccessToken().decodePayload().username, username);
      } else {
        assert.equal(outcome.kind, 'failure');
        assert.equal((outcome as any).error.code, 'InvalidParameterException');
        assert.equal((outcome as any).error.message, 'USER_PASSWORD_AUTH flow not enabled for this client');
      }
    } finally {
      clock.restore();
    }
  });
}

test('identity-js, a pool with 5-minute tokens: getSession refreshes once they expire, not before', async () => {
  const clock = new SharedClock(server.clock);
  clock.install();
  try {
    const fixture = await compatPool(admin, { tokenMinutes: 5 });
    await createUser(admin, fixture.poolId, 'short', [{ Name: 'email', Value: 'short@example.com' }]);
    // The library's own storage for Node this time.
    const app = new App(fixture, undefined);
    const pool = app.pool;
    const session = success(await authenticate(app.user('short')));
    const access = session.getAccessToken();
    assert.equal(access.getExpiration() - access.getIssuedAt(), 300);

    // Four minutes on: still valid, getSession answers from storage without a call.
    clock.advance(240_000);
    const cached = await nodeCallback<CognitoUserSession>((done) => pool.getCurrentUser()!.getSession(done));
    assert.equal(cached.getAccessToken().getJwtToken(), access.getJwtToken());

    // Two more: expired, getSession refreshes.
    clock.advance(120_000);
    const fresh = await nodeCallback<CognitoUserSession>((done) => pool.getCurrentUser()!.getSession(done));
    assert.notEqual(fresh.getAccessToken().getJwtToken(), access.getJwtToken());
    assert.equal(fresh.getAccessToken().getExpiration() - fresh.getAccessToken().getIssuedAt(), 300);
    assert.equal(fresh.getAccessToken().getIssuedAt(), Math.floor(clock.now() / 1000));
  } finally {
    clock.restore();
  }
});
