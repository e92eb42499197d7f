import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserAttributesCommand,
  DescribeUserPoolCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createUser, passwordSignIn, rejectsWith } from './support/fixtures.js';
import { control } from './support/control.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServer, type TestServer } from './support/server.js';

/**
 * UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate (docs/behaviour.md,
 * "Attribute verification"): a changed email or phone number waits for its code; until then the old
 * value is the attribute, verified, and the alias.
 */
function pendingSuite(engine: string, config: () => Promise<{ overrides: Record<string, unknown>; cleanup(): Promise<void> }>, skip: string | false = false) {
  describe(`values held until verified, on ${engine}`, { skip }, () => {
    let server: TestServer;
    let client: CognitoIdentityProviderClient;
    let cleanup: () => Promise<void>;
    before(async () => {
      const c = await config();
      cleanup = c.cleanup;
      server = await startServer(c.overrides);
      client = sdk(server.url);
    });
    after(async () => {
      await server?.stop();
      await cleanup?.();
    });

    const outbox = async (poolId: string, username: string): Promise<{ purpose: string; message: string; destination: string }[]> =>
      (await control(server.url, 'GET', `/_cognate/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`)).body.Messages;
    const codeIn = (message: string) => /(\d{6})/.exec(message)![1];
    const latest = async (poolId: string, username: string, purpose = 'VERIFY_EMAIL') => {
      const message = (await outbox(poolId, username)).find((m) => m.purpose === purpose);
      assert.ok(message, `a ${purpose} message in the outbox`);
      return message;
    };
    const wrong = (code: string) => (code === '000000' ? '111111' : '000000');
    const attr = (attributes: { Name?: string; Value?: string }[] | undefined, name: string) => attributes?.find((a) => a.Name === name)?.Value;

    async function heldPool(extra: Record<string, unknown> = {}) {
      const pool = await client.send(
        new CreateUserPoolCommand({
          PoolName: 'held',
          AliasAttributes: ['email'],
          AutoVerifiedAttributes: ['email', 'phone_number'],
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
          ...extra,
        }),
      );
      const poolId = pool.UserPool!.Id!;
      const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
      const clientId = app.UserPoolClient!.ClientId!;
      await createUser(client, poolId, 'ann', [
        { Name: 'email', Value: 'old@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ]);
      const AccessToken = (await passwordSignIn(client, clientId, 'ann')).AuthenticationResult!.AccessToken!;
      return { poolId, clientId, AccessToken };
    }
    const signsInAs = async (clientId: string, name: string) =>
      (await client.send(new GetUserCommand({ AccessToken: (await passwordSignIn(client, clientId, name)).AuthenticationResult!.AccessToken! }))).Username;

    test('the pool refuses the setting for an attribute it does not auto-verify', async () => {
      const message = 'All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes';
      await rejectsWith(
        client.send(new CreateUserPoolCommand({ PoolName: 'p', UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } })),
        'InvalidParameterException',
        message,
      );
      const created = await client.send(
        new CreateUserPoolCommand({ PoolName: 'p', AutoVerifiedAttributes: ['email'], UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } }),
      );
      const UserPoolId = created.UserPool!.Id!;
      assert.deepEqual(created.UserPool!.UserAttributeUpdateSettings, { AttributesRequireVerificationBeforeUpdate: ['email'] });
      // UpdateUserPool replaces both settings: the request's own AutoVerifiedAttributes must hold them.
      await rejectsWith(
        client.send(new UpdateUserPoolCommand({ UserPoolId, UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } })),
        'InvalidParameterException',
        message,
      );
      await rejectsWith(
        client.send(new UpdateUserPoolCommand({ UserPoolId, AutoVerifiedAttributes: ['email'], UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['phone_number'] } })),
        'InvalidParameterException',
        message,
      );
      await rejectsWith(
        client.send(new UpdateUserPoolCommand({ UserPoolId, UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['name' as 'email'] } })),
        'InvalidParameterException',
      );
      await client.send(new UpdateUserPoolCommand({ UserPoolId, AutoVerifiedAttributes: ['phone_number'], UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['phone_number'] } }));
      const described = await client.send(new DescribeUserPoolCommand({ UserPoolId }));
      assert.deepEqual(described.UserPool!.UserAttributeUpdateSettings, { AttributesRequireVerificationBeforeUpdate: ['phone_number'] });
    });

    test('UpdateUserAttributes holds the new email: the old one stays verified and signs in; the code to the new one applies it', async () => {
      const { poolId, clientId, AccessToken } = await heldPool();
      const answer = await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'new@example.org' }, { Name: 'name', Value: 'Ann' }] }));
      assert.deepEqual(answer.CodeDeliveryDetailsList, [{ Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
      const sent = await latest(poolId, 'ann');
      assert.equal(sent.destination, 'new@example.org');
      for (const user of [
        (await client.send(new GetUserCommand({ AccessToken }))).UserAttributes,
        (await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }))).UserAttributes,
      ]) {
        assert.equal(attr(user, 'email'), 'old@example.com');
        assert.equal(attr(user, 'email_verified'), 'true');
        assert.equal(attr(user, 'name'), 'Ann', 'the other attributes are written at once');
      }
      // The old email is still the alias; the new one is not one yet.
      assert.equal(await signsInAs(clientId, 'old@example.com'), 'ann');
      await rejectsWith(passwordSignIn(client, clientId, 'new@example.org'), 'NotAuthorizedException');

      const code = codeIn(sent.message);
      await rejectsWith(
        client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: wrong(code) })),
        'CodeMismatchException',
        'Invalid verification code provided, please try again.',
      );
      assert.equal(attr((await client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'email'), 'old@example.com');
      await client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: code }));
      const user = (await client.send(new GetUserCommand({ AccessToken }))).UserAttributes;
      assert.equal(attr(user, 'email'), 'new@example.org');
      assert.equal(attr(user, 'email_verified'), 'true');
      assert.equal(await signsInAs(clientId, 'new@example.org'), 'ann');
      await rejectsWith(passwordSignIn(client, clientId, 'old@example.com'), 'NotAuthorizedException');
      // Nothing is pending any more: a verification code now goes to the (new) current value.
      await rejectsWith(client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: code })), 'ExpiredCodeException');
    });

    test('a second update replaces the pending value; GetUserAttributeVerificationCode resends to it; an update back to the current value drops it', async () => {
      const { poolId, AccessToken } = await heldPool();
      await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'a@example.org' }] }));
      const first = codeIn((await latest(poolId, 'ann')).message);
      await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'b@example.org' }] }));
      assert.equal((await latest(poolId, 'ann')).destination, 'b@example.org');
      const resent = await client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
      assert.deepEqual(resent.CodeDeliveryDetails, { Destination: 'b***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
      const again = await latest(poolId, 'ann');
      assert.equal(again.destination, 'b@example.org');
      if (first !== codeIn(again.message)) {
        await rejectsWith(client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: first })), 'CodeMismatchException');
      }
      await client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: codeIn(again.message) }));
      assert.equal(attr((await client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'email'), 'b@example.org');

      await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'c@example.org' }] }));
      const toC = codeIn((await latest(poolId, 'ann')).message);
      const back = await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'b@example.org' }] }));
      assert.deepEqual(back.CodeDeliveryDetailsList, []);
      await rejectsWith(client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: toC })), 'CodeMismatchException');
      const user = (await client.send(new GetUserCommand({ AccessToken }))).UserAttributes;
      assert.equal(attr(user, 'email'), 'b@example.org');
      assert.equal(attr(user, 'email_verified'), 'true');
    });

    test('AdminUpdateUserAttributes holds the value too; *_verified true in the same call writes it at once, in a later call applies the pending one', async () => {
      const { poolId, clientId } = await heldPool();
      const admin = (UserAttributes: { Name: string; Value: string }[]) => client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'ann', UserAttributes }));
      const get = async () => (await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }))).UserAttributes;
      await admin([{ Name: 'email', Value: 'x@example.org' }]);
      assert.equal((await latest(poolId, 'ann')).destination, 'x@example.org');
      assert.equal(attr(await get(), 'email'), 'old@example.com');
      assert.equal(attr(await get(), 'email_verified'), 'true');
      await admin([{ Name: 'email_verified', Value: 'true' }]);
      assert.equal(attr(await get(), 'email'), 'x@example.org');
      assert.equal(attr(await get(), 'email_verified'), 'true');
      assert.equal(await signsInAs(clientId, 'x@example.org'), 'ann');

      const before = (await outbox(poolId, 'ann')).length;
      await admin([{ Name: 'email', Value: 'y@example.org' }, { Name: 'email_verified', Value: 'true' }]);
      assert.equal(attr(await get(), 'email'), 'y@example.org');
      assert.equal((await outbox(poolId, 'ann')).length, before, 'no code for a value marked verified');
    });

    test('an unverified email, and an attribute the setting does not name, are written at once', async () => {
      const { poolId, AccessToken } = await heldPool();
      await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'ann', UserAttributes: [{ Name: 'email_verified', Value: 'false' }] }));
      const answer = await client.send(
        new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'now@example.org' }, { Name: 'phone_number', Value: '+15555550123' }] }),
      );
      assert.equal(answer.CodeDeliveryDetailsList!.length, 2);
      const user = (await client.send(new GetUserCommand({ AccessToken }))).UserAttributes;
      assert.equal(attr(user, 'email'), 'now@example.org');
      assert.equal(attr(user, 'email_verified'), 'false');
      assert.equal(attr(user, 'phone_number'), '+15555550123');
      await client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: codeIn((await latest(poolId, 'ann')).message) }));
      assert.equal(attr((await client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'email_verified'), 'true');
    });

    test('a phone number is held the same way (SMS to the new number); deleting the attribute drops a pending value', async () => {
      const { poolId, AccessToken } = await heldPool({ UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email', 'phone_number'] } });
      await client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: poolId,
          Username: 'ann',
          UserAttributes: [{ Name: 'phone_number', Value: '+15555550100' }, { Name: 'phone_number_verified', Value: 'true' }],
        }),
      );
      const answer = await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }] }));
      assert.deepEqual(answer.CodeDeliveryDetailsList, [{ Destination: '+*******0123', DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
      const sms = await latest(poolId, 'ann', 'VERIFY_PHONE_NUMBER');
      assert.equal(sms.destination, '+15555550123');
      assert.equal(attr((await client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'phone_number'), '+15555550100');
      await client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'phone_number', Code: codeIn(sms.message) }));
      let user = (await client.send(new GetUserCommand({ AccessToken }))).UserAttributes;
      assert.equal(attr(user, 'phone_number'), '+15555550123');
      assert.equal(attr(user, 'phone_number_verified'), 'true');

      await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'gone@example.org' }] }));
      const code = codeIn((await latest(poolId, 'ann')).message);
      await client.send(new DeleteUserAttributesCommand({ AccessToken, UserAttributeNames: ['email'] }));
      await rejectsWith(client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' })), 'InvalidParameterException');
      await rejectsWith(client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: code })), 'CodeMismatchException');
      user = (await client.send(new GetUserCommand({ AccessToken }))).UserAttributes;
      assert.equal(attr(user, 'email'), undefined);
      // No verified value to keep: a new email is written at once, unverified.
      await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'back@example.org' }] }));
      user = (await client.send(new GetUserCommand({ AccessToken }))).UserAttributes;
      assert.equal(attr(user, 'email'), 'back@example.org');
      assert.equal(attr(user, 'email_verified'), 'false');
    });

    test('the codes UpdateUserAttributes sends count toward the hourly code-issue limit', async () => {
      const { poolId, clientId, AccessToken } = await heldPool();
      for (let i = 0; i < 5; i++) await client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: `n${i}@example.org` }] }));
      const sent = (await outbox(poolId, 'ann')).length;
      await rejectsWith(
        client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'n5@example.org' }, { Name: 'name', Value: 'Ann' }] })),
        'LimitExceededException',
        'Attempt limit exceeded, please try after some time.',
      );
      assert.equal((await outbox(poolId, 'ann')).length, sent);
      assert.equal(attr((await client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'name'), undefined, 'a refused update writes nothing');
      await rejectsWith(client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' })), 'LimitExceededException');
      // The pending value is the last one held, and its code still works.
      await client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: codeIn((await latest(poolId, 'ann')).message) }));
      assert.equal(attr((await client.send(new GetUserCommand({ AccessToken }))).UserAttributes, 'email'), 'n4@example.org');
      // The next hour, codes again (the first token has expired: a new sign-in).
      server.clock.advance(3_600_000);
      const fresh = (await passwordSignIn(client, clientId, 'ann')).AuthenticationResult!.AccessToken!;
      const answer = await client.send(new UpdateUserAttributesCommand({ AccessToken: fresh, UserAttributes: [{ Name: 'email', Value: 'n5@example.org' }] }));
      assert.equal(answer.CodeDeliveryDetailsList!.length, 1);
    });
  });
}

pendingSuite('SQLite', async () => ({ overrides: {}, cleanup: async () => {} }));
pendingSuite(
  'PostgreSQL',
  async () => {
    const schema = pgSchemaUrl();
    return { overrides: { db: schema.url, sealingKey: 'ab'.repeat(32) }, cleanup: schema.drop };
  },
  pgSkip,
);
