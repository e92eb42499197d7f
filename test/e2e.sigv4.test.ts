/**
 * With `--access-key-id` and `--secret-access-key`, signed operations must carry a valid SigV4
 * signature for those credentials (src/protocol/sigv4.ts). The judges are real signers: the AWS SDK
 * for JavaScript, its SignatureV4 signer for the outbox's GET, and the AWS CLI (botocore).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  SignUpCommand,
  CreateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SignatureV4 } from '@smithy/signature-v4';
import { ManualClock } from '../src/clock.js';
import { configFromArgs } from '../src/cli/serve.js';
import { PASSWORD } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

const credentials = { accessKeyId: 'AKIDCOGNATESIGV4', secretAccessKey: 'cognate-sigv4-secret' };
const INVALID_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** SHA-256 and HMAC-SHA256 from node:crypto, in the shape the SDK's signer takes. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

let server: TestServer;
const clientWith = (creds: { accessKeyId: string; secretAccessKey: string }) =>
  new CognitoIdentityProviderClient({ endpoint: server.url, region: 'eu-west-1', credentials: creds, maxAttempts: 1 });

/** The error an SDK call failed with: its name, message and HTTP status. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  assert.fail('the call succeeded');
}

before(async () => {
  // The server's clock starts at the real time: the SDK signs with its own.
  server = await startServer({ credentials, region: 'eu-west-1' }, new ManualClock(Date.now()));
});
after(() => server.stop());

describe('SigV4 with configured credentials', () => {
  test('requests signed with the configured credentials work, from admin calls to unsigned user calls', async () => {
    const admin = clientWith(credentials);
    const pool = await admin.send(new CreateUserPoolCommand({ PoolName: 'signed' }));
    const poolId = pool.UserPool!.Id!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ann', MessageAction: 'SUPPRESS' }));
    const users = await admin.send(new ListUsersCommand({ UserPoolId: poolId }));
    assert.deepEqual(users.Users!.map((u) => u.Username), ['ann']);
    // User operations carry no signature at all (the model's authtype "none"), so any client may call them.
    const { UserPoolClient } = await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }));
    const anonymous = clientWith({ accessKeyId: 'AKIDWHOEVER', secretAccessKey: 'whatever' });
    const signUp = await anonymous.send(new SignUpCommand({ ClientId: UserPoolClient!.ClientId!, Username: 'bob', Password: PASSWORD }));
    assert.ok(signUp.UserSub);
  });

  test('a wrong secret is InvalidSignatureException, an unknown key UnrecognizedClientException, both HTTP 400', async () => {
    const wrongSecret = await failure(clientWith({ ...credentials, secretAccessKey: 'not-the-secret' }).send(new ListUserPoolsCommand({ MaxResults: 5 })));
    assert.deepEqual(wrongSecret, { name: 'InvalidSignatureException', message: INVALID_SIGNATURE, status: 400 });
    const unknownKey = await failure(clientWith({ ...credentials, accessKeyId: 'AKIDSOMEONEELSE' }).send(new ListUserPoolsCommand({ MaxResults: 5 })));
    assert.deepEqual(unknownKey, {
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 400,
    });
  });

  test('a body changed after signing is refused', async () => {
    const client = clientWith(credentials);
    // After the signing middleware, before the request goes out.
    client.middlewareStack.add(
      (next) => async (args) => {
        // The same length, so that only the signature can tell.
        const request = args.request as { body?: string };
        request.body = JSON.stringify({ MaxResults: 6 });
        return next(args);
      },
      { step: 'deserialize', name: 'tamperAfterSigning' },
    );
    const refused = await failure(client.send(new ListUserPoolsCommand({ MaxResults: 5 })));
    assert.equal(refused.name, 'InvalidSignatureException');
  });

  test('a signature more than 5 minutes from the server clock is refused either way, with AWS messages', async () => {
    const admin = clientWith(credentials);
    const now = Date.now();
    try {
      server.clock.set(now + 6 * 60_000);
      const expired = await failure(admin.send(new ListUserPoolsCommand({ MaxResults: 5 })));
      assert.equal(expired.name, 'InvalidSignatureException');
      assert.match(expired.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
      server.clock.set(now - 6 * 60_000);
      const early = await failure(admin.send(new ListUserPoolsCommand({ MaxResults: 5 })));
      assert.equal(early.name, 'InvalidSignatureException');
      assert.match(early.message, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
    } finally {
      server.clock.set(Date.now());
    }
    await admin.send(new ListUserPoolsCommand({ MaxResults: 5 }));
  });

  test('the outbox (a signed GET with a query string) takes a real signature and refuses a wrong one', async () => {
    const url = new URL(`${server.url}/_cognate/outbox?poolId=eu-west-1_nothing&username=a%20b`);
    const signedGet = async (secretAccessKey: string) => {
      const signer = new SignatureV4({
        service: 'cognito-idp',
        region: 'eu-west-1',
        sha256: Sha256 as unknown as ConstructorParameters<typeof SignatureV4>[0]['sha256'],
        credentials: { ...credentials, secretAccessKey },
      });
      const signed = await signer.sign({
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { host: url.host },
      });
      return fetch(url, { headers: signed.headers as Record<string, string> });
    };
    const ok = await signedGet(credentials.secretAccessKey);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.deepEqual(await ok.json(), { Messages: [] });
    const refused = await signedGet('not-the-secret');
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { __type: string }).__type, 'InvalidSignatureException');
  });
});

describe('SigV4 binds the operation, the region and the service', () => {
  const signer = (region = 'eu-west-1', service = 'cognito-idp') =>
    new SignatureV4({
      service,
      region,
      sha256: Sha256 as unknown as ConstructorParameters<typeof SignatureV4>[0]['sha256'],
      credentials,
    });

  /** A POST signed over `signed` headers only; `extra` headers are added after signing. */
  async function post(operation: string, body: object, options: { signed?: string[]; extra?: Record<string, string>; region?: string; service?: string } = {}) {
    const url = new URL(server.url);
    const all: Record<string, string> = {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    };
    const signed = options.signed ?? Object.keys(all);
    const text = JSON.stringify(body);
    const request = await signer(options.region, options.service).sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: Object.fromEntries(Object.entries(all).filter(([name]) => signed.includes(name))),
      body: text,
    });
    const headers = { ...all, ...(request.headers as Record<string, string>), ...options.extra };
    const res = await fetch(server.url, { method: 'POST', headers, body: text });
    return { status: res.status, body: (await res.json()) as { __type?: string; message?: string } };
  }

  test('a hand-signed request over host, content-type and x-amz-target works', async () => {
    const answer = await post('ListUserPools', { MaxResults: 5 });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  test('a signature that does not cover X-Amz-Target cannot be replayed for another operation', async () => {
    // Signed as if for ListUserPools, with no X-Amz-Target in the signature; sent as CreateUserPool.
    const answer = await post('CreateUserPool', { PoolName: 'forged' }, { signed: ['host', 'content-type'] });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      __type: 'InvalidSignatureException',
      message: 'There were headers present in the request which were not signed: x-amz-target',
    });
    const pools = await clientWith(credentials).send(new ListUserPoolsCommand({ MaxResults: 60 }));
    assert.ok(!pools.UserPools!.some((p) => p.Name === 'forged'), 'the forged request created nothing');
  });

  test('content-type and every x-amz-* header present must be signed', async () => {
    const noType = await post('ListUserPools', { MaxResults: 5 }, { signed: ['host', 'x-amz-target'] });
    assert.equal(noType.body.__type, 'InvalidSignatureException');
    assert.match(noType.body.message!, /not signed: content-type$/);
    const added = await post('ListUserPools', { MaxResults: 5 }, { extra: { 'x-amz-security-token': 'injected' } });
    assert.equal(added.body.__type, 'InvalidSignatureException');
    assert.match(added.body.message!, /not signed: x-amz-security-token$/);
  });

  test('a signature scoped to another region than --region is refused with AWS words', async () => {
    const other = await failure(
      new CognitoIdentityProviderClient({ endpoint: server.url, region: 'us-west-2', credentials, maxAttempts: 1 }).send(new ListUserPoolsCommand({ MaxResults: 5 })),
    );
    assert.deepEqual(other, {
      name: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'us-west-2'. ",
      status: 400,
    });
    const raw = await post('ListUserPools', { MaxResults: 5 }, { region: 'ap-south-1' });
    assert.equal(raw.body.__type, 'InvalidSignatureException');
  });

  test('a signature scoped to another service is refused', async () => {
    const answer = await post('ListUserPools', { MaxResults: 5 }, { service: 'dynamodb' });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      __type: 'IncompleteSignatureException',
      message: "Credential should be scoped to correct service: 'cognito-idp'.",
    });
  });
});

describe('SigV4 settings of cognate serve', () => {
  test('--access-key-id and --secret-access-key (or their variables) go together', () => {
    const fromFlags = configFromArgs(['--access-key-id', 'AKID', '--secret-access-key', 's3cret'], {});
    assert.deepEqual(fromFlags !== 'help' && fromFlags.credentials, { accessKeyId: 'AKID', secretAccessKey: 's3cret' });
    const fromEnv = configFromArgs([], { COGNATE_ACCESS_KEY_ID: 'AKID2', COGNATE_SECRET_ACCESS_KEY: 'x' });
    assert.deepEqual(fromEnv !== 'help' && fromEnv.credentials, { accessKeyId: 'AKID2', secretAccessKey: 'x' });
    assert.throws(() => configFromArgs(['--access-key-id', 'AKID'], {}), /go together/);
    const none = configFromArgs([], {});
    assert.equal(none !== 'help' && none.credentials, undefined);
  });
});

// ---- the AWS CLI (botocore's signer) -------------------------------------------------------------
const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const awsMissing = probe.error ? `'aws' could not be run (${probe.error.message}): the AWS CLI half is skipped` : undefined;

describe('SigV4 with the AWS CLI', { skip: awsMissing }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cognate-sigv4-cli-'));
    writeFileSync(join(dir, 'empty'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const aws = (secretAccessKey: string) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_CONFIG_FILE: join(dir, 'empty'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'empty'),
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    // Asynchronously: the server runs in this process and must keep answering meanwhile.
    const child = spawn(
      'aws',
      ['cognito-idp', 'list-user-pools', '--max-results', '5', '--endpoint-url', server.url, '--region', 'eu-west-1', '--output', 'json'],
      { env },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (status) => resolve({ status, stdout, stderr })),
    );
  };

  test('the AWS CLI signs the way Cognate checks, and a wrong secret is refused', async () => {
    const ok = await aws(credentials.secretAccessKey);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(Array.isArray(JSON.parse(ok.stdout).UserPools));
    const refused = await aws('not-the-secret');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /InvalidSignatureException/);
  });
});
