import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startServerProcess, type ServerProcess } from './support/server.js';
import { boto3Missing, runPython } from './support/python.js';

/**
 * Compatibility: boto3 (botocore's own signing, serialisation and error parsing) as a Python
 * backend uses Cognito, against the built `cognate serve` on the real clock (issue 10).
 * test/python/compat_boto3.py runs one case per pool configuration: TOTP MFA OFF, OPTIONAL and ON,
 * each with an app client without and with a secret (SECRET_HASH computed as AWS documents it and
 * sent wherever Cognito requires it; missing or wrong ones refused with Cognito's messages), and
 * two clients created with the legacy ExplicitAuthFlows names (["ADMIN_NO_SRP_AUTH"], and
 * ["USER_PASSWORD_AUTH"] with a secret). Each case: AdminCreateUser with email_verified "True",
 * password sign-in, TOTP enrolment and a TOTP sign-in (user or admin flow), REFRESH_TOKEN_AUTH,
 * GetTokensFromRefreshToken, GetUser, UpdateUserAttributes, ChangePassword, GlobalSignOut, and
 * ForgotPassword, whose code goes to the email made verified with "True".
 * boto3 has no SRP helper of its own, so SRP is covered by the JavaScript libraries.
 */

const script = join(repoRoot, 'test/python/compat_boto3.py');

const missing = boto3Missing();
let server: ServerProcess | undefined;
let dir: string | undefined;

before(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'cognate-compat-boto3-'));
  server = await startServerProcess(['--db', join(dir, 'cognate.db')]);
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CASES = [
  'mfa=OFF secret=no',
  'mfa=OFF secret=yes',
  'mfa=OPTIONAL secret=no',
  'mfa=OPTIONAL secret=yes',
  'mfa=ON secret=no',
  'mfa=ON secret=yes',
  'mfa=OFF secret=no legacy=ADMIN_NO_SRP_AUTH',
  'mfa=OFF secret=yes legacy=USER_PASSWORD_AUTH',
];

test('boto3: every pool configuration (TOTP MFA OFF/OPTIONAL/ON, with and without a client secret, legacy flow names)', async (t) => {
  if (missing) {
    t.skip(`boto3 is not installed: ${missing}`);
    return;
  }
  const run = await runPython([script, server!.url], 120_000);
  const report = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}\n--- server\n${server!.output()}`;
  assert.equal(run.code, 0, report);
  assert.ok(!/FAIL|Traceback/.test(run.stdout + run.stderr), report);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.at(-1), 'ALL OK', report);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('case ok: ')),
    CASES.map((c) => `case ok: [${c}]`),
    report,
  );
  // The steps that carry issue 10 and the secret handling ran, in every case that has them.
  const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
  assert.equal(count(/\] admin_create_user with email_verified 'True': email_verified=(?:true|True)$/), CASES.length, report);
  assert.equal(count(/\] initiate_auth REFRESH_TOKEN_AUTH: new access and ID tokens$/), CASES.length, report);
  assert.equal(count(/\] get_tokens_from_refresh_token: new access and ID tokens$/), CASES.length, report);
  assert.equal(count(/\] global_sign_out: access and refresh tokens revoked$/), CASES.length, report);
  assert.equal(count(/\] ID token: email_verified: true$/), CASES.length, report);
  assert.equal(count(/\] forgot_password: code sent by EMAIL to /), CASES.length, report);
  assert.equal(count(/secret=yes.*\] initiate_auth without SECRET_HASH: NotAuthorizedException: /), 4, report);
  assert.equal(count(/secret=yes.*\] initiate_auth with a wrong SECRET_HASH: NotAuthorizedException: Unable to verify secret hash/), 4, report);
  assert.equal(count(/mfa=OPTIONAL.*\] admin_initiate_auth \+ admin_respond_to_auth_challenge SOFTWARE_TOKEN_MFA: tokens issued$/), 2, report);
  assert.equal(count(/mfa=ON.*\] initiate_auth \+ respond_to_auth_challenge SOFTWARE_TOKEN_MFA: tokens issued$/), 2, report);
  assert.equal(count(/legacy=ADMIN_NO_SRP_AUTH\] admin_initiate_auth ADMIN_NO_SRP_AUTH: tokens issued$/), 1, report);
});

test('compat_boto3.py exits non-zero when the server does not behave', async (t) => {
  if (missing) {
    t.skip(`boto3 is not installed: ${missing}`);
    return;
  }
  const run = await runPython([script, 'http://127.0.0.1:1']);
  assert.notEqual(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^FAIL: /m);
  assert.doesNotMatch(run.stdout, /ALL OK/);
});
