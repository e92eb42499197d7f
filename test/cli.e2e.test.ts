/**
 * A whole software-token MFA enrolment and sign-in with `cognate` commands only, against the
 * built server started as `cognate serve` (real clock): create a pool and a client, create a
 * user, sign in, associate a token (with its QR code), verify it with `cognate totp code`,
 * prefer it, sign in again and answer the SOFTWARE_TOKEN_MFA challenge.
 *
 * A TOTP code is accepted once per 30-second step: the challenge is answered with the code of
 * the next step (`--step-offset 1`), which the server accepts within its ±1 step window.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess, type ServerProcess } from './support/server.js';
import { builtCliMissing, cleanEnv, cognate, decodeGrid, terminalToGrid, type RunResult } from './cli.support.js';

const skipBuilt = builtCliMissing();
let server: ServerProcess | undefined;
let env: NodeJS.ProcessEnv;

before(async () => {
  if (skipBuilt) return;
  server = await startServerProcess(['--db', ':memory:']);
  // No credentials anywhere: signed admin calls use the local placeholder credentials.
  env = cleanEnv({ COGNATE_ENDPOINT: server.url });
});

after(async () => {
  await server?.stop();
});

async function idp(...args: string[]): Promise<RunResult> {
  return cognate(['cognito-idp', ...args], env);
}

async function ok(...args: string[]): Promise<string> {
  const r = await idp(...args);
  assert.equal(r.code, 0, `cognate cognito-idp ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

const json = (text: string) => JSON.parse(text) as Record<string, any>;

test('MFA enrolment and sign-in with CLI commands only', { skip: skipBuilt }, async () => {
  const poolId = (await ok('create-user-pool', '--pool-name', 'cli-e2e', '--query', 'UserPool.Id', '--output', 'text')).trim();
  assert.match(poolId, /^us-east-1_\w+$/);
  await ok('set-user-pool-mfa-config', '--user-pool-id', poolId, '--software-token-mfa-configuration', 'Enabled=true', '--mfa-configuration', 'OPTIONAL');
  const mfaConfig = json(await ok('get-user-pool-mfa-config', '--user-pool-id', poolId));
  assert.equal(mfaConfig.MfaConfiguration, 'OPTIONAL');
  const clientId = (
    await ok('create-user-pool-client', '--user-pool-id', poolId, '--client-name', 'cli', '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', '--query', 'UserPoolClient.ClientId', '--output', 'text')
  ).trim();
  await ok('admin-create-user', '--user-pool-id', poolId, '--username', 'alice', '--user-attributes', 'Name=email,Value=alice@example.com', '--message-action', 'SUPPRESS');
  await ok('admin-set-user-password', '--user-pool-id', poolId, '--username', 'alice', '--password', 'Correct-Horse-9', '--permanent');

  const signIn = ['initiate-auth', '--client-id', clientId, '--auth-flow', 'USER_PASSWORD_AUTH', '--auth-parameters', 'USERNAME=alice,PASSWORD=Correct-Horse-9'];
  const first = json(await ok(...signIn));
  const accessToken = first.AuthenticationResult.AccessToken as string;
  assert.ok(accessToken);

  // Associate, with the QR code of the new secret on stderr while stdout stays pipeable.
  const assoc = await idp('associate-software-token', '--access-token', accessToken, '--show-qr', '--qr-issuer', 'Cognate E2E', '--query', 'SecretCode', '--output', 'text');
  assert.equal(assoc.code, 0, assoc.stderr);
  const secret = assoc.stdout.trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  const uri = `otpauth://totp/Cognate%20E2E:alice?secret=${secret}&issuer=Cognate%20E2E`;
  assert.ok(assoc.stderr.includes(uri), assoc.stderr);
  const qr = assoc.stderr.slice(assoc.stderr.indexOf('\n\n', assoc.stderr.indexOf(uri)) + 2);
  assert.equal(await decodeGrid(terminalToGrid(qr, 'terminal')), uri, 'the QR code on stderr decodes to the URI');

  const code = (await cognate(['totp', 'code', '--secret', secret], env)).stdout.trim();
  assert.match(code, /^\d{6}$/);
  const verified = json(await ok('verify-software-token', '--access-token', accessToken, '--user-code', code, '--friendly-device-name', 'phone'));
  assert.equal(verified.Status, 'SUCCESS');
  await ok('set-user-mfa-preference', '--access-token', accessToken, '--software-token-mfa-settings', 'Enabled=true,PreferredMfa=true');
  const user = json(await ok('admin-get-user', '--user-pool-id', poolId, '--username', 'alice'));
  assert.equal(user.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');

  const challenge = json(await ok(...signIn));
  assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(challenge.AuthenticationResult, undefined);
  const nextCode = (await cognate(['totp', 'code', '--secret', secret, '--step-offset', '1'], env)).stdout.trim();
  const answered = json(
    await ok('respond-to-auth-challenge', '--client-id', clientId, '--challenge-name', 'SOFTWARE_TOKEN_MFA', '--session', challenge.Session, '--challenge-responses', `USERNAME=alice,SOFTWARE_TOKEN_MFA_CODE=${nextCode}`),
  );
  assert.ok(answered.AuthenticationResult.AccessToken, 'signed in with the second factor');
  const me = await ok('get-user', '--access-token', answered.AuthenticationResult.AccessToken, '--query', 'UserAttributes[?Name==`email`].Value', '--output', 'text');
  assert.equal(me, 'alice@example.com\n');
});

test('errors from the real server: exit 254 and the AWS CLI line', { skip: skipBuilt }, async () => {
  const r = await idp('associate-software-token', '--access-token', 'not-a-token');
  assert.equal(r.code, 254);
  assert.match(r.stderr, /^\nAn error occurred \(NotAuthorizedException\) when calling the AssociateSoftwareToken operation: .+\n$/);
  const missingPool = await idp('describe-user-pool', '--user-pool-id', 'us-east-1_nothere');
  assert.equal(missingPool.code, 254);
  assert.match(missingPool.stderr, /An error occurred \(ResourceNotFoundException\) when calling the DescribeUserPool operation/);
});
