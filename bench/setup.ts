/**
 * Benchmark data, made through the API as a client would: a pool with TOTP MFA (OPTIONAL), an
 * app client allowing the password and SRP flows, confirmed users, their access tokens and TOTP secrets.
 */
import { totpAt, timeStep } from '../src/crypto/totp.js';
import { CognitoHttp, mapLimit } from './http.js';

export const PASSWORD = 'Correct-Horse-9';

export interface BenchPool {
  poolId: string;
  clientId: string;
}

export async function createBenchPool(api: CognitoHttp): Promise<BenchPool> {
  const pool = await api.ok('CreateUserPool', { PoolName: `bench-${Date.now().toString(36)}` }, true);
  const poolId: string = pool.UserPool.Id;
  await api.ok(
    'SetUserPoolMfaConfig',
    { UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' },
    true,
  );
  const client = await api.ok(
    'CreateUserPoolClient',
    {
      UserPoolId: poolId,
      ClientName: 'bench',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    },
    true,
  );
  return { poolId, clientId: client.UserPoolClient.ClientId };
}

/**
 * Confirmed users with PASSWORD: SignUp (one SRP verifier computed) + AdminConfirmSignUp, which is
 * cheaper than AdminCreateUser + AdminSetUserPassword (two verifiers).
 */
export async function createUsers(api: CognitoHttp, pool: BenchPool, usernames: string[], concurrency = 32): Promise<void> {
  await mapLimit(usernames, concurrency, async (Username) => {
    await api.ok('SignUp', { ClientId: pool.clientId, Username, Password: PASSWORD });
    await api.ok('AdminConfirmSignUp', { UserPoolId: pool.poolId, Username }, true);
  });
}

export async function signIn(api: CognitoHttp, pool: BenchPool, username: string): Promise<string> {
  const r = await api.ok('InitiateAuth', {
    ClientId: pool.clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD },
  });
  if (!r.AuthenticationResult?.AccessToken) throw new Error(`sign-in of ${username} answered ${JSON.stringify(r)}`);
  return r.AuthenticationResult.AccessToken;
}

/** A user prepared for the TOTP benches. */
export interface TotpUser {
  username: string;
  accessToken: string;
  /** The pending (then verified) secret, Base32. */
  secret: string;
  /** The last time step the server accepted for this user, or -1. */
  lastStep: number;
  verified: boolean;
}

/** Signs each user in and associates a software token with the access token. */
export async function prepareTotpUsers(api: CognitoHttp, pool: BenchPool, usernames: string[], concurrency = 32): Promise<TotpUser[]> {
  return mapLimit(usernames, concurrency, async (username) => {
    const accessToken = await signIn(api, pool, username);
    const { SecretCode } = await api.ok('AssociateSoftwareToken', { AccessToken: accessToken });
    return { username, accessToken, secret: SecretCode as string, lastStep: -1, verified: false };
  });
}

/**
 * The code for a user's next acceptable time step: the current step, or the one after the last
 * accepted when that is the current one (the server accepts one step of skew either way, and
 * never a step at or before the last accepted).
 */
export function nextCode(user: TotpUser, nowMs = Date.now()): { code: string; step: number } {
  const step = Math.max(timeStep(nowMs), user.lastStep + 1);
  return { code: totpAt(user.secret, step), step };
}

/** Enables TOTP as the preferred factor, so the next sign-in gets SOFTWARE_TOKEN_MFA. */
export async function enableTotp(api: CognitoHttp, users: TotpUser[], concurrency = 32): Promise<void> {
  await mapLimit(users, concurrency, (u) =>
    api.ok('SetUserMFAPreference', {
      AccessToken: u.accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
}
