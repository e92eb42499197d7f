/**
 * The endpoints a test suite drives Cognate with (docs/testing.md): the test clock of
 * `cognate serve --test-clock`, reset, and clearing an outbox. Each test starts the built server
 * as a process and talks to it with the AWS SDK and SigV4-signed HTTP, with the signature checked
 * in full (the server has credentials), so the signing clock (the real one) and the moved clock
 * are both exercised.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AssociateSoftwareTokenCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserPoolsCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { formatSrpTimestamp } from '../src/crypto/srp.js';
import { srpClientProof, srpClientStart } from '../src/crypto/srpClient.js';
import { builtCliMissing } from './cli.support.js';
import { control, TEST_CREDENTIALS } from './support/control.js';
import { PASSWORD, createPool, createUser, rejectsWith, totpCode } from './support/fixtures.js';
import { sdk, startServerProcess, type ServerProcess } from './support/server.js';

const skip = builtCliMissing();
const guarded = ['--access-key-id', TEST_CREDENTIALS.accessKeyId, '--secret-access-key', TEST_CREDENTIALS.secretAccessKey];

/** The server's time in milliseconds, read from GET /_cognate/clock. */
async function serverNow(url: string): Promise<number> {
  const answer = await control(url, 'GET', '/_cognate/clock');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return Math.round(answer.body.now * 1000);
}

async function advance(url: string, seconds: number) {
  const answer = await control(url, 'POST', '/_cognate/clock', { advanceSeconds: seconds });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body as { now: number; iso: string; offsetSeconds: number };
}

describe('cognate serve --test-clock', { skip }, () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess(['--db', ':memory:', '--test-clock', ...guarded]);
  });
  after(() => server?.stop());

  test('GET reads the clock, POST moves it forward only, and both are signed', async () => {
    const before = await control(server.url, 'GET', '/_cognate/clock');
    assert.equal(before.status, 200);
    assert.ok(Math.abs(before.body.now * 1000 - Date.now()) < 5_000, 'starts at the real time');
    assert.equal(before.body.iso, new Date(Math.round(before.body.now * 1000)).toISOString());
    const moved = await advance(server.url, 60);
    assert.ok(moved.offsetSeconds >= 60 && moved.offsetSeconds < 61, String(moved.offsetSeconds));
    const target = Math.floor(moved.now) + 120;
    const set = await control(server.url, 'POST', '/_cognate/clock', { set: target });
    assert.equal(set.status, 200);
    assert.equal(Math.floor(set.body.now), target);

    const backwards = await control(server.url, 'POST', '/_cognate/clock', { set: target - 10 });
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.__type, 'InvalidParameterException');
    assert.match(backwards.body.message, /^The clock only moves forward/);
    for (const bad of [{ advanceSeconds: -1 }, { advanceSeconds: '60' }, {}, { advanceSeconds: 1, set: target + 100 }, { hours: 1 }]) {
      const answer = await control(server.url, 'POST', '/_cognate/clock', bad);
      assert.equal(answer.status, 400, JSON.stringify(bad));
      assert.equal(answer.body.__type, 'InvalidParameterException');
    }
    const unsigned = await fetch(`${server.url}/_cognate/clock`, { method: 'POST', body: '{"advanceSeconds":1}' });
    assert.equal(unsigned.status, 403);
    const wrongKey = await control(server.url, 'POST', '/_cognate/clock', { advanceSeconds: 1 }, { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' });
    assert.equal(wrongKey.status, 403);
    assert.equal(wrongKey.body.__type, 'InvalidSignatureException');
    assert.equal(Math.floor((await control(server.url, 'GET', '/_cognate/clock')).body.now), target, 'refused requests moved nothing');
  });

  test('tokens, refresh and TOTP codes follow the moved clock; signatures keep the real one', async () => {
    const client = sdk(server.url);
    const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
    await createUser(client, poolId, 'tia');
    const signIn = await client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'tia', PASSWORD } }),
    );
    const { AccessToken, RefreshToken } = signIn.AuthenticationResult!;
    await client.send(new GetUserCommand({ AccessToken }));

    await advance(server.url, 3600 + 1);
    await rejectsWith(client.send(new GetUserCommand({ AccessToken })), 'NotAuthorizedException', 'Access Token has expired');
    const refreshed = await client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: RefreshToken! } }),
    );
    const accessToken = refreshed.AuthenticationResult!.AccessToken!;
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    assert.ok(claims.iat * 1000 > Date.now() + 3590_000, 'the new token is issued at the moved time');
    await client.send(new GetUserCommand({ AccessToken: accessToken }));
    // A signed admin call: SigV4's 5-minute window is checked against the real time, not the moved one.
    await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));

    // TOTP: codes are computed for the server's (moved) time; a code for the real time is refused.
    const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    await rejectsWith(
      client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!, Date.now()) })),
      'EnableSoftwareTokenMFAException',
    );
    const verified = await client.send(
      new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!, await serverNow(server.url)) }),
    );
    assert.equal(verified.Status, 'SUCCESS');
    await client.send(
      new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    await advance(server.url, 30); // the next step: a code is accepted once per step
    const challenge = await client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'tia', PASSWORD } }),
    );
    assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    const tokens = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: 'tia', SOFTWARE_TOKEN_MFA_CODE: totpCode(SecretCode!, await serverNow(server.url)) },
      }),
    );
    assert.ok(tokens.AuthenticationResult?.AccessToken);

    // Past the refresh token's 30 days (counted from the first sign-in).
    await advance(server.url, 30 * 86400);
    await rejectsWith(
      client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: RefreshToken! } })),
      'NotAuthorizedException',
      'Refresh Token has expired',
    );
  });
  test('SRP sign-in after a move: its TIMESTAMP is the client\'s real time, and is accepted', async () => {
    const client = sdk(server.url);
    const { poolId, clientId } = await createPool(client);
    await createUser(client, poolId, 'sam');
    await advance(server.url, 86400);
    const srp = srpClientStart();
    const start = await client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'sam', SRP_A: srp.AHex } }),
    );
    const p = start.ChallengeParameters!;
    const proof = srpClientProof(srp, {
      poolName: poolId.split('_')[1]!,
      userIdForSrp: p.USER_ID_FOR_SRP!,
      password: PASSWORD,
      saltHex: p.SALT!,
      BHex: p.SRP_B!,
      secretBlockB64: p.SECRET_BLOCK!,
      timestamp: formatSrpTimestamp(new Date()),
    });
    const answer = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { USERNAME: p.USERNAME!, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK!, PASSWORD_CLAIM_SIGNATURE: proof.signatureB64, TIMESTAMP: proof.timestamp },
      }),
    );
    assert.ok(answer.AuthenticationResult?.AccessToken);
  });
});

describe('without --test-clock', { skip }, () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess(['--db', ':memory:']);
  });
  after(() => server?.stop());

  test('the clock endpoint does not exist: 404 like any unknown path', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const answer = await control(server.url, method, '/_cognate/clock', method === 'POST' ? { advanceSeconds: 3600 } : undefined);
      assert.equal(answer.status, 404);
      assert.deepEqual(answer.body, { __type: 'NotFound', message: 'Not found.' });
    }
  });

  test('reset deletes one pool or all of them; DELETE /_cognate/outbox empties a pool\'s outbox', async () => {
    const client = sdk(server.url);
    const a = await createPool(client);
    const b = await createPool(client);
    // Invitations go to the outbox: a temporary password for each user, by email.
    for (const [poolId, name] of [[a.poolId, 'ann'], [a.poolId, 'al'], [b.poolId, 'bea']] as const) {
      await client.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username: name, UserAttributes: [{ Name: 'email', Value: `${name}@example.com` }, { Name: 'email_verified', Value: 'true' }] }),
      );
    }
    const outbox = async (poolId: string) => (await control(server.url, 'GET', `/_cognate/outbox?poolId=${poolId}`)).body.Messages.length;
    assert.equal(await outbox(a.poolId), 2);
    assert.equal(await outbox(b.poolId), 1);

    const cleared = await control(server.url, 'DELETE', `/_cognate/outbox?poolId=${a.poolId}`);
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.body, { deletedMessages: 2 });
    assert.equal(await outbox(a.poolId), 0);
    assert.equal(await outbox(b.poolId), 1, "another pool's outbox is untouched");
    const noPool = await control(server.url, 'DELETE', '/_cognate/outbox');
    assert.equal(noPool.status, 400);
    assert.equal(noPool.body.__type, 'InvalidParameterException');

    const one = await control(server.url, 'POST', `/_cognate/reset?poolId=${a.poolId}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, { deletedPools: 1 });
    await rejectsWith(client.send(new DescribeUserPoolCommand({ UserPoolId: a.poolId })), 'ResourceNotFoundException');
    await client.send(new DescribeUserPoolCommand({ UserPoolId: b.poolId }));
    const again = await control(server.url, 'POST', `/_cognate/reset?poolId=${a.poolId}`);
    assert.equal(again.status, 400);
    assert.deepEqual(again.body, { __type: 'ResourceNotFoundException', message: `User pool ${a.poolId} does not exist.` });

    for (let i = 0; i < 3; i++) await createPool(client);
    const all = await control(server.url, 'POST', '/_cognate/reset');
    assert.equal(all.status, 200);
    assert.deepEqual(all.body, { deletedPools: 4 });
    assert.deepEqual((await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools, []);
    assert.equal(await outbox(b.poolId), 0);

    // The same pool id space works again after a reset.
    const fresh = await createPool(client);
    await createUser(client, fresh.poolId, 'new');
    await client.send(
      new InitiateAuthCommand({ ClientId: fresh.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'new', PASSWORD } }),
    );

    const unsigned = await fetch(`${server.url}/_cognate/reset`, { method: 'POST' });
    assert.equal(unsigned.status, 403);
    assert.equal(((await unsigned.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
    assert.equal((await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools!.length, 1, 'an unsigned reset deletes nothing');
  });
});
