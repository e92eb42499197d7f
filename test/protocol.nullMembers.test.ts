import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { javaPatternToRegExp } from '../src/model/validate.js';
import { getOperation, getShape, isUnsignedOperation, operationNames } from '../src/model/serviceModel.js';
import { createPool, createUser, passwordSignIn } from './support/fixtures.js';
import { sdk, startServer, type TestServer } from './support/server.js';

/**
 * AWS JSON 1.1 has no null: a member sent as `null` is a member left out. For every operation of
 * the service model and every top-level member of its input, a minimal valid request is sent once
 * with the member `null` (to one server) and once without it (to a twin server that went through
 * the same requests), and the two answers must be the same, and never a 5xx. The twins keep their
 * state in step, so answers that depend on what earlier requests did still compare.
 */

const PREFIX = 'AWSCognitoIdentityProviderService.';
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDCOGNATETEST/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
  '0123456789abcdef'.repeat(4);

interface Twin {
  server: TestServer;
  poolId: string;
  clientId: string;
  accessToken: string;
}

async function twin(): Promise<Twin> {
  const server = await startServer();
  const client = sdk(server.url);
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'alice', [{ Name: 'email', Value: 'alice@example.com' }]);
  const signIn = await passwordSignIn(client, clientId, 'alice');
  return { server, poolId, clientId, accessToken: signIn.AuthenticationResult!.AccessToken! };
}

let left: Twin;
let right: Twin;
before(async () => {
  [left, right] = await Promise.all([twin(), twin()]);
});
after(async () => {
  await Promise.all([left?.server.stop(), right?.server.stop()]);
});

/** Values for shapes that must name the fixture's things for the request to get anywhere. */
function knownValue(shape: string, t: Twin): unknown {
  switch (shape) {
    case 'UserPoolIdType':
      return t.poolId;
    case 'ClientIdType':
      return t.clientId;
    case 'TokenModelType':
      return t.accessToken;
    case 'UsernameType':
      return 'alice';
    case 'PasswordType':
      return 'Correct-Horse-9';
    default:
      return undefined;
  }
}

const CANDIDATES = [
  'abc', 'a', 'us-east-1_abcdefghi', '123456', 'abcdefghijklmnopqrstuvwxyz0123456789', 'https://example.com/callback',
  'arn:aws:iam::123456789012:role/example', 'alice@example.com', '+15555550100', 'example.com', 'ABCDEFGHIJKLMNOP',
];

/** A value that satisfies the shape's constraints: the minimal valid request is built from these. */
function sample(shapeName: string, t: Twin, depth = 0): unknown {
  const known = knownValue(shapeName, t);
  if (known !== undefined) return known;
  const shape = getShape(shapeName)!;
  switch (shape.type) {
    case 'string': {
      if (shape.enum) return shape.enum[0];
      const min = shape.min ?? 0;
      const max = shape.max ?? Infinity;
      const re = shape.pattern ? javaPatternToRegExp(shape.pattern) : undefined;
      const fits = (s: string) => s.length >= min && s.length <= max && (!re || re.test(s));
      for (const c of CANDIDATES) if (fits(c)) return c;
      for (const c of ['a', '1', 'A']) if (fits(c.repeat(Math.max(min, 1)))) return c.repeat(Math.max(min, 1));
      return 'a'.repeat(Math.max(min, 1));
    }
    case 'boolean':
      return true;
    case 'integer':
    case 'long':
      return Math.max(shape.min ?? 1, 1);
    case 'double':
    case 'float':
      return 1;
    case 'timestamp':
      return 1_767_268_800;
    case 'blob':
      return 'AAAA';
    case 'list':
      return depth > 3 || !shape.min ? [] : Array.from({ length: shape.min }, () => sample(shape.member!.shape, t, depth + 1));
    case 'map':
      return {};
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const name of shape.required ?? []) out[name] = sample(shape.members![name].shape, t, depth + 1);
      return out;
    }
    default:
      throw new Error(`no sample for ${shapeName} (${shape.type})`);
  }
}

interface Answer {
  status: number;
  type?: string;
  message?: string;
  keys?: string[];
}

async function call(t: Twin, operation: string, body: Record<string, unknown>): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': PREFIX + operation,
  };
  if (!isUnsignedOperation(operation)) headers.authorization = SIGV4;
  const res = await fetch(t.server.url, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  // Each twin has its own ids: the answers compare with them replaced.
  const plain = (s: unknown) =>
    typeof s === 'string' ? s.split(t.poolId).join('<pool>').split(t.clientId).join('<client>') : undefined;
  if (res.status === 200) return { status: 200, keys: Object.keys(json).sort() };
  return { status: res.status, type: plain(json.__type), message: plain(json.message) };
}

/** Operations that end the fixture's pool, client, user or sign-in run last, so the rest reach their handlers. */
const DESTRUCTIVE = /^(Delete|AdminDelete|GlobalSignOut|AdminUserGlobalSignOut|RevokeToken|AdminDisableUser|ForgetDevice|AdminForgetDevice)/;

test('every top-level member of every operation: null is the same as absent, and never a 5xx', async () => {
  const names = operationNames().sort((a, b) => Number(DESTRUCTIVE.test(a)) - Number(DESTRUCTIVE.test(b)) || a.localeCompare(b));
  let pairs = 0;
  const failures: string[] = [];
  for (const operation of names) {
    const input = getOperation(operation)!.input;
    if (!input) continue;
    const shape = getShape(input.shape)!;
    for (const member of Object.keys(shape.members ?? {})) {
      const withNull = { ...(sample(input.shape, left) as Record<string, unknown>), [member]: null };
      const without = sample(input.shape, right) as Record<string, unknown>;
      delete without[member];
      const [a, b] = await Promise.all([call(left, operation, withNull), call(right, operation, without)]);
      pairs++;
      if (a.status >= 500 || b.status >= 500) failures.push(`${operation}.${member}: HTTP ${a.status} / ${b.status} ${a.type} ${a.message}`);
      else if (JSON.stringify(a) !== JSON.stringify(b)) failures.push(`${operation}.${member}: null ${JSON.stringify(a)} != absent ${JSON.stringify(b)}`);
    }
  }
  assert.ok(pairs > 300, `only ${pairs} member pairs were sent`);
  assert.deepEqual(failures, []);
});
