/**
 * `--generate-cli-skeleton` and the generated options, compared with the AWS CLI v1 for every
 * operation of the model.
 *
 * The AWS CLI picks a random enum member for each enum placeholder. To compare whole documents
 * byte for byte in one Python process, a helper script runs the real AWS CLI driver
 * (awscli.clidriver, exactly what `aws` runs) for every operation with Python's random.choice
 * fixed to the first member, which is what Cognate prints. A few operations are also compared
 * with the real `aws` command, enum placeholders masked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI_OPERATIONS, kebabCase, optionsFor, outputShapeName } from '../src/cli/cognitoIdp/model.js';
import { formatSkeleton, inputSkeleton, outputSkeleton } from '../src/cli/cognitoIdp/skeleton.js';
import { validateParams } from '../src/cli/cognitoIdp/validate.js';
import { aws, awsCliMissing, builtCliMissing, cognate, mapLimit } from './cli.support.js';

const PYTHON_HELPER = String.raw`
import io, json, random, sys
random.choice = lambda seq: seq[0]
from awscli.clidriver import create_clidriver

service = create_clidriver()._get_command_table()['cognito-idp']
commands = [c for c in service._get_command_table() if c not in ('help', 'wait')]
result = {}
for command in commands:
    # A fresh driver per command: the skeleton handler registers itself on the session.
    driver = create_clidriver()
    table = driver._get_command_table()['cognito-idp']._get_command_table()[command].arg_table
    args = []
    for arg in table.values():
        kind = type(arg).__name__
        if kind in ('CLIArgument', 'ListArgument', 'BooleanArgument'):
            args.append([arg.cli_name, arg._serialized_name, bool(arg.required)])
    out = io.StringIO()
    saved = sys.stdout
    sys.stdout = out
    try:
        rc = driver.main(['cognito-idp', command, '--generate-cli-skeleton'])
    finally:
        sys.stdout = saved
    result[command] = {'rc': rc, 'skeleton': out.getvalue(), 'args': args}
json.dump(result, sys.stdout)
`;

interface AwsView {
  rc: number;
  skeleton: string;
  args: [string, string, boolean][];
}

/** The Python that runs `aws` (its shebang), so the helper imports the same awscli. */
function awsPython(): string {
  const probe = spawnSync('python3', ['-c', 'import awscli.clidriver'], { encoding: 'utf8' });
  if (probe.status === 0) return 'python3';
  const which = spawnSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).stdout.trim();
  const head = which ? spawnSync('head', ['-1', which], { encoding: 'utf8' }).stdout.trim() : '';
  return head.startsWith('#!') ? head.slice(2).trim().split(/\s+/)[0]! : 'python3';
}

function awsInternalsMissing(): string | false {
  const r = spawnSync(awsPython(), ['-c', 'import awscli.clidriver'], { encoding: 'utf8' });
  return r.status === 0 ? false : 'the AWS CLI v1 Python package (awscli) cannot be imported: skipping the comparison with it';
}

const skipAws = awsCliMissing() || awsInternalsMissing();
const skipBuilt = builtCliMissing();

let awsViews: Record<string, AwsView> | undefined;
function awsView(): Record<string, AwsView> {
  if (!awsViews) {
    const python = awsPython();
    const r = spawnSync(python, ['-c', PYTHON_HELPER], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' } });
    assert.equal(r.status, 0, `the AWS CLI helper failed: ${r.stderr}`);
    awsViews = JSON.parse(r.stdout) as Record<string, AwsView>;
  }
  return awsViews;
}

test('kebab case follows botocore (MFAOptions, SMSMfaSettings, plural acronyms)', () => {
  assert.equal(kebabCase('AccessToken'), 'access-token');
  assert.equal(kebabCase('MFAOptions'), 'mfa-options');
  assert.equal(kebabCase('SMSMfaSettings'), 'sms-mfa-settings');
  assert.equal(kebabCase('CallbackURLs'), 'callback-urls');
  assert.equal(kebabCase('AllowedOAuthFlowsUserPoolClient'), 'allowed-o-auth-flows-user-pool-client');
  assert.equal(kebabCase('AdminRespondToAuthChallenge'), 'admin-respond-to-auth-challenge');
  assert.equal(kebabCase('GetUICustomization'), 'get-ui-customization');
});

test('input skeleton: first enum member, null blobs, {} for recursion, 4-space indentation', () => {
  const text = formatSkeleton(inputSkeleton('AdminCreateUser'));
  assert.match(text, /^\{\n {4}"UserPoolId": "",\n {4}"Username": "",\n {4}"UserAttributes": \[\n {8}\{\n {12}"Name": "",/);
  assert.match(text, /"MessageAction": "RESEND"/);
  assert.match(text, /"ClientMetadata": \{\n {8}"KeyName": ""\n {4}\}\n\}\n$/);
  assert.match(formatSkeleton(inputSkeleton('SetUICustomization')), /"ImageFile": null/);
  assert.match(formatSkeleton(inputSkeleton('CreateManagedLoginBranding')), /"Settings": \{\}/);
});

test('output skeleton: member names, padded to the model minimum so it validates', () => {
  const out = outputSkeleton('AssociateSoftwareToken') as Record<string, string>;
  assert.equal(out.SecretCode!.length, 16);
  assert.ok(out.SecretCode!.startsWith('SecretCode'));
  assert.ok(out.Session!.length >= 20);
  // Every sample response satisfies the length and type rules of its own shape.
  for (const op of CLI_OPERATIONS) {
    const shapeName = outputShapeName(op);
    if (shapeName) assert.deepEqual(validateParams(outputSkeleton(op), shapeName), [], op);
  }
});

test('every input skeleton equals the AWS CLI v1 output byte for byte', { skip: skipAws }, () => {
  const views = awsView();
  const ours = new Map(CLI_OPERATIONS.map((op) => [kebabCase(op), op]));
  assert.deepEqual([...ours.keys()].sort(), Object.keys(views).sort(), 'the same operations');
  for (const [command, view] of Object.entries(views)) {
    assert.equal(view.rc, 0, command);
    assert.equal(formatSkeleton(inputSkeleton(ours.get(command)!)), view.skeleton, command);
  }
});

test('every operation has the AWS CLI v1 options: names, request members, required flags, order', { skip: skipAws }, () => {
  const views = awsView();
  for (const op of CLI_OPERATIONS) {
    const view = views[kebabCase(op)]!;
    const ours = optionsFor(op).map((o) => [o.flag, o.member, o.required]);
    assert.deepEqual(ours, view.args, op);
  }
});

test('the built CLI prints every skeleton exactly as the AWS CLI does', { skip: skipAws || skipBuilt }, async () => {
  const views = awsView();
  const commands = Object.keys(views);
  const results = await mapLimit(commands, 4, (c) => cognate(['cognito-idp', c, '--generate-cli-skeleton']));
  commands.forEach((c, i) => {
    assert.equal(results[i]!.code, 0, c);
    assert.equal(results[i]!.stdout, views[c]!.skeleton, c);
  });
  const explicit = await cognate(['cognito-idp', 'initiate-auth', '--generate-cli-skeleton', 'input']);
  assert.equal(explicit.stdout, views['initiate-auth']!.skeleton);
});

/** Enum placeholders are random in the AWS CLI: replace every non-empty string value by a marker. */
const maskEnums = (text: string) => text.replace(/"(?:[^"\\]|\\.)+"(,?)$/gm, (m, comma: string) => (m.includes('": ') ? m : `"<enum>"${comma}`)).replace(/(": )"[^"]+"/g, '$1"<enum>"');

test('the real `aws` command agrees on a sample of operations (enum placeholders masked)', { skip: skipAws || skipBuilt }, async () => {
  const sample = ['admin-create-user', 'associate-software-token', 'create-user-pool', 'update-user-pool-client', 'set-user-mfa-preference', 'initiate-auth'];
  for (const command of sample) {
    const [theirs, ours] = await Promise.all([aws(['cognito-idp', command, '--generate-cli-skeleton']), cognate(['cognito-idp', command, '--generate-cli-skeleton'])]);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(maskEnums(ours.stdout), maskEnums(theirs.stdout), command);
    if (!/"[A-Z_0-9]+"/.test(theirs.stdout.replace(/"[A-Za-z]+":/g, ''))) assert.equal(ours.stdout, theirs.stdout, command);
  }
});

test('--generate-cli-skeleton output: a sample response, also for associate-software-token', { skip: skipBuilt }, async () => {
  const r = await cognate(['cognito-idp', 'associate-software-token', '--generate-cli-skeleton', 'output']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { SecretCode: 'SecretCodeSecret', Session: 'SessionSessionSessio' });
  // Like the AWS CLI, `output` checks the command's own arguments first.
  const missing = await cognate(['cognito-idp', 'admin-get-user', '--generate-cli-skeleton', 'output']);
  assert.equal(missing.code, 252);
  assert.match(missing.stderr, /the following arguments are required: --user-pool-id, --username/);
  const ok = await cognate(['cognito-idp', 'admin-get-user', '--user-pool-id', 'p', '--username', 'u', '--generate-cli-skeleton', 'output', '--query', 'UserAttributes[0]', '--output', 'text']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'Name\tValue\n');
});

test('admin-get-user sample output matches the AWS CLI v1', { skip: skipAws || skipBuilt }, async () => {
  const args = ['cognito-idp', 'admin-get-user', '--user-pool-id', 'p', '--username', 'u', '--generate-cli-skeleton', 'output'];
  const [theirs, ours] = await Promise.all([aws(args), cognate(args)]);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.equal(ours.stdout, theirs.stdout);
});
