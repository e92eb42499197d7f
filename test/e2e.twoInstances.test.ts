import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AssociateSoftwareTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  UpdateUserPoolClientCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ManualClock } from '../src/clock.js';
import { answerTotp, createPool, createUser, nextStep, passwordSignIn, rejectsWith, totpCode } from './support/fixtures.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServer, type TestServer } from './support/server.js';

/**
 * Two Cognate instances on one PostgreSQL database (docs/storage.md: several processes may share
 * it): what one instance revokes or consumes, the other sees on its very next request. Whatever
 * either caches (verified signatures, opened TOTP secrets, signing keys) must not hide it.
 */
describe('two instances on one PostgreSQL database', { skip: pgSkip }, () => {
  const schema = pgSchemaUrl();
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const sealingKey = randomBytes(32).toString('hex');
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    a = await startServer({ db: schema.url, sealingKey }, clock);
    b = await startServer({ db: schema.url, sealingKey }, clock);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await schema.drop();
  });

  test('GlobalSignOut and RevokeToken on one instance are refused at once by the other', async () => {
    const onA = sdk(a.url);
    const onB = sdk(b.url);
    const { poolId, clientId } = await createPool(onA);
    await createUser(onA, poolId, 'amy');

    const first = (await passwordSignIn(onA, clientId, 'amy')).AuthenticationResult!;
    // B checks the token (and caches the verified signature) before the sign-out.
    assert.equal((await onB.send(new GetUserCommand({ AccessToken: first.AccessToken }))).Username, 'amy');
    await onA.send(new GlobalSignOutCommand({ AccessToken: first.AccessToken }));
    await rejectsWith(onB.send(new GetUserCommand({ AccessToken: first.AccessToken })), 'NotAuthorizedException');
    await rejectsWith(
      onB.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: first.RefreshToken! } })),
      'NotAuthorizedException',
    );

    const second = (await passwordSignIn(onB, clientId, 'amy')).AuthenticationResult!;
    assert.equal((await onA.send(new GetUserCommand({ AccessToken: second.AccessToken }))).Username, 'amy');
    await onB.send(new RevokeTokenCommand({ ClientId: clientId, Token: second.RefreshToken }));
    await rejectsWith(onA.send(new GetUserCommand({ AccessToken: second.AccessToken })), 'NotAuthorizedException');
    await rejectsWith(
      onA.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: second.RefreshToken! } })),
      'NotAuthorizedException',
    );
  });

  test('under concurrent load on the other instance (its token checks batched), a sign-out holds from the next request on', async () => {
    const onA = sdk(a.url);
    const onB = sdk(b.url);
    const { poolId, clientId } = await createPool(onA);
    const names = ['bea', 'bob', 'bud', 'bix'];
    for (const name of names) await createUser(onA, poolId, name);
    const tokens = await Promise.all(names.map(async (name) => (await passwordSignIn(onA, clientId, name)).AuthenticationResult!.AccessToken!));
    // B keeps checking the four users' tokens, many at once, while A signs one of them out.
    let signedOut = false;
    let wrong = 0;
    const load = async () => {
      for (let round = 0; round < 30; round++) {
        await Promise.all(
          tokens.map(async (token, i) => {
            const askedAfterSignOut = signedOut && i === 0;
            const ok = await onB.send(new GetUserCommand({ AccessToken: token })).then(() => true, () => false);
            if (askedAfterSignOut ? ok : !ok && i !== 0) wrong++;
          }),
        );
      }
    };
    const loads = Promise.all([load(), load(), load()]);
    await new Promise((r) => setTimeout(r, 50));
    await onA.send(new GlobalSignOutCommand({ AccessToken: tokens[0] }));
    signedOut = true;
    await loads;
    assert.equal(wrong, 0, 'no token check asked after the sign-out passed; no other user was refused');
    await rejectsWith(onB.send(new GetUserCommand({ AccessToken: tokens[0] })), 'NotAuthorizedException');
  });

  test("an app client changed on one instance is read as changed by the other on its next request (GetUser's ReadAttributes)", async () => {
    const onA = sdk(a.url);
    const onB = sdk(b.url);
    const { poolId, clientId } = await createPool(onA);
    await createUser(onA, poolId, 'cy', [{ Name: 'email', Value: 'cy@example.com' }, { Name: 'name', Value: 'Cy' }]);
    const token = (await passwordSignIn(onA, clientId, 'cy')).AuthenticationResult!.AccessToken!;
    const names = async () => (await onA.send(new GetUserCommand({ AccessToken: token }))).UserAttributes!.map((x) => x.Name).sort();
    assert.deepEqual(await names(), ['email', 'name', 'sub']);
    await onB.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: poolId, ClientId: clientId, ReadAttributes: ['email'],
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    assert.deepEqual(await names(), ['email', 'sub']);
  });

  test('a TOTP step consumed on one instance is refused by the other, in VerifySoftwareToken and at sign-in', async () => {
    const onA = sdk(a.url);
    const onB = sdk(b.url);
    const { poolId, clientId } = await createPool(onA, { mfa: 'OPTIONAL' });
    await createUser(onA, poolId, 'bo');
    const token = (await passwordSignIn(onA, clientId, 'bo')).AuthenticationResult!.AccessToken!;
    const { SecretCode } = await onA.send(new AssociateSoftwareTokenCommand({ AccessToken: token }));
    // Verified on B with the secret A associated.
    const code = totpCode(SecretCode!, clock.now());
    assert.equal((await onB.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: code }))).Status, 'SUCCESS');
    await onA.send(new SetUserMFAPreferenceCommand({ AccessToken: token, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));

    // The step B's Verify used cannot sign in on A.
    const onASignIn = await passwordSignIn(onA, clientId, 'bo');
    await rejectsWith(answerTotp(onA, clientId, 'bo', onASignIn.Session!, code), 'ExpiredCodeException');

    // The next step's code signs in on A once; the same code is refused on B right after.
    nextStep(clock);
    const next = totpCode(SecretCode!, clock.now());
    assert.ok((await answerTotp(onA, clientId, 'bo', onASignIn.Session!, next)).AuthenticationResult?.AccessToken);
    const onBSignIn = await passwordSignIn(onB, clientId, 'bo');
    await rejectsWith(answerTotp(onB, clientId, 'bo', onBSignIn.Session!, next), 'ExpiredCodeException');
  });
});
