import { wallNow } from '../clock.js';
import type { Deps, RequestContext } from '../deps.js';
import { InvalidParameterException, NotAuthorizedException } from '../errors.js';
import { N, parseHexInt, parseSrpTimestamp } from '../crypto/srp.js';
import { runSrp } from '../crypto/srpPool.js';
import { poolShortName } from '../domain/ids.js';
import { findUser } from '../users/lookup.js';
import type { ClientRecord, PoolRecord, UserRecord } from '../store/store.js';
import { sha256Hex } from '../tokens/issue.js';
import { checkSecretHash } from './client.js';
import { checkTemporaryPasswordAge, requireParameter } from './initiate.js';
import { ATTEMPTS_EXCEEDED, INCORRECT_CREDENTIALS, openVerifier, reservePasswordAttempt } from './password.js';
import { SESSION_USED, findSession, sessionIsFor } from './session.js';
import { oneAttemptAtATime } from './attemptGate.js';
import { dummyVerifier, fakeSalt } from './unknownUsers.js';
import { afterPasswordStep, checkUserCanSignIn, type AuthResponse } from './signIn.js';
import { randomBytesPooled } from '../crypto/random.js';
import { presentedDevice, type PresentedDevice } from './devices.js';
import { continueAfterPassword } from './customAuth.js';
import { runPreAuthentication } from '../triggers/authentication.js';

/**
 * USER_SRP_AUTH, Cognito's SRP-6a (3072-bit group, g = 2, HKDF "Caldera Derived Key"), the default
 * sign-in of Amplify and amazon-cognito-identity-js. The SECRET_BLOCK is the server's session: 64
 * random bytes whose SHA-256 keys the stored b, B and A; it is consumed by the answer, so it cannot
 * be replayed. The password never crosses the wire.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html#Using-SRP-password-verification-in-custom-authentication-flow
 */

/** How far a client's TIMESTAMP may be from the server's clock. Cognito says "within a few seconds"; Cognate allows 5 minutes of skew. */
export const SRP_TIMESTAMP_SKEW_MS = 5 * 60_000;

const sealAad = (secretBlockHash: string) => `srp/${secretBlockHash}`;

export async function startSrp(
  deps: Deps,
  pool: PoolRecord,
  client: ClientRecord,
  parameters: Record<string, string>,
  clientMetadata?: Record<string, string>,
): Promise<AuthResponse> {
  const username = requireParameter(parameters, 'USERNAME');
  const AHex = requireParameter(parameters, 'SRP_A');
  checkSecretHash(deps, client, username, parameters.SECRET_HASH);
  validSrpA(AHex);
  const user = await findUser(deps, pool.id, username, pool);
  await runPreAuthentication(deps, pool, client, user, username, clientMetadata);
  return srpChallenge(deps, pool, client, user?.username ?? username, user, AHex);
}

/** Refuses an SRP_A that is no SRP public value (A mod N = 0); returns it. */
export function validSrpA(AHex: string): string {
  const A = parseHexInt(AHex);
  if (A === null || A % N === 0n) throw InvalidParameterException('SRP_A is not a valid SRP public value.');
  return AHex;
}

/**
 * The PASSWORD_VERIFIER challenge for a user (or a name that is no user), of USER_SRP_AUTH or of a
 * CUSTOM_AUTH that began with SRP_A (`context` then carries the custom flow's state).
 */
export async function srpChallenge(
  deps: Deps,
  pool: PoolRecord,
  client: ClientRecord,
  userId: string,
  user: UserRecord | undefined,
  AHex: string,
  context: { [key: string]: string | boolean } = {},
): Promise<AuthResponse> {
  const verifier = user ? openVerifier(deps, user) : undefined;
  // An unknown user gets a challenge that looks real and fails at the answer, so the answer to
  // InitiateAuth does not tell who exists (PreventUserExistenceErrors): the same salt on every call,
  // in the real salts' format, and B computed from a verifier at the same cost.
  const salt = (verifier && user?.passwordSalt) || fakeSalt(deps, pool.id, userId);
  const { bHex, BHex } = await runSrp('startServerSession', verifier ?? (await dummyVerifier()));

  const secretBlock = randomBytesPooled(64).toString('base64');
  const secretBlockHash = sha256Hex(secretBlock);
  await deps.store.createSession({
    idHash: secretBlockHash,
    poolId: pool.id,
    clientId: client.id,
    username: userId,
    challenge: 'PASSWORD_VERIFIER',
    context: {
      ...context,
      A: AHex,
      B: BHex,
      bSealed: deps.sealer.seal(bHex, sealAad(secretBlockHash)),
      known: Boolean(verifier),
      ...(user ? { sub: user.sub } : {}),
    },
    createdAt: deps.clock.now(),
    expiresAt: deps.clock.now() + 5 * 60_000,
    consumedAt: null,
    wrongAttempts: 0,
  });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: salt, SRP_B: BHex, SECRET_BLOCK: secretBlock, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}

export async function answerPasswordVerifier(
  deps: Deps,
  ctx: RequestContext,
  pool: PoolRecord,
  client: ClientRecord,
  responses: Record<string, string>,
): Promise<AuthResponse> {
  const username = requireParameter(responses, 'USERNAME');
  const secretBlock = requireParameter(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = requireParameter(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = requireParameter(responses, 'TIMESTAMP');
  checkSecretHash(deps, client, username, responses.SECRET_HASH);

  const record = await findSession(deps, secretBlock, ['PASSWORD_VERIFIER'], client.id);
  const found = await findUser(deps, pool.id, username, pool);
  const user = record.context.known && found && sessionIsFor(record, found) ? found : undefined;
  // Checked before the claim is spent: on "Device does not exist." the libraries send the same
  // claim again without DEVICE_KEY (src/auth/devices.ts).
  const device = await presentedDevice(deps, pool, user, responses.DEVICE_KEY);
  const incorrect = () => NotAuthorizedException(INCORRECT_CREDENTIALS);
  const sentAt = parseSrpTimestamp(timestamp);
  if (sentAt === null || Math.abs(wallNow(deps.clock) - sentAt) > SRP_TIMESTAMP_SKEW_MS) {
    throw NotAuthorizedException('The TIMESTAMP of the password claim is not within five minutes of the server time.');
  }
  // The attempt is counted before the proof is checked (src/auth/password.ts), one attempt of the
  // user at a time (attemptGate.ts); a name that is no user is counted and locked out the same way,
  // so the answers do not tell who exists.
  const proven = await oneAttemptAtATime(pool.id, record.username, async () => {
    if (user) await reservePasswordAttempt(deps, user);
    else if (!(await deps.store.reserveNameAttempt(pool.id, record.username, deps.clock.now()))) {
      throw NotAuthorizedException(ATTEMPTS_EXCEEDED);
    }
    // One answer per SECRET_BLOCK, right or wrong: a claim cannot be retried or replayed.
    if (!(await deps.store.consumeSession(record.idHash, deps.clock.now()))) {
      if (user) await deps.store.refundAttempt(user.poolId, user.username, 'password');
      throw NotAuthorizedException(SESSION_USED);
    }

    const valid = await runSrp('verifyClientProof', {
      poolName: poolShortName(pool.id),
      userIdForSrp: record.username,
      verifierHex: (user && openVerifier(deps, user)) || (await dummyVerifier()),
      AHex: String(record.context.A),
      bHex: deps.sealer.open(String(record.context.bSealed), sealAad(record.idHash)).toString('utf8'),
      BHex: String(record.context.B),
      secretBlockB64: secretBlock,
      timestamp,
      signatureB64: signature,
    });
    // A wrong proof stays counted; an unknown name never proves anything.
    if (!valid || !user) throw incorrect();
    await deps.store.clearFailures(user.poolId, user.username, 'password');
    return user;
  });
  if (record.context.custom === true) {
    checkUserCanSignIn(proven);
    checkTemporaryPasswordAge(pool, proven.status, proven.modifiedAt, deps.clock.now());
    return continueAfterPassword(deps, ctx, pool, client, proven, record);
  }
  return finishPasswordProof(deps, ctx, pool, client, proven, device);
}

async function finishPasswordProof(
  deps: Deps,
  ctx: RequestContext,
  pool: PoolRecord,
  client: ClientRecord,
  user: UserRecord,
  device: PresentedDevice | undefined,
): Promise<AuthResponse> {
  checkUserCanSignIn(user);
  checkTemporaryPasswordAge(pool, user.status, user.modifiedAt, deps.clock.now());
  return afterPasswordStep(deps, ctx, { pool, client, user, device });
}

