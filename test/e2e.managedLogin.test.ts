/**
 * Managed login over real HTTP, without a browser: the authorize endpoint, the pages' forms
 * (posted as a browser without JavaScript posts them), the code and implicit flows, the token
 * endpoint's authorization_code and refresh_token grants, the session cookie, /logout, and every
 * refusal the issue lists, on SQLite and on PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand, InitiateAuthCommand, SetUserMFAPreferenceCommand, SetUserPoolMfaConfigCommand, type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD, createUser, enrolTotp, nextStep, totpCode } from './support/fixtures.js';
import {
  HttpBrowser, authorizeUrl, callbackParams, claims, formOf, oauthApp, pageError, pkce, tokenRequest, type Answer, type OAuthApp,
} from './support/managedLogin.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServer, type TestServer } from './support/server.js';
import { control } from './support/control.js';

/** From the authorize URL to the code: sign-in page, username and password. */
async function signIn(browser: HttpBrowser, app: OAuthApp, params: Record<string, string>, username: string, password = PASSWORD): Promise<Answer> {
  const page = await browser.open(authorizeUrl(app, params));
  assert.equal(page.status, 200, page.html);
  assert.match(page.html, /<label for="field-username">Username<\/label>/);
  assert.match(page.html, /<label for="field-password">Password<\/label>/);
  return browser.submit(page, { username, password });
}

/**
 * `pagesToo`: the pages' flows (MFA, implicit, new password, forgot password, sign-up) as well as the
 * code flow and the refusals. PostgreSQL runs the code flow and the refusals only (CI's time budget);
 * the store methods behind the others are in the contract suite, which runs on both engines.
 */
function managedLoginSuite(engine: string, pagesToo: boolean, config: () => Promise<{ overrides: Record<string, unknown>; cleanup(): Promise<void> }>) {
  describe(`managed login on ${engine}`, () => {
    const pagesTest = pagesToo ? test : ((() => {}) as unknown as typeof test);
    let server: TestServer;
    let cognito: CognitoIdentityProviderClient;
    let cleanup: () => Promise<void>;
    before(async () => {
      const c = await config();
      cleanup = c.cleanup;
      server = await startServer(c.overrides);
      cognito = sdk(server.url);
    });
    after(async () => {
      await server?.stop();
      await cleanup?.();
    });

    test('code flow with PKCE: the code becomes the API\'s tokens with scope, nonce, at_hash and auth_time; refresh works on both paths', async () => {
      const app = await oauthApp(server, cognito);
      await createUser(cognito, app.poolId, 'alice', [{ Name: 'email', Value: 'alice@example.com' }]);
      const { verifier, challenge } = pkce();
      const browser = new HttpBrowser(server.url);
      const done = await signIn(browser, app, { scope: 'openid email', state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256' }, 'alice');
      const back = callbackParams(done);
      assert.equal(back.get('state'), 'st-1');
      assert.ok(done.location!.startsWith(`${app.redirectUri}?code=`));
      const session = done.headers.getSetCookie().find((c) => c.startsWith('cognate-session='));
      assert.match(session ?? '', /HttpOnly; SameSite=Lax/);
      assert.match(session ?? '', new RegExp(`Path=/domains/${app.domain}`));

      const token = await tokenRequest(app, { grant_type: 'authorization_code', client_id: app.clientId, code: back.get('code')!, redirect_uri: app.redirectUri, code_verifier: verifier });
      assert.equal(token.status, 200, JSON.stringify(token.body));
      assert.deepEqual(Object.keys(token.body), ['id_token', 'access_token', 'refresh_token', 'expires_in', 'token_type']);
      const access = claims(token.body.access_token);
      const id = claims(token.body.id_token);
      assert.equal(access.scope, 'openid email');
      assert.equal(access.client_id, app.clientId);
      assert.equal(access.username, 'alice');
      assert.equal(id.nonce, 'n-1');
      assert.equal(id.aud, app.clientId);
      assert.equal(id.email, 'alice@example.com');
      assert.equal(id.auth_time, Math.floor(server.clock.now() / 1000));
      assert.equal(id.iss, `${server.url}/${app.poolId}`);
      assert.match(id.at_hash, /^[A-Za-z0-9_-]{22}$/);

      // The refresh token of the code flow works at the token endpoint and at InitiateAuth, keeping the scopes.
      const refreshed = await tokenRequest(app, { grant_type: 'refresh_token', client_id: app.clientId, refresh_token: token.body.refresh_token });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.equal(refreshed.body.refresh_token, undefined);
      assert.equal(claims(refreshed.body.access_token).scope, 'openid email');
      assert.equal(claims(refreshed.body.id_token).auth_time, id.auth_time);
      const api = await cognito.send(new InitiateAuthCommand({ ClientId: app.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token.body.refresh_token } }));
      assert.equal(claims(api.AuthenticationResult!.AccessToken!).scope, 'openid email');

      // And the API's refresh token at the token endpoint.
      const apiSignIn = await cognito.send(new InitiateAuthCommand({ ClientId: app.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }));
      const fromApi = await tokenRequest(app, { grant_type: 'refresh_token', client_id: app.clientId, refresh_token: apiSignIn.AuthenticationResult!.RefreshToken! });
      assert.equal(fromApi.status, 200);
      assert.equal(claims(fromApi.body.access_token).scope, 'aws.cognito.signin.user.admin');
      assert.ok(fromApi.body.id_token);
    });

    test('refusals at the authorize endpoint: redirect mismatch and unknown clients on a page, never redirected; flow and scope errors redirected', async () => {
      const app = await oauthApp(server, cognito, { flows: ['code'] });
      const browser = new HttpBrowser(server.url);
      for (const url of [
        authorizeUrl(app, { redirect_uri: 'https://evil.example/callback' }),
        authorizeUrl(app, { redirect_uri: 'https://app.example/callback/../x' }),
        authorizeUrl({ ...app, clientId: 'nosuchclient0000000000000' }),
        `${app.domainUrl}/login?client_id=${app.clientId}&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example/')}`,
      ]) {
        const answer = await browser.get(url);
        assert.equal(answer.status, 400, url);
        assert.equal(answer.location, null, 'never redirected');
        assert.match(answer.headers.get('content-type') ?? '', /text\/html/);
      }
      const implicit = callbackParams(await browser.get(authorizeUrl(app, { response_type: 'token', state: 's' })));
      assert.equal(implicit.get('error'), 'unauthorized_client');
      assert.equal(implicit.get('state'), 's');
      assert.equal(callbackParams(await browser.get(authorizeUrl(app, { scope: 'openid phone' }))).get('error'), 'invalid_scope');
      assert.equal(callbackParams(await browser.get(authorizeUrl(app, { response_type: 'id_token' }))).get('error'), 'unsupported_response_type');
      assert.equal(callbackParams(await browser.get(authorizeUrl(app, { code_challenge: pkce().challenge, code_challenge_method: 'S512' }))).get('error'), 'invalid_request');
      assert.equal(callbackParams(await browser.get(authorizeUrl(app, { identity_provider: 'Google' }))).get('error'), 'unauthorized_client');
      assert.equal(callbackParams(await browser.get(authorizeUrl(app, { prompt: 'none' }))).get('error'), 'login_required');

      // The other form of /logout: signed out, then the sign-in page of a new transaction.
      await signIn(browser, app, {}, 'erin');
      const relogin = await browser.get(`${app.domainUrl}/logout?${new URL(authorizeUrl(app, { state: 'z' })).search.slice(1)}`);
      assert.match(relogin.location ?? '', /\/login\?client_id=.*state=z/);
      assert.equal(browser.cookies.has('cognate-session'), false);
      assert.equal((await browser.get(`${app.domainUrl}/logout?client_id=${app.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/')}&response_type=code`)).status, 400);
    });

    test('refusals at the token endpoint: bad PKCE verifier, code reused, code expired, wrong redirect URI, wrong client secret', async () => {
      const app = await oauthApp(server, cognito, { secret: true });
      await createUser(cognito, app.poolId, 'bob');
      const codeFor = async (extra: Record<string, string> = {}) => {
        const browser = new HttpBrowser(server.url);
        return callbackParams(await signIn(browser, app, extra, 'bob')).get('code')!;
      };
      const basic = `${app.clientId}:${app.clientSecret}`;
      const exchange = (code: string, extra: Record<string, string> = {}, auth = basic) =>
        tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, ...extra }, auth);
      const { verifier, challenge } = pkce();

      const bad = await exchange(await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' }), { code_verifier: pkce().verifier });
      assert.deepEqual([bad.status, bad.body], [400, { error: 'invalid_grant' }]);
      const missing = await exchange(await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' }));
      assert.deepEqual(missing.body, { error: 'invalid_grant' });

      const plain = pkce().verifier;
      const reused = await codeFor({ code_challenge: plain, code_challenge_method: 'plain' });
      assert.equal((await exchange(reused, { code_verifier: plain })).status, 200);
      assert.deepEqual(await exchange(reused, { code_verifier: plain }), { status: 400, body: { error: 'invalid_grant' } });

      const late = await codeFor();
      server.clock.advance(300_001);
      assert.deepEqual(await exchange(late), { status: 400, body: { error: 'invalid_grant' } });

      const redirect = await exchange(await codeFor(), { redirect_uri: 'https://app.example/other' });
      assert.deepEqual(redirect.body, { error: 'invalid_grant' });

      const code = await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' });
      const wrongSecret = await exchange(code, { code_verifier: verifier }, `${app.clientId}:not-the-secret`);
      assert.deepEqual([wrongSecret.status, wrongSecret.body], [401, { error: 'invalid_client' }]);
      const noSecret = await tokenRequest(app, { grant_type: 'authorization_code', client_id: app.clientId, code, redirect_uri: app.redirectUri, code_verifier: verifier });
      assert.equal(noSecret.status, 401);
      // Client authentication failed before the grant: the code is still good for its client.
      assert.equal((await exchange(code, { code_verifier: verifier })).status, 200);

      // Another pool's client, at its own domain, cannot redeem this client's code.
      const other = await oauthApp(server, cognito);
      const stolen = await codeFor();
      assert.deepEqual(
        (await tokenRequest(other, { grant_type: 'authorization_code', client_id: other.clientId, code: stolen, redirect_uri: app.redirectUri })).body,
        { error: 'invalid_grant' },
      );
    });

    test('CSRF: a post without this browser\'s token for the transaction is refused', async () => {
      const app = await oauthApp(server, cognito);
      await createUser(cognito, app.poolId, 'carol');
      const browser = new HttpBrowser(server.url);
      const page = await browser.open(authorizeUrl(app));
      const form = formOf(page.html);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' https:\/\/app\.example;/);
      for (const csrf of ['', 'x'.repeat(43), form.hidden._csrf.slice(0, -1) + (form.hidden._csrf.endsWith('A') ? 'B' : 'A')]) {
        const answer = await browser.post(form.action, { ...form.hidden, _csrf: csrf, username: 'carol', password: PASSWORD });
        assert.equal(answer.status, 403);
        assert.match(pageError(answer.html) ?? '', /expired or was not sent by this browser/);
      }
      // The token of one transaction does not fit another (another state).
      const other = await browser.open(authorizeUrl(app, { state: 'other' }));
      const answer = await browser.post(formOf(other.html).action, { ...form.hidden, username: 'carol', password: PASSWORD });
      assert.equal(answer.status, 403);
      // Another browser (no cookie) with the page's token.
      const stranger = new HttpBrowser(server.url);
      assert.equal((await stranger.post(form.action, { ...form.hidden, username: 'carol', password: PASSWORD })).status, 403);
      assert.equal((await browser.submit(page, { username: 'carol', password: PASSWORD })).status, 302);
    });

    test('wrong passwords show the API\'s message and lock out as the API does', async () => {
      const app = await oauthApp(server, cognito);
      await createUser(cognito, app.poolId, 'dave');
      const browser = new HttpBrowser(server.url);
      const page = await browser.open(authorizeUrl(app));
      let answer = await browser.submit(page, { username: 'dave', password: 'Wrong-Password-1' });
      assert.equal(answer.status, 400);
      assert.equal(pageError(answer.html), 'Incorrect username or password.');
      for (let i = 0; i < 5; i++) answer = await browser.submit(answer, { username: 'dave', password: 'Wrong-Password-1' });
      assert.equal(pageError(answer.html), 'Password attempts exceeded');
      assert.equal(pageError((await browser.submit(answer, { username: 'nobody', password: 'x' })).html), 'Incorrect username or password.');
    });

    pagesTest('TOTP: the code page refuses a wrong and a replayed code with the API\'s messages; the session cookie skips the pages until /logout', async () => {
      const app = await oauthApp(server, cognito, { mfa: 'OPTIONAL' });
      await createUser(cognito, app.poolId, 'erin');
      const { secret } = await enrolTotp(cognito, server.clock, app.clientId, 'erin');
      nextStep(server.clock);
      const browser = new HttpBrowser(server.url);
      const codePage = await signIn(browser, app, { state: 'x' }, 'erin');
      assert.equal(codePage.status, 200, codePage.html);
      assert.match(codePage.html, /<label for="field-code">Code<\/label>/);
      const wrong = await browser.submit(codePage, { code: totpCode(secret, server.clock.now() + 120_000) });
      assert.equal(pageError(wrong.html), 'Invalid code or auth state for the user.');
      const code = totpCode(secret, server.clock.now());
      const done = await browser.submit(wrong, { code });
      assert.equal(callbackParams(done).get('state'), 'x');

      // The same code in another sign-in of this step: replayed.
      const again = new HttpBrowser(server.url);
      const second = await signIn(again, app, {}, 'erin');
      const replay = await again.submit(second, { code });
      assert.equal(pageError(replay.html), 'Your software token has already been used once.');

      // The first browser's session: a new authorize gives a code at once, unless prompt=login.
      const reuse = await browser.get(authorizeUrl(app, { state: 'y' }));
      assert.equal(callbackParams(reuse).get('state'), 'y');
      assert.ok(callbackParams(reuse).get('code'));
      const forced = await browser.get(authorizeUrl(app, { prompt: 'login' }));
      assert.match(forced.location ?? '', /\/login\?/);
      assert.ok(callbackParams(await browser.get(authorizeUrl(app, { prompt: 'none' }))).get('code'));

      // /logout: only to a registered sign-out URL; it ends the session.
      assert.equal((await browser.get(`${app.domainUrl}/logout?client_id=${app.clientId}&logout_uri=${encodeURIComponent('https://evil.example/')}`)).status, 400);
      const out = await browser.get(`${app.domainUrl}/logout?client_id=${app.clientId}&logout_uri=${encodeURIComponent(app.logoutUri)}`);
      assert.equal(out.location, app.logoutUri);
      assert.equal(browser.cookies.has('cognate-session'), false);
      assert.equal(callbackParams(await browser.get(authorizeUrl(app, { prompt: 'none' }))).get('error'), 'login_required');
    });

    pagesTest('the MFA choice: SELECT_MFA_TYPE offers both factors, SMS sends its code to the outbox', async () => {
      const app = await oauthApp(server, cognito, { mfa: 'OPTIONAL' });
      await cognito.send(new SetUserPoolMfaConfigCommand({
        UserPoolId: app.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true },
        SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sns' } },
      }));
      await createUser(cognito, app.poolId, 'jun', [{ Name: 'phone_number', Value: '+15555550123' }]);
      const { accessToken } = await enrolTotp(cognito, server.clock, app.clientId, 'jun', { prefer: false });
      await cognito.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true }, SMSMfaSettings: { Enabled: true } }));
      const browser = new HttpBrowser(server.url);
      const choice = await signIn(browser, app, {}, 'jun');
      assert.match(choice.html, /<legend>MFA method<\/legend>/);
      assert.match(choice.html, /<label for="field-mfa-0">Text message \(SMS\)<\/label>/);
      assert.match(choice.html, /<label for="field-mfa-1">Authenticator app<\/label>/);
      const sms = await browser.submit(choice, { mfa: 'SMS_MFA' });
      assert.match(sms.html, /Enter the code sent by SMS to [^<]*0123\./, sms.html);
      const message = await control(server.url, 'GET', `/_cognate/outbox?poolId=${app.poolId}&username=jun`);
      const code = /(\d{6})/.exec(message.body.Messages[0].message)![1];
      assert.equal(pageError((await browser.submit(sms, { code: code === '000000' ? '111111' : '000000' })).html), 'Invalid code or auth state for the user.');
      assert.ok(callbackParams(await browser.submit(sms, { code })).get('code'));
    });

    pagesTest('implicit flow: tokens in the fragment, at_hash of the access token, no refresh token', async () => {
      const app = await oauthApp(server, cognito);
      await createUser(cognito, app.poolId, 'fay');
      const browser = new HttpBrowser(server.url);
      const done = await signIn(browser, app, { response_type: 'token', scope: 'openid profile', nonce: 'nn', state: 's' }, 'fay');
      assert.match(done.location ?? '', /^https:\/\/app\.example\/callback#id_token=/);
      const back = callbackParams(done);
      assert.deepEqual([...back.keys()], ['id_token', 'access_token', 'expires_in', 'token_type', 'state']);
      const id = claims(back.get('id_token')!);
      assert.equal(id.nonce, 'nn');
      const { createHash } = await import('node:crypto');
      assert.equal(id.at_hash, createHash('sha256').update(back.get('access_token')!).digest().subarray(0, 16).toString('base64url'));
      assert.equal(claims(back.get('access_token')!).scope, 'openid profile');
    });

    pagesTest('new password required, and forgot password with the code from the outbox', async () => {
      const app = await oauthApp(server, cognito);
      await cognito.send(new AdminCreateUserCommand({
        UserPoolId: app.poolId, Username: 'gus', TemporaryPassword: 'Temporary-Pass-1', MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'gus@example.com' }, { Name: 'email_verified', Value: 'true' }],
      }));
      const browser = new HttpBrowser(server.url);
      const change = await signIn(browser, app, {}, 'gus', 'Temporary-Pass-1');
      assert.match(change.html, /<label for="field-new_password">New password<\/label>/);
      const weak = await browser.submit(change, { new_password: 'short' });
      assert.match(pageError(weak.html) ?? '', /^Password did not conform with policy: Password not long enough$/, weak.html);
      assert.ok(callbackParams(await browser.submit(change, { new_password: 'Brand-New-Pass-2' })).get('code'));

      const outbox = async (username: string) => {
        const answer = await control(server.url, 'GET', `/_cognate/outbox?poolId=${app.poolId}&username=${username}`);
        return /(\d{6})/.exec((answer.body as any).Messages[0].message)![1];
      };
      const fresh = new HttpBrowser(server.url);
      const login = await fresh.open(authorizeUrl(app));
      const forgot = await fresh.open(formOf(login.html).action.replace('/login?', '/forgotPassword?'));
      const reset = await fresh.submit(forgot, { username: 'gus' });
      assert.match(reset.html, /<label for="field-code">Code<\/label>/);
      const wrong = await fresh.submit(reset, { code: '000000', password: 'Another-Pass-3' });
      assert.equal(pageError(wrong.html), 'Invalid verification code provided, please try again.');
      const signInAgain = await fresh.submit(reset, { code: await outbox('gus'), password: 'Another-Pass-3' });
      assert.match(signInAgain.html, /Your password has been changed/);
      assert.ok(callbackParams(await fresh.submit(signInAgain, { username: 'gus', password: 'Another-Pass-3' })).get('code'));
    });

    pagesTest('sign-in by email alias; sign-up with the email the confirmation code goes to', async () => {
      const app = await oauthApp(server, cognito, { emailAlias: true });
      await createUser(cognito, app.poolId, 'ivan', [{ Name: 'email', Value: 'ivan@example.com' }, { Name: 'email_verified', Value: 'true' }]);
      const browser = new HttpBrowser(server.url);
      const done = await signIn(browser, app, { scope: 'openid' }, 'ivan@example.com');
      const token = await tokenRequest(app, { grant_type: 'authorization_code', client_id: app.clientId, code: callbackParams(done).get('code')!, redirect_uri: app.redirectUri });
      assert.equal(claims(token.body.id_token)['cognito:username'], 'ivan');
      const signUp = await browser.open(`${app.domainUrl}/signup?${new URL(authorizeUrl(app)).search.slice(1)}`);
      assert.match(signUp.html, /<label for="field-attr_email">Email<\/label>/, signUp.html);
      const confirm = await browser.submit(signUp, { username: 'hana', 'attr.email': 'hana@example.com', password: 'Hana-Password-4' });
      assert.match(confirm.html, /Confirm your account/, confirm.html);
      assert.equal(pageError((await browser.submit(confirm, { code: '000000' })).html), 'Invalid verification code provided, please try again.');
      // Signing in before confirming: the password is right, so a new code is sent and asked for.
      const again = await browser.submit(await browser.open(authorizeUrl(app, { prompt: 'login' })), { username: 'hana', password: 'Hana-Password-4' });
      assert.match(again.html, /Confirm your account/, again.html);
      const message = await control(server.url, 'GET', `/_cognate/outbox?poolId=${app.poolId}&username=hana`);
      assert.equal(message.body.Messages.length, 2);
      const confirmed = await browser.submit(again, { code: /(\d{6})/.exec(message.body.Messages[0].message)![1] });
      assert.match(confirmed.html, /Your account is confirmed/);
      assert.ok(callbackParams(await browser.submit(confirmed, { username: 'hana@example.com', password: 'Hana-Password-4' })).get('code'));
    });
  });
}

managedLoginSuite('SQLite', true, async () => ({ overrides: {}, cleanup: async () => {} }));

if (pgSkip) {
  test('managed login on PostgreSQL', { skip: pgSkip }, () => {});
} else {
  managedLoginSuite('PostgreSQL', false, async () => {
    const schema = pgSchemaUrl();
    return { overrides: { db: schema.url, sealingKey: 'ab'.repeat(32) }, cleanup: schema.drop };
  });
}
