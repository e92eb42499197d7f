import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CognitoError } from '../src/errors.js';
import {
  errorStatus,
  getOperation,
  getShape,
  isUnsignedOperation,
  operationNames,
  serviceModel,
} from '../src/model/serviceModel.js';
import { javaPatternToRegExp, validateInput } from '../src/model/validate.js';

const POOL = 'us-east-1_AbC123';

/** Runs validateInput and returns the CognitoError it threw (or undefined). */
function run(op: string, input: unknown): CognitoError | undefined {
  try {
    validateInput(op, input);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof CognitoError, `expected CognitoError, got ${String(e)}`);
    return e;
  }
}

function expectOk(op: string, input: unknown): void {
  const err = run(op, input);
  assert.equal(err, undefined, err && `${err.type}: ${err.message}`);
}

function expectInvalid(op: string, input: unknown, message: string): void {
  const err = run(op, input);
  assert.ok(err, `${op}: expected InvalidParameterException`);
  assert.equal(err.type, 'InvalidParameterException', err.message);
  assert.equal(err.status, 400);
  assert.equal(err.message, message);
}

function expectSerialization(op: string, input: unknown, includes?: string): CognitoError {
  const err = run(op, input);
  assert.ok(err, `${op}: expected SerializationException`);
  assert.equal(err.type, 'SerializationException', err.message);
  assert.equal(err.status, 400);
  if (includes !== undefined) assert.ok(err.message.includes(includes), `"${err.message}" lacks "${includes}"`);
  return err;
}

const one = (s: string) => `1 validation error detected: ${s}`;

// ------------------------------------------------------------------------------------------
// serviceModel helpers
// ------------------------------------------------------------------------------------------

test('serviceModel: operations, shapes, auth and error status', () => {
  assert.equal(serviceModel.metadata.targetPrefix, 'AWSCognitoIdentityProviderService');
  const names = operationNames();
  assert.ok(names.includes('InitiateAuth') && names.includes('AdminCreateUser'));
  assert.equal(names.length, Object.keys(serviceModel.operations).length);
  names.push('Mutated');
  assert.ok(!operationNames().includes('Mutated'), 'operationNames returns a copy');

  assert.equal(getOperation('GetUser')?.input?.shape, 'GetUserRequest');
  assert.equal(getOperation('getuser'), undefined);
  assert.equal(getOperation('toString'), undefined);
  assert.equal(getOperation('__proto__'), undefined);

  assert.equal(isUnsignedOperation('GetUser'), true);
  assert.equal(isUnsignedOperation('InitiateAuth'), true);
  assert.equal(isUnsignedOperation('SignUp'), true);
  assert.equal(isUnsignedOperation('AdminGetUser'), false);
  assert.equal(isUnsignedOperation('CreateUserPool'), false);
  assert.equal(isUnsignedOperation('NoSuchOperation'), false);

  assert.equal(getShape('UserPoolMfaType')?.type, 'string');
  assert.deepEqual(getShape('UserPoolMfaType')?.enum, ['OFF', 'ON', 'OPTIONAL']);
  assert.equal(getShape('constructor'), undefined);

  assert.equal(errorStatus('InvalidParameterException'), 400);
  assert.equal(errorStatus('NotAuthorizedException'), 400);
  assert.equal(errorStatus('InternalErrorException'), 500);
  assert.equal(errorStatus('NoSuchShape'), 400);
});

// ------------------------------------------------------------------------------------------
// Patterns
// ------------------------------------------------------------------------------------------

test('every pattern in the model compiles to a JS RegExp', () => {
  const patterns = new Set<string>();
  for (const shape of Object.values(serviceModel.shapes)) if (shape.pattern !== undefined) patterns.add(shape.pattern);
  assert.ok(patterns.size > 20);
  for (const p of patterns) {
    const re = javaPatternToRegExp(p);
    assert.ok(re instanceof RegExp, p);
    assert.ok(re.flags.includes('u'), p);
  }
});

test('every operation input compiles into a validator', () => {
  for (const op of operationNames()) {
    const err = run(op, {});
    if (err) assert.equal(err.type, 'InvalidParameterException', `${op}: ${err.message}`);
  }
});

test('Java regex semantics are kept', () => {
  const cases: [string, string, boolean][] = [
    // whole-value match, like Matcher.matches()
    ['[0-9]+', '123456', true],
    ['[0-9]+', '12a456', false],
    ['[0-9]+', '', false],
    // Unicode categories need the u flag
    ['[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+', 'José_ü+😀', true],
    ['[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+', 'has space', false],
    // Java's \S is "not ASCII whitespace": a no-break space is accepted, a tab is not
    ['[\\S]+', 'pass\u00a0word', true],
    ['[\\S]+', 'pass\tword', false],
    ['[\\S]+', 'pässwörd!', true],
    // Java's \s is ASCII whitespace only
    ['[\\w\\s+=,.@-]+', 'my pool-1', true],
    ['[\\w\\s+=,.@-]+', 'my\u2028pool', false],
    ['[\\w+=,.@-]+', 'a+b=c,d.e@f-g', true],
    ['[A-Za-z0-9-_=.]+', 'eyJhbGciOi.J9-_=', true],
    ['[A-Za-z0-9-_=.]+', 'eyJ/abc', false],
    ['[\\w-]+_[0-9a-zA-Z]+', 'us-east-1_AbC123', true],
    ['[\\w-]+_[0-9a-zA-Z]+', 'us-east-1', false],
    // (?s) makes . match newlines; without it . stops at any Java line terminator
    ['(?s).*', 'a\nb', true],
    ['.*\\{####\\}.*', 'Your code is {####}.', true],
    ['.*\\{####\\}.*', 'Your code\nis {####}.', false],
    ['.*\\{####\\}.*', 'Your code\u0085is {####}.', false],
    // look-behind and explicit anchors
    ['^[0-9A-Za-z\\.\\-_]*(?<!\\.)$', 'my-domain.example', true],
    ['^[0-9A-Za-z\\.\\-_]*(?<!\\.)$', 'my-domain.', false],
    ['^[0-9a-fA-F]+$', 'deadBEEF', true],
    ['^[0-9a-fA-F]+$', 'deadBEEF\n', false],
    ['[^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+', 'Google', true],
    ['[^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+', '_oogle', false],
    ['[\\x21\\x23-\\x5B\\x5D-\\x7E]+', 'abc!#[]', true],
    ['[\\x21\\x23-\\x5B\\x5D-\\x7E]+', 'a"b', false],
    ['[\\x21\\x23-\\x5B\\x5D-\\x7E]+', 'a\\b', false],
    ['^cognito:(default|dutch|chinese-(simplified|traditional))$', 'cognito:chinese-simplified', true],
    ['^cognito:(default|dutch|chinese-(simplified|traditional))$', 'cognito:klingon', false],
    // class containing Java \S next to other members, and negated
    ['[a\\S]+', 'x y', false],
    ['[^a\\S]+', ' \t', true],
    ['[^a\\S]+', ' a', false],
    ['\\p{Alpha}+', 'abcXYZ', true],
    ['\\p{Alpha}+', 'abcé', false],
  ];
  for (const [pattern, value, expected] of cases) {
    assert.equal(javaPatternToRegExp(pattern).test(value), expected, `${pattern} on ${JSON.stringify(value)}`);
  }
});

test('Java constructs without a faithful translation are refused', () => {
  for (const p of ['a++', '(?>a)', '[a[b]]', '[a&&b]', '\\p{javaLowerCase}', '(?x)a b', '\\Qa\\E']) {
    assert.throws(() => javaPatternToRegExp(p), /Unsupported/, p);
  }
});

// ------------------------------------------------------------------------------------------
// Constraints
// ------------------------------------------------------------------------------------------

test('VerifySoftwareToken UserCode: length and pattern (value is sensitive)', () => {
  const table: [unknown, string | null][] = [
    ['123456', null],
    [
      '12345',
      one("Value at 'userCode' failed to satisfy constraint: Member must have length greater than or equal to 6"),
    ],
    [
      '1234567',
      one("Value at 'userCode' failed to satisfy constraint: Member must have length less than or equal to 6"),
    ],
    [
      '12345a',
      one("Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+"),
    ],
    [
      'abc',
      "2 validation errors detected: Value at 'userCode' failed to satisfy constraint: Member must have length greater than or equal to 6; " +
        "Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+",
    ],
    [undefined, one("Value null at 'userCode' failed to satisfy constraint: Member must not be null")],
    [null, one("Value null at 'userCode' failed to satisfy constraint: Member must not be null")],
  ];
  for (const [userCode, message] of table) {
    const input = { AccessToken: 'eyJ.abc.def', UserCode: userCode };
    if (message === null) expectOk('VerifySoftwareToken', input);
    else expectInvalid('VerifySoftwareToken', input, message);
  }
});

test('AssociateSoftwareToken Session: min length 20', () => {
  expectOk('AssociateSoftwareToken', { Session: 's'.repeat(20) });
  expectOk('AssociateSoftwareToken', {});
  expectInvalid(
    'AssociateSoftwareToken',
    { Session: 's'.repeat(19) },
    one("Value at 'session' failed to satisfy constraint: Member must have length greater than or equal to 20"),
  );
  expectInvalid(
    'AssociateSoftwareToken',
    { Session: 's'.repeat(2049) },
    one("Value at 'session' failed to satisfy constraint: Member must have length less than or equal to 2048"),
  );
});

test('CreateUserPool: missing PoolName, bad PoolName', () => {
  expectOk('CreateUserPool', { PoolName: 'my pool' });
  expectInvalid('CreateUserPool', {}, one("Value null at 'poolName' failed to satisfy constraint: Member must not be null"));
  expectInvalid(
    'CreateUserPool',
    { PoolName: 'bad/name' },
    one("Value 'bad/name' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"),
  );
});

test('SetUserPoolMfaConfig MfaConfiguration: enum', () => {
  for (const v of ['OFF', 'ON', 'OPTIONAL']) expectOk('SetUserPoolMfaConfig', { UserPoolId: POOL, MfaConfiguration: v });
  for (const v of ['MAYBE', 'off', '']) {
    expectInvalid(
      'SetUserPoolMfaConfig',
      { UserPoolId: POOL, MfaConfiguration: v },
      one(`Value '${v}' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]`),
    );
  }
});

test('CreateUserPoolClient AuthSessionValidity: integer range 3..15', () => {
  const base = { UserPoolId: POOL, ClientName: 'web' };
  for (const v of [3, 9, 15]) expectOk('CreateUserPoolClient', { ...base, AuthSessionValidity: v });
  expectInvalid(
    'CreateUserPoolClient',
    { ...base, AuthSessionValidity: 2 },
    one("Value '2' at 'authSessionValidity' failed to satisfy constraint: Member must have value greater than or equal to 3"),
  );
  expectInvalid(
    'CreateUserPoolClient',
    { ...base, AuthSessionValidity: 16 },
    one("Value '16' at 'authSessionValidity' failed to satisfy constraint: Member must have value less than or equal to 15"),
  );
  expectInvalid(
    'CreateUserPoolClient',
    { ...base, AuthSessionValidity: -1 },
    one("Value '-1' at 'authSessionValidity' failed to satisfy constraint: Member must have value greater than or equal to 3"),
  );
});

test('nested structure members get dotted lowerCamelCase paths', () => {
  expectOk('CreateUserPool', { PoolName: 'p', Policies: { PasswordPolicy: { MinimumLength: 8 } } });
  expectInvalid(
    'CreateUserPool',
    { PoolName: 'p', Policies: { PasswordPolicy: { MinimumLength: 5 } } },
    one("Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6"),
  );
});

test('AdminCreateUser UserAttributes: list of structures', () => {
  const base = { UserPoolId: POOL, Username: 'alice' };
  expectOk('AdminCreateUser', { ...base, UserAttributes: [{ Name: 'email', Value: 'a@example.com' }, { Name: 'name' }] });
  expectOk('AdminCreateUser', { ...base, UserAttributes: [] });
  expectInvalid(
    'AdminCreateUser',
    { ...base, UserAttributes: [{ Name: 'email', Value: 'a@example.com' }, { Value: 'x' }] },
    one("Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null"),
  );
  expectInvalid(
    'AdminCreateUser',
    { ...base, UserAttributes: [{ Name: 'custom:this_name_is_far_too_long_for_cognito', Value: 'x' }] },
    one(
      "Value 'custom:this_name_is_far_too_long_for_cognito' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32",
    ),
  );
  // Attribute values are sensitive: never echoed, even when too long.
  const secret = 'v'.repeat(2049);
  const err = run('AdminCreateUser', { ...base, UserAttributes: [{ Name: 'email', Value: secret }] });
  assert.equal(
    err?.message,
    one("Value at 'userAttributes.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048"),
  );
  // A null element of a list of structures.
  expectInvalid(
    'AdminCreateUser',
    { ...base, UserAttributes: [null] },
    one("Value null at 'userAttributes.1.member' failed to satisfy constraint: Member must not be null"),
  );
});

test('list of simple values: one violation at the list naming the element constraints', () => {
  const base = { UserPoolId: POOL, ClientName: 'web' };
  expectOk('CreateUserPoolClient', { ...base, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  const enumSet = (getShape('ExplicitAuthFlowsType')?.enum ?? []).join(', ');
  expectInvalid(
    'CreateUserPoolClient',
    { ...base, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ADMIN_USER_PASSWORD_AUTH'] },
    one(
      `Value '[ALLOW_USER_SRP_AUTH, ADMIN_USER_PASSWORD_AUTH]' at 'explicitAuthFlows' failed to satisfy constraint: ` +
        `Member must satisfy constraint: [Member must satisfy enum value set: [${enumSet}]]`,
    ),
  );
  // CallbackURLs: list length max and element length/pattern
  const urls = Array.from({ length: 101 }, (_, i) => `https://example.com/${i}`);
  const err = run('CreateUserPoolClient', { ...base, CallbackURLs: urls });
  assert.equal(err?.type, 'InvalidParameterException');
  assert.match(err.message, /^1 validation error detected: Value '\[https:\/\/example\.com\/0, .*\]' at 'callbackURLs' failed to satisfy constraint: Member must have length less than or equal to 100$/);
});

test('maps: size, key and value constraints', () => {
  expectOk('CreateUserPool', { PoolName: 'p', UserPoolTags: { team: 'identity', empty: '' } });
  expectInvalid(
    'CreateUserPool',
    { PoolName: 'p', UserPoolTags: { '': 'v' } },
    one(
      "Value '{=v}' at 'userPoolTags' failed to satisfy constraint: Map keys must satisfy constraint: " +
        '[Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
    ),
  );
  expectInvalid(
    'CreateUserPool',
    { PoolName: 'p', UserPoolTags: { k: 'x'.repeat(257) } },
    one(
      `Value '{k=${'x'.repeat(257)}}' at 'userPoolTags' failed to satisfy constraint: Map value must satisfy constraint: ` +
        '[Member must have length less than or equal to 256, Member must have length greater than or equal to 0]',
    ),
  );
});

test('string length counts Unicode code points, not UTF-16 units', () => {
  const base = { UserPoolId: POOL, Username: 'alice' };
  // AttributeNameType: 1..32 characters; each emoji is one code point but two UTF-16 units.
  expectOk('AdminCreateUser', { ...base, UserAttributes: [{ Name: '😀'.repeat(32) }] });
  const err = run('AdminCreateUser', { ...base, UserAttributes: [{ Name: '😀'.repeat(33) }] });
  assert.equal(err?.type, 'InvalidParameterException');
  assert.match(err.message, /^1 validation error detected: .* at 'userAttributes\.1\.member\.name' .*less than or equal to 32$/);
  // UserCode: exactly 6; three emoji are 6 UTF-16 units but 3 characters
  const e2 = run('VerifySoftwareToken', { UserCode: '😀😀😀' });
  assert.match(e2?.message ?? '', /length greater than or equal to 6/);
});

test('several violations are all reported, counted, and joined with "; "', () => {
  expectInvalid(
    'SignUp',
    { ClientId: '', Username: '', Password: '' },
    '5 validation errors detected: ' +
      [
        "Value at 'clientId' failed to satisfy constraint: Member must have length greater than or equal to 1",
        "Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+",
        "Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1",
        "Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        "Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
      ].join('; '),
  );
  expectInvalid(
    'AdminCreateUser',
    {},
    "2 validation errors detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'username' failed to satisfy constraint: Member must not be null",
  );
});

test('sensitive values are never echoed', () => {
  const secrets = ['my secret password', 'bad client id!', 'sekrit token with spaces', 'ab cd'];
  const cases: [string, unknown][] = [
    ['SignUp', { ClientId: 'abc', Username: 'bob', Password: secrets[0] }],
    ['InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: secrets[1] }],
    ['GetUser', { AccessToken: secrets[2] }],
    ['AdminGetUser', { UserPoolId: POOL, Username: secrets[3] }],
  ];
  for (const [op, input] of cases) {
    const err = run(op, input);
    assert.equal(err?.type, 'InvalidParameterException', op);
    assert.match(err.message, /Value at '/, op);
    for (const s of secrets) assert.ok(!err.message.includes(s), `${op} echoed ${s}: ${err.message}`);
  }
  // Not echoed in SerializationException messages either (sensitive map keys stay out of paths).
  const ser = expectSerialization('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: 'abc',
    AuthParameters: { 'SECRET_KEY_NAME': 5 },
  });
  assert.ok(!ser.message.includes('SECRET_KEY_NAME'), ser.message);
});

test('unknown members are ignored; null members are absent', () => {
  expectOk('GetUser', { AccessToken: 'eyJ.abc.def', Unknown: 1, Other: { deep: [1, 2] } });
  expectOk('CreateUserPool', { PoolName: 'p', MfaConfiguration: null, Policies: null });
  expectOk('CreateUserPoolClient', { UserPoolId: POOL, ClientName: 'c', AuthSessionValidity: null });
});

// ------------------------------------------------------------------------------------------
// Type errors -> SerializationException
// ------------------------------------------------------------------------------------------

test('type errors are SerializationException with the member path', () => {
  const base = { UserPoolId: POOL, ClientName: 'web' };
  const table: [string, unknown, string][] = [
    ['VerifySoftwareToken', { UserCode: 123456 }, "NUMBER_VALUE can not be converted to a String at 'userCode'"],
    ['VerifySoftwareToken', { UserCode: true }, "BOOLEAN_VALUE can not be converted to a String at 'userCode'"],
    ['VerifySoftwareToken', { UserCode: { code: '123456' } }, "Start of structure or map found where not expected at 'userCode'"],
    ['VerifySoftwareToken', { UserCode: ['123456'] }, "Start of list found where not expected at 'userCode'"],
    ['CreateUserPoolClient', { ...base, AuthSessionValidity: '5' }, "STRING_VALUE can not be converted to an Integer at 'authSessionValidity'"],
    ['CreateUserPoolClient', { ...base, AuthSessionValidity: 5.5 }, 'authSessionValidity'],
    ['CreateUserPoolClient', { ...base, AuthSessionValidity: 2 ** 31 }, 'authSessionValidity'],
    ['CreateUserPoolClient', { ...base, GenerateSecret: 'true' }, "STRING_VALUE can not be converted to a Boolean at 'generateSecret'"],
    ['CreateUserPoolClient', { ...base, GenerateSecret: 1 }, "NUMBER_VALUE can not be converted to a Boolean at 'generateSecret'"],
    ['CreateUserPoolClient', { ...base, ExplicitAuthFlows: 'ALLOW_USER_SRP_AUTH' }, "STRING_VALUE can not be converted to a List at 'explicitAuthFlows'"],
    ['CreateUserPoolClient', { ...base, ExplicitAuthFlows: [1] }, "NUMBER_VALUE can not be converted to a String at 'explicitAuthFlows.1.member'"],
    ['SetUserMFAPreference', { AccessToken: 'a', SoftwareTokenMfaSettings: { Enabled: 'yes' } }, "STRING_VALUE can not be converted to a Boolean at 'softwareTokenMfaSettings.enabled'"],
    ['SetUserMFAPreference', { AccessToken: 'a', SoftwareTokenMfaSettings: [true] }, "Start of list found where not expected at 'softwareTokenMfaSettings'"],
    ['SetUserMFAPreference', { AccessToken: 'a', SoftwareTokenMfaSettings: true }, "BOOLEAN_VALUE can not be converted to a Structure at 'softwareTokenMfaSettings'"],
    ['AdminCreateUser', { UserPoolId: POOL, Username: 'a', UserAttributes: { Name: 'email' } }, "Start of structure or map found where not expected at 'userAttributes'"],
    ['AdminCreateUser', { UserPoolId: POOL, Username: 'a', UserAttributes: [[{ Name: 'email' }]] }, "Start of list found where not expected at 'userAttributes.1.member'"],
    ['AdminCreateUser', { UserPoolId: POOL, Username: 'a', UserAttributes: [{ Name: 'email', Value: false }] }, "BOOLEAN_VALUE can not be converted to a String at 'userAttributes.1.member.value'"],
    ['AdminCreateUser', { UserPoolId: POOL, Username: 'a', ClientMetadata: ['x'] }, "Start of list found where not expected at 'clientMetadata'"],
    ['AdminCreateUser', { UserPoolId: POOL, Username: 'a', ClientMetadata: { k: 1 } }, "NUMBER_VALUE can not be converted to a String at 'clientMetadata.k'"],
    ['SetUICustomization', { UserPoolId: POOL, ImageFile: 'not base64!' }, "STRING_VALUE is not valid base64 for a Blob at 'imageFile'"],
    ['SetUICustomization', { UserPoolId: POOL, ImageFile: 12 }, "NUMBER_VALUE can not be converted to a Blob at 'imageFile'"],
    ['GetUser', [], 'Start of list found where not expected'],
    ['GetUser', 'body', 'Request body must be a JSON object'],
    ['GetUser', null, 'Request body must be a JSON object'],
  ];
  for (const [op, input, includes] of table) {
    const err = expectSerialization(op, input, includes);
    assert.ok(err.message.length < 120, err.message);
  }
});

test('type errors win over constraint violations', () => {
  expectSerialization('VerifySoftwareToken', { Session: 'short', UserCode: 1 }, 'userCode');
  expectSerialization('CreateUserPool', { MfaConfiguration: 'MAYBE', Policies: [] }, 'policies');
});

test('timestamps, blobs and documents', () => {
  // blob: base64; length is the decoded byte count (ImageFileType max 131072 bytes)
  expectOk('SetUICustomization', { UserPoolId: POOL, ImageFile: Buffer.from('png bytes').toString('base64') });
  expectOk('SetUICustomization', { UserPoolId: POOL, ImageFile: '' });
  const big = Buffer.alloc(131073).toString('base64');
  const err = run('SetUICustomization', { UserPoolId: POOL, ImageFile: big });
  assert.equal(err?.message, one("Value at 'imageFile' failed to satisfy constraint: Member must have length less than or equal to 131072"));
  expectOk('SetUICustomization', { UserPoolId: POOL, ImageFile: Buffer.alloc(131072).toString('base64') });
  // document: any JSON value
  expectOk('CompleteWebAuthnRegistration', { AccessToken: 'eyJ.a.b', Credential: { id: 'x', response: { a: [1, true, null] } } });
  expectOk('CompleteWebAuthnRegistration', { AccessToken: 'eyJ.a.b', Credential: [1, 2] });
});

test('empty body is validated as {}; unknown operations are refused', () => {
  expectOk('ListUserPools', { MaxResults: 10 });
  expectInvalid('ListUserPools', undefined, one("Value null at 'maxResults' failed to satisfy constraint: Member must not be null"));
  const err = run('NoSuchOperation', {});
  assert.equal(err?.type, 'UnknownOperationException');
});

// ------------------------------------------------------------------------------------------
// Performance
// ------------------------------------------------------------------------------------------

test('validating a small GetUser request costs microseconds', () => {
  const token =
    'eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIiwidXNlcm5hbWUiOiJib2IifQ'.repeat(10) + '.c2lnbmF0dXJl';
  const input = { AccessToken: token };
  validateInput('GetUser', input); // compile
  const n = 50_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) validateInput('GetUser', input);
  const perCallUs = Number(process.hrtime.bigint() - start) / 1000 / n;
  assert.ok(perCallUs < 20, `GetUser validation took ${perCallUs.toFixed(2)} µs per call`);

  const signUp = {
    ClientId: 'abcdefghijklmnopqrstuvwxyz',
    Username: 'alice@example.com',
    Password: 'Correct-Horse-Battery-Staple-1',
    UserAttributes: [
      { Name: 'email', Value: 'alice@example.com' },
      { Name: 'name', Value: 'Alice' },
    ],
  };
  validateInput('SignUp', signUp);
  const s2 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) validateInput('SignUp', signUp);
  const signUpUs = Number(process.hrtime.bigint() - s2) / 1000 / n;
  assert.ok(signUpUs < 50, `SignUp validation took ${signUpUs.toFixed(2)} µs per call`);
});
