/**
 * A user pool domain's machine endpoints over real HTTP (fetch), on SQLite and on PostgreSQL:
 * client_credentials at /oauth2/token (Basic and form authentication, each refusal),
 * /oauth2/userInfo, /oauth2/revoke, and the discovery document's endpoints.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AdminInitiateAuthCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteResourceServerCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import * as oidc from 'openid-client';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { ManualClock } from '../src/clock.js';
import { signRs256 } from '../src/tokens/jwt.js';
import { createUser, rejectsWith } from './support/fixtures.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServer, type TestServer } from './support/server.js';

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

interface Setup {
  poolId: string;
  base: string;
  machine: { id: string; secret: string };
  /** A confidential client allowed the code flow only. */
  web: { id: string; secret: string };
  /** A public client that signs users in through the API. */
  app: string;
}

/** A pool with a domain, a resource server, a machine client, a web client and a public app client. */
async function setUp(server: TestServer, client: CognitoIdentityProviderClient): Promise<Setup> {
  const poolId = (await client.send(new CreateUserPoolCommand({ PoolName: 'endpoints' }))).UserPool!.Id!;
  const domain = `ep-${poolId.split('_')[1].toLowerCase()}`;
  await client.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }));
  await client.send(
    new CreateResourceServerCommand({
      UserPoolId: poolId,
      Identifier: 'https://api.example.com',
      Name: 'API',
      Scopes: [
        { ScopeName: 'read', ScopeDescription: 'Read' },
        { ScopeName: 'write', ScopeDescription: 'Write' },
        { ScopeName: 'admin', ScopeDescription: 'Admin' },
      ],
    }),
  );
  const machine = (await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'machine',
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['https://api.example.com/read', 'https://api.example.com/write'],
      AccessTokenValidity: 2,
      TokenValidityUnits: { AccessToken: 'hours' },
    }),
  )).UserPoolClient!;
  const web = (await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'web',
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'https://api.example.com/read'],
      CallbackURLs: ['https://app.example.com/cb'],
    }),
  )).UserPoolClient!;
  const app = (await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  )).UserPoolClient!;
  return {
    poolId,
    base: `${server.url}/domains/${domain}`,
    machine: { id: machine.ClientId!, secret: machine.ClientSecret! },
    web: { id: web.ClientId!, secret: web.ClientSecret! },
    app: app.ClientId!,
  };
}

async function post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

function endpointSuite(engine: string, get: () => { server: TestServer; client: CognitoIdentityProviderClient }): void {
  let s: Setup;
  let server: TestServer;
  let client: CognitoIdentityProviderClient;
  before(async () => {
    ({ server, client } = get());
    s = await setUp(server, client);
  });

  test(`client_credentials with a Basic header or the secret in the form: an access token for the resource server's scopes (${engine})`, async () => {
    const byHeader = await post(`${s.base}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(s.machine.id, s.machine.secret) });
    assert.equal(byHeader.status, 200);
    assert.deepEqual(Object.keys(byHeader.body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(byHeader.body.token_type, 'Bearer');
    assert.equal(byHeader.body.expires_in, 7200, "the client's AccessTokenValidity");
    assert.equal(byHeader.headers.get('cache-control'), 'no-store');
    const claims = claimsOf(byHeader.body.access_token);
    assert.deepEqual(Object.keys(claims), ['sub', 'token_use', 'scope', 'auth_time', 'iss', 'exp', 'iat', 'version', 'jti', 'client_id']);
    assert.equal(claims.sub, s.machine.id);
    assert.equal(claims.client_id, s.machine.id);
    assert.equal(claims.token_use, 'access');
    assert.equal(claims.scope, 'https://api.example.com/read https://api.example.com/write', 'every allowed scope when none is asked for');
    assert.equal(claims.iss, `${server.url}/${s.poolId}`);
    assert.equal(claims.exp - claims.iat, 7200);
    assert.equal(claims.username, undefined, 'no user');
    const verifier = JwtRsaVerifier.create({ issuer: claims.iss, audience: null, jwksUri: `${server.url}/${s.poolId}/.well-known/jwks.json` });
    verifier.cacheJwks((await (await fetch(`${server.url}/${s.poolId}/.well-known/jwks.json`)).json()) as Jwks);
    assert.equal((await verifier.verify(byHeader.body.access_token)).client_id, s.machine.id, 'signed with the pool\'s access key');

    const byForm = await post(`${s.base}/oauth2/token`, { grant_type: 'client_credentials', client_id: s.machine.id, client_secret: s.machine.secret, scope: 'https://api.example.com/write' });
    assert.equal(byForm.status, 200);
    assert.equal(claimsOf(byForm.body.access_token).scope, 'https://api.example.com/write', 'the scopes asked for');

    // A machine token names no user: the user operations and userInfo refuse it.
    await rejectsWith(client.send(new GetUserCommand({ AccessToken: byHeader.body.access_token })), 'NotAuthorizedException', 'Invalid Access Token');
    const info = await fetch(`${s.base}/oauth2/userInfo`, { headers: { authorization: `Bearer ${byHeader.body.access_token}` } });
    assert.equal(info.status, 401);
    await info.text();
  });

  test(`client_credentials refusals: wrong secret, unknown or foreign client, flow not allowed, unknown scope, deleted scope (${engine})`, async () => {
    const token = `${s.base}/oauth2/token`;
    const wrongBasic = await post(token, { grant_type: 'client_credentials' }, { authorization: basic(s.machine.id, `${s.machine.secret}x`) });
    assert.deepEqual([wrongBasic.status, wrongBasic.body], [401, { error: 'invalid_client' }]);
    assert.match(wrongBasic.headers.get('www-authenticate') ?? '', /^Basic/);
    const wrongForm = await post(token, { grant_type: 'client_credentials', client_id: s.machine.id, client_secret: 'nope' });
    assert.deepEqual([wrongForm.status, wrongForm.body], [401, { error: 'invalid_client' }]);
    assert.equal(wrongForm.headers.get('www-authenticate'), null);
    assert.deepEqual((await post(token, { grant_type: 'client_credentials', client_id: s.machine.id })).body, { error: 'invalid_client' }, 'no secret');
    assert.deepEqual((await post(token, { grant_type: 'client_credentials', client_id: 'nosuchclient0000000000000' })).body, { error: 'invalid_client' });
    assert.deepEqual(
      (await post(token, { grant_type: 'client_credentials', client_id: s.app, client_secret: 'anything' })).body,
      { error: 'invalid_client' },
      'a public client presenting a secret',
    );
    const both = await post(token, { grant_type: 'client_credentials', client_secret: s.machine.secret }, { authorization: basic(s.machine.id, s.machine.secret) });
    assert.deepEqual([both.status, both.body.error], [400, 'invalid_request'], 'two ways at once');

    // Another pool's client, at this domain.
    const other = await setUp(server, client);
    assert.deepEqual((await post(token, { grant_type: 'client_credentials' }, { authorization: basic(other.machine.id, other.machine.secret) })).body, { error: 'invalid_client' });

    const notAllowed = await post(token, { grant_type: 'client_credentials' }, { authorization: basic(s.web.id, s.web.secret) });
    assert.deepEqual([notAllowed.status, notAllowed.body], [400, { error: 'unauthorized_client' }]);
    const publicClient = await post(token, { grant_type: 'client_credentials', client_id: s.app });
    assert.deepEqual([publicClient.status, publicClient.body], [400, { error: 'unauthorized_client' }]);

    for (const scope of ['https://api.example.com/admin', 'https://api.example.com/nope', 'openid', 'https://api.example.com/read https://other/read', ' ']) {
      const refused = await post(token, { grant_type: 'client_credentials', scope }, { authorization: basic(s.machine.id, s.machine.secret) });
      assert.deepEqual([refused.status, refused.body], [400, { error: 'invalid_scope' }], scope);
    }

    // A scope deleted with its resource server is no longer granted.
    const own = await setUp(server, client);
    await client.send(new DeleteResourceServerCommand({ UserPoolId: own.poolId, Identifier: 'https://api.example.com' }));
    const gone = await post(`${own.base}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(own.machine.id, own.machine.secret) });
    assert.deepEqual([gone.status, gone.body], [400, { error: 'invalid_scope' }]);
  });

  test(`userInfo: only tokens with openid; the attributes its scopes cover; refused once signed out (${engine})`, async () => {
    const username = `ann${randomBytes(3).toString('hex')}`;
    await createUser(client, s.poolId, username, [
      { Name: 'email', Value: `${username}@example.com` },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'phone_number', Value: '+12065551212' },
      { Name: 'name', Value: 'Ann' },
    ]);
    const signIn = await client.send(
      new AdminInitiateAuthCommand({ UserPoolId: s.poolId, ClientId: s.app, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'Correct-Horse-9' } }),
    );
    const apiToken = signIn.AuthenticationResult!.AccessToken!;
    const userInfo = (token: string, init: RequestInit = {}) => fetch(`${s.base}/oauth2/userInfo`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

    const api = await userInfo(apiToken);
    assert.equal(api.status, 401, "the API's tokens carry no openid scope");
    assert.equal(api.headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."');
    assert.equal(((await api.json()) as { error: string }).error, 'invalid_token');

    // The code flow (managed login) issues tokens with OIDC scopes; here the API token's claims are
    // signed again with them, with the pool's own access key.
    const keys = (await server.running.deps.keys.signingKeys(s.poolId))!;
    const withScopes = (scope: string) => signRs256(keys.access.kid, { ...claimsOf(apiToken), scope }, keys.access.key);
    const sub = claimsOf(apiToken).sub;

    const all = await userInfo(await withScopes('openid'));
    assert.equal(all.status, 200);
    assert.deepEqual(await all.json(), {
      sub,
      email: `${username}@example.com`,
      email_verified: 'true',
      phone_number: '+12065551212',
      name: 'Ann',
      username,
    });
    const email = await userInfo(await withScopes('openid email'), { method: 'POST' });
    assert.deepEqual(await email.json(), { sub, email: `${username}@example.com`, email_verified: 'true', username });
    const profilePhone = await userInfo(await withScopes('phone openid profile aws.cognito.signin.user.admin'));
    assert.deepEqual(await profilePhone.json(), { sub, phone_number: '+12065551212', name: 'Ann', username });

    const none = await fetch(`${s.base}/oauth2/userInfo`);
    assert.equal(none.status, 400);
    assert.match(none.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
    await none.text();
    const forged = await userInfo(`${(await withScopes('openid')).slice(0, -4)}AAAA`);
    assert.equal(forged.status, 401);
    await forged.text();

    // The same token at another pool's domain.
    const other = await setUp(server, client);
    const elsewhere = await fetch(`${other.base}/oauth2/userInfo`, { headers: { authorization: `Bearer ${await withScopes('openid')}` } });
    assert.equal(elsewhere.status, 401);
    await elsewhere.text();

    const openid = await withScopes('openid');
    await client.send(new GlobalSignOutCommand({ AccessToken: apiToken }));
    const revoked = await userInfo(openid);
    assert.equal(revoked.status, 401);
    await revoked.text();
  });

  test(`revoke: a refresh token and its sign-in, with RevokeToken's rules; each refusal (${engine})`, async () => {
    const username = `bob${randomBytes(3).toString('hex')}`;
    await createUser(client, s.poolId, username);
    const signIn = async (clientId: string) =>
      (await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'Correct-Horse-9' } })))
        .AuthenticationResult!;
    const revoke = `${s.base}/oauth2/revoke`;

    const tokens = await signIn(s.app);
    assert.deepEqual((await post(revoke, { client_id: s.app })).body, { error: 'invalid_request', error_description: 'token is missing.' });
    const access = await post(revoke, { token: tokens.AccessToken!, client_id: s.app });
    assert.deepEqual([access.status, access.body], [400, { error: 'unsupported_token_type' }]);
    assert.deepEqual((await post(revoke, { token: tokens.RefreshToken!, client_id: s.app, client_secret: 'x' })).body, { error: 'invalid_client' });

    // The refresh token of another client.
    const machineTry = await post(revoke, { token: tokens.RefreshToken! }, { authorization: basic(s.machine.id, s.machine.secret) });
    assert.deepEqual([machineTry.status, machineTry.body], [400, { error: 'invalid_grant' }]);
    const wrongSecret = await post(revoke, { token: tokens.RefreshToken! }, { authorization: basic(s.machine.id, 'wrong') });
    assert.equal(wrongSecret.status, 401);

    const ok = await post(revoke, { token: tokens.RefreshToken!, client_id: s.app });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, undefined, 'an empty body');
    await rejectsWith(
      client.send(new InitiateAuthCommand({ ClientId: s.app, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } })),
      'NotAuthorizedException',
    );
    await rejectsWith(client.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })), 'NotAuthorizedException', 'Access Token has been revoked');
    assert.equal((await post(revoke, { token: tokens.RefreshToken!, client_id: s.app })).status, 200, 'again: still a success');
    assert.equal((await post(revoke, { token: 'unknown-refresh-token', client_id: s.app })).status, 200, 'an unknown token is a success (RFC 7009)');
  });

  test(`openid-client discovers the pool from its issuer, takes client_credentials tokens (basic and post) and revokes a refresh token (${engine})`, async () => {
    const issuer = new URL(`${server.url}/${s.poolId}`);
    const discover = (clientId: string, auth: oidc.ClientAuth) => oidc.discovery(issuer, clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
    const basicConfig = await discover(s.machine.id, oidc.ClientSecretBasic(s.machine.secret));
    const viaBasic = await oidc.clientCredentialsGrant(basicConfig, { scope: 'https://api.example.com/read' });
    assert.equal(viaBasic.token_type, 'bearer');
    assert.equal(claimsOf(viaBasic.access_token).scope, 'https://api.example.com/read');
    const postConfig = await discover(s.machine.id, oidc.ClientSecretPost(s.machine.secret));
    assert.equal(claimsOf((await oidc.clientCredentialsGrant(postConfig)).access_token).client_id, s.machine.id);
    const wrong = await discover(s.machine.id, oidc.ClientSecretPost('wrong'));
    await assert.rejects(oidc.clientCredentialsGrant(wrong), (err: any) => err.error === 'invalid_client');

    const username = `cat${randomBytes(3).toString('hex')}`;
    await createUser(client, s.poolId, username);
    const tokens = (await client.send(
      new InitiateAuthCommand({ ClientId: s.app, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'Correct-Horse-9' } }),
    )).AuthenticationResult!;
    await oidc.tokenRevocation(await discover(s.app, oidc.None()), tokens.RefreshToken!);
    await rejectsWith(client.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })), 'NotAuthorizedException', 'Access Token has been revoked');
  });

  test(`the discovery document lists the domain's endpoints, only when the pool has a domain (${engine})`, async () => {
    const doc = (await (await fetch(`${server.url}/${s.poolId}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc.issuer, `${server.url}/${s.poolId}`);
    assert.equal(doc.authorization_endpoint, `${s.base}/oauth2/authorize`);
    assert.equal(doc.token_endpoint, `${s.base}/oauth2/token`);
    assert.equal(doc.userinfo_endpoint, `${s.base}/oauth2/userInfo`);
    assert.equal(doc.revocation_endpoint, `${s.base}/oauth2/revoke`);
    assert.equal(doc.end_session_endpoint, `${s.base}/logout`);
    assert.deepEqual(doc.response_types_supported, ['code', 'token']);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256', 'plain']);
    const bare = (await client.send(new CreateUserPoolCommand({ PoolName: 'bare' }))).UserPool!.Id!;
    const plain = (await (await fetch(`${server.url}/${bare}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(plain.token_endpoint, undefined);
    assert.equal(plain.authorization_endpoint, undefined);
  });
}

describe('on SQLite', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({}, new ManualClock(Date.now()));
  });
  after(() => server?.stop());
  endpointSuite('SQLite', () => ({ server, client: sdk(server.url) }));
});

describe('on PostgreSQL', { skip: pgSkip }, () => {
  let server: TestServer;
  const schema = pgSchemaUrl();
  before(async () => {
    server = await startServer({ db: schema.url, sealingKey: randomBytes(32).toString('hex') }, new ManualClock(Date.now()));
  });
  after(async () => {
    await server?.stop();
    await schema.drop();
  });
  endpointSuite('PostgreSQL', () => ({ server, client: sdk(server.url) }));
});
