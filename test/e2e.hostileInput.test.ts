import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * Input built to hurt: values that make a model pattern backtrack for seconds, and NUL characters
 * that PostgreSQL cannot store. Raw fetch against real servers; every answer must be a fast,
 * AWS-shaped InvalidParameterException, on SQLite and PostgreSQL alike.
 */

const PREFIX = 'AWSCognitoIdentityProviderService.';
/** Well-formed SigV4 for cognito-idp: without configured credentials, only its shape is checked. */
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDCOGNATETEST/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
  '0123456789abcdef'.repeat(4);

async function call(server: TestServer, operation: string, input: unknown): Promise<{ status: number; type: string | null; body: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${PREFIX}${operation}`, authorization: SIGV4 },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: JSON.parse(text), ms: performance.now() - started };
}

function assertInvalid(answer: Awaited<ReturnType<typeof call>>, what: string, message?: RegExp): void {
  assert.equal(answer.status, 400, `${what}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  assert.equal(answer.type, 'InvalidParameterException', what);
  assert.equal(answer.body.__type, 'InvalidParameterException', what);
  if (message) assert.match(answer.body.message, message, what);
}

describe('patterns that backtrack are not run on hostile values', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  const byLink = (message: string) => ({
    PoolName: 'p',
    VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_LINK', EmailMessageByLink: message },
  });

  test('60 kB of "{####}" for EmailMessageByLink (max 20,000) is refused by its length, at once', async () => {
    const answer = await call(server, 'CreateUserPool', byLink('{####}'.repeat(10_000)));
    assertInvalid(answer, '60 kB', /Member must have length less than or equal to 20000/);
    assert.doesNotMatch(answer.body.message, /regular expression/, 'the pattern is not reported for a value already too long');
    assert.ok(answer.ms < 200, `answered in ${answer.ms.toFixed(0)} ms`);
  });

  test('19,999 characters within the maximum that fail the pattern are judged in linear time', async () => {
    // With the model's pattern as a backtracking RegExp this took about a minute.
    const answer = await call(server, 'CreateUserPool', byLink(`${'{####}'.repeat(3333)}\u0001`));
    assertInvalid(answer, '20 kB', /Member must satisfy regular expression pattern/);
    assert.ok(answer.ms < 200, `answered in ${answer.ms.toFixed(0)} ms`);
  });

  test('the message-template patterns still accept and refuse what they did', async () => {
    for (const ok of ['Click {##here##}', 'Click {####} here', '{####}']) {
      const answer = await call(server, 'CreateUserPool', byLink(ok));
      assert.equal(answer.status, 200, `${ok}: ${JSON.stringify(answer.body)}`);
    }
    for (const bad of ['no link at all', '##}{## reversed', 'tab\u0001{##x##}']) {
      assertInvalid(await call(server, 'CreateUserPool', byLink(bad)), bad, /regular expression pattern/);
    }
  });

  test('60 kB of "a@" for an email address (no model maximum) is refused at once', async () => {
    const answer = await call(server, 'CreateUserPool', { PoolName: 'p', EmailConfiguration: { ReplyToEmailAddress: 'a@'.repeat(30_000) } });
    assertInvalid(answer, 'a@', /regular expression pattern/);
    assert.ok(answer.ms < 200, `answered in ${answer.ms.toFixed(0)} ms`);
  });
});

/** NUL in a string: InvalidParameterException at the boundary, whatever the engine. */
function nulCases(server: () => TestServer): void {
  test('a NUL in a pool name, a username, an attribute value or a map key is InvalidParameterException', async () => {
    const s = server();
    assertInvalid(await call(s, 'CreateUserPool', { PoolName: 'bad\u0000pool' }), 'PoolName', /U\+0000/);
    const pool = await call(s, 'CreateUserPool', { PoolName: 'nul' });
    assert.equal(pool.status, 200, JSON.stringify(pool.body));
    const poolId = pool.body.UserPool.Id as string;
    const client = await call(s, 'CreateUserPoolClient', { UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    const clientId = client.body.UserPoolClient.ClientId as string;
    assertInvalid(await call(s, 'AdminCreateUser', { UserPoolId: poolId, Username: 'a\u0000b', MessageAction: 'SUPPRESS' }), 'Username', /U\+0000/);
    assertInvalid(
      await call(s, 'AdminCreateUser', {
        UserPoolId: poolId,
        Username: 'ann',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'name', Value: 'Ann\u0000' }],
      }),
      'attribute value',
      /U\+0000/,
    );
    assertInvalid(await call(s, 'SignUp', { ClientId: clientId, Username: 'bob\u0000', Password: 'Correct-Horse-9' }), 'SignUp');
    assertInvalid(
      await call(s, 'SignUp', { ClientId: clientId, Username: 'bob', Password: 'Correct-Horse-9', ClientMetadata: { 'k\u0000': 'v' } }),
      'map key',
    );
    // The NUL is never echoed back.
    const answer = await call(s, 'CreateUserPool', { PoolName: 'echo\u0000' });
    assert.ok(!answer.body.message.includes('\u0000'));
    // And the server still works.
    assert.equal((await call(s, 'AdminCreateUser', { UserPoolId: poolId, Username: 'ann', MessageAction: 'SUPPRESS' })).status, 200);
  });
}

describe('NUL characters on SQLite', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());
  nulCases(() => server);
});

describe('NUL characters on PostgreSQL', { skip: pgSkip }, () => {
  let server: TestServer;
  const schema = pgSchemaUrl();
  before(async () => {
    server = await startServer({ db: schema.url, sealingKey: randomBytes(32).toString('hex') });
  });
  after(async () => {
    await server?.stop();
    await schema.drop();
  });
  nulCases(() => server);
});
