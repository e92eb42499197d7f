import { randomUUID } from 'node:crypto';
import { wallNow } from '../clock.js';
import type { Deps, RequestContext } from '../deps.js';
import { InvalidParameterException, NotAuthorizedException, ResourceNotFoundException } from '../errors.js';
import { N, N_BYTES, parseHexInt, parseSrpTimestamp } from '../crypto/srp.js';
import { runSrp } from '../crypto/srpPool.js';
import { randomBytesPooled } from '../crypto/random.js';
import { bytesEqual } from '../crypto/constantTime.js';
import type { DeviceRecord, PoolRecord, SessionRecord, SignInRecord, UserRecord } from '../store/store.js';
import { sha256Hex } from '../tokens/issue.js';
import { requireParameter } from './initiate.js';
import { INCORRECT_CREDENTIALS, reservePasswordAttempt } from './password.js';
import { SESSION_USED, consumeSession } from './session.js';
import { oneAttemptAtATime } from './attemptGate.js';
import { challenge, tokens, type AuthResponse, type SignInState } from './signIn.js';
import { SRP_TIMESTAMP_SKEW_MS } from './srpFlow.js';

/**
 * Remembered devices (developer guide, "Working with user devices in your user pool"; API reference,
 * DeviceConfigurationType, ConfirmDevice). docs/behaviour.md ("Remembered devices") lists the rules.
 *
 * A pool tracks devices when it has a DeviceConfiguration. Every sign-in without a device then gets
 * NewDeviceMetadata (a device key `<region>_<uuid>` and a device group key); the client computes an
 * SRP verifier for a random password of its own, with the group key as SRP "pool name" and the
 * device key as user name, and registers it with ConfirmDevice. A later sign-in that presents
 * DEVICE_KEY ends with Cognito's device SRP (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, the same
 * SRP-6a as USER_SRP_AUTH: src/crypto/srp.ts), which stands in for the MFA code when the device is
 * remembered and the pool's ChallengeRequiredOnNewDevice is true. Cognate keeps only the salt and
 * the (sealed) verifier: nothing that lets it act as the device.
 */

export interface DeviceSettings {
  /** ChallengeRequiredOnNewDevice: a remembered device may sign in without the MFA code. */
  rememberedSkipsMfa: boolean;
  /** DeviceOnlyRememberedOnUserPrompt: ConfirmDevice leaves the device not remembered until UpdateDeviceStatus. */
  onlyRememberedOnUserPrompt: boolean;
}

/** The pool's device tracking, or undefined when it has none: one settings read, no store read. */
export function deviceTracking(pool: PoolRecord): DeviceSettings | undefined {
  const config = pool.settings.DeviceConfiguration;
  if (!config || typeof config !== 'object' || Array.isArray(config)) return undefined;
  return {
    rememberedSkipsMfa: config.ChallengeRequiredOnNewDevice === true,
    onlyRememberedOnUserPrompt: config.DeviceOnlyRememberedOnUserPrompt === true,
  };
}

/**
 * DeviceConfiguration as CreateUserPool and UpdateUserPool store it: "When you provide a value for
 * any property of DeviceConfiguration, you activate the device remembering for the user pool"; an
 * empty one (or none) leaves it off. Both members are returned, false when not given.
 */
export function deviceConfigurationSetting(input: { DeviceConfiguration?: Record<string, unknown> }): {
  DeviceConfiguration?: { ChallengeRequiredOnNewDevice: boolean; DeviceOnlyRememberedOnUserPrompt: boolean };
} {
  const given = input.DeviceConfiguration;
  if (!given || (given.ChallengeRequiredOnNewDevice === undefined && given.DeviceOnlyRememberedOnUserPrompt === undefined)) {
    return { DeviceConfiguration: undefined };
  }
  return {
    DeviceConfiguration: {
      ChallengeRequiredOnNewDevice: given.ChallengeRequiredOnNewDevice === true,
      DeviceOnlyRememberedOnUserPrompt: given.DeviceOnlyRememberedOnUserPrompt === true,
    },
  };
}

/** What Cognito answers for a device key that is no device of this user (the libraries match the message). */
export const deviceNotFound = () => ResourceNotFoundException('Device does not exist.');

/** Whether the device belongs to this user (the same name and sub: a user created again under the name is another). */
export function deviceOwnedBy(device: DeviceRecord, user: Pick<UserRecord, 'username' | 'sub'>): boolean {
  return device.username === user.username && device.sub === user.sub;
}

/** The device a sign-in presented (DEVICE_KEY), as it goes through the challenges. */
export interface PresentedDevice {
  key: string;
  remembered: boolean;
}

/**
 * The device a sign-in presents with DEVICE_KEY, checked to be a device of the user; in a pool that
 * does not track devices the key is ignored. An unknown key, another user's, a forgotten one, or
 * any key for a name that is no user: "Device does not exist." (ResourceNotFoundException), after
 * which amazon-cognito-identity-js and Amplify forget their device and sign in again without it.
 */
export async function presentedDevice(
  deps: Pick<Deps, 'store'>,
  pool: PoolRecord,
  user: UserRecord | undefined,
  deviceKey: string | undefined,
): Promise<PresentedDevice | undefined> {
  if (deviceKey === undefined || deviceKey === '' || !deviceTracking(pool)) return undefined;
  const device = user && (await deps.store.getDevice(pool.id, deviceKey));
  if (!user || !device || !deviceOwnedBy(device, user)) throw deviceNotFound();
  return { key: device.deviceKey, remembered: device.remembered };
}

/** Whether this device's proof replaces the MFA code: remembered, in a pool whose ChallengeRequiredOnNewDevice is true. */
export function deviceSkipsMfa(pool: PoolRecord, device: PresentedDevice | undefined): boolean {
  return Boolean(device?.remembered && deviceTracking(pool)?.rememberedSkipsMfa);
}

/** The session context that carries a presented device from one challenge to the next. */
export function deviceContext(device: PresentedDevice | undefined): Record<string, string | boolean> {
  return device ? { deviceKey: device.key, deviceRemembered: device.remembered } : {};
}

/** The presented device a session carries, if any. */
export function deviceFromSession(record: SessionRecord): PresentedDevice | undefined {
  const key = record.context.deviceKey;
  return typeof key === 'string' ? { key, remembered: record.context.deviceRemembered === true } : undefined;
}

/**
 * The device the tokens of a sign-in name: the one it proved, the one it presented before an MFA
 * code, or, in a pool that tracks devices, a new one (NewDeviceMetadata). The group key is random per device: it is the SRP "pool name" of
 * the device's verifier, kept with the sign-in until ConfirmDevice.
 */
export function tokenDevice(
  state: SignInState,
): { key: string; groupKey: string | null; isNew: boolean } | undefined {
  if (state.provenDevice) return { ...state.provenDevice, isNew: false };
  // A presented device whose sign-in gave an MFA code instead of the device's proof.
  if (state.device) return { key: state.device.key, groupKey: null, isNew: false };
  if (!deviceTracking(state.pool)) return undefined;
  const region = state.pool.id.split('_')[0];
  return { key: `${region}_${randomUUID()}`, groupKey: `-${randomBytesPooled(12).toString('base64url')}`, isNew: true };
}

/** The DEVICE_SRP_AUTH challenge: the last step of a sign-in that presented a device. */
export function deviceChallenge(deps: Pick<Deps, 'store' | 'clock'>, state: SignInState): Promise<AuthResponse> {
  return challenge(deps, state, 'DEVICE_SRP_AUTH', { USERNAME: state.user.username });
}

export interface DeviceStep extends SignInState {
  record: SessionRecord;
  responses: Record<string, string>;
}

const verifierAad = (poolId: string, deviceKey: string) => `device-verifier/${poolId}/${deviceKey}`;
const bAad = (secretBlockHash: string) => `device-srp/${secretBlockHash}`;

export function sealDeviceVerifier(deps: Pick<Deps, 'sealer'>, poolId: string, deviceKey: string, verifierHex: string): string {
  return deps.sealer.seal(verifierHex, verifierAad(poolId, deviceKey));
}

function openDeviceVerifier(deps: Pick<Deps, 'sealer'>, device: DeviceRecord): string {
  return deps.sealer.open(device.verifierSealed, verifierAad(device.poolId, device.deviceKey)).toString('utf8');
}

/**
 * DeviceSecretVerifierConfig as amazon-cognito-identity-js and Amplify send it: PasswordVerifier and
 * Salt are Base64 of the bytes of their hex (generateHashDevice). The verifier must be a group
 * element (1 < v < N) and the salt not empty; anything else is refused before it is stored.
 */
export function parseDeviceVerifier(config: { PasswordVerifier?: string; Salt?: string } | undefined): { verifierHex: string; saltHex: string } {
  const invalid = () => InvalidParameterException('Invalid DeviceSecretVerifierConfig: PasswordVerifier and Salt must be Base64 SRP values.');
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
  const verifier = config?.PasswordVerifier;
  const salt = config?.Salt;
  if (!verifier || !salt || !base64.test(verifier) || !base64.test(salt)) throw invalid();
  const verifierBytes = Buffer.from(verifier, 'base64');
  const saltBytes = Buffer.from(salt, 'base64');
  if (verifierBytes.length === 0 || verifierBytes.length > N_BYTES + 1 || saltBytes.length === 0 || saltBytes.length > 64) throw invalid();
  const v = parseHexInt(verifierBytes.toString('hex'));
  if (v === null || v <= 1n || v >= N) throw invalid();
  return { verifierHex: verifierBytes.toString('hex'), saltHex: saltBytes.toString('hex') };
}

/**
 * The answer to DEVICE_SRP_AUTH (USERNAME, DEVICE_KEY, SRP_A): the server's half of the device SRP,
 * answered with DEVICE_PASSWORD_VERIFIER (SALT, SRP_B, SECRET_BLOCK). The session is spent.
 */
export async function answerDeviceSrpAuth(deps: Deps, step: DeviceStep): Promise<AuthResponse> {
  const { pool, user, record, responses } = step;
  const deviceKey = requireParameter(responses, 'DEVICE_KEY');
  const AHex = requireParameter(responses, 'SRP_A');
  const A = parseHexInt(AHex);
  if (A === null || A % N === 0n) throw InvalidParameterException('SRP_A is not a valid SRP public value.');
  const device = await deps.store.getDevice(pool.id, deviceKey);
  if (deviceKey !== record.context.deviceKey || !device || !deviceOwnedBy(device, user)) throw deviceNotFound();
  await consumeSession(deps, record);

  const { bHex, BHex } = await runSrp('startServerSession', openDeviceVerifier(deps, device));
  const secretBlock = randomBytesPooled(64).toString('base64');
  const secretBlockHash = sha256Hex(secretBlock);
  return challenge(
    deps,
    step,
    'DEVICE_PASSWORD_VERIFIER',
    { SALT: device.salt, SRP_B: BHex, SECRET_BLOCK: secretBlock, USERNAME: user.username, DEVICE_KEY: deviceKey },
    { A: AHex, B: BHex, bSealed: deps.sealer.seal(bHex, bAad(secretBlockHash)), secretBlockHash },
  );
}

/**
 * The answer to DEVICE_PASSWORD_VERIFIER: the device's proof (PASSWORD_CLAIM_SIGNATURE over the
 * group key, the device key, the SECRET_BLOCK and TIMESTAMP). Counted like a password attempt
 * before it is checked, one answer per session right or wrong; a wrong proof never yields tokens.
 */
export async function answerDevicePasswordVerifier(deps: Deps, ctx: RequestContext, step: DeviceStep): Promise<AuthResponse> {
  const { pool, user, record, responses } = step;
  const deviceKey = requireParameter(responses, 'DEVICE_KEY');
  const secretBlock = requireParameter(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = requireParameter(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = requireParameter(responses, 'TIMESTAMP');
  const sentAt = parseSrpTimestamp(timestamp);
  if (sentAt === null || Math.abs(wallNow(deps.clock) - sentAt) > SRP_TIMESTAMP_SKEW_MS) {
    throw NotAuthorizedException('The TIMESTAMP of the password claim is not within five minutes of the server time.');
  }
  const device = await deps.store.getDevice(pool.id, deviceKey);
  if (deviceKey !== record.context.deviceKey || !device || !deviceOwnedBy(device, user)) throw deviceNotFound();

  await oneAttemptAtATime(pool.id, user.username, async () => {
    await reservePasswordAttempt(deps, user);
    if (!(await deps.store.consumeSession(record.idHash, deps.clock.now()))) {
      await deps.store.refundAttempt(user.poolId, user.username, 'password');
      throw NotAuthorizedException(SESSION_USED);
    }
    const blockMatches = bytesEqual(Buffer.from(sha256Hex(secretBlock), 'hex'), Buffer.from(String(record.context.secretBlockHash), 'hex'));
    const valid = await runSrp('verifyClientProof', {
      poolName: device.groupKey,
      userIdForSrp: device.deviceKey,
      verifierHex: openDeviceVerifier(deps, device),
      AHex: String(record.context.A),
      bHex: deps.sealer.open(String(record.context.bSealed), bAad(String(record.context.secretBlockHash))).toString('utf8'),
      BHex: String(record.context.B),
      secretBlockB64: secretBlock,
      timestamp,
      signatureB64: signature,
    });
    // A wrong proof stays counted against the user, as a wrong password does.
    if (!valid || !blockMatches) throw NotAuthorizedException(INCORRECT_CREDENTIALS);
    await deps.store.clearFailures(user.poolId, user.username, 'password');
  });
  const now = deps.clock.now();
  await deps.store.updateDevice(pool.id, deviceKey, user.username, {
    lastAuthenticatedAt: now,
    ...(ctx.sourceIp ? { lastIp: ctx.sourceIp } : {}),
    modifiedAt: now,
  });
  return tokens(deps, ctx, { ...step, device: { key: deviceKey, remembered: device.remembered }, provenDevice: { key: deviceKey, groupKey: device.groupKey } });
}

/**
 * A refresh of a sign-in that names a device: "With device tracking, these tokens are linked to a
 * single device. If a refresh token is used on any other device, the call fails", and once the
 * device is forgotten "all future calls to revalidate that device's refresh tokens will fail" (AWS
 * Mobile blog, "Tracking and Remembering Devices Using Amazon Cognito Your User Pools"). A device
 * never confirmed is no device: Cognito refuses its refresh tokens too.
 */
export async function checkRefreshDevice(
  deps: Pick<Deps, 'store'>,
  signIn: SignInRecord,
  user: UserRecord,
  given: string | undefined,
): Promise<void> {
  const invalid = () => NotAuthorizedException('Invalid Refresh Token');
  if (!signIn.deviceKey || given !== signIn.deviceKey) throw invalid();
  const device = await deps.store.getDevice(signIn.poolId, signIn.deviceKey);
  if (!device || !deviceOwnedBy(device, user)) throw invalid();
}
