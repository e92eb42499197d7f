/**
 * Managed login security review (issue 13) over real HTTP: a challenge page shows only the data of
 * the challenge session it was posted with (never of a user named in the form); a failing
 * PreTokenGeneration trigger is an OAuth error, not a 500; redirect URIs with non-Latin-1
 * characters are redirected to, percent-encoded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminCreateUserCommand, CreateUserPoolClientCommand, SetUserMFAPreferenceCommand, SetUserPoolMfaConfigCommand, UpdateUserPoolCommand, type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { createLogger } from '../src/log.js';
import { oauthEndpoint, type DomainRequest } from '../src/oauth/endpoint.js';
import { lambdaArn, useTriggers } from './support/lambdaServer.js';
import { PASSWORD, createUser, enrolTotp, totpCode } from './support/fixtures.js';
import { HttpBrowser, authorizeUrl, callbackParams, formOf, oauthApp, pageError, tokenRequest, type Answer, type OAuthApp } from './support/managedLogin.js';
import { useServer, type TestServer } from './support/server.js';

let server: TestServer;
let cognito: CognitoIdentityProviderClient;
useServer((s, c) => {
  server = s;
  cognito = c;
});

const secretOn = (html: string) => /<p class="secret" id="totp-secret">([A-Z2-7]+)<\/p>/.exec(html)?.[1];

describe('managed login: a challenge page shows only its own session\'s user', () => {
  /** The attacker's post: a CSRF token of their own browser, a victim's username, any session. */
  async function forged(app: OAuthApp, fields: Record<string, string>): Promise<Answer> {
    const attacker = new HttpBrowser(server.url);
    const login = await attacker.open(authorizeUrl(app));
    return attacker.post(formOf(login.html).action, { _csrf: formOf(login.html).hidden._csrf, code: '1', ...fields });
  }

  test('MFA_SETUP: no pending TOTP secret without the user\'s own session; the wrong set-up code still shows the own secret', async () => {
    const app = await oauthApp(server, cognito, { mfa: 'ON' });
    await createUser(cognito, app.poolId, 'victim');
    await createUser(cognito, app.poolId, 'mallory');
    // The victim reaches the set-up page: a pending secret is stored for them.
    const victim = new HttpBrowser(server.url);
    const setup = await victim.submit(await victim.open(authorizeUrl(app)), { username: 'victim', password: PASSWORD });
    const victimSecret = secretOn(setup.html);
    assert.ok(victimSecret, setup.html);
    assert.equal(formOf(setup.html).hidden.username, undefined, 'the user is the session\'s, not a form field');

    const answers: Answer[] = [];
    for (const [username, session] of [['victim', ''], ['nobody', ''], ['victim', `S${'A'.repeat(86)}`], ['nobody', `S${'A'.repeat(86)}`]]) {
      const answer = await forged(app, { step: 'MFA_SETUP', username, session });
      assert.equal(secretOn(answer.html), undefined, answer.html);
      assert.ok(!answer.html.includes(victimSecret!));
      assert.equal(answer.status, 400);
      assert.equal(pageError(answer.html), 'Your sign-in session has expired. Please sign in again.');
      assert.match(answer.html, /<label for="field-password">Password<\/label>/);
      answers.push(answer);
    }
    // A real and an unknown username get the same page (only the CSRF token of each browser differs).
    const normal = (a: Answer) => a.html.replace(/name="_csrf" value="[^"]*"/, '');
    assert.equal(normal(answers[0]), normal(answers[1]));
    assert.equal(normal(answers[2]), normal(answers[3]));

    // Mallory's own live set-up session with the victim's username: Mallory's own secret, never the victim's.
    const mallory = new HttpBrowser(server.url);
    const own = await mallory.submit(await mallory.open(authorizeUrl(app)), { username: 'mallory', password: PASSWORD });
    const mallorySecret = secretOn(own.html)!;
    const swapped = await mallory.post(formOf(own.html).action, { ...formOf(own.html).hidden, username: 'victim', code: '000000' });
    assert.equal(pageError(swapped.html), 'Code mismatch and fail enable Software Token MFA');
    assert.equal(secretOn(swapped.html), mallorySecret);
    assert.ok(!swapped.html.includes(victimSecret!));
    // The session of another app client (here: of the victim, posted to another client's transaction) is no session.
    const otherApp = await oauthApp(server, cognito, { mfa: 'ON' });
    const elsewhere = await forged(otherApp, { step: 'MFA_SETUP', session: formOf(setup.html).hidden.session });
    assert.equal(secretOn(elsewhere.html), undefined);

    // The legitimate retry: a wrong set-up code shows the victim's own secret again, then the right one signs in.
    const wrong = await victim.submit(setup, { code: totpCode(victimSecret!, server.clock.now() + 300_000) });
    assert.equal(pageError(wrong.html), 'Code mismatch and fail enable Software Token MFA');
    assert.equal(secretOn(wrong.html), victimSecret);
    assert.ok(callbackParams(await victim.submit(wrong, { code: totpCode(victimSecret!, server.clock.now()) })).get('code'));
  });

  test('SELECT_MFA_TYPE and NEW_PASSWORD_REQUIRED: no factors and no missing attributes of a user named in the form', async () => {
    const app = await oauthApp(server, cognito, { mfa: 'OPTIONAL' });
    await cognito.send(new SetUserPoolMfaConfigCommand({
      UserPoolId: app.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true },
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sns' } },
    }));
    await createUser(cognito, app.poolId, 'kim', [{ Name: 'phone_number', Value: '+15555550123' }]);
    const { accessToken } = await enrolTotp(cognito, server.clock, app.clientId, 'kim', { prefer: false });
    await cognito.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true }, SMSMfaSettings: { Enabled: true } }));
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: app.poolId, Username: 'temp', TemporaryPassword: 'Temporary-Pass-1', MessageAction: 'SUPPRESS' }));

    for (const [step, username] of [['SELECT_MFA_TYPE', 'kim'], ['SELECT_MFA_TYPE', 'nobody'], ['NEW_PASSWORD_REQUIRED', 'temp'], ['NEW_PASSWORD_REQUIRED', 'nobody']]) {
      const answer = await forged(app, { step, username, session: '', mfa: 'SMS_MFA', new_password: 'x' });
      assert.equal(answer.status, 400);
      assert.doesNotMatch(answer.html, /MFA method|Authenticator app|Text message|New password|field-userAttributes/, answer.html);
      assert.equal(pageError(answer.html), 'Your sign-in session has expired. Please sign in again.');
    }

    // The legitimate retries keep their page: a factor not offered, a weak new password.
    const browser = new HttpBrowser(server.url);
    const choice = await browser.submit(await browser.open(authorizeUrl(app)), { username: 'kim', password: PASSWORD });
    const notOffered = await browser.submit(choice, { mfa: 'EMAIL_OTP' });
    assert.match(notOffered.html, /<legend>MFA method<\/legend>/, notOffered.html);
    assert.match(pageError(notOffered.html) ?? '', /EMAIL_OTP/);
    const fresh = new HttpBrowser(server.url);
    const change = await fresh.submit(await fresh.open(authorizeUrl(app)), { username: 'temp', password: 'Temporary-Pass-1' });
    const weak = await fresh.submit(change, { new_password: 'short' });
    assert.match(weak.html, /<label for="field-new_password">New password<\/label>/);
    assert.ok(callbackParams(await fresh.submit(weak, { new_password: 'Brand-New-Pass-2' })).get('code'));
  });
});

describe('managed login: a failing PreTokenGeneration trigger is an OAuth error, never a 500', () => {
  const t = useTriggers();

  test('the token endpoint answers invalid_request with the trigger\'s message; authorize with a live session redirects server_error with state', async () => {
    const app = await oauthApp(t.server, t.client);
    await t.client.send(new UpdateUserPoolCommand({ UserPoolId: app.poolId, LambdaConfig: { PreTokenGeneration: lambdaArn('PreTokenGeneration') } }));
    await createUser(t.client, app.poolId, 'tess');
    t.on('PreTokenGeneration', (event) => event);
    // An implicit sign-in while the trigger works leaves a managed-login session.
    const browser = new HttpBrowser(t.server.url);
    const implicit = await browser.submit(await browser.open(authorizeUrl(app, { response_type: 'token', scope: 'openid' })), { username: 'tess', password: PASSWORD });
    assert.ok(callbackParams(implicit).get('access_token'));

    t.on('PreTokenGeneration', () => {
      throw new Error('tokens refused');
    });
    const code = callbackParams(await browser.get(authorizeUrl(app, { state: 'st' }))).get('code')!;
    const refused = await tokenRequest(app, { grant_type: 'authorization_code', client_id: app.clientId, code, redirect_uri: app.redirectUri });
    assert.deepEqual(refused, { status: 400, body: { error: 'invalid_request', error_description: 'PreTokenGeneration failed with error tokens refused.' } });

    const again = await browser.get(authorizeUrl(app, { response_type: 'token', scope: 'openid', state: 'st-2' }));
    assert.equal(again.status, 302);
    assert.ok(again.location!.startsWith(`${app.redirectUri}#`), again.location!);
    const back = callbackParams(again);
    assert.equal(back.get('error'), 'server_error');
    assert.equal(back.get('error_description'), 'PreTokenGeneration failed with error tokens refused.');
    assert.equal(back.get('state'), 'st-2');
    assert.equal(back.get('access_token'), null);

    // No function at all (UnexpectedLambdaException): the same OAuth answers.
    t.remove('PreTokenGeneration');
    const code2 = callbackParams(await browser.get(authorizeUrl(app))).get('code')!;
    const missing = await tokenRequest(app, { grant_type: 'authorization_code', client_id: app.clientId, code: code2, redirect_uri: app.redirectUri });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
    assert.match(missing.body.error_description, /^PreTokenGeneration invocation failed/);
  });
});

describe('a domain endpoint\'s unexpected error', () => {
  let server: Server;
  let url: string;
  before(async () => {
    const log = createLogger('silent');
    const failing = oauthEndpoint(async () => {
      throw new Error('boom');
    });
    server = createServer((req, res) => void failing({ deps: { log } as unknown as DomainRequest['deps'], req, res, path: '/oauth2/token' } as DomainRequest));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('is the OAuth server_error JSON with status 500, not an AWS-shaped InternalErrorException', async () => {
    const res = await fetch(url, { method: 'POST' });
    assert.equal(res.status, 500);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('x-amzn-errortype'), null);
    assert.deepEqual(await res.json(), { error: 'server_error' });
  });
});

describe('managed login: redirect URIs outside Latin-1', () => {
  test('the code and implicit flows, their errors and /logout redirect percent-encoded; the token endpoint matches the URI as registered', async () => {
    const base = await oauthApp(server, cognito);
    const uri = 'https://app.example/回调';
    const encoded = 'https://app.example/%E5%9B%9E%E8%B0%83';
    const created = await cognito.send(new CreateUserPoolClientCommand({
      UserPoolId: base.poolId, ClientName: 'unicode', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code', 'implicit'],
      AllowedOAuthScopes: ['openid'], CallbackURLs: [uri], LogoutURLs: [uri], SupportedIdentityProviders: ['COGNITO'],
    }));
    const app: OAuthApp = { ...base, clientId: created.UserPoolClient!.ClientId!, redirectUri: uri, logoutUri: uri };
    await createUser(cognito, app.poolId, 'uma');
    const browser = new HttpBrowser(server.url);

    const none = await browser.get(authorizeUrl(app, { prompt: 'none', state: 's0' }));
    assert.equal(none.status, 302);
    assert.equal(none.location, `${encoded}?error=login_required&error_description=The+user+is+not+signed+in.&state=s0`);
    const implicitNone = await browser.get(authorizeUrl(app, { prompt: 'none', response_type: 'token', state: 's1' }));
    assert.ok(implicitNone.location!.startsWith(`${encoded}#error=login_required`), implicitNone.location!);

    const implicit = await browser.submit(await browser.open(authorizeUrl(app, { response_type: 'token', state: 's2' })), { username: 'uma', password: PASSWORD });
    assert.equal(implicit.status, 302, implicit.html);
    assert.ok(implicit.location!.startsWith(`${encoded}#id_token=`), implicit.location!);
    assert.equal(callbackParams(implicit).get('state'), 's2');

    const code = await browser.get(authorizeUrl(app, { state: 's3' }));
    assert.ok(code.location!.startsWith(`${encoded}?code=`), code.location!);
    const token = await tokenRequest(app, { grant_type: 'authorization_code', client_id: app.clientId, code: callbackParams(code).get('code')!, redirect_uri: uri });
    assert.equal(token.status, 200, JSON.stringify(token.body));

    const out = await browser.get(`${app.domainUrl}/logout?client_id=${app.clientId}&logout_uri=${encodeURIComponent(uri)}`);
    assert.equal(out.status, 302);
    assert.equal(out.location, encoded);
    assert.equal(browser.cookies.has('cognate-session'), false);
    // Exact matching stays on the URI as registered: its percent-encoded spelling is another URI.
    assert.equal((await browser.get(`${app.domainUrl}/logout?client_id=${app.clientId}&logout_uri=${encodeURIComponent(encoded)}`)).status, 400);
    assert.equal((await browser.get(authorizeUrl(app, { redirect_uri: encoded }))).status, 400);
  });
});
