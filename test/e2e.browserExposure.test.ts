import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startServer, type TestServer } from './support/server.js';

/**
 * What a web page open in the developer's browser can do to a default (no credentials) server on
 * 127.0.0.1 (docs/security.md): call the unsigned user operations, as Amplify does, and nothing
 * else. Signed operations and the outbox carry no CORS headers and their preflight does not approve
 * `authorization`; `--cors-admin` opts back in. A Host header that is not loopback (DNS rebinding)
 * is refused. Requests go out with node:http, which lets the test set Origin and Host as a browser
 * (or an attacker's rebinding page) would.
 */

const PREFIX = 'AWSCognitoIdentityProviderService.';
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDCOGNATETEST/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
  '0123456789abcdef'.repeat(4);
const ORIGIN = 'https://evil.example';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const rpc = (url: string, operation: string, input: unknown, extra: Record<string, string> = {}) =>
  raw(url, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${PREFIX}${operation}`, ...extra },
    body: JSON.stringify(input),
  });

const preflight = (url: string, requestHeaders: string) =>
  raw(url, {
    method: 'OPTIONS',
    headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
  });

const allowedHeaders = (answer: Answer) => String(answer.headers['access-control-allow-headers'] ?? '').toLowerCase().split(/\s*,\s*/);

describe('CORS by default: user operations only', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  test('the preflight of a user operation passes; one carrying authorization does not', async () => {
    const user = await preflight(server.url, 'content-type,x-amz-target,x-amz-user-agent');
    assert.equal(user.status, 204);
    assert.equal(user.headers['access-control-allow-origin'], '*');
    for (const h of ['content-type', 'x-amz-target', 'x-amz-user-agent']) assert.ok(allowedHeaders(user).includes(h), h);
    // A browser sends a signed request only if every header it lists is allowed: authorization never is.
    const signed = await preflight(server.url, 'authorization,content-type,x-amz-date,x-amz-target');
    assert.ok(!allowedHeaders(signed).includes('authorization'), `allow-headers: ${signed.headers['access-control-allow-headers']}`);
    assert.ok(!allowedHeaders(signed).includes('*'));
  });

  test('user operations are readable cross-origin, signed operations and the outbox are not', async () => {
    const unsigned = await rpc(server.url, 'InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nosuchclient', AuthParameters: { USERNAME: 'a', PASSWORD: 'b' } });
    assert.equal(unsigned.status, 400);
    assert.equal(unsigned.headers['access-control-allow-origin'], '*');
    assert.ok(String(unsigned.headers['access-control-expose-headers']).includes('x-amzn-errortype'));

    const created = await rpc(server.url, 'CreateUserPool', { PoolName: 'from-a-page' }, { authorization: SIGV4 });
    assert.equal(created.status, 200, created.body);
    assert.equal(created.headers['access-control-allow-origin'], undefined, 'a page could read an admin answer');
    const refused = await rpc(server.url, 'AdminGetUser', { UserPoolId: 'us-east-1_nothing', Username: 'a' }, { authorization: SIGV4 });
    assert.equal(refused.headers['access-control-allow-origin'], undefined);

    const outbox = await raw(server.url, { path: '/_cognate/outbox?poolId=us-east-1_nothing', headers: { origin: ORIGIN, authorization: SIGV4 } });
    assert.equal(outbox.status, 200, outbox.body);
    assert.equal(outbox.headers['access-control-allow-origin'], undefined);
  });

  test('health and discovery documents stay readable', async () => {
    const health = await raw(server.url, { path: '/health', headers: { origin: ORIGIN } });
    assert.equal(health.status, 200);
    assert.equal(health.headers['access-control-allow-origin'], '*');
  });
});

describe('--cors-admin', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ corsAdmin: true });
  });
  after(() => server.stop());

  test('approves signed preflights and makes admin answers and the outbox readable', async () => {
    const signed = await preflight(server.url, 'authorization,content-type,x-amz-date,x-amz-target');
    assert.ok(allowedHeaders(signed).includes('authorization'));
    const created = await rpc(server.url, 'CreateUserPool', { PoolName: 'admin-console' }, { authorization: SIGV4 });
    assert.equal(created.status, 200);
    assert.equal(created.headers['access-control-allow-origin'], '*');
    const outbox = await raw(server.url, { path: '/_cognate/outbox?poolId=us-east-1_nothing', headers: { origin: ORIGIN, authorization: SIGV4 } });
    assert.equal(outbox.headers['access-control-allow-origin'], '*');
  });
});

describe('the Host check against DNS rebinding', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ publicUrl: 'https://cognito.test.internal' });
  });
  after(() => server.stop());

  test('a loopback server refuses a Host that is not loopback, AWS-shaped, for every route', async () => {
    for (const [method, path, body] of [['POST', '/', '{"PoolName":"rebound"}'], ['GET', '/_cognate/outbox?poolId=x', undefined], ['GET', '/health', undefined], ['OPTIONS', '/', undefined]] as const) {
      const answer = await raw(server.url, {
        method,
        path,
        headers: { host: 'evil.example:9229', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${PREFIX}CreateUserPool`, authorization: SIGV4 },
        body,
      });
      assert.equal(answer.status, 403, `${method} ${path}: ${answer.body}`);
      assert.equal(answer.headers['x-amzn-errortype'], 'AccessDeniedException');
      assert.equal(answer.headers['access-control-allow-origin'], undefined);
      const parsed = JSON.parse(answer.body);
      assert.deepEqual(Object.keys(parsed).sort(), ['__type', 'message']);
      assert.match(parsed.message, /not a loopback name or the host of --public-url/);
    }
    const pools = await rpc(server.url, 'ListUserPools', { MaxResults: 60 }, { authorization: SIGV4 });
    assert.ok(!pools.body.includes('rebound'), 'the rebound request created nothing');
  });

  test('loopback names and addresses and the public URL host are served', async () => {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, `app.localhost:${port}`, `127.0.0.2:${port}`, `[::1]:${port}`, 'cognito.test.internal', 'cognito.test.internal:443']) {
      const answer = await raw(server.url, { path: '/health', headers: { host } });
      assert.equal(answer.status, 200, `${host}: ${answer.body}`);
    }
  });

  test('a server listening on all interfaces does not check Host (its operator chose the network)', async () => {
    const open = await startServer({ host: '0.0.0.0' });
    try {
      const port = new URL(open.url).port;
      const answer = await raw(`http://127.0.0.1:${port}`, { path: '/health', headers: { host: 'cognate.example.org' } });
      assert.equal(answer.status, 200);
    } finally {
      await open.stop();
    }
  });
});
