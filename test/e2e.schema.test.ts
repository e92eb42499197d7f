import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AddCustomAttributesCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserAttributesCommand,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
  GetUserCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  type CreateUserPoolCommandInput,
  type SchemaAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createUser, PASSWORD, passwordSignIn, rejectsWith } from './support/fixtures.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServer, type TestServer } from './support/server.js';

/** DescribeUserPool's SchemaAttributes of a pool created without a Schema: the AWS CLI's describe-user-pool example. */
const text = (Name: string, MinLength = '0', MaxLength = '2048') => ({
  Name, AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false, StringAttributeConstraints: { MinLength, MaxLength },
});
const flag = (Name: string) => ({ Name, AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false });
const STANDARD = [
  { ...text('sub', '1'), Mutable: false, Required: true },
  text('name'), text('given_name'), text('family_name'), text('middle_name'), text('nickname'), text('preferred_username'),
  text('profile'), text('picture'), text('website'), text('email'), flag('email_verified'), text('gender'), text('birthdate', '10', '10'),
  text('zoneinfo'), text('locale'), text('phone_number'), flag('phone_number_verified'), text('address'),
  { Name: 'updated_at', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
  { Name: 'identities', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false, StringAttributeConstraints: {} },
];

const nonConforming = (name: string, why: string) => `Attributes did not conform to the schema: ${name}: ${why}`;
const name = () => `schema-${Math.random().toString(36).slice(2, 8)}`;

/** A pool with `input`'s settings and a client allowing the password flow. */
async function pool(cognito: CognitoIdentityProviderClient, input: Partial<CreateUserPoolCommandInput> = {}) {
  const created = await cognito.send(new CreateUserPoolCommand({ PoolName: name(), ...input }));
  const poolId = created.UserPool!.Id!;
  const app = await cognito.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId!, created };
}

const APP_SCHEMA: SchemaAttributeType[] = [
  { Name: 'email', Required: true, StringAttributeConstraints: { MaxLength: '64' } },
  { Name: 'tenant_id', AttributeDataType: 'String', Mutable: false, StringAttributeConstraints: { MinLength: '3', MaxLength: '8' } },
  { Name: 'age', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '0', MaxValue: '150' } },
  { Name: 'joined', AttributeDataType: 'DateTime' },
  { Name: 'vip', AttributeDataType: 'Boolean' },
  { Name: 'secret', AttributeDataType: 'String', DeveloperOnlyAttribute: true },
];

function schemaTests(engine: string, cognito: () => CognitoIdentityProviderClient) {
  test(`DescribeUserPool lists every standard attribute as Cognito does, then the custom ones (${engine})`, async () => {
    const plain = await pool(cognito());
    const described = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: plain.poolId }))).UserPool!;
    assert.deepEqual(described.SchemaAttributes, STANDARD);
    assert.deepEqual(plain.created.UserPool!.SchemaAttributes, STANDARD, 'CreateUserPool answers the same');

    const app = await pool(cognito(), { Schema: APP_SCHEMA });
    const schema = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: app.poolId }))).UserPool!.SchemaAttributes!;
    const byName = new Map(schema.map((a) => [a.Name, a]));
    assert.deepEqual(schema.slice(0, STANDARD.length).map((a) => a.Name), STANDARD.map((a) => a.Name));
    assert.deepEqual(byName.get('email'), { ...text('email', '0', '64'), Required: true }, 'the pool changes merged in');
    assert.deepEqual(schema.slice(STANDARD.length), [
      { Name: 'custom:tenant_id', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: false, Required: false, StringAttributeConstraints: { MinLength: '3', MaxLength: '8' } },
      { Name: 'custom:age', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0', MaxValue: '150' } },
      { Name: 'custom:joined', AttributeDataType: 'DateTime', DeveloperOnlyAttribute: false, Mutable: true, Required: false },
      { Name: 'custom:vip', AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false },
      { Name: 'dev:custom:secret', AttributeDataType: 'String', DeveloperOnlyAttribute: true, Mutable: true, Required: false, StringAttributeConstraints: {} },
    ]);
  });

  test(`DescribeUserPool carries Cognito's defaults and EstimatedNumberOfUsers (${engine})`, async () => {
    const plain = await pool(cognito());
    await createUser(cognito(), plain.poolId, 'one');
    await createUser(cognito(), plain.poolId, 'two');
    const described = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: plain.poolId }))).UserPool!;
    assert.equal(described.EstimatedNumberOfUsers, 2);
    assert.equal(described.SmsVerificationMessage, 'Your verification code is {####}. ');
    assert.equal(described.EmailVerificationMessage, 'Your verification code is {####}. ');
    assert.equal(described.EmailVerificationSubject, 'Your verification code');
    assert.deepEqual(described.VerificationMessageTemplate, {
      SmsMessage: 'Your verification code is {####}. ', EmailMessage: 'Your verification code is {####}. ', EmailSubject: 'Your verification code', DefaultEmailOption: 'CONFIRM_WITH_CODE',
    });
    assert.deepEqual(described.AdminCreateUserConfig, { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 });
    assert.deepEqual(described.UsernameConfiguration, { CaseSensitive: true });
    assert.deepEqual(described.UserAttributeUpdateSettings, { AttributesRequireVerificationBeforeUpdate: [] });
    assert.deepEqual(described.EmailConfiguration, { EmailSendingAccount: 'COGNITO_DEFAULT' });
    assert.deepEqual(described.Policies!.SignInPolicy, { AllowedFirstAuthFactors: ['PASSWORD'] });
    assert.equal(described.DeletionProtection, 'INACTIVE');
    assert.equal(described.MfaConfiguration, 'OFF');
    assert.deepEqual(described.UserPoolTags, {});
    assert.deepEqual(described.LambdaConfig, {});

    const configured = await pool(cognito(), {
      VerificationMessageTemplate: { EmailMessage: 'Code: {####}', EmailSubject: 'Welcome', DefaultEmailOption: 'CONFIRM_WITH_CODE' },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameConfiguration: { CaseSensitive: false },
    });
    const other = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: configured.poolId }))).UserPool!;
    assert.equal(other.EstimatedNumberOfUsers, 0);
    assert.equal(other.EmailVerificationMessage, 'Code: {####}', 'the template and the older members agree');
    assert.equal(other.EmailVerificationSubject, 'Welcome');
    assert.equal(other.VerificationMessageTemplate!.SmsMessage, 'Your verification code is {####}. ');
    assert.deepEqual(other.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 7 });
    assert.deepEqual(other.UsernameConfiguration, { CaseSensitive: false });
  });

  test(`CreateUserPool refuses invalid schemas with InvalidParameterException (${engine})`, async () => {
    const refused = (Schema: SchemaAttributeType[], message: string | RegExp) =>
      rejectsWith(cognito().send(new CreateUserPoolCommand({ PoolName: name(), Schema })), 'InvalidParameterException', message);
    await refused([{ Name: 'x', AttributeDataType: 'Text' as never }], /Member must satisfy enum value set/);
    await refused([{ Name: 'x' }], 'Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
    await refused([{ Name: 'x', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '5', MaxLength: '4' } }], /MinLength must not be greater than MaxLength/);
    await refused([{ Name: 'x', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '2049' } }], 'String attributes cannot have a length of more than 2048');
    await refused([{ Name: 'x', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '10', MaxValue: '1' } }], /MinValue must not be greater than MaxValue/);
    await refused([{ Name: 'x', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: 'ten' } }], /must be numbers/);
    await refused([{ Name: 'email', AttributeDataType: 'Number' }], 'You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email');
    await refused([{ Name: 'email', DeveloperOnlyAttribute: true }], 'You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email');
    await refused([{ Name: 'x', AttributeDataType: 'String', Required: true }], 'Required custom attributes are not supported currently.');
    await refused([{ Name: 'x', AttributeDataType: 'String' }, { Name: 'x', AttributeDataType: 'Number' }], /Duplicate attribute name/);
    await refused([{ Name: 'a'.repeat(21), AttributeDataType: 'String' }], /Member must have length less than or equal to 20/);
    await refused(Array.from({ length: 51 }, (_, i) => ({ Name: `a${i}`, AttributeDataType: 'String' as const })), /Member must have length less than or equal to 50/);
    // What Cognito allows: a standard attribute required, immutable, with tighter constraints.
    const ok = await cognito().send(new CreateUserPoolCommand({ PoolName: name(), Schema: [{ Name: 'name', Required: true, Mutable: false, AttributeDataType: 'String' }] }));
    const entry = ok.UserPool!.SchemaAttributes!.find((a) => a.Name === 'name');
    assert.deepEqual(entry, { ...text('name'), Required: true, Mutable: false });
  });

  test(`AddCustomAttributes adds with the prefix, refuses existing names and more than 50 (${engine})`, async () => {
    const { poolId } = await pool(cognito(), { Schema: [{ Name: 'tenant_id', AttributeDataType: 'String' }] });
    await cognito().send(new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: [{ Name: 'plan', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '1', MaxLength: '15' } }] }));
    const schema = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.SchemaAttributes!;
    assert.deepEqual(schema.at(-1), { Name: 'custom:plan', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false, StringAttributeConstraints: { MinLength: '1', MaxLength: '15' } });
    const refused = (CustomAttributes: SchemaAttributeType[], message: string | RegExp) =>
      rejectsWith(cognito().send(new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes })), 'InvalidParameterException', message);
    await refused([{ Name: 'tenant_id', AttributeDataType: 'String' }], 'Existing attribute already has name custom:tenant_id.');
    await refused([{ Name: 'custom:plan', AttributeDataType: 'Number' }], 'Existing attribute already has name custom:plan.');
    await refused([{ Name: 'x', AttributeDataType: 'String', Required: true }], 'Required custom attributes are not supported currently.');
    await refused([{ Name: 'x', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '4096' } }], 'String attributes cannot have a length of more than 2048');
    // 2 so far; 25 per call (the model's limit), 48 more fit, the 51st does not.
    for (const start of [0, 25]) {
      const count = start === 0 ? 25 : 23;
      await cognito().send(new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: Array.from({ length: count }, (_, i) => ({ Name: `n${start + i}`, AttributeDataType: 'Number' })) }));
    }
    await refused([{ Name: 'one_more', AttributeDataType: 'String' }], 'A user pool can have at most 50 custom attributes.');
    await rejectsWith(
      cognito().send(new AddCustomAttributesCommand({ UserPoolId: 'us-east-1_Missing0', CustomAttributes: [{ Name: 'y', AttributeDataType: 'String' }] })),
      'ResourceNotFoundException',
    );
  });

  test(`concurrent AddCustomAttributes and UpdateUserPool calls lose nothing (${engine})`, async () => {
    const { poolId } = await pool(cognito());
    // Each call reads the pool and writes it back: without a conditional write, one of two calls made
    // at once overwrote the other's schema or settings.
    const answers = await Promise.allSettled([
      ...Array.from({ length: 16 }, (_, i) =>
        cognito().send(new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: [{ Name: `c${i}`, AttributeDataType: 'String' }] })),
      ),
      cognito().send(new UpdateUserPoolCommand({ UserPoolId: poolId, UserPoolTags: { team: 'blue' } })),
    ]);
    for (const answer of answers.slice(0, 16)) assert.equal(answer.status, 'fulfilled', 'AddCustomAttributes waits for, or retries after, a change made meanwhile');
    const update = answers[16];
    // UpdateUserPool either went through or answered ConcurrentModificationException, as Cognito may.
    if (update.status === 'rejected') assert.equal((update.reason as Error).name, 'ConcurrentModificationException');
    const described = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
    const custom = described.SchemaAttributes!.filter((a) => a.Name!.startsWith('custom:')).map((a) => a.Name).sort();
    assert.deepEqual(custom, Array.from({ length: 16 }, (_, i) => `custom:c${i}`).sort());
    if (update.status === 'fulfilled') assert.deepEqual(described.UserPoolTags, { team: 'blue' });
  });

  test(`attribute values are checked against type and constraints on every write (${engine})`, async () => {
    const { poolId, clientId } = await pool(cognito(), { Schema: APP_SCHEMA });
    const email = { Name: 'email', Value: 'amy@example.com' };
    const signUp = (attributes: { Name: string; Value: string }[]) =>
      cognito().send(new SignUpCommand({ ClientId: clientId, Username: `u${Math.random().toString(36).slice(2, 8)}`, Password: PASSWORD, UserAttributes: attributes }));
    const adminCreate = (attributes: { Name: string; Value: string }[]) =>
      cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: `a${Math.random().toString(36).slice(2, 8)}`, UserAttributes: attributes, MessageAction: 'SUPPRESS' }));
    const invalid = 'InvalidParameterException';

    await rejectsWith(signUp([]), invalid, nonConforming('email', 'The attribute is required'));
    await rejectsWith(signUp([{ Name: 'email', Value: 'not-an-email' }]), invalid, nonConforming('email', 'Invalid email address format.'));
    await rejectsWith(signUp([{ Name: 'email', Value: `${'a'.repeat(60)}@example.com` }]), invalid, nonConforming('email', 'String must be no longer than 64 characters'));
    await rejectsWith(signUp([email, { Name: 'custom:tenant_id', Value: 'ab' }]), invalid, nonConforming('custom:tenant_id', 'String must be no shorter than 3 characters'));
    await rejectsWith(signUp([email, { Name: 'custom:tenant_id', Value: 'abcdefghi' }]), invalid, nonConforming('custom:tenant_id', 'String must be no longer than 8 characters'));
    await rejectsWith(signUp([email, { Name: 'custom:age', Value: 'old' }]), invalid, nonConforming('custom:age', 'Number must be a number'));
    await rejectsWith(signUp([email, { Name: 'custom:age', Value: '151' }]), invalid, nonConforming('custom:age', 'Number must be no greater than 150'));
    await rejectsWith(adminCreate([{ Name: 'custom:age', Value: '-1' }]), invalid, nonConforming('custom:age', 'Number must be no less than 0'));
    await rejectsWith(adminCreate([{ Name: 'custom:joined', Value: 'yesterday' }]), invalid, /custom:joined: DateTime must be/);
    await rejectsWith(adminCreate([{ Name: 'custom:vip', Value: 'yes' }]), invalid, nonConforming('custom:vip', 'Boolean must be true or false'));
    await rejectsWith(adminCreate([{ Name: 'updated_at', Value: '-5' }]), invalid, nonConforming('updated_at', 'Number must be no less than 0'));
    await rejectsWith(adminCreate([{ Name: 'birthdate', Value: '1/2/2000' }]), invalid, nonConforming('birthdate', 'String must be no shorter than 10 characters'));
    await rejectsWith(adminCreate([{ Name: 'phone_number', Value: '555-1234' }]), invalid, nonConforming('phone_number', 'Invalid phone number format.'));
    await rejectsWith(adminCreate([{ Name: 'custom:unknown', Value: 'x' }]), invalid, 'Attributes did not conform to the schema: Type for attribute {custom:unknown} could not be determined');

    // Good values, Boolean in any letter case; AdminCreateUser does not need the required email.
    const good = [email, { Name: 'custom:tenant_id', Value: 'acme' }, { Name: 'custom:age', Value: '42' }, { Name: 'custom:joined', Value: '2026-01-01T12:00:00Z' }, { Name: 'custom:vip', Value: 'True' }, { Name: 'birthdate', Value: '2000-01-02' }];
    const signed = await signUp(good);
    assert.ok(signed.UserSub);
    await adminCreate([{ Name: 'custom:vip', Value: 'FALSE' }]);

    await createUser(cognito(), poolId, 'bob', good);
    const update = (attributes: { Name: string; Value: string }[]) => cognito().send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'bob', UserAttributes: attributes }));
    await rejectsWith(update([{ Name: 'custom:age', Value: '1000' }]), invalid, nonConforming('custom:age', 'Number must be no greater than 150'));
    await rejectsWith(update([{ Name: 'custom:tenant_id', Value: 'other' }]), invalid, 'Cannot modify the non-mutable attribute custom:tenant_id');
    await rejectsWith(update([{ Name: 'email', Value: '' }]), invalid, nonConforming('email', 'The attribute is required'));
    const signedIn = (await passwordSignIn(cognito(), clientId, 'bob')).AuthenticationResult!;
    const token = signedIn.AccessToken!;
    // Custom attributes are strings in the ID token, whatever their type; email_verified is a boolean.
    const id = JSON.parse(Buffer.from(signedIn.IdToken!.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(id['custom:age'], '42');
    assert.equal(id['custom:vip'], 'True');
    assert.equal(id['custom:joined'], '2026-01-01T12:00:00Z');
    const selfUpdate = (attributes: { Name: string; Value: string }[]) => cognito().send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: attributes }));
    await rejectsWith(selfUpdate([{ Name: 'custom:vip', Value: 'maybe' }]), invalid, nonConforming('custom:vip', 'Boolean must be true or false'));
    await selfUpdate([{ Name: 'custom:age', Value: '43' }, { Name: 'custom:vip', Value: 'false' }]);
    const attrs = Object.fromEntries((await cognito().send(new GetUserCommand({ AccessToken: token }))).UserAttributes!.map((a) => [a.Name, a.Value]));
    assert.equal(attrs['custom:age'], '43');
    assert.equal(attrs['custom:vip'], 'false');
    assert.equal(attrs['custom:tenant_id'], 'acme', 'a refused request wrote nothing');
  });

  test(`DeleteUserAttributes and AdminDeleteUserAttributes delete, refusing required, immutable and unauthorized names (${engine})`, async () => {
    const { poolId, clientId } = await pool(cognito(), { Schema: APP_SCHEMA });
    await createUser(cognito(), poolId, 'carol', [
      { Name: 'email', Value: 'carol@example.com' }, { Name: 'email_verified', Value: 'true' }, { Name: 'custom:tenant_id', Value: 'acme' },
      { Name: 'custom:age', Value: '30' }, { Name: 'given_name', Value: 'Carol' }, { Name: 'phone_number', Value: '+15555550100' },
      { Name: 'phone_number_verified', Value: 'true' }, { Name: 'dev:custom:secret', Value: 's' },
    ]);
    const token = (await passwordSignIn(cognito(), clientId, 'carol')).AuthenticationResult!.AccessToken!;
    const selfDelete = (names: string[]) => cognito().send(new DeleteUserAttributesCommand({ AccessToken: token, UserAttributeNames: names }));
    const adminDelete = (names: string[]) => cognito().send(new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username: 'carol', UserAttributeNames: names }));
    const attributes = async () => Object.fromEntries((await cognito().send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }))).UserAttributes!.map((a) => [a.Name!, a.Value!]));

    await rejectsWith(selfDelete(['email']), 'InvalidParameterException', nonConforming('email', 'The attribute is required'));
    await rejectsWith(adminDelete(['email']), 'InvalidParameterException', nonConforming('email', 'The attribute is required'));
    await rejectsWith(selfDelete(['custom:tenant_id']), 'InvalidParameterException', 'Cannot modify the non-mutable attribute custom:tenant_id');
    await rejectsWith(selfDelete(['sub']), 'InvalidParameterException', 'Cannot modify the non-mutable attribute sub');
    await rejectsWith(selfDelete(['dev:custom:secret']), 'NotAuthorizedException', 'A client attempted to write unauthorized attribute');
    await rejectsWith(selfDelete(['email_verified']), 'NotAuthorizedException', 'A client attempted to write unauthorized attribute');
    await rejectsWith(selfDelete(['nonsense']), 'InvalidParameterException', 'Attributes did not conform to the schema: nonsense: Attribute does not exist in the schema.');
    await rejectsWith(cognito().send(new DeleteUserAttributesCommand({ AccessToken: 'not-a-token', UserAttributeNames: ['given_name'] })), 'NotAuthorizedException');
    await rejectsWith(
      cognito().send(new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username: 'nobody', UserAttributeNames: ['given_name'] })),
      'UserNotFoundException',
    );
    assert.equal((await attributes())['given_name'], 'Carol', 'refusals deleted nothing');

    await selfDelete(['given_name', 'custom:age', 'middle_name']);
    let now = await attributes();
    assert.equal(now['given_name'], undefined);
    assert.equal(now['custom:age'], undefined);
    assert.equal(now['email'], 'carol@example.com');
    await adminDelete(['phone_number', 'dev:custom:secret']);
    now = await attributes();
    assert.equal(now['phone_number'], undefined);
    assert.equal(now['phone_number_verified'], undefined, 'its _verified goes with it');
    assert.equal(now['dev:custom:secret'], undefined);
  });

  test(`deleting an email frees its alias; the sign-in email of an email-as-username pool is not deleted (${engine})`, async () => {
    const aliased = await pool(cognito(), { AliasAttributes: ['email'] });
    await createUser(cognito(), aliased.poolId, 'dora', [{ Name: 'email', Value: 'dora@example.com' }, { Name: 'email_verified', Value: 'true' }]);
    assert.equal((await cognito().send(new AdminGetUserCommand({ UserPoolId: aliased.poolId, Username: 'dora@example.com' }))).Username, 'dora');
    await cognito().send(new AdminDeleteUserAttributesCommand({ UserPoolId: aliased.poolId, Username: 'dora', UserAttributeNames: ['email'] }));
    await rejectsWith(cognito().send(new AdminGetUserCommand({ UserPoolId: aliased.poolId, Username: 'dora@example.com' })), 'UserNotFoundException');
    await createUser(cognito(), aliased.poolId, 'ed', [{ Name: 'email', Value: 'dora@example.com' }, { Name: 'email_verified', Value: 'true' }]);
    assert.equal((await cognito().send(new AdminGetUserCommand({ UserPoolId: aliased.poolId, Username: 'dora@example.com' }))).Username, 'ed');

    const byEmail = await pool(cognito(), { UsernameAttributes: ['email'] });
    await createUser(cognito(), byEmail.poolId, 'fay@example.com', [{ Name: 'given_name', Value: 'Fay' }]);
    await rejectsWith(
      cognito().send(new AdminDeleteUserAttributesCommand({ UserPoolId: byEmail.poolId, Username: 'fay@example.com', UserAttributeNames: ['email'] })),
      'InvalidParameterException',
      nonConforming('email', 'The attribute is required'),
    );
    await cognito().send(new AdminDeleteUserAttributesCommand({ UserPoolId: byEmail.poolId, Username: 'fay@example.com', UserAttributeNames: ['given_name'] }));
    const fay = await cognito().send(new AdminGetUserCommand({ UserPoolId: byEmail.poolId, Username: 'fay@example.com' }));
    assert.equal(fay.UserAttributes!.find((a) => a.Name === 'given_name'), undefined);
  });
}

describe('SQLite', () => {
  let server: TestServer;
  before(async () => (server = await startServer()));
  after(() => server.stop());
  schemaTests('SQLite', () => sdk(server.url));
});

describe('PostgreSQL', { skip: pgSkip }, () => {
  let server: TestServer;
  const schema = pgSchemaUrl();
  before(async () => (server = await startServer({ db: schema.url, sealingKey: randomBytes(32).toString('hex') })));
  after(async () => {
    await server?.stop();
    await schema.drop();
  });
  schemaTests('PostgreSQL', () => sdk(server.url));
});
