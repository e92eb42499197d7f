/**
 * An OpenID Connect relying party library (openid-client v6) against a pool: discovery from the
 * issuer, the authorization code flow with PKCE and nonce (the login form posted over the real
 * wire), the ID token validated by the library, userInfo, refresh, and revocation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD, createUser } from './support/fixtures.js';
import { HttpBrowser, oauthApp, claims } from './support/managedLogin.js';
import { useServer, type TestServer } from './support/server.js';

let server: TestServer;
let cognito: CognitoIdentityProviderClient;
// The library checks iat and exp against the real time.
useServer((s, c) => ((server = s), (cognito = c)), { realTime: true });

test('openid-client: discovery, code flow with PKCE, userInfo, refresh and revoke', async () => {
  const app = await oauthApp(server, cognito, { secret: true });
  await createUser(cognito, app.poolId, 'rosa', [{ Name: 'email', Value: 'rosa@example.com' }, { Name: 'email_verified', Value: 'true' }]);

  // http:// is for local development only: the library wants it said.
  const issuer = new URL(`${server.url}/${app.poolId}`);
  const config = await oidc.discovery(issuer, app.clientId, app.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  const metadata = config.serverMetadata();
  assert.equal(metadata.issuer, issuer.href);
  assert.equal(metadata.authorization_endpoint, `${app.domainUrl}/oauth2/authorize`);
  assert.equal(metadata.token_endpoint, `${app.domainUrl}/oauth2/token`);

  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: app.redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });

  const browser = new HttpBrowser(server.url);
  const page = await browser.open(url.href);
  assert.equal(page.status, 200, page.html);
  const back = await browser.submit(page, { username: 'rosa', password: PASSWORD });
  assert.equal(back.status, 302, back.html);

  const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location!), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const id = tokens.claims()!;
  assert.equal(id['cognito:username'], 'rosa');
  assert.equal(id.email, 'rosa@example.com');
  assert.equal(id.nonce, nonce);
  assert.equal(claims(tokens.access_token).scope, 'openid email profile');

  const info = await oidc.fetchUserInfo(config, tokens.access_token, id.sub);
  assert.equal(info.sub, id.sub);
  assert.equal(info.email, 'rosa@example.com');

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
  assert.ok(refreshed.access_token);
  assert.equal(claims(refreshed.access_token).scope, 'openid email profile');
  assert.equal(refreshed.claims()!.sub, id.sub);

  await oidc.tokenRevocation(config, tokens.refresh_token!);
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (err: any) => err.error === 'invalid_grant');
});
