/**
 * The user pool domain router (src/oauth/router.ts) and client authentication
 * (src/oauth/clientAuth.ts), over real HTTP: unknown prefixes, paths and methods, the security
 * headers, bounded form bodies, the token endpoint's refusals before any grant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicCredentials } from '../src/oauth/clientAuth.js';
import { createPool } from './support/fixtures.js';
import { useServer, type TestServer } from './support/server.js';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

let server: TestServer;
let client: CognitoIdentityProviderClient;
useServer((s, c) => ((server = s), (client = c)));

/** A pool with a domain, written through the store (the operations are tested in e2e.oauthControl). */
async function poolWithDomain(): Promise<{ poolId: string; clientId: string; domain: string }> {
  const { poolId, clientId } = await createPool(client);
  const domain = `router-${poolId.split('_')[1].toLowerCase()}`;
  const now = server.clock.now();
  assert.equal(await server.running.deps.store.createUserPoolDomain({ domain, poolId, version: 1, status: 'ACTIVE', createdAt: now, modifiedAt: now }), true);
  return { poolId, clientId, domain };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

function assertSecurityHeaders(res: Response): void {
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
}

test('an unknown or malformed prefix is a 404 page, whatever the path', async () => {
  for (const path of ['/domains/nobody-here/oauth2/token', '/domains/Upper/login', '/domains/a_b/oauth2/token', '/domains/', '/domains/x%2Fy/login']) {
    const res = await fetch(`${server.url}${path}`);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assertSecurityHeaders(res);
    assert.match(await res.text(), /No user pool domain is served here/);
  }
});

test('a known domain: unknown paths are 404, a wrong method 405 with Allow, a preflight approves Authorization', async () => {
  const { domain } = await poolWithDomain();
  const base = `${server.url}/domains/${domain}`;
  const missing = await fetch(`${base}/no/such/page`);
  assert.equal(missing.status, 404);
  assertSecurityHeaders(missing);
  assert.match(await missing.text(), /There is no such page/);

  const wrongMethod = await fetch(`${base}/oauth2/token`);
  assert.equal(wrongMethod.status, 405);
  assert.match(wrongMethod.headers.get('allow') ?? '', /POST/);
  await wrongMethod.text();

  const preflight = await fetch(`${base}/oauth2/token`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
});

test('the token endpoint: form bodies only, bounded, each parameter once; grant_type checked before the client', async () => {
  const { domain, clientId } = await poolWithDomain();
  const token = `${server.url}/domains/${domain}/oauth2/token`;
  const call = async (init: RequestInit) => {
    const res = await fetch(token, init);
    assertSecurityHeaders(res);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    return { status: res.status, body: (await res.json()) as any };
  };
  assert.deepEqual(await call({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), {
    status: 400,
    body: { error: 'invalid_request', error_description: 'The body must be application/x-www-form-urlencoded.' },
  });
  assert.equal((await call(form({ client_id: clientId }))).body.error, 'invalid_request', 'no grant_type');
  assert.deepEqual((await call(form({ grant_type: 'password', client_id: clientId }))).body, { error: 'unsupported_grant_type' });
  assert.deepEqual((await call(form({ grant_type: 'constructor', client_id: clientId }))).body, { error: 'unsupported_grant_type' }, 'no prototype lookups');
  const twice = await call({ ...form({}), body: 'grant_type=client_credentials&grant_type=client_credentials' });
  assert.deepEqual(twice, { status: 400, body: { error: 'invalid_request', error_description: 'The parameter grant_type is repeated.' } });
  const big = await call({ ...form({}), body: `grant_type=client_credentials&pad=${'x'.repeat(70 * 1024)}` });
  assert.equal(big.status, 400);
  assert.equal(big.body.error, 'invalid_request');
});

test('Basic credentials: url-decoded id and secret; anything else is invalid_client with a Basic challenge', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
  assert.deepEqual(basicCredentials(basic('abc:s%3Acret+x')), { id: 'abc', secret: 's:cret x' });
  assert.deepEqual(basicCredentials(basic('abc:')), { id: 'abc', secret: '' });
  assert.equal(basicCredentials(undefined), undefined);
  for (const header of ['Bearer abc', basic('no-colon'), 'Basic !!!', basic('a:%zz')]) {
    assert.throws(() => basicCredentials(header), (err: any) => err.error === 'invalid_client' && err.status === 401 && /^Basic/.test(err.headers['www-authenticate']));
  }
});
