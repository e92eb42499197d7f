/**
 * Option parsing, shorthand, file:// values, --cli-input-json, validation, errors and output
 * formats of the built CLI, against a small recording HTTP server (no Cognate server needed).
 * Where the AWS CLI is installed, the same command lines go through `aws` too and must send the
 * same request and print the same output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseShorthand, applyModel } from '../src/cli/cognitoIdp/shorthand.js';
import { operationForCommand, shapeOf } from '../src/cli/cognitoIdp/model.js';
import { validateParams } from '../src/cli/cognitoIdp/validate.js';
import { aws, awsCliMissing, builtCliMissing, cleanEnv, cognate } from './cli.support.js';

const skipAws = awsCliMissing();
const skipBuilt = builtCliMissing();

interface Recorded {
  target: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

let server: Server;
let url = '';
let recorded: Recorded[] = [];
/** Canned answers by operation: [status, body]. */
const answers = new Map<string, [number, unknown]>();
let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cognate-cli-'));
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      recorded.push({ target, body: data ? JSON.parse(data) : undefined, headers: req.headers });
      const [status, body] = answers.get(target) ?? [200, {}];
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(text),
        ...(status >= 400 ? { 'x-amzn-errortype': (body as { __type: string }).__type } : {}),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const env = () => cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_DEFAULT_REGION: 'us-east-1' });

async function send(args: string[]): Promise<{ code: number; stdout: string; stderr: string; request?: Recorded }> {
  recorded = [];
  const r = await cognate(['cognito-idp', ...args, '--endpoint-url', url], env());
  return { ...r, request: recorded[0] };
}

async function sendAws(args: string[]): Promise<{ code: number; stdout: string; stderr: string; request?: Recorded }> {
  recorded = [];
  const r = await aws(['cognito-idp', ...args, '--endpoint-url', url], env());
  return { ...r, request: recorded[0] };
}

// ---- unit level -------------------------------------------------------------------------------

test('shorthand: pairs, lists, nested structures, quoting, escaped commas', () => {
  assert.deepEqual(parseShorthand('Name=email,Value=a@b.c'), { Name: 'email', Value: 'a@b.c' });
  assert.deepEqual(parseShorthand('a=1,2,3,b=x'), { a: ['1', '2', '3'], b: 'x' });
  assert.deepEqual(parseShorthand('a=[x,y],b={c=d,e=[1]}'), { a: ['x', 'y'], b: { c: 'd', e: ['1'] } });
  assert.deepEqual(parseShorthand(`a='x,y',b="q\\"r"`), { a: 'x,y', b: 'q"r' });
  assert.deepEqual(parseShorthand('a=x\\,y'), { a: 'x,y' });
  assert.deepEqual(parseShorthand('Value=a=b'), { Value: 'a=b' });
  assert.throws(() => parseShorthand('Name=email,Value=[a'), /Expected: ',', received: 'EOF' for input:\nName=email,Value=\[a\n {19}\^$/);
  assert.throws(() => parseShorthand('a=1,a=2'), /Second instance of key "a"/);
});

test('shorthand values take the model types', () => {
  const policies = applyModel(parseShorthand('PasswordPolicy={MinimumLength=8,RequireUppercase=true},SignInPolicy={AllowedFirstAuthFactors=PASSWORD}'), shapeOf('UserPoolPolicyType'));
  assert.deepEqual(policies, { PasswordPolicy: { MinimumLength: 8, RequireUppercase: true }, SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] } });
});

test('validation: botocore wording for missing, unknown, type and length errors', () => {
  assert.deepEqual(validateParams({ AccessToken: 'x' }, 'VerifySoftwareTokenRequest'), ['Missing required parameter in input: "UserCode"']);
  assert.deepEqual(
    validateParams({ UserPoolId: 'us-east-1_x', Username: '', Foo: 1, UserAttributes: [{ Name: 3 }], ForceAliasCreation: 'yes', DesiredDeliveryMediums: 'EMAIL', ClientMetadata: { a: 1 } }, 'AdminCreateUserRequest'),
    [
      'Unknown parameter in input: "Foo", must be one of: UserPoolId, Username, UserAttributes, ValidationData, TemporaryPassword, ForceAliasCreation, MessageAction, DesiredDeliveryMediums, ClientMetadata',
      'Invalid length for parameter Username, value: 0, valid min length: 1',
      "Invalid type for parameter UserAttributes[0].Name, value: 3, type: <class 'int'>, valid types: <class 'str'>",
      "Invalid type for parameter ForceAliasCreation, value: yes, type: <class 'str'>, valid types: <class 'bool'>",
      "Invalid type for parameter DesiredDeliveryMediums, value: EMAIL, type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>",
      "Invalid type for parameter ClientMetadata.a, value: 1, type: <class 'int'>, valid types: <class 'str'>",
    ],
  );
});

// ---- requests ---------------------------------------------------------------------------------

const REQUEST_CASES: string[][] = [
  ['admin-create-user', '--user-pool-id', 'p', '--username', 'u', '--user-attributes', 'Name=email,Value=a@b.c', 'Name=x,Value=y', '--client-metadata', 'a=1,b=2', '--desired-delivery-mediums', 'EMAIL', 'SMS', '--force-alias-creation', '--message-action', 'RESEND'],
  ['admin-create-user', '--user-pool-id', 'p', '--username', 'u', '--no-force-alias-creation', '--user-attributes', '[{"Name":"a","Value":"b"}]', '--client-metadata', '{"k":"v"}'],
  ['update-user-pool', '--user-pool-id', 'p', '--policies', 'PasswordPolicy={MinimumLength=8,RequireUppercase=true},SignInPolicy={AllowedFirstAuthFactors=[PASSWORD,EMAIL_OTP]}', '--user-pool-tags', 'k=v'],
  ['create-user-pool', '--pool-name', 'x', '--schema', 'Name=a,AttributeDataType=String,Mutable=true', 'Name=b,StringAttributeConstraints={MinLength=1}'],
  ['set-user-mfa-preference', '--access-token', 'tok', '--software-token-mfa-settings', 'Enabled=true,PreferredMfa=true'],
  ['list-users', '--user-pool-id', 'p', '--attributes-to-get', 'email', 'name', '--filter', 'email ^= "a"'],
  ['initiate-auth', '--auth-flow', 'USER_PASSWORD_AUTH', '--client-id', 'c', '--auth-parameters', 'USERNAME=alice,PASSWORD=Passw0rd!'],
  ['update-user-pool-client', '--user-pool-id', 'p', '--client-id', 'c', '--refresh-token-validity', '30', '--token-validity-units', 'AccessToken=hours,IdToken=hours', '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
];

test('command lines become the request the AWS CLI would send', { skip: skipBuilt }, async () => {
  const expected: unknown[] = [
    { UserPoolId: 'p', Username: 'u', UserAttributes: [{ Name: 'email', Value: 'a@b.c' }, { Name: 'x', Value: 'y' }], ForceAliasCreation: true, MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL', 'SMS'], ClientMetadata: { a: '1', b: '2' } },
    { UserPoolId: 'p', Username: 'u', UserAttributes: [{ Name: 'a', Value: 'b' }], ForceAliasCreation: false, ClientMetadata: { k: 'v' } },
    { UserPoolId: 'p', Policies: { PasswordPolicy: { MinimumLength: 8, RequireUppercase: true }, SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } }, UserPoolTags: { k: 'v' } },
    { PoolName: 'x', Schema: [{ Name: 'a', AttributeDataType: 'String', Mutable: true }, { Name: 'b', StringAttributeConstraints: { MinLength: '1' } }] },
    { AccessToken: 'tok', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } },
    { UserPoolId: 'p', AttributesToGet: ['email', 'name'], Filter: 'email ^= "a"' },
    { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c', AuthParameters: { USERNAME: 'alice', PASSWORD: 'Passw0rd!' } },
    { UserPoolId: 'p', ClientId: 'c', RefreshTokenValidity: 30, TokenValidityUnits: { AccessToken: 'hours', IdToken: 'hours' }, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
  ];
  for (const [i, args] of REQUEST_CASES.entries()) {
    const r = await send(args);
    assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
    assert.equal(r.request?.target, operationForCommand(args[0]!));
    assert.deepEqual(r.request?.body, expected[i], args.join(' '));
  }
});

test('the AWS CLI sends the same requests for the same command lines', { skip: skipAws || skipBuilt }, async () => {
  for (const args of REQUEST_CASES) {
    const theirs = await sendAws(args);
    const ours = await send(args);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(ours.request?.body, theirs.request?.body, args.join(' '));
  }
});

test('signed operations carry SigV4 with the environment credentials; unsigned ones carry none', { skip: skipBuilt }, async () => {
  const signed = await send(['admin-get-user', '--user-pool-id', 'p', '--username', 'u']);
  assert.match(String(signed.request?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/cognito-idp\/aws4_request/);
  const unsigned = await send(['get-user', '--access-token', 'tok']);
  assert.equal(unsigned.request?.headers.authorization, undefined);
  // No credentials anywhere and a local endpoint: placeholder credentials, so local use just works.
  recorded = [];
  const local = await cognate(['cognito-idp', 'admin-get-user', '--user-pool-id', 'p', '--username', 'u', '--endpoint-url', url, '--region', 'eu-west-1']);
  assert.equal(local.code, 0, local.stderr);
  assert.match(String(recorded[0]?.headers.authorization), /Credential=cognate-local\/\d{8}\/eu-west-1\/cognito-idp/);
  // COGNATE_ENDPOINT is the default endpoint.
  recorded = [];
  const viaEnv = await cognate(['cognito-idp', 'get-user', '--access-token', 'tok'], cleanEnv({ COGNATE_ENDPOINT: url }));
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.equal(recorded[0]?.target, 'GetUser');
});

test('--profile reads credentials and region from the shared files', { skip: skipBuilt }, async () => {
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(config, '[profile dev]\nregion = ap-south-1\noutput = text\n');
  writeFileSync(credentials, '[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s3cret\n');
  recorded = [];
  const files = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
  answers.set('AdminGetUser', [200, { Username: 'u', Enabled: true }]);
  const r = await cognate(['cognito-idp', 'admin-get-user', '--user-pool-id', 'p', '--username', 'u', '--endpoint-url', url, '--profile', 'dev'], cleanEnv(files));
  answers.delete('AdminGetUser');
  assert.equal(r.code, 0, r.stderr);
  assert.match(String(recorded[0]?.headers.authorization), /Credential=AKIDPROFILE\/\d{8}\/ap-south-1\//);
  assert.equal(r.stdout, 'True\tu\n', 'the profile output format (text)');
  const missing = await cognate(['cognito-idp', 'admin-get-user', '--user-pool-id', 'p', '--username', 'u', '--endpoint-url', url, '--profile', 'nope'], cleanEnv(files));
  assert.equal(missing.code, 255);
  assert.equal(missing.stderr, '\nThe config profile (nope) could not be found\n');
});

test('--cli-input-json from a string and from a file; the command line overrides it', { skip: skipBuilt }, async () => {
  const json = JSON.stringify({ UserPoolId: 'from-json', Username: 'json-user', UserAttributes: [{ Name: 'email', Value: 'j@x.y' }] });
  const fromString = await send(['admin-create-user', '--cli-input-json', json, '--username', 'cli-user']);
  assert.equal(fromString.code, 0, fromString.stderr);
  assert.deepEqual(fromString.request?.body, { UserPoolId: 'from-json', Username: 'cli-user', UserAttributes: [{ Name: 'email', Value: 'j@x.y' }] });
  const file = join(dir, 'input.json');
  writeFileSync(file, json);
  const fromFile = await send(['admin-create-user', '--cli-input-json', `file://${file}`, '--user-pool-id', 'cli-pool']);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.deepEqual(fromFile.request?.body, { UserPoolId: 'cli-pool', Username: 'json-user', UserAttributes: [{ Name: 'email', Value: 'j@x.y' }] });
  // A skeleton filled in is valid input.
  const skeleton = await cognate(['cognito-idp', 'associate-software-token', '--generate-cli-skeleton']);
  const filled = JSON.parse(skeleton.stdout) as Record<string, string>;
  filled.AccessToken = 'tok';
  delete filled.Session;
  const fromSkeleton = await send(['associate-software-token', '--cli-input-json', JSON.stringify(filled)]);
  assert.equal(fromSkeleton.code, 0, fromSkeleton.stderr);
  assert.deepEqual(fromSkeleton.request?.body, { AccessToken: 'tok' });
});

test('file:// and fileb:// values', { skip: skipBuilt }, async () => {
  const attrs = join(dir, 'attrs.json');
  writeFileSync(attrs, '[{"Name":"email","Value":"f@x.y"}]');
  const css = join(dir, 'style.css');
  writeFileSync(css, '.banner { color: red; }');
  const img = join(dir, 'logo.png');
  writeFileSync(img, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
  const a = await send(['admin-update-user-attributes', '--user-pool-id', 'p', '--username', 'u', '--user-attributes', `file://${attrs}`]);
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(a.request?.body, { UserPoolId: 'p', Username: 'u', UserAttributes: [{ Name: 'email', Value: 'f@x.y' }] });
  const b = await send(['set-ui-customization', '--user-pool-id', 'p', '--css', `file://${css}`, '--image-file', `fileb://${img}`]);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(b.request?.body, { UserPoolId: 'p', CSS: '.banner { color: red; }', ImageFile: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64') });
  const missing = await send(['admin-update-user-attributes', '--user-pool-id', 'p', '--username', 'u', '--user-attributes', `file://${dir}/none.json`]);
  assert.equal(missing.code, 252);
  assert.match(missing.stderr, /^\nError parsing parameter '--user-attributes': Unable to load paramfile file:\/\/.*none\.json: No such file or directory/);
});

// ---- errors -----------------------------------------------------------------------------------

test('a service error: the AWS CLI line on stderr, exit status 254', { skip: skipBuilt }, async () => {
  answers.set('AssociateSoftwareToken', [400, { __type: 'NotAuthorizedException', message: 'Invalid Access Token' }]);
  try {
    const r = await send(['associate-software-token', '--access-token', 'bad']);
    assert.equal(r.code, 254);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '\nAn error occurred (NotAuthorizedException) when calling the AssociateSoftwareToken operation: Invalid Access Token\n');
    if (!skipAws) {
      const theirs = await sendAws(['associate-software-token', '--access-token', 'bad']);
      assert.equal(theirs.stderr, r.stderr, 'same line as the AWS CLI');
    }
  } finally {
    answers.delete('AssociateSoftwareToken');
  }
});

test('a validation error: "Parameter validation failed", exit status 252, nothing sent', { skip: skipBuilt }, async () => {
  const r = await send(['verify-software-token', '--cli-input-json', '{"AccessToken":"x"}']);
  assert.equal(r.code, 252);
  assert.equal(r.stderr, '\nParameter validation failed:\nMissing required parameter in input: "UserCode"\n');
  assert.equal(r.request, undefined);
  const short = await send(['respond-to-auth-challenge', '--client-id', 'c', '--challenge-name', 'SOFTWARE_TOKEN_MFA', '--session', 'short']);
  assert.equal(short.stderr, '\nParameter validation failed:\nInvalid length for parameter Session, value: 5, valid min length: 20\n');
  if (!skipAws) {
    const theirs = await sendAws(['verify-software-token', '--cli-input-json', '{"AccessToken":"x"}']);
    assert.equal(theirs.stderr, r.stderr, 'same text as the AWS CLI');
  }
});

test('usage errors: exit status 252 with the usage text', { skip: skipBuilt }, async () => {
  const unknown = await cognate(['cognito-idp', 'associate-software-token', '--bogus', '1']);
  assert.equal(unknown.code, 252);
  assert.match(unknown.stderr, /^usage: cognate cognito-idp <operation>/);
  assert.match(unknown.stderr, /\nUnknown options: --bogus, 1\n$/);
  const required = await cognate(['cognito-idp', 'confirm-sign-up', '--client-id', 'x']);
  assert.equal(required.code, 252);
  assert.match(required.stderr, /cognate: error: the following arguments are required: --username, --confirmation-code\n$/);
  const noOp = await cognate(['cognito-idp']);
  assert.equal(noOp.code, 252);
  assert.match(noOp.stderr, /the following arguments are required: operation/);
  const badOp = await cognate(['cognito-idp', 'no-such-operation']);
  assert.equal(badOp.code, 252);
  assert.match(badOp.stderr, /argument operation: Invalid choice, valid choices are:\n\nadd-custom-attributes {20}| add-user-pool-client-secret/);
  const noValue = await cognate(['cognito-idp', 'get-user', '--access-token']);
  assert.equal(noValue.code, 252);
  assert.match(noValue.stderr, /argument --access-token: expected one argument/);
  const badOutput = await cognate(['cognito-idp', 'get-user', '--access-token', 't', '--output', 'yaml']);
  assert.equal(badOutput.code, 252);
  const badShorthand = await send(['admin-create-user', '--user-pool-id', 'p', '--username', 'u', '--user-attributes', 'Name=email,Value=[a']);
  assert.equal(badShorthand.code, 252);
  assert.match(badShorthand.stderr, /^\nError parsing parameter '--user-attributes': Expected: ',', received: 'EOF' for input:\nName=email,Value=\[a\n/);
  const badInt = await send(['list-users', '--user-pool-id', 'p', '--limit', 'abc']);
  assert.equal(badInt.code, 252);
  assert.match(badInt.stderr, /invalid literal for int\(\) with base 10: 'abc'/);
});

test('help: the operation list and an operation\'s options', { skip: skipBuilt }, async () => {
  const service = await cognate(['cognito-idp', 'help']);
  assert.equal(service.code, 0);
  assert.match(service.stdout, /o associate-software-token\n/);
  const op = await cognate(['cognito-idp', 'admin-create-user', 'help']);
  assert.equal(op.code, 0);
  assert.match(op.stdout, /--user-pool-id <value>\n/);
  assert.match(op.stdout, /\[--force-alias-creation \| --no-force-alias-creation\]/);
  assert.match(op.stdout, /--user-attributes \(list\)/);
  assert.match(op.stdout, /Name=string,Value=string \.\.\./);
  const qr = await cognate(['cognito-idp', 'associate-software-token', 'help']);
  assert.match(qr.stdout, /--show-qr/);
});

test('a server that cannot be reached: exit status 255', { skip: skipBuilt }, async () => {
  const r = await cognate(['cognito-idp', 'get-user', '--access-token', 't', '--endpoint-url', 'http://127.0.0.1:9'], env());
  assert.equal(r.code, 255);
  assert.equal(r.stderr, '\nCould not connect to the endpoint URL: "http://127.0.0.1:9/"\n');
});

// ---- output -----------------------------------------------------------------------------------

const USER = {
  Username: 'alice',
  UserAttributes: [
    { Name: 'sub', Value: '2f6d7a9e-1111-4222-8333-944455556666' },
    { Name: 'email', Value: 'alice@example.com' },
    { Name: 'email_verified', Value: 'true' },
  ],
  UserCreateDate: 1767268800.123,
  UserLastModifiedDate: 1767268805,
  Enabled: true,
  UserStatus: 'CONFIRMED',
  MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }],
  PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
  UserMFASettingList: ['SOFTWARE_TOKEN_MFA', 'SMS_MFA'],
};

const OUTPUT_CASES: string[][] = [
  [],
  ['--output', 'text'],
  ['--output', 'table'],
  ['--query', 'UserAttributes[?Name==`email`].Value | [0]'],
  ['--query', 'UserAttributes[].Name', '--output', 'text'],
  ['--query', '{user: Username, mfa: UserMFASettingList}', '--output', 'table'],
  ['--query', 'UserCreateDate'],
];

test('cli_timestamp_format = iso8601 in the profile: ISO timestamps in the local time zone', { skip: skipBuilt }, async () => {
  const config = join(dir, 'config-iso');
  writeFileSync(config, '[default]\ncli_timestamp_format = iso8601\n');
  answers.set('AdminGetUser', [200, USER]);
  try {
    const args = ['cognito-idp', 'admin-get-user', '--user-pool-id', 'p', '--username', 'alice', '--endpoint-url', url];
    const json = await cognate(args, cleanEnv({ AWS_CONFIG_FILE: config }));
    assert.equal(json.code, 0, json.stderr);
    assert.match(json.stdout, /"UserCreateDate": "2026-01-01T12:00:00.123000\+00:00",\n {4}"UserLastModifiedDate": "2026-01-01T12:00:05\+00:00",/);
    const text = await cognate([...args, '--output', 'text', '--query', '[UserCreateDate, UserLastModifiedDate]'], cleanEnv({ AWS_CONFIG_FILE: config, TZ: 'Asia/Kolkata' }));
    assert.equal(text.stdout, '2026-01-01T17:30:00.123000+05:30\t2026-01-01T17:30:05+05:30\n');
    if (!skipAws) {
      for (const extra of [[], ['--output', 'text'], ['--output', 'table']]) {
        const e = cleanEnv({ AWS_CONFIG_FILE: config, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_DEFAULT_REGION: 'us-east-1' });
        const [theirs, ours] = [await aws([...args, ...extra], e), await cognate([...args, ...extra], e)];
        assert.equal(ours.stdout, theirs.stdout, `iso8601 ${extra.join(' ')}`);
      }
    }
  } finally {
    answers.delete('AdminGetUser');
  }
});

test('json, text and table output, with --query, as the AWS CLI prints them', { skip: skipBuilt }, async () => {
  answers.set('AdminGetUser', [200, USER]);
  try {
    const base = ['admin-get-user', '--user-pool-id', 'p', '--username', 'alice'];
    const json = await send(base);
    assert.equal(json.code, 0, json.stderr);
    assert.match(json.stdout, /^\{\n {4}"Username": "alice",\n {4}"UserAttributes": \[\n {8}\{\n {12}"Name": "sub",/);
    // Timestamps as the service sent them (the AWS CLI v1 default, cli_timestamp_format = none).
    assert.match(json.stdout, /"UserCreateDate": 1767268800.123,\n {4}"UserLastModifiedDate": 1767268805,/);
    const text = await send([...base, '--output', 'text']);
    assert.equal(
      text.stdout,
      'True\tSOFTWARE_TOKEN_MFA\t1767268800.123\t1767268805\tCONFIRMED\talice\n' +
        'MFAOPTIONS\tphone_number\tSMS\n' +
        'USERATTRIBUTES\tsub\t2f6d7a9e-1111-4222-8333-944455556666\nUSERATTRIBUTES\temail\talice@example.com\nUSERATTRIBUTES\temail_verified\ttrue\n' +
        'USERMFASETTINGLIST\tSOFTWARE_TOKEN_MFA\nUSERMFASETTINGLIST\tSMS_MFA\n',
    );
    const query = await send([...base, '--query', 'UserAttributes[?Name==`email`].Value | [0]', '--output', 'text']);
    assert.equal(query.stdout, 'alice@example.com\n');
    const table = await send([...base, '--output', 'table']);
    assert.match(table.stdout, /^-+\n\|\s+AdminGetUser\s+\|\n/);
    if (!skipAws) {
      for (const extra of OUTPUT_CASES) {
        const theirs = await sendAws([...base, ...extra]);
        const ours = await send([...base, ...extra]);
        assert.equal(theirs.code, 0, theirs.stderr);
        assert.equal(ours.stdout, theirs.stdout, `output ${extra.join(' ')}`);
      }
    }
  } finally {
    answers.delete('AdminGetUser');
  }
});

test('an empty response prints nothing', { skip: skipBuilt }, async () => {
  const r = await send(['admin-delete-user', '--user-pool-id', 'p', '--username', 'u']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
});
