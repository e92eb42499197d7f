import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminGetUserCommand,
  AssociateSoftwareTokenCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createPool, createUser, PASSWORD, rejectsWith, totpCode } from './support/fixtures.js';
import { sdk, startServerProcess, type ServerProcess } from './support/server.js';

/**
 * The built `cognate serve` on a database file survives a restart: data, token signing keys and
 * the sealing key (which protects TOTP secrets at rest) all persist. The server runs on the real
 * clock here, so TOTP codes come from Date.now().
 */

const dir = mkdtempSync(join(tmpdir(), 'cognate-restart-'));
const db = join(dir, 'cognate.db');
const keyFile = join(dir, 'sealing.key');
const running: ServerProcess[] = [];

async function start(): Promise<ServerProcess> {
  const server = await startServerProcess(['--db', db]);
  running.push(server);
  return server;
}

after(async () => {
  for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const STEP_MS = 30_000;

test('pools, clients, users, tokens and TOTP secrets survive a restart on the same database file', async () => {
  // --- first run: create everything and enrol TOTP -------------------------------------------
  const first = await start();
  let client = sdk(first.url);
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'rita', [{ Name: 'email', Value: 'rita@example.com' }]);
  const signIn = () =>
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'rita', PASSWORD } }));

  const tokens = (await signIn()).AuthenticationResult!;
  assert.ok(tokens.AccessToken);
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: tokens.AccessToken }));
  assert.ok(SecretCode);
  const enrolledAt = Date.now();
  const verified = await client.send(
    new VerifySoftwareTokenCommand({ AccessToken: tokens.AccessToken, UserCode: totpCode(SecretCode, enrolledAt), FriendlyDeviceName: 'rita-phone' }),
  );
  assert.equal(verified.Status, 'SUCCESS');
  await client.send(new SetUserMFAPreferenceCommand({ AccessToken: tokens.AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const before = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'rita' }));
  assert.deepEqual(before.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  client.destroy();

  // The sealing key was created next to the database, readable by its owner only.
  assert.ok(existsSync(keyFile), `no key file at ${keyFile}`);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, `key file mode is ${(statSync(keyFile).mode & 0o777).toString(8)}`);
  const key = readFileSync(keyFile, 'utf8');
  assert.match(key.trim(), /^[0-9a-f]{64}$/);

  assert.equal(await first.stop(), 0, `SIGTERM should exit 0\n${first.output()}`);

  // --- second run on the same file -----------------------------------------------------------
  const second = await start();
  client = sdk(second.url);
  assert.equal(readFileSync(keyFile, 'utf8'), key, 'the existing key file is reused, not replaced');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);

  const pool = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.equal(pool.UserPool!.Id, poolId);
  assert.equal(pool.UserPool!.MfaConfiguration, 'OPTIONAL');
  const mfa = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
  assert.equal(mfa.SoftwareTokenMfaConfiguration?.Enabled, true);
  const app = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }));
  assert.equal(app.UserPoolClient!.ClientName, 'app');
  const users = await client.send(new ListUsersCommand({ UserPoolId: poolId }));
  assert.deepEqual(users.Users!.map((u) => u.Username), ['rita']);
  const reloaded = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'rita' }));
  assert.equal(reloaded.UserStatus, 'CONFIRMED');
  assert.deepEqual(reloaded.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(reloaded.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  assert.deepEqual(reloaded.UserAttributes, before.UserAttributes);

  // The access token issued by the first run still verifies: the signing keys persisted.
  const me = await client.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
  assert.equal(me.Username, 'rita');
  assert.equal(me.UserAttributes!.find((a) => a.Name === 'email')!.Value, 'rita@example.com');

  // Sign-in works and asks for the TOTP enrolled before the restart.
  const challenge = await signIn();
  assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(challenge.ChallengeParameters!.FRIENDLY_DEVICE_NAME, 'rita-phone');
  const answer = (code: string) =>
    client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: 'rita', SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );
  // The step spent at enrolment stays spent across the restart (while it is still inside the
  // ±1 step window; a slower run cannot tell a replay from a stale code, so it skips this check).
  if (Math.floor(Date.now() / STEP_MS) <= Math.floor(enrolledAt / STEP_MS) + 1) {
    await rejectsWith(answer(totpCode(SecretCode, enrolledAt)), 'ExpiredCodeException');
  }
  // The sealed TOTP secret still opens: the next step's code is accepted.
  const done = await answer(totpCode(SecretCode, Date.now() + STEP_MS));
  assert.ok(done.AuthenticationResult?.AccessToken, 'the TOTP answer should give tokens');
  assert.equal((await client.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken }))).Username, 'rita');
  client.destroy();

  assert.equal(await second.stop(), 0, `SIGTERM should exit 0\n${second.output()}`);
});

test('an answered write survives SIGKILL: 40 concurrent writes answered 200 are all there after a restart', async () => {
  // Group commit answers each write after the commit of its event-loop turn
  // (src/store/sqlite/commitBatch.ts): a 200 must mean the write is on disk, even if the process
  // is killed right after, without the orderly close that SIGTERM gives.
  const first = await start();
  let client = sdk(first.url);
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'kim');
  const { AccessToken } = (await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'kim', PASSWORD } }),
  )).AuthenticationResult!;
  const usernames = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
  const associated = client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  await Promise.all([associated, ...usernames.map((Username) => createUser(client, poolId, Username))]);
  const secret = (await associated).SecretCode!;
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  const second = await start();
  client = sdk(second.url);
  const listed: string[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await client.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken }));
    listed.push(...page.Users!.map((u) => u.Username!));
    PaginationToken = page.PaginationToken;
  } while (PaginationToken);
  assert.deepEqual(listed.filter((u) => u.startsWith('burst-')).sort(), [...usernames].sort());
  // The secret answered before the kill is the one the server checks codes against.
  const verified = await client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(secret, Date.now()) }));
  assert.equal(verified.Status, 'SUCCESS');
  await second.stop();
});

const FAKE_SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDCOGNATETEST/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=' +
  'a'.repeat(64);

test('SIGTERM lets a request in flight finish before the process exits', async () => {
  const server = await start();
  const body = JSON.stringify({ MaxResults: 10 });
  const url = new URL(server.url);
  let socketConnected!: () => void;
  const connected = new Promise<void>((resolve) => (socketConnected = resolve));

  // Headers and half the body go out now; the rest only after SIGTERM. The server has the request
  // (its handler is reading the body) when the signal arrives, so it must finish it before exiting.
  const req = request({
    host: url.hostname,
    port: url.port,
    method: 'POST',
    path: '/',
    agent: false,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools',
      authorization: FAKE_SIGV4,
      'content-length': Buffer.byteLength(body),
    },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.on('socket', (socket) => socket.on('connect', () => socketConnected()));
  req.flushHeaders();
  req.write(body.slice(0, 5));
  await connected;
  await new Promise((r) => setTimeout(r, 300)); // let the server parse the headers

  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
  server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(server.child.exitCode, null, `the server exited with a request in flight\n${server.output()}`);

  req.end(body.slice(5));
  const { status, text } = await response;
  assert.equal(status, 200, text);
  assert.ok(Array.isArray(JSON.parse(text).UserPools), text);
  assert.equal(await exited, 0, `SIGTERM should exit 0 once the request is answered\n${server.output()}`);

  // New connections are refused once it has gone.
  await assert.rejects(fetch(`${server.url}/health`));
});
