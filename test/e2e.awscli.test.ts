import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * The AWS CLI (`aws cognito-idp ...`) against an in-process server: the core user flow, with the
 * CLI's own request signing, JSON output and error reporting (stderr line, and exit status 254 on
 * AWS CLI v2 or 255 on v1).
 * Each `aws` call costs about a second, so the flow is kept to about fifteen calls.
 */

const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const missing = probe.error
  ? `'aws' could not be run (${probe.error.message})`
  : probe.status !== 0
    ? `'aws --version' exited with ${probe.status}: ${probe.stderr.trim()}`
    : undefined;
/** 1 or 2: `aws-cli/1.45.11 Python/3.11.7 ...` (v1 prints the version on stderr on old Pythons). */
const major = Number(/aws-cli\/(\d+)\./.exec(`${probe.stdout ?? ''}${probe.stderr ?? ''}`)?.[1] ?? 2);
/**
 * The exit status for an error the service answered: AWS CLI v2 uses 254 ("the service returned
 * an error"), v1 uses 255 for every failure, its own or the service's
 * (https://docs.aws.amazon.com/cli/v1/userguide/cli-chap-returncodes.html).
 */
const SERVICE_ERROR_EXIT = major === 1 ? 255 : 254;
let server: TestServer;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  if (missing) return;
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'cognate-awscli-'));
  const empty = join(dir, 'empty-aws-config');
  writeFileSync(empty, '');
  // Nothing from the machine's AWS setup (profiles, tokens, regions, endpoints) may leak in.
  env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'AKIDCOGNATECLI',
    AWS_SECRET_ACCESS_KEY: 'cognate-cli-secret',
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

after(async () => {
  if (missing) return;
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aws cognito-idp <args>` asynchronously (the server lives in this process). */
function aws(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', ['cognito-idp', ...args, '--endpoint-url', server.url, '--region', 'us-east-1', '--output', 'json'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What the CLI said on stderr, less blank lines and Python's warnings about its own runtime. */
function stderrLines(run: Run): string[] {
  return run.stderr.split('\n').filter((l) => l.trim() !== '' && !/Warning\b|^\s+warnings\.warn\(/.test(l));
}

/** A call that must succeed; returns its JSON output ({} for an empty one). */
async function ok(...args: string[]): Promise<any> {
  const run = await aws(...args);
  assert.equal(run.code, 0, `aws cognito-idp ${args[0]} exited ${run.code}\n${run.stderr}${run.stdout}`);
  assert.deepEqual(stderrLines(run), [], `aws cognito-idp ${args[0]} wrote to stderr`);
  return run.stdout.trim() === '' ? {} : JSON.parse(run.stdout);
}

/** A call that must fail with this AWS error: the CLI's one-line report and its service-error exit status. */
async function fails(operation: string, code: string, message: string, ...args: string[]): Promise<void> {
  const run = await aws(...args);
  const line = `An error occurred (${code}) when calling the ${operation} operation: ${message}`;
  assert.equal(run.code, SERVICE_ERROR_EXIT, `expected exit ${SERVICE_ERROR_EXIT} (aws-cli v${major}), got ${run.code}\n${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.deepEqual(stderrLines(run), [line]);
}

test('aws cli: create pool and client, sign up, confirm, sign in, change password, disable, delete', async (t) => {
  if (missing) {
    t.skip(`aws is not on PATH: ${missing}`);
    return;
  }
  // 1-2: pool and client (signed calls).
  const pool = (await ok('create-user-pool', '--pool-name', 'cli-pool')).UserPool;
  assert.match(pool.Id, /^us-east-1_[0-9A-Za-z]+$/);
  assert.equal(pool.Name, 'cli-pool');
  const app = (
    await ok(
      'create-user-pool-client',
      '--user-pool-id', pool.Id,
      '--client-name', 'cli-app',
      '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH',
    )
  ).UserPoolClient;
  assert.equal(app.UserPoolId, pool.Id);
  assert.deepEqual([...app.ExplicitAuthFlows].sort(), ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH']);
  const clientId: string = app.ClientId;

  // 3-4: sign up (unsigned) and confirm (signed).
  const signUp = await ok(
    'sign-up', '--client-id', clientId, '--username', 'carla', '--password', PASSWORD,
    '--user-attributes', 'Name=email,Value=carla@example.com',
  );
  assert.equal(signUp.UserConfirmed, false);
  assert.match(signUp.UserSub, /^[0-9a-f-]{36}$/);
  assert.deepEqual(await ok('admin-confirm-sign-up', '--user-pool-id', pool.Id, '--username', 'carla'), {});

  const signIn = (password: string) => [
    'initiate-auth', '--client-id', clientId, '--auth-flow', 'USER_PASSWORD_AUTH',
    '--auth-parameters', `USERNAME=carla,PASSWORD=${password}`,
  ];

  // 5-6: sign in and read the user with the access token.
  const tokens = (await ok(...signIn(PASSWORD))).AuthenticationResult;
  assert.equal(tokens.TokenType, 'Bearer');
  assert.equal(tokens.ExpiresIn, 3600);
  assert.ok(tokens.AccessToken && tokens.IdToken && tokens.RefreshToken);
  const me = await ok('get-user', '--access-token', tokens.AccessToken);
  assert.equal(me.Username, 'carla');
  assert.deepEqual(
    Object.fromEntries(me.UserAttributes.map((a: { Name: string; Value: string }) => [a.Name, a.Value])),
    { email: 'carla@example.com', sub: signUp.UserSub },
  );

  // 7: a wrong password, reported the way the CLI reports every AWS error.
  await fails('InitiateAuth', 'NotAuthorizedException', 'Incorrect username or password.', ...signIn('Wrong-Pass-1'));

  // 8-10: change the password; the old one is refused, the new one works.
  assert.deepEqual(
    await ok('change-password', '--access-token', tokens.AccessToken, '--previous-password', PASSWORD, '--proposed-password', 'New-Password-2'),
    {},
  );
  await fails('InitiateAuth', 'NotAuthorizedException', 'Incorrect username or password.', ...signIn(PASSWORD));
  assert.ok((await ok(...signIn('New-Password-2'))).AuthenticationResult.AccessToken);

  // 11-12: disable; sign-in is refused.
  assert.deepEqual(await ok('admin-disable-user', '--user-pool-id', pool.Id, '--username', 'carla'), {});
  await fails('InitiateAuth', 'NotAuthorizedException', 'User is disabled.', ...signIn('New-Password-2'));

  // 13-14: delete; the user is gone.
  assert.deepEqual(await ok('admin-delete-user', '--user-pool-id', pool.Id, '--username', 'carla'), {});
  await fails('AdminGetUser', 'UserNotFoundException', 'User does not exist.', 'admin-get-user', '--user-pool-id', pool.Id, '--username', 'carla');

  // 15: the pool is listed.
  const pools = await ok('list-user-pools', '--max-results', '60');
  assert.ok(pools.UserPools.some((p: { Id: string; Name: string }) => p.Id === pool.Id && p.Name === 'cli-pool'));
});
