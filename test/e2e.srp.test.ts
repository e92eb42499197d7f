import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminUserGlobalSignOutCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { computeSecretHash } from '../src/crypto/secretHash.js';
import { N, formatSrpTimestamp } from '../src/crypto/srp.js';
import { srpClientProof, srpClientStart } from '../src/crypto/srpClient.js';
import { answerTotp, createPool, createUser, enrolTotp, nextStep, PASSWORD, rejectsWith, totpCode } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

interface SrpStart {
  poolId: string;
  clientId: string;
  username: string;
  secret?: string;
}

/** AdminInitiateAuth USER_SRP_AUTH; the client side is computed by the test (the SDK has none). */
async function adminSrp({ poolId, clientId, username, secret }: SrpStart, password = PASSWORD, options: { timestamp?: string } = {}) {
  const srp = srpClientStart();
  const hash: Record<string, string> = secret ? { SECRET_HASH: computeSecretHash(username, clientId, secret) } : {};
  const start = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: srp.AHex, ...hash } }),
  );
  assert.equal(start.ChallengeName, 'PASSWORD_VERIFIER');
  const p = start.ChallengeParameters!;
  const proof = srpClientProof(srp, {
    poolName: poolId.split('_')[1],
    userIdForSrp: p.USER_ID_FOR_SRP,
    password,
    saltHex: p.SALT,
    BHex: p.SRP_B,
    secretBlockB64: p.SECRET_BLOCK,
    timestamp: options.timestamp ?? formatSrpTimestamp(new Date(server.clock.now())),
  });
  const responses = {
    USERNAME: p.USERNAME,
    PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
    PASSWORD_CLAIM_SIGNATURE: proof.signatureB64,
    TIMESTAMP: proof.timestamp,
    ...(secret ? { SECRET_HASH: computeSecretHash(p.USERNAME, clientId, secret) } : {}),
  };
  const answer = () =>
    client.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: responses }));
  return { start, answer };
}

test('SRP through AdminInitiateAuth, with and without a client secret', async () => {
  for (const secret of [false, true]) {
    const { poolId, clientId, clientSecret } = await createPool(client, { secret });
    await createUser(client, poolId, 'ann');
    const { start, answer } = await adminSrp({ poolId, clientId, username: 'ann', secret: clientSecret });
    assert.match(start.ChallengeParameters!.SRP_B, /^[0-9a-f]+$/);
    assert.equal(start.ChallengeParameters!.USER_ID_FOR_SRP, 'ann');
    const done = await answer();
    assert.ok(done.AuthenticationResult?.AccessToken, `secret=${secret}`);
    // The SECRET_BLOCK is single-use.
    await rejectsWith(answer(), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');
  }
});

test('SRP refuses a wrong password, a stale timestamp, a bad SRP_A and an unknown user', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'bob');
  await rejectsWith((await adminSrp({ poolId, clientId, username: 'bob' }, 'Wrong-Pass-1')).answer(), 'NotAuthorizedException', 'Incorrect username or password.');
  const stale = formatSrpTimestamp(new Date(server.clock.now() - 10 * 60_000));
  await rejectsWith((await adminSrp({ poolId, clientId, username: 'bob' }, PASSWORD, { timestamp: stale })).answer(), 'NotAuthorizedException');
  // An unknown user gets a challenge like anyone else and fails only at the answer.
  await rejectsWith((await adminSrp({ poolId, clientId, username: 'nobody' })).answer(), 'NotAuthorizedException', 'Incorrect username or password.');
  for (const A of ['0', N.toString(16), (2n * N).toString(16), 'zz']) {
    await rejectsWith(
      client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'bob', SRP_A: A } })),
      'InvalidParameterException',
    );
  }
  // The server still works, and the right password signs in.
  assert.ok((await (await adminSrp({ poolId, clientId, username: 'bob' })).answer()).AuthenticationResult);
});

test('after the SRP step, the same MFA decision as the password flows', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'cat');
  const { secret } = await enrolTotp(client, server.clock, clientId, 'cat');
  const challenge = await (await adminSrp({ poolId, clientId, username: 'cat' })).answer();
  assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  nextStep(server.clock);
  const done = await answerTotp(client, clientId, 'cat', challenge.Session!, totpCode(secret, server.clock.now()));
  assert.ok(done.AuthenticationResult?.AccessToken);
});

test('refresh tokens: refresh, wrong client, RevokeToken, AdminUserGlobalSignOut and GetTokensFromRefreshToken', async () => {
  const { poolId, clientId } = await createPool(client);
  const other = await createPool(client);
  await createUser(client, poolId, 'dan');
  const signIn = async () =>
    (await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'dan', PASSWORD } }))).AuthenticationResult!;
  const refresh = (REFRESH_TOKEN: string, ClientId = clientId) =>
    client.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN } }));

  const first = await signIn();
  const refreshed = await refresh(first.RefreshToken!);
  assert.ok(refreshed.AuthenticationResult!.AccessToken);
  assert.equal(refreshed.AuthenticationResult!.RefreshToken, undefined);
  await rejectsWith(refresh(first.RefreshToken!, other.clientId), 'NotAuthorizedException', 'Invalid Refresh Token');
  await rejectsWith(refresh('not-a-refresh-token'), 'NotAuthorizedException', 'Invalid Refresh Token');
  const viaNewApi = await client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: first.RefreshToken }));
  assert.ok(viaNewApi.AuthenticationResult!.IdToken);

  // RevokeToken revokes the refresh token and the access tokens of the same sign-in only.
  const second = await signIn();
  await rejectsWith(client.send(new RevokeTokenCommand({ ClientId: clientId, Token: first.AccessToken })), 'UnsupportedTokenTypeException');
  await client.send(new RevokeTokenCommand({ ClientId: clientId, Token: first.RefreshToken }));
  await rejectsWith(refresh(first.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has been revoked');
  for (const token of [first.AccessToken!, refreshed.AuthenticationResult!.AccessToken!]) {
    await rejectsWith(client.send(new GetUserCommand({ AccessToken: token })), 'NotAuthorizedException', 'Access Token has been revoked');
  }
  assert.equal((await client.send(new GetUserCommand({ AccessToken: second.AccessToken }))).Username, 'dan');

  await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: 'dan' }));
  await rejectsWith(client.send(new GetUserCommand({ AccessToken: second.AccessToken })), 'NotAuthorizedException', 'Access Token has been revoked');
  await rejectsWith(refresh(second.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has been revoked');

  // Refresh tokens expire after the client's RefreshTokenValidity (30 days by default).
  const third = await signIn();
  server.clock.advance(30 * 86_400_000 + 1);
  await rejectsWith(refresh(third.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has expired');
});

test('a client with a secret needs SECRET_HASH on refresh and ClientSecret on GetTokensFromRefreshToken', async () => {
  const { poolId, clientId, clientSecret } = await createPool(client, { secret: true });
  await createUser(client, poolId, 'eve');
  const { AuthenticationResult } = await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'eve', PASSWORD, SECRET_HASH: computeSecretHash('eve', clientId, clientSecret!) } }),
  );
  const REFRESH_TOKEN = AuthenticationResult!.RefreshToken!;
  await rejectsWith(
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN } })),
    'NotAuthorizedException',
  );
  const ok = await client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN, SECRET_HASH: computeSecretHash('eve', clientId, clientSecret!) } }),
  );
  assert.ok(ok.AuthenticationResult!.AccessToken);
  await rejectsWith(client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: REFRESH_TOKEN })), 'NotAuthorizedException');
  const viaSecret = await client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: REFRESH_TOKEN, ClientSecret: clientSecret }));
  assert.ok(viaSecret.AuthenticationResult!.AccessToken);
  await rejectsWith(client.send(new RevokeTokenCommand({ ClientId: clientId, Token: REFRESH_TOKEN })), 'UnauthorizedException');
  await client.send(new RevokeTokenCommand({ ClientId: clientId, Token: REFRESH_TOKEN, ClientSecret: clientSecret }));
});

test('PASSWORD_VERIFIER answered through RespondToAuthChallenge with a garbage secret block is refused', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'fay');
  await rejectsWith(
    client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { USERNAME: 'fay', PASSWORD_CLAIM_SECRET_BLOCK: 'AAAA', PASSWORD_CLAIM_SIGNATURE: 'AAAA', TIMESTAMP: formatSrpTimestamp(new Date()) },
      }),
    ),
    'NotAuthorizedException',
  );
});

test('SRP counts wrong passwords toward the same growing lockouts', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'gus');
  for (let i = 0; i < 5; i++) {
    await rejectsWith((await adminSrp({ poolId, clientId, username: 'gus' }, 'Wrong-Pass-1')).answer(), 'NotAuthorizedException', 'Incorrect username or password.');
  }
  await rejectsWith((await adminSrp({ poolId, clientId, username: 'gus' })).answer(), 'NotAuthorizedException', 'Password attempts exceeded');
  server.clock.advance(1_001);
  assert.ok((await (await adminSrp({ poolId, clientId, username: 'gus' })).answer()).AuthenticationResult);
});

test('after GlobalSignOut every operation refuses the access token, AssociateSoftwareToken included', async () => {
  const { AssociateSoftwareTokenCommand, GlobalSignOutCommand, SetUserMFAPreferenceCommand, ChangePasswordCommand } = await import(
    '@aws-sdk/client-cognito-identity-provider'
  );
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'hal');
  const { AuthenticationResult } = await (await adminSrp({ poolId, clientId, username: 'hal' })).answer();
  const AccessToken = AuthenticationResult!.AccessToken!;
  await client.send(new GlobalSignOutCommand({ AccessToken }));
  const revoked = 'Access Token has been revoked';
  await rejectsWith(client.send(new AssociateSoftwareTokenCommand({ AccessToken })), 'NotAuthorizedException', revoked);
  await rejectsWith(client.send(new GetUserCommand({ AccessToken })), 'NotAuthorizedException', revoked);
  await rejectsWith(client.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: false } })), 'NotAuthorizedException', revoked);
  await rejectsWith(client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'Other-Pass-2' })), 'NotAuthorizedException', revoked);
  await rejectsWith(client.send(new GlobalSignOutCommand({ AccessToken })), 'NotAuthorizedException', revoked);
});
