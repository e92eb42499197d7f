import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import * as OTPAuth from 'otpauth';

export const PASSWORD = 'Correct-Horse-9';

export interface Fixture {
  poolId: string;
  clientId: string;
  clientSecret?: string;
}

/** A pool (optionally with TOTP MFA in the given mode) and a client allowing the password flows. */
export async function createPool(
  client: CognitoIdentityProviderClient,
  options: { mfa?: 'OFF' | 'ON' | 'OPTIONAL'; secret?: boolean; authSessionValidity?: number } = {},
): Promise<Fixture> {
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: `pool-${Math.random().toString(36).slice(2, 8)}` }));
  const poolId = pool.UserPool!.Id!;
  if (options.mfa && options.mfa !== 'OFF') {
    await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        SoftwareTokenMfaConfiguration: { Enabled: true },
        MfaConfiguration: options.mfa,
      }),
    );
  }
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'app',
      GenerateSecret: options.secret ?? false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ...(options.authSessionValidity ? { AuthSessionValidity: options.authSessionValidity } : {}),
    }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId!, clientSecret: app.UserPoolClient!.ClientSecret };
}

/** A confirmed user with a permanent password. */
export async function createUser(
  client: CognitoIdentityProviderClient,
  poolId: string,
  username: string,
  attributes: { Name: string; Value: string }[] = [],
): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, UserAttributes: attributes, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1' }),
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
}

/** The TOTP code an authenticator app shows at `ms`, computed by otpauth (the test oracle). */
export function totpCode(secret: string, ms: number): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: ms,
  });
}

/** Expects a promise to fail with an AWS error of this name and message. */
export async function rejectsWith(promise: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  try {
    await promise;
  } catch (err: any) {
    if (err?.name !== name) throw new Error(`expected ${name}, got ${err?.name}: ${err?.message}`);
    if (typeof message === 'string' && err.message !== message) {
      throw new Error(`expected ${name} "${message}", got "${err.message}"`);
    }
    if (message instanceof RegExp && !message.test(err.message)) {
      throw new Error(`expected ${name} matching ${message}, got "${err.message}"`);
    }
    if (err.$metadata?.httpStatusCode !== 400) throw new Error(`expected HTTP 400, got ${err.$metadata?.httpStatusCode}`);
    return;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}

import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ManualClock } from '../../src/clock.js';
import { formatSrpTimestamp } from '../../src/crypto/srp.js';
import { srpClientProof, srpClientStart } from '../../src/crypto/srpClient.js';

export async function passwordSignIn(client: CognitoIdentityProviderClient, clientId: string, username: string, password = PASSWORD) {
  return client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
}

/** Moves the clock to the start of the next 30-second TOTP step, so the next code is fresh. */
export function nextStep(clock: ManualClock): void {
  clock.set((Math.floor(clock.now() / 30_000) + 1) * 30_000 + 1_000);
}

/**
 * Signs a user in, associates and verifies a TOTP token with the access token, and enables and
 * prefers it. Returns the secret; the clock is left in the step the verification used.
 */
export async function enrolTotp(
  client: CognitoIdentityProviderClient,
  clock: ManualClock,
  clientId: string,
  username: string,
  options: { prefer?: boolean; deviceName?: string } = {},
): Promise<{ secret: string; accessToken: string }> {
  const signIn = await passwordSignIn(client, clientId, username);
  const accessToken = signIn.AuthenticationResult!.AccessToken!;
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await client.send(
    new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!, clock.now()), FriendlyDeviceName: options.deviceName }),
  );
  if (options.prefer !== false) {
    await client.send(
      new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
  }
  return { secret: SecretCode!, accessToken };
}

/** Answers a SOFTWARE_TOKEN_MFA challenge. */
export function answerTotp(client: CognitoIdentityProviderClient, clientId: string, username: string, session: string, code: string) {
  return client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: session,
      ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
    }),
  );
}


/**
 * AdminInitiateAuth USER_SRP_AUTH, with the client's half of the SRP arithmetic computed here (the SDK
 * has none), signed at the server clock's time. Returns the challenge's USER_ID_FOR_SRP and a function
 * that sends the PASSWORD_VERIFIER answer, so a test can fire several answers at once.
 */
export async function adminSrpAnswer(
  client: CognitoIdentityProviderClient,
  clock: ManualClock,
  { poolId, clientId, username, password }: { poolId: string; clientId: string; username: string; password: string },
) {
  const srp = srpClientStart();
  const start = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: srp.AHex } }),
  );
  const p = start.ChallengeParameters!;
  const proof = srpClientProof(srp, {
    poolName: poolId.split('_')[1],
    userIdForSrp: p.USER_ID_FOR_SRP,
    password,
    saltHex: p.SALT,
    BHex: p.SRP_B,
    secretBlockB64: p.SECRET_BLOCK,
    timestamp: formatSrpTimestamp(new Date(clock.now())),
  });
  const answer = () =>
    client.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { USERNAME: p.USERNAME, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: proof.signatureB64, TIMESTAMP: proof.timestamp },
      }),
    );
  return { userIdForSrp: p.USER_ID_FOR_SRP, answer };
}
