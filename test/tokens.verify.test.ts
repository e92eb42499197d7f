import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { createPool, createUser, passwordSignIn, rejectsWith } from './support/fixtures.js';
import { sdk, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;

before(async () => {
  server = await startServer({}, undefined);
  client = sdk(server.url);
});
after(() => server.stop());

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (jwt: string) => jwt.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString()) : p));

async function jwks(poolId: string): Promise<Jwks> {
  const res = await fetch(`${server.url}/${poolId}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  return (await res.json()) as Jwks;
}

test('tokens carry Cognito claims and verify with aws-jwt-verify against the JWKS', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'ann', [{ Name: 'email', Value: 'ann@example.com' }, { Name: 'email_verified', Value: 'true' }]);
  const { AuthenticationResult } = await passwordSignIn(client, clientId, 'ann');
  const access = parts(AuthenticationResult!.AccessToken!);
  const id = parts(AuthenticationResult!.IdToken!);
  assert.equal(access[0].alg, 'RS256');
  assert.notEqual(access[0].kid, id[0].kid, 'access and ID tokens use different keys');
  assert.equal(access[1].token_use, 'access');
  assert.equal(access[1].scope, 'aws.cognito.signin.user.admin');
  assert.equal(access[1].client_id, clientId);
  assert.equal(access[1].username, 'ann');
  assert.equal(access[1].iss, `${server.url}/${poolId}`);
  assert.equal(access[1].exp - access[1].iat, 3600);
  assert.ok(access[1].origin_jti && access[1].jti && access[1].event_id && access[1].auth_time);
  assert.equal(id[1].token_use, 'id');
  assert.equal(id[1].aud, clientId);
  assert.equal(id[1]['cognito:username'], 'ann');
  assert.equal(id[1].email, 'ann@example.com');
  assert.equal(id[1].email_verified, true);
  assert.equal(id[1].origin_jti, access[1].origin_jti);

  const keys = await jwks(poolId);
  assert.equal(keys.keys.length, 2);
  for (const key of keys.keys) assert.deepEqual([key.kty, key.alg, key.use], ['RSA', 'RS256', 'sig']);
  const discovery = (await (await fetch(`${server.url}/${poolId}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  assert.equal(discovery.issuer, `${server.url}/${poolId}`);
  assert.equal(discovery.jwks_uri, `${server.url}/${poolId}/.well-known/jwks.json`);

  // aws-jwt-verify checks real time; the test server's clock is set to now for this.
  server.clock.set(Date.now());
  const fresh = await passwordSignIn(client, clientId, 'ann');
  const accessVerifier = JwtRsaVerifier.create({ issuer: `${server.url}/${poolId}`, audience: null, jwksUri: `${server.url}/${poolId}/.well-known/jwks.json`, customJwtCheck: ({ payload }) => { if (payload.token_use !== 'access') throw new Error('not access'); } });
  accessVerifier.cacheJwks(keys);
  const verified = await accessVerifier.verify(fresh.AuthenticationResult!.AccessToken!);
  assert.equal(verified.username, 'ann');
  const idVerifier = JwtRsaVerifier.create({ issuer: `${server.url}/${poolId}`, audience: clientId, jwksUri: `${server.url}/${poolId}/.well-known/jwks.json` });
  idVerifier.cacheJwks(keys);
  assert.equal((await idVerifier.verify(fresh.AuthenticationResult!.IdToken!))['cognito:username'], 'ann');
});

test("with the AWS issuer option, CognitoJwtVerifier accepts the tokens as Cognito's", async () => {
  const aws = await startServer({ awsIssuer: true });
  try {
    aws.clock.set(Date.now());
    const c = sdk(aws.url);
    const { poolId, clientId } = await createPool(c);
    await createUser(c, poolId, 'bob');
    const { AuthenticationResult } = await passwordSignIn(c, clientId, 'bob');
    const verifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'access', clientId });
    verifier.cacheJwks((await (await fetch(`${aws.url}/${poolId}/.well-known/jwks.json`)).json()) as Jwks);
    const payload = await verifier.verify(AuthenticationResult!.AccessToken!);
    assert.equal(payload.iss, `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);
    const idVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
    idVerifier.cacheJwks((await (await fetch(`${aws.url}/${poolId}/.well-known/jwks.json`)).json()) as Jwks);
    assert.equal((await idVerifier.verify(AuthenticationResult!.IdToken!)).sub, payload.sub);
  } finally {
    await aws.stop();
  }
});

test('forged, expired, alg none, other-pool and ID tokens are refused', async () => {
  const a = await createPool(client);
  const b = await createPool(client);
  await createUser(client, a.poolId, 'cat');
  await createUser(client, b.poolId, 'cat');
  const tokensA = (await passwordSignIn(client, a.clientId, 'cat')).AuthenticationResult!;
  const getUser = (AccessToken: string) => client.send(new GetUserCommand({ AccessToken }));
  assert.equal((await getUser(tokensA.AccessToken!)).Username, 'cat');

  const [header, payload, signature] = tokensA.AccessToken!.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  // A changed claim under the old signature.
  await rejectsWith(getUser(`${header}.${b64({ ...claims, username: 'other' })}.${signature}`), 'NotAuthorizedException', 'Invalid Access Token');
  // alg none, with and without a signature.
  const none = b64({ alg: 'none', kid: JSON.parse(Buffer.from(header, 'base64url').toString()).kid });
  await rejectsWith(getUser(`${none}.${payload}.`), 'NotAuthorizedException', 'Invalid Access Token');
  await rejectsWith(getUser(`${none}.${payload}.${signature}`), 'NotAuthorizedException', 'Invalid Access Token');
  // The ID token is not an access token.
  await rejectsWith(getUser(tokensA.IdToken!), 'NotAuthorizedException', 'Invalid Access Token');
  // Garbage that fits the model's token pattern.
  await rejectsWith(getUser('abc.def.ghi'), 'NotAuthorizedException', 'Invalid Access Token');
  // Pool B's key signing a token that claims pool A.
  const keysB = (await server.running.deps.keys.signingKeys(b.poolId))!;
  const forgedHeader = b64({ kid: keysB.access.kid, alg: 'RS256' });
  const forgedPayload = b64(claims);
  const forgedSignature = createSign('sha256').update(`${forgedHeader}.${forgedPayload}`).sign(keysB.access.key).toString('base64url');
  await rejectsWith(getUser(`${forgedHeader}.${forgedPayload}.${forgedSignature}`), 'NotAuthorizedException', 'Invalid Access Token');
  // Pool A's own key with a token lacking the required scope.
  const keysA = (await server.running.deps.keys.signingKeys(a.poolId))!;
  const noScope = b64({ ...claims, scope: 'openid' });
  const noScopeHeader = b64({ kid: keysA.access.kid, alg: 'RS256' });
  const noScopeSig = createSign('sha256').update(`${noScopeHeader}.${noScope}`).sign(keysA.access.key).toString('base64url');
  await rejectsWith(getUser(`${noScopeHeader}.${noScope}.${noScopeSig}`), 'NotAuthorizedException', 'Access Token does not have required scopes');
  // Expired.
  server.clock.advance(3600 * 1000 + 1);
  await rejectsWith(getUser(tokensA.AccessToken!), 'NotAuthorizedException', 'Access Token has expired');
});
