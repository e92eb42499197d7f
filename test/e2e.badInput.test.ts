import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getOperation, isUnsignedOperation } from '../src/model/serviceModel.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * Hostile and malformed requests, sent with raw fetch to a real in-process server. Every one must
 * be answered the AWS JSON 1.1 way (HTTP 400, `application/x-amz-json-1.1`, `x-amzn-ErrorType`,
 * `x-amzn-RequestId`, a body of exactly `{"__type","message"}`) without leaking internals or
 * sensitive input, and the server must keep serving afterwards.
 */

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

const PREFIX = 'AWSCognitoIdentityProviderService.';
/** Well-formed SigV4 for cognito-idp: admin operations only check its shape. */
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDCOGNATETEST/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
  '0123456789abcdef'.repeat(4);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Words that would mean an internal error, a stack trace or a path escaped to the client. */
const LEAKS = [
  /TypeError|ReferenceError|RangeError|SyntaxError|Error:/,
  /undefined|\[object /,
  /\bat \//,
  /\bat .*\(/,
  /node_modules|\/work\/|\/src\/|\/dist\/|file:\/\//,
  /\.ts:\d|\.js:\d/,
  /Unexpected token|JSON\.parse|Maximum call stack/,
  /sqlite|SQLITE/i,
];

const requestIds = new Set<string>();

interface Case {
  name: string;
  /** X-Amz-Target; null leaves the header out. */
  target: string | null;
  body: string | Uint8Array | (() => ReadableStream<Uint8Array>);
  /** Authorization; null leaves the header out. Defaults to a well-formed signature. */
  authorization?: string | null;
  type: string;
  /** The exact message, or a pattern it must match. */
  message?: string | RegExp;
  /** Input that must never be echoed back (passwords, codes, tokens). */
  secret?: string;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function post(c: Pick<Case, 'target' | 'body' | 'authorization'>): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (c.target !== null) headers['x-amz-target'] = c.target;
  const authorization = c.authorization === undefined ? SIGV4 : c.authorization;
  if (authorization !== null) headers.authorization = authorization;
  const streamed = typeof c.body === 'function';
  const res = await fetch(server.url, {
    method: 'POST',
    headers,
    body: typeof c.body === 'function' ? c.body() : c.body,
    ...(streamed ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Signed (admin) operations answer without CORS headers (docs/security.md); the rest with `*`. */
const isSigned = (target: string) =>
  target.startsWith(PREFIX) && getOperation(target.slice(PREFIX.length)) !== undefined && !isUnsignedOperation(target.slice(PREFIX.length));

function assertAwsError(answer: Answer, c: Pick<Case, 'type' | 'message' | 'secret'> & { target?: string | null }, what: string): void {
  const { status, headers, text } = answer;
  const context = `${what}: HTTP ${status} ${text.slice(0, 500)}`;
  assert.equal(status, 400, context);
  assert.equal(headers.get('content-type'), 'application/x-amz-json-1.1', context);
  const errorType = headers.get('x-amzn-errortype');
  assert.ok(errorType, `${context}: no x-amzn-errortype header`);
  // AWS may append ':' and a URL to the header; the name before it is the error type.
  assert.equal(errorType.split(':')[0], c.type, context);
  const requestId = headers.get('x-amzn-requestid');
  assert.ok(requestId, `${context}: no x-amzn-requestid header`);
  assert.match(requestId, UUID, `${context}: x-amzn-requestid is not a request id`);
  assert.ok(!requestIds.has(requestId), `${context}: request id ${requestId} was used before`);
  requestIds.add(requestId);
  if (c.target && isSigned(c.target)) {
    assert.equal(headers.get('access-control-allow-origin'), null, `${context}: a page could read an admin answer`);
  } else {
    assert.equal(headers.get('access-control-allow-origin'), '*', `${context}: browsers could not read this error`);
  }

  let body: unknown;
  assert.doesNotThrow(() => (body = JSON.parse(text)), context);
  assert.ok(body && typeof body === 'object' && !Array.isArray(body), context);
  assert.deepEqual(Object.keys(body as object).sort(), ['__type', 'message'], context);
  const { __type, message } = body as { __type: unknown; message: unknown };
  assert.equal(__type, c.type, context);
  assert.equal(typeof message, 'string', context);
  assert.ok((message as string).length > 0, `${context}: empty message`);
  if (typeof c.message === 'string') assert.equal(message, c.message, context);
  else if (c.message) assert.match(message as string, c.message, context);
  for (const leak of LEAKS) assert.doesNotMatch(text, leak, `${context}: leaks internals`);
  if (c.secret) assert.ok(!text.includes(c.secret), `${context}: echoes the sensitive value`);
}

/** The server still answers: health, and a valid signed operation. */
async function assertHealthy(): Promise<void> {
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  const ok = await post({ target: `${PREFIX}ListUserPools`, body: JSON.stringify({ MaxResults: 60 }) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers.get('content-type'), 'application/x-amz-json-1.1');
  assert.match(ok.headers.get('x-amzn-requestid') ?? '', UUID);
  assert.ok(Array.isArray(JSON.parse(ok.text).UserPools), ok.text);
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

const LONG_PASSWORD = 'Sensitive-Pass-' + 'x'.repeat(250) + '-9'; // 267 characters, over the 256 maximum
const MIB = 1024 * 1024;
const DEPTH = 100_000;

const cases: Case[] = [
  // --- targets -------------------------------------------------------------------------------
  { name: 'unknown operation', target: `${PREFIX}NoSuchOp`, body: '{}', type: 'UnknownOperationException', message: /NoSuchOp/ },
  { name: 'missing X-Amz-Target', target: null, body: '{}', type: 'UnknownOperationException' },
  { name: 'target of another service', target: 'DynamoDB_20120810.ListTables', body: '{}', type: 'UnknownOperationException' },
  { name: 'target of the identity pools service', target: 'AWSCognitoIdentityService.ListUserPools', body: '{"MaxResults":10}', type: 'UnknownOperationException' },
  { name: 'target prefix with no operation', target: PREFIX, body: '{}', type: 'UnknownOperationException' },
  { name: 'target naming an Object.prototype member', target: `${PREFIX}__proto__`, body: '{}', type: 'UnknownOperationException' },

  // --- bodies that are not a JSON object ------------------------------------------------------
  { name: 'malformed JSON', target: `${PREFIX}ListUserPools`, body: '{"a":', type: 'SerializationException' },
  { name: 'a JSON array body', target: `${PREFIX}ListUserPools`, body: '[]', type: 'SerializationException' },
  { name: 'a null body', target: `${PREFIX}ListUserPools`, body: 'null', type: 'SerializationException' },
  { name: 'a JSON string body', target: `${PREFIX}ListUserPools`, body: '"MaxResults"', type: 'SerializationException' },

  // --- members of the wrong JSON type -----------------------------------------------------------
  { name: 'string for MaxResults', target: `${PREFIX}ListUserPools`, body: '{"MaxResults":"10"}', type: 'SerializationException', message: /maxResults/ },
  { name: 'number for PoolName', target: `${PREFIX}CreateUserPool`, body: '{"PoolName":42}', type: 'SerializationException', message: /poolName/ },
  { name: 'object for AccessToken', target: `${PREFIX}GetUser`, body: '{"AccessToken":{"token":"abc"}}', type: 'SerializationException', message: /accessToken/, secret: 'abc' },
  {
    name: 'array for AuthParameters',
    target: `${PREFIX}InitiateAuth`,
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'abcdefghij', AuthParameters: ['USERNAME', 'Hidden-Pass-1'] }),
    type: 'SerializationException',
    message: /authParameters/,
    secret: 'Hidden-Pass-1',
  },
  { name: 'fraction for MaxResults', target: `${PREFIX}ListUserPools`, body: '{"MaxResults":10.5}', type: 'SerializationException', message: /maxResults/ },

  // --- missing required members -----------------------------------------------------------------
  {
    name: 'CreateUserPool without PoolName',
    target: `${PREFIX}CreateUserPool`,
    body: '{}',
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'VerifySoftwareToken without UserCode',
    target: `${PREFIX}VerifySoftwareToken`,
    body: JSON.stringify({ Session: 's'.repeat(40) }),
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value null at 'userCode' failed to satisfy constraint: Member must not be null",
  },

  // --- constraint violations ---------------------------------------------------------------------
  {
    name: 'UserCode of five digits',
    target: `${PREFIX}VerifySoftwareToken`,
    body: JSON.stringify({ Session: 's'.repeat(40), UserCode: '12345' }),
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value at 'userCode' failed to satisfy constraint: Member must have length greater than or equal to 6",
    secret: '12345',
  },
  {
    name: 'UserCode of letters',
    target: `${PREFIX}VerifySoftwareToken`,
    body: JSON.stringify({ Session: 's'.repeat(40), UserCode: 'abcdef' }),
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+",
    secret: 'abcdef',
  },
  {
    name: 'Session shorter than 20 characters',
    target: `${PREFIX}VerifySoftwareToken`,
    body: JSON.stringify({ Session: 'short-session-xyz', UserCode: '123456' }),
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value at 'session' failed to satisfy constraint: Member must have length greater than or equal to 20",
    secret: 'short-session-xyz',
  },
  {
    name: "MfaConfiguration 'SOMETIMES'",
    target: `${PREFIX}SetUserPoolMfaConfig`,
    body: JSON.stringify({ UserPoolId: 'us-east-1_abcdefghi', MfaConfiguration: 'SOMETIMES' }),
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value 'SOMETIMES' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
  },
  {
    name: 'AuthSessionValidity 99',
    target: `${PREFIX}CreateUserPoolClient`,
    body: JSON.stringify({ UserPoolId: 'us-east-1_abcdefghi', ClientName: 'app', AuthSessionValidity: 99 }),
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value '99' at 'authSessionValidity' failed to satisfy constraint: Member must have value less than or equal to 15",
  },
  {
    name: 'ListUserPools MaxResults 0',
    target: `${PREFIX}ListUserPools`,
    body: '{"MaxResults":0}',
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
  },
  {
    name: 'ListUserPools MaxResults 61',
    target: `${PREFIX}ListUserPools`,
    body: '{"MaxResults":61}',
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
  },
  {
    name: 'several violations are reported together',
    target: `${PREFIX}VerifySoftwareToken`,
    body: JSON.stringify({ Session: 'tiny', UserCode: 'abc' }),
    type: 'InvalidParameterException',
    message:
      "3 validation errors detected: Value at 'session' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
      "Value at 'userCode' failed to satisfy constraint: Member must have length greater than or equal to 6; " +
      "Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+",
  },

  // --- sensitive values are never echoed -----------------------------------------------------------
  {
    name: 'SignUp with an over-long Password',
    target: `${PREFIX}SignUp`,
    body: JSON.stringify({ ClientId: 'abcdefghijklmnopqrstuvwxyz', Username: 'mallory', Password: LONG_PASSWORD }),
    type: 'InvalidParameterException',
    message: "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256",
    secret: 'Sensitive-Pass-',
  },
  {
    name: 'GetUser with a malformed AccessToken',
    target: `${PREFIX}GetUser`,
    body: JSON.stringify({ AccessToken: 'not a token!' }),
    type: 'InvalidParameterException',
    message: /^1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must satisfy regular expression pattern: /,
    secret: 'not a token!',
  },

  // --- size, encoding and nesting -------------------------------------------------------------------
  {
    name: 'oversized body (2 MiB, with Content-Length)',
    target: `${PREFIX}ListUserPools`,
    body: `{"MaxResults":10,"Padding":"${'a'.repeat(2 * MIB)}"}`,
    type: 'InvalidParameterException',
  },
  {
    name: 'oversized body (2 MiB, chunked)',
    target: `${PREFIX}ListUserPools`,
    body: () => {
      let sent = 0;
      const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"MaxResults":10,"Padding":"'));
          if (sent >= 2 * MIB) {
            controller.enqueue(new TextEncoder().encode('"}'));
            controller.close();
            return;
          }
          controller.enqueue(chunk);
          sent += chunk.length;
        },
      });
    },
    type: 'InvalidParameterException',
  },
  {
    name: 'invalid UTF-8 in a member value',
    target: `${PREFIX}CreateUserPool`,
    body: bytes('{"PoolName":"pool-', [0xff, 0xfe], '"}'),
    type: 'SerializationException',
  },
  {
    name: 'invalid UTF-8 in a member the model does not know',
    target: `${PREFIX}ListUserPools`,
    body: bytes('{"MaxResults":10,"Note":"', [0xc3, 0x28, 0xa0, 0xa1], '"}'),
    type: 'SerializationException',
  },
  { name: `${DEPTH} levels of '[' (unterminated)`, target: `${PREFIX}ListUserPools`, body: '['.repeat(DEPTH), type: 'SerializationException' },
  { name: `${DEPTH} levels of nested arrays`, target: `${PREFIX}ListUserPools`, body: '['.repeat(DEPTH) + ']'.repeat(DEPTH), type: 'SerializationException' },
  {
    name: `${DEPTH} levels of nested arrays as a member`,
    target: `${PREFIX}CreateUserPool`,
    body: `{"PoolName":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`,
    type: 'SerializationException',
    message: /poolName/,
  },

  // --- signatures on admin operations -----------------------------------------------------------------
  {
    name: 'unsigned admin call',
    target: `${PREFIX}CreateUserPool`,
    body: '{"PoolName":"unsigned"}',
    authorization: null,
    type: 'MissingAuthenticationTokenException',
  },
  {
    name: 'Authorization that is not SigV4',
    target: `${PREFIX}CreateUserPool`,
    body: '{"PoolName":"bearer"}',
    authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl',
    type: 'IncompleteSignatureException',
    secret: 'eyJhbGciOiJIUzI1NiJ9',
  },
  {
    name: 'SigV4 without a Signature',
    target: `${PREFIX}CreateUserPool`,
    body: '{"PoolName":"nosig"}',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host',
    type: 'IncompleteSignatureException',
  },
  {
    name: 'SigV4 scoped to another service',
    target: `${PREFIX}CreateUserPool`,
    body: '{"PoolName":"wrongsvc"}',
    authorization: SIGV4.replace('/cognito-idp/', '/dynamodb/'),
    type: 'IncompleteSignatureException',
  },
];

for (const c of cases) {
  test(`bad input: ${c.name}`, async () => {
    assertAwsError(await post(c), c, c.name);
    await assertHealthy();
  });
}

test('the unsigned admin call created nothing', async () => {
  const pools = JSON.parse((await post({ target: `${PREFIX}ListUserPools`, body: '{"MaxResults":60}' })).text).UserPools as { Name: string }[];
  assert.deepEqual(
    pools.filter((p) => ['unsigned', 'bearer', 'nosig', 'wrongsvc'].includes(p.Name)),
    [],
  );
});

test('CORS preflight is answered for browser SDKs', async () => {
  const res = await fetch(server.url, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent',
    },
  });
  assert.equal(res.status, 204);
  assert.equal(await res.text(), '');
  const origin = res.headers.get('access-control-allow-origin');
  assert.ok(origin === '*' || origin === 'http://localhost:3000', `access-control-allow-origin: ${origin}`);
  const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
  for (const h of ['content-type', 'x-amz-target', 'x-amz-user-agent']) assert.ok(allowed.includes(h), `allow-headers lacks ${h}: ${allowed}`);
  assert.match(res.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
  await assertHealthy();
});

test('50 garbage requests in parallel, then a valid one', async () => {
  // Every table case but the 2 MiB ones (the size limit has its own tests) and the invalid UTF-8
  // ones (which the server currently accepts: see their own tests), which would only repeat here.
  const garbage = cases.filter((c) => typeof c.body !== 'function' && !/^oversized|UTF-8/.test(c.name));
  const batch = Array.from({ length: 50 }, (_, i) => garbage[i % garbage.length]);
  const answers = await Promise.all(batch.map((c) => post(c)));
  answers.forEach((answer, i) => {
    const c = batch[i];
    assert.equal(answer.status, 400, `${c.name}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    const body = JSON.parse(answer.text);
    assert.deepEqual(Object.keys(body).sort(), ['__type', 'message'], c.name);
    assert.equal(answer.headers.get('x-amzn-errortype')?.split(':')[0], body.__type, c.name);
    for (const leak of LEAKS) assert.doesNotMatch(answer.text, leak, c.name);
  });
  const ids = answers.map((a) => a.headers.get('x-amzn-requestid'));
  assert.equal(new Set(ids).size, ids.length, 'every answer has its own request id');
  await assertHealthy();
});
