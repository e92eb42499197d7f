import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aws as runAws, type RunResult } from './cli.support.js';
import { nextStep, PASSWORD, totpCode } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * Compatibility: the AWS CLI (`aws cognito-idp ...`, its own signing, parameter parsing, JSON output
 * and error reporting) driving a user's life against an in-process server, the way the commands of
 * AWS's tutorials are typed (issue 10): a pool with TOTP MFA OFF, OPTIONAL or ON; an app client
 * with or without a secret (SECRET_HASH computed as AWS documents and passed in --auth-parameters /
 * --challenge-responses), or created with the legacy name `--explicit-auth-flows USER_PASSWORD_AUTH`;
 * admin-create-user with `Name=email_verified,Value=True`; initiate-auth USER_PASSWORD_AUTH, TOTP
 * enrolment and sign-in, REFRESH_TOKEN_AUTH, get-user, update-user-attributes, change-password and
 * global-sign-out.
 *
 * The server's clock is a ManualClock: TOTP codes are computed at it, and each used code is followed
 * by a move to the next 30-second step. Each `aws` call costs about a second, so each case is kept
 * to about fifteen calls, and the cases run side by side.
 */

const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const missing = probe.error
  ? `'aws' could not be run (${probe.error.message})`
  : probe.status !== 0
    ? `'aws --version' exited with ${probe.status}: ${probe.stderr.trim()}`
    : undefined;
const major = Number(/aws-cli\/(\d+)\./.exec(`${probe.stdout ?? ''}${probe.stderr ?? ''}`)?.[1] ?? 2);
/** AWS CLI v2 exits 254 for an error the service answered, v1 255 for every failure. */
const SERVICE_ERROR_EXIT = major === 1 ? 255 : 254;
const NEW_PASSWORD = 'Changed-Horse-8';

let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'cognate-compat-awscli-'));
  const empty = join(dir, 'empty-aws-config');
  writeFileSync(empty, '');
  // Nothing from the machine's AWS setup (profiles, tokens, regions, endpoints) may leak in.
  env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'AKIDCOGNATECOMPAT',
    AWS_SECRET_ACCESS_KEY: 'cognate-compat-secret',
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

after(async () => {
  if (missing) return;
  rmSync(dir, { recursive: true, force: true });
});

type Run = RunResult;

/** `aws cognito-idp <args>` against one case's server (test/cli.support.ts runs it). */
const aws = (url: string, args: string[]): Promise<Run> =>
  runAws(['cognito-idp', ...args, '--endpoint-url', url, '--region', 'us-east-1', '--output', 'json'], env);

function stderrLines(run: Run): string[] {
  return run.stderr.split('\n').filter((l) => l.trim() !== '' && !/Warning\b|^\s+warnings\.warn\(/.test(l));
}

/** The calls of one case, against that case's own server. */
function cli(url: string) {
  return {
    ok: (...args: string[]) => ok(url, args),
    fails: (operation: string, code: string, message: string, ...args: string[]) => fails(url, operation, code, message, args),
  };
}

async function ok(url: string, args: string[]): Promise<any> {
  const run = await aws(url, args);
  assert.equal(run.code, 0, `aws cognito-idp ${args[0]} exited ${run.code}\n${run.stderr}${run.stdout}`);
  assert.deepEqual(stderrLines(run), [], `aws cognito-idp ${args[0]} wrote to stderr`);
  return run.stdout.trim() === '' ? {} : JSON.parse(run.stdout);
}

async function fails(url: string, operation: string, code: string, message: string, args: string[]): Promise<void> {
  const run = await aws(url, args);
  const line = `An error occurred (${code}) when calling the ${operation} operation: ${message}`;
  assert.equal(run.code, SERVICE_ERROR_EXIT, `expected exit ${SERVICE_ERROR_EXIT} (aws-cli v${major}), got ${run.code}\n${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.deepEqual(stderrLines(run), [line]);
}

/** Base64(HMAC-SHA256(client secret, username + client id)), as the Cognito developer guide gives it. */
function secretHash(username: string, clientId: string, secret: string): string {
  return createHmac('sha256', secret).update(username + clientId).digest('base64');
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

interface Case {
  mfa: 'OFF' | 'OPTIONAL' | 'ON';
  secret: boolean;
  /** ExplicitAuthFlows as typed. */
  flows: string[];
}

async function userLife(server: TestServer, { mfa, secret, flows }: Case): Promise<void> {
  const { ok, fails } = cli(server.url);
  const username = `cli-${mfa.toLowerCase()}-${secret ? 's' : 'n'}`;
  const pool = (await ok('create-user-pool', '--pool-name', `compat-${username}`)).UserPool;
  if (mfa !== 'OFF') {
    await ok(
      'set-user-pool-mfa-config', '--user-pool-id', pool.Id,
      '--software-token-mfa-configuration', 'Enabled=true', '--mfa-configuration', mfa,
    );
  }
  const app = (
    await ok(
      'create-user-pool-client', '--user-pool-id', pool.Id, '--client-name', 'compat-cli',
      secret ? '--generate-secret' : '--no-generate-secret', '--explicit-auth-flows', ...flows,
    )
  ).UserPoolClient;
  const clientId: string = app.ClientId;
  assert.equal(Boolean(app.ClientSecret), secret);
  const withHash = (params: Record<string, string>) =>
    JSON.stringify(secret ? { ...params, SECRET_HASH: secretHash(username, clientId, app.ClientSecret) } : params);

  // email_verified typed "True", as many guides type it.
  const created = (
    await ok(
      'admin-create-user', '--user-pool-id', pool.Id, '--username', username, '--message-action', 'SUPPRESS',
      '--user-attributes', `Name=email,Value=${username}@example.com`, 'Name=email_verified,Value=True',
    )
  ).User;
  const createdAttrs = Object.fromEntries(created.Attributes.map((a: { Name: string; Value: string }) => [a.Name, a.Value]));
  assert.equal(String(createdAttrs.email_verified).toLowerCase(), 'true');
  await ok('admin-set-user-password', '--user-pool-id', pool.Id, '--username', username, '--password', PASSWORD, '--permanent');

  const signIn = (password: string, authParameters = withHash({ USERNAME: username, PASSWORD: password })) => [
    'initiate-auth', '--client-id', clientId, '--auth-flow', 'USER_PASSWORD_AUTH', '--auth-parameters', authParameters,
  ];
  if (secret) {
    await fails(
      'InitiateAuth', 'NotAuthorizedException', `Client ${clientId} is configured with secret but SECRET_HASH was not received`,
      ...signIn(PASSWORD, JSON.stringify({ USERNAME: username, PASSWORD })),
    );
  }

  let tokens: any;
  const first = await ok(...signIn(PASSWORD));
  if (mfa === 'OFF') {
    tokens = first.AuthenticationResult;
  } else {
    let secretCode: string;
    if (mfa === 'ON') {
      assert.equal(first.ChallengeName, 'MFA_SETUP');
      const associated = await ok('associate-software-token', '--session', first.Session);
      secretCode = associated.SecretCode;
      const verified = await ok(
        'verify-software-token', '--session', associated.Session, '--user-code', totpCode(secretCode, server.clock.now()),
        '--friendly-device-name', 'cli-phone',
      );
      assert.equal(verified.Status, 'SUCCESS');
      const done = await ok(
        'respond-to-auth-challenge', '--client-id', clientId, '--challenge-name', 'MFA_SETUP', '--session', verified.Session,
        '--challenge-responses', withHash({ USERNAME: username }),
      );
      assert.ok(done.AuthenticationResult.AccessToken);
    } else {
      const access = first.AuthenticationResult.AccessToken;
      secretCode = (await ok('associate-software-token', '--access-token', access)).SecretCode;
      const verified = await ok(
        'verify-software-token', '--access-token', access, '--user-code', totpCode(secretCode, server.clock.now()),
        '--friendly-device-name', 'cli-phone',
      );
      assert.equal(verified.Status, 'SUCCESS');
      await ok('set-user-mfa-preference', '--access-token', access, '--software-token-mfa-settings', 'Enabled=true,PreferredMfa=true');
    }
    assert.match(secretCode, /^[A-Z2-7]{52}$/);
    nextStep(server.clock);
    const challenge = await ok(...signIn(PASSWORD));
    assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(challenge.ChallengeParameters.FRIENDLY_DEVICE_NAME, 'cli-phone');
    tokens = (
      await ok(
        'respond-to-auth-challenge', '--client-id', clientId, '--challenge-name', 'SOFTWARE_TOKEN_MFA', '--session', challenge.Session,
        '--challenge-responses', withHash({ USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: totpCode(secretCode, server.clock.now()) }),
      )
    ).AuthenticationResult;
  }
  assert.ok(tokens.AccessToken && tokens.IdToken && tokens.RefreshToken);
  assert.equal(claims(tokens.AccessToken).username, username);
  assert.equal(claims(tokens.IdToken).email_verified, true, 'email_verified is a JSON true in the ID token');

  // Refresh: allowed by ALLOW_REFRESH_TOKEN_AUTH, or always for a client with legacy flow names.
  server.clock.advance(5_000);
  const refreshed = (
    await ok('initiate-auth', '--client-id', clientId, '--auth-flow', 'REFRESH_TOKEN_AUTH', '--auth-parameters', withHash({ REFRESH_TOKEN: tokens.RefreshToken }))
  ).AuthenticationResult;
  assert.notEqual(refreshed.AccessToken, tokens.AccessToken);
  assert.equal(claims(refreshed.AccessToken).sub, claims(tokens.AccessToken).sub);
  assert.equal(refreshed.RefreshToken, undefined);

  const updated = await ok('update-user-attributes', '--access-token', refreshed.AccessToken, '--user-attributes', 'Name=name,Value=Cli Example');
  assert.deepEqual(updated.CodeDeliveryDetailsList ?? [], [], 'no attribute that needs verification was changed');
  const me = await ok('get-user', '--access-token', refreshed.AccessToken);
  const attrs = Object.fromEntries(me.UserAttributes.map((a: { Name: string; Value: string }) => [a.Name, a.Value]));
  assert.equal(attrs.email, `${username}@example.com`);
  assert.equal(attrs.name, 'Cli Example');
  assert.equal(String(attrs.email_verified).toLowerCase(), 'true');
  assert.deepEqual(me.UserMFASettingList ?? [], mfa === 'OFF' ? [] : ['SOFTWARE_TOKEN_MFA']);

  assert.deepEqual(
    await ok('change-password', '--access-token', refreshed.AccessToken, '--previous-password', PASSWORD, '--proposed-password', NEW_PASSWORD),
    {},
  );
  const again = await ok(...signIn(NEW_PASSWORD));
  if (mfa === 'OFF') assert.ok(again.AuthenticationResult.AccessToken);
  else assert.equal(again.ChallengeName, 'SOFTWARE_TOKEN_MFA');

  assert.deepEqual(await ok('global-sign-out', '--access-token', refreshed.AccessToken), {});
  await fails('GetUser', 'NotAuthorizedException', 'Access Token has been revoked', 'get-user', '--access-token', tokens.AccessToken);
  await fails(
    'InitiateAuth', 'NotAuthorizedException', 'Refresh Token has been revoked',
    'initiate-auth', '--client-id', clientId, '--auth-flow', 'REFRESH_TOKEN_AUTH', '--auth-parameters', withHash({ REFRESH_TOKEN: tokens.RefreshToken }),
  );
}

/**
 * TOTP off and on (enrolled with the access token in an OPTIONAL pool, through MFA_SETUP in an ON
 * pool), a client with and without a secret. The full cross of the two is in compat.boto3, where a
 * case costs milliseconds rather than a quarter of a minute.
 */
const CASES: Case[] = [
  // The legacy flow name of older tutorials: USER_PASSWORD_AUTH, and refresh with it.
  { mfa: 'OFF', secret: false, flows: ['USER_PASSWORD_AUTH'] },
  { mfa: 'OPTIONAL', secret: true, flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
  { mfa: 'ON', secret: false, flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
];

// Each case has its own server and clock, so the cases run side by side (each `aws` call is a
// Python start-up; one after the other they would take a minute and a half).
test('aws cli: a user\'s life in each pool configuration', { concurrency: true }, async (t) => {
  if (missing) {
    t.skip(`aws is not on PATH: ${missing}`);
    return;
  }
  await Promise.all(
    CASES.map((c) =>
      t.test(
        `TOTP MFA ${c.mfa}, ${c.secret ? 'a client with a secret' : 'a client without a secret'}, --explicit-auth-flows ${c.flows.join(' ')}: sign-in, TOTP, refresh, user calls, global sign-out`,
        async () => {
          const server = await startServer();
          try {
            await userLife(server, c);
          } finally {
            await server.stop();
          }
        },
      ),
    ),
  );
});
