/**
 * Issue 11, point 4: with PreventUserExistenceErrors (the default unless a client says LEGACY), a
 * name that is no user is answered like a user: ResendConfirmationCode's CodeDeliveryDetails, a
 * stable SRP salt in the real salts' format, the same work for a wrong password, and the same
 * lockouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { formatSrpTimestamp, padHex } from '../src/crypto/srp.js';
import { srpClientProof, srpClientStart } from '../src/crypto/srpClient.js';
import { createPool, createUser, PASSWORD, rejectsWith } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

test('ResendConfirmationCode answers an unknown name like an unconfirmed user (and LEGACY still says UserNotFoundException)', async () => {
  for (const [attribute, medium, pattern] of [
    ['email', 'EMAIL', /^[a-z]\*\*\*@[a-z]\*\*\*$/],
    ['phone_number', 'SMS', /^\+\*{7}\d{4}$/],
  ] as const) {
    const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'resend', AutoVerifiedAttributes: [attribute] }));
    const poolId = pool.UserPool!.Id!;
    const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }));
    const clientId = app.UserPoolClient!.ClientId!;
    const value = attribute === 'email' ? 'ann@example.com' : '+15551234567';
    await client.send(new SignUpCommand({ ClientId: clientId, Username: 'ann', Password: PASSWORD, UserAttributes: [{ Name: attribute, Value: value }] }));
    const real = await client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'ann' }));
    const fake = await client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'nobody' }));
    const again = await client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'nobody' }));
    for (const r of [real, fake]) {
      assert.deepEqual(Object.keys(r.CodeDeliveryDetails!).sort(), ['AttributeName', 'DeliveryMedium', 'Destination']);
      assert.equal(r.CodeDeliveryDetails!.DeliveryMedium, medium);
      assert.equal(r.CodeDeliveryDetails!.AttributeName, attribute);
      assert.match(r.CodeDeliveryDetails!.Destination!, pattern);
    }
    assert.deepEqual(again.CodeDeliveryDetails, fake.CodeDeliveryDetails, 'the same destination every time');
    const legacy = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'legacy', PreventUserExistenceErrors: 'LEGACY' }));
    await rejectsWith(client.send(new ResendConfirmationCodeCommand({ ClientId: legacy.UserPoolClient!.ClientId!, Username: 'nobody' })), 'UserNotFoundException');
  }
});

/** Whether `salt` is what src/crypto/srp.ts makes of 16 bytes: padHex of a number below 2^128. */
const realSaltFormat = (salt: string) => /^[0-9a-f]+$/.test(salt) && BigInt(`0x${salt}`) < 1n << 128n && padHex(BigInt(`0x${salt}`)) === salt;

async function srpStart(poolId: string, clientId: string, username: string) {
  const srp = srpClientStart();
  const start = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: srp.AHex } }),
  );
  return { srp, start };
}

test('USER_SRP_AUTH gives an unknown name the same salt on every call, in the real salts\' format', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'bob');
  const realSalt = (await srpStart(poolId, clientId, 'bob')).start.ChallengeParameters!.SALT;
  assert.ok(realSaltFormat(realSalt), realSalt);
  const first = (await srpStart(poolId, clientId, 'nobody')).start.ChallengeParameters!;
  const second = (await srpStart(poolId, clientId, 'nobody')).start.ChallengeParameters!;
  assert.deepEqual(Object.keys(first).sort(), Object.keys((await srpStart(poolId, clientId, 'bob')).start.ChallengeParameters!).sort());
  assert.equal(first.SALT, second.SALT, 'stable across calls');
  assert.notEqual(first.SRP_B, second.SRP_B, 'B is fresh, as for a user');
  const other = await createPool(client);
  assert.notEqual((await srpStart(other.poolId, other.clientId, 'nobody')).start.ChallengeParameters!.SALT, first.SALT, 'another pool, another salt');
  // Across many names, the salts look like real ones: half of 16 random bytes have the high bit set,
  // and padHex then prefixes 00 (34 characters).
  const salts = await Promise.all(Array.from({ length: 64 }, async (_, i) => (await srpStart(poolId, clientId, `ghost-${i}`)).start.ChallengeParameters!.SALT));
  for (const salt of salts) assert.ok(realSaltFormat(salt), salt);
  assert.ok(salts.some((s) => s.length === 34 && s.startsWith('00')), 'some salts carry padHex\'s 00 prefix');
  assert.ok(salts.some((s) => s.length === 32), 'some do not');
  assert.equal(new Set(salts).size, salts.length);
});

test('a wrong password costs an unknown name what a user costs (the InitiateAuth handler, timed without HTTP)', async () => {
  // Timed at the handler, one call after the other: over HTTP the SDK's own work hides a password
  // check's ~1 ms, so the difference drowns in noise.
  const { createHandlers } = await import('../src/app.js');
  const initiate = createHandlers(server.running.deps).get('InitiateAuth')!;
  const ctx = { requestId: 'timing', baseUrl: server.url };
  const { poolId, clientId } = await createPool(client);
  const users = Array.from({ length: 20 }, (_, i) => `real-${i}`);
  for (const name of users) await createUser(client, poolId, name);
  /** 4 failures for each of the names (fewer than the 5 free ones), one after the other; ms per failure. */
  const timed = async (names: string[]) => {
    const started = process.hrtime.bigint();
    for (let k = 0; k < 4; k++) {
      for (const USERNAME of names) {
        await assert.rejects(
          initiate({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD: 'Wrong-Horse-1' } }, ctx),
          { message: 'Incorrect username or password.' },
        );
      }
    }
    return Number(process.hrtime.bigint() - started) / 1e6 / (4 * names.length);
  };
  await timed(['warm-a', 'warm-b']); // the dummy verifier is computed once
  const real: number[] = [];
  const unknown: number[] = [];
  for (let round = 0; round < 3; round++) {
    real.push(await timed(users));
    unknown.push(await timed(users.map((n) => `ghost-${round}-${n}`)));
    server.clock.advance(16 * 60_000); // past any lockout; a right password resets each user's count
    for (const name of users) await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD } }));
  }
  const ratio = Math.min(...unknown) / Math.min(...real);
  assert.ok(ratio > 0.6, `an unknown name's failure ${Math.min(...unknown).toFixed(3)} ms, a user's ${Math.min(...real).toFixed(3)} ms`);
});

test('an unknown name is locked out like a user after five failures (USER_PASSWORD_AUTH and SRP)', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'dan');
  const attempt = (USERNAME: string) =>
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD: 'Wrong-Horse-1' } }));
  for (const name of ['dan', 'nobody']) {
    for (let i = 0; i < 5; i++) await rejectsWith(attempt(name), 'NotAuthorizedException', 'Incorrect username or password.');
    await rejectsWith(attempt(name), 'NotAuthorizedException', 'Password attempts exceeded');
    await rejectsWith(attempt(name), 'NotAuthorizedException', 'Password attempts exceeded');
    server.clock.advance(1_000);
    await rejectsWith(attempt(name), 'NotAuthorizedException', 'Incorrect username or password.');
    await rejectsWith(attempt(name), 'NotAuthorizedException', 'Password attempts exceeded');
  }
  // SRP: the answer to an unknown name's challenge counts toward the same lockout.
  const srpAnswer = async (username: string) => {
    const { srp, start } = await srpStart(poolId, clientId, username);
    const p = start.ChallengeParameters!;
    const proof = srpClientProof(srp, {
      poolName: poolId.split('_')[1], userIdForSrp: p.USER_ID_FOR_SRP, password: 'Wrong-Horse-1', saltHex: p.SALT, BHex: p.SRP_B,
      secretBlockB64: p.SECRET_BLOCK, timestamp: formatSrpTimestamp(new Date(server.clock.now())),
    });
    return client.send(new AdminRespondToAuthChallengeCommand({
      UserPoolId: poolId, ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: { USERNAME: p.USERNAME, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: proof.signatureB64, TIMESTAMP: proof.timestamp },
    }));
  };
  for (const name of ['srp-ghost']) {
    for (let i = 0; i < 5; i++) await rejectsWith(srpAnswer(name), 'NotAuthorizedException', 'Incorrect username or password.');
    await rejectsWith(srpAnswer(name), 'NotAuthorizedException', 'Password attempts exceeded');
  }
});
