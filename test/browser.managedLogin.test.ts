/**
 * Managed login in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run)
 * driven by playwright-core. From an app's authorize URL: sign in, enrol TOTP by reading the secret
 * on the page (and checking the QR code says the same), back at the callback with a code that is
 * exchanged with PKCE; a second sign-in (a new browser context, so no session cookie) asks for the
 * code; a wrong code and a replayed code are refused on the page. Each page is kept as a screenshot
 * in test-artifacts/managed-login/ (git-ignored).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createUser, nextStep, totpCode } from './support/fixtures.js';
import { authorizeUrl, oauthApp, pkce, tokenRequest, claims, type OAuthApp } from './support/managedLogin.js';
import { repoRoot, sdk, startServer, type TestServer } from './support/server.js';

const require = createRequire(import.meta.url);
// jsqr is CommonJS whose types declare an ES default export; at run time the module is the function.
const jsQR = require('jsqr') as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const { PNG } = require('pngjs') as { PNG: { sync: { read(data: Buffer): { width: number; height: number; data: Buffer } } } };

const executablePath = [process.env.COGNATE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const artifacts = join(repoRoot, 'test-artifacts', 'managed-login');

let server: TestServer;
let browser: Browser;
let app: OAuthApp;

before(async () => {
  if (!executablePath) return;
  mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  browser = await chromium.launch({ executablePath, args: ARGS, headless: true });
  const cognito = sdk(server.url);
  app = await oauthApp(server, cognito, { mfa: 'ON' });
  await createUser(cognito, app.poolId, 'olivia', [{ Name: 'email', Value: 'olivia@example.com' }]);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser context (no cookies) whose requests to the application are answered here. */
async function newPage(): Promise<{ page: Page; callbacks: string[] }> {
  const context = await browser.newContext();
  const callbacks: string[] = [];
  await context.route('https://app.example/**', async (route) => {
    callbacks.push(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>App</title><p>Signed in.</p>' });
  });
  return { page: await context.newPage(), callbacks };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

async function signIn(page: Page, challenge: string, state: string): Promise<void> {
  await page.goto(authorizeUrl(app, { scope: 'openid email', state, code_challenge: challenge, code_challenge_method: 'S256' }));
  assert.equal(await page.title(), 'Sign in');
  await page.getByLabel('Username').fill('olivia');
  await page.getByLabel('Password').fill('Correct-Horse-9');
}

test('sign in, enrol TOTP from the page, exchange the code with PKCE; a second sign-in asks for the code; wrong and replayed codes are refused', { skip: executablePath || process.env.COGNATE_TEST_BROWSER_REQUIRED === '1' ? false : 'chromium is not installed' }, async () => {
  assert.ok(executablePath, 'COGNATE_TEST_BROWSER_REQUIRED=1 and no chromium at /usr/bin/chromium (or COGNATE_CHROMIUM)');
  const first = await newPage();
  const { verifier, challenge } = pkce();
  await signIn(first.page, challenge, 'first');
  await shot(first.page, '1-sign-in');
  await first.page.getByRole('button', { name: 'Sign in' }).click();

  // MFA_SETUP in an MFA-ON pool: the QR code and the secret as text.
  assert.equal(await first.page.title(), 'Set up your authenticator app');
  const secret = (await first.page.locator('#totp-secret').textContent())!.trim();
  assert.match(secret, /^[A-Z2-7]{52}$/);
  const qr = await first.page.locator('img.qr').getAttribute('src');
  const png = PNG.sync.read(Buffer.from(qr!.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(decoded, 'the QR code is readable');
  assert.equal(new URL(decoded.data).searchParams.get('secret'), secret);
  await shot(first.page, '2-totp-setup');

  await first.page.getByLabel('Code').fill(totpCode(secret, server.clock.now() + 300_000));
  await first.page.getByRole('button', { name: 'Verify and sign in' }).click();
  assert.equal(await first.page.locator('.error').textContent(), 'Code mismatch and fail enable Software Token MFA');
  await shot(first.page, '3-totp-setup-wrong-code');

  const setupCode = totpCode(secret, server.clock.now());
  await first.page.getByLabel('Code').fill(setupCode);
  await first.page.getByRole('button', { name: 'Verify and sign in' }).click();
  await first.page.waitForURL('https://app.example/callback**');
  await shot(first.page, '4-callback');
  const back = new URL(first.callbacks.at(-1)!).searchParams;
  assert.equal(back.get('state'), 'first');
  const token = await tokenRequest(app, { grant_type: 'authorization_code', client_id: app.clientId, code: back.get('code')!, redirect_uri: app.redirectUri, code_verifier: verifier });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  assert.equal(claims(token.body.id_token)['cognito:username'], 'olivia');
  assert.equal(claims(token.body.access_token).scope, 'openid email');

  // A second sign-in, in a new context: the password, then the code. The set-up code is a replay.
  const second = await newPage();
  const again = pkce();
  await signIn(second.page, again.challenge, 'second');
  await second.page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal(await second.page.title(), 'Enter your authenticator code');
  await shot(second.page, '5-totp-code');
  await second.page.getByLabel('Code').fill(setupCode);
  await second.page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal(await second.page.locator('.error').textContent(), 'Your software token has already been used once.');
  await shot(second.page, '6-totp-code-replayed');
  await second.page.getByLabel('Code').fill('000000');
  await second.page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal(await second.page.locator('.error').textContent(), 'Invalid code or auth state for the user.');
  await shot(second.page, '7-totp-code-wrong');

  nextStep(server.clock);
  await second.page.getByLabel('Code').fill(totpCode(secret, server.clock.now()));
  await second.page.getByRole('button', { name: 'Sign in' }).click();
  await second.page.waitForURL('https://app.example/callback**');
  const code = new URL(second.callbacks.at(-1)!).searchParams.get('code')!;
  const exchanged = await tokenRequest(app, { grant_type: 'authorization_code', client_id: app.clientId, code, redirect_uri: app.redirectUri, code_verifier: again.verifier });
  assert.equal(exchanged.status, 200);

});
