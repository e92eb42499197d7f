import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startServerProcess, type ServerProcess } from './support/server.js';
import { boto3Missing, runPython } from './support/python.js';

/**
 * boto3, the AWS SDK for Python, against the built `cognate serve`: test/python/boto3_flow.py runs
 * the core user flow and a TOTP enrolment with a real botocore client (SigV4-signed admin calls,
 * botocore's own error parsing) and prints one line per step.
 */

const script = join(repoRoot, 'test/python/boto3_flow.py');

const missing = boto3Missing();
let server: ServerProcess | undefined;
let dir: string | undefined;

before(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'cognate-boto3-'));
  server = await startServerProcess(['--db', join(dir, 'cognate.db')]);
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('boto3: core user flow and TOTP enrolment against the built server', async (t) => {
  if (missing) {
    t.skip(`boto3 is not installed: ${missing}`);
    return;
  }
  const run = await runPython([script, server!.url]);
  const report = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}\n--- server\n${server!.output()}`;
  assert.equal(run.code, 0, report);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.at(-1), 'ALL OK', report);
  assert.ok(!/FAIL|Traceback/.test(run.stdout + run.stderr), report);
  // Every step ran, in order, and said so.
  const expected = [
    /^ok create_user_pool: us-east-1_[0-9A-Za-z]+$/,
    /^ok create_user_pool_client: [a-z0-9]{26}$/,
    /^ok sign_up: [0-9a-f-]{36}$/,
    /^ok initiate_auth before confirmation: UserNotConfirmedException: User is not confirmed\.$/,
    /^ok admin_confirm_sign_up: CONFIRMED$/,
    /^ok initiate_auth USER_PASSWORD_AUTH: tokens issued$/,
    /^ok get_user: email, sub$/,
    /^ok initiate_auth with a wrong password: NotAuthorizedException: Incorrect username or password\.$/,
    /^ok change_password$/,
    /^ok initiate_auth with the old password: NotAuthorizedException: Incorrect username or password\.$/,
    /^ok initiate_auth with the new password: tokens issued$/,
    /^ok admin_initiate_auth ADMIN_USER_PASSWORD_AUTH: tokens issued$/,
    /^ok set_user_pool_mfa_config: OPTIONAL, TOTP enabled$/,
    /^ok initiate_auth before TOTP enrolment: no challenge$/,
    /^ok associate_software_token: 52-character base32 secret$/,
    /^ok verify_software_token with a wrong code: EnableSoftwareTokenMFAException: Code mismatch and fail enable Software Token MFA$/,
    /^ok verify_software_token: SUCCESS$/,
    /^ok set_user_mfa_preference: SOFTWARE_TOKEN_MFA preferred$/,
    /^ok initiate_auth with TOTP enabled: SOFTWARE_TOKEN_MFA challenge$/,
    /^ok respond_to_auth_challenge replaying the verified code: ExpiredCodeException: /,
    /^ok respond_to_auth_challenge SOFTWARE_TOKEN_MFA: tokens issued$/,
    /^ok admin_disable_user$/,
    /^ok initiate_auth for a disabled user: NotAuthorizedException: User is disabled\.$/,
    /^ok admin_delete_user$/,
    /^ok admin_get_user after delete: UserNotFoundException: User does not exist\.$/,
    /^ok initiate_auth after delete: NotAuthorizedException: Incorrect username or password\.$/,
    /^ok delete_user_pool$/,
    /^ALL OK$/,
  ];
  assert.equal(lines.length, expected.length, report);
  expected.forEach((re, i) => assert.match(lines[i], re, `line ${i + 1}\n${report}`));
});

test('boto3_flow.py exits non-zero when the server does not behave', async (t) => {
  if (missing) {
    t.skip(`boto3 is not installed: ${missing}`);
    return;
  }
  // Nothing listens on port 1: the very first call fails, and the script must say so.
  const run = await runPython([script, 'http://127.0.0.1:1']);
  assert.notEqual(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^FAIL: /m);
  assert.doesNotMatch(run.stdout, /ALL OK/);
});
