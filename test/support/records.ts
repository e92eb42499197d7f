/** Store records for the store tests, each with fresh ids so that tests sharing a database do not collide. */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  DeviceRecord,
  ClientRecord,
  ImportJobRecord,
  OutboxMessage,
  PoolRecord,
  SessionRecord,
  SignInRecord,
  SigningKeyRecord,
  UserAttribute,
  UserRecord,
} from '../../src/store/store.js';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let serial = 0;
/** A fresh id for this run: tests share one database and must not collide. */
export const uid = (prefix: string) => `${prefix}-${(++serial).toString().padStart(4, '0')}-${randomBytes(3).toString('hex')}`;

export const poolRecord = (id: string, over: Partial<PoolRecord> = {}): PoolRecord => ({
  id,
  name: `pool ${id}`,
  settings: { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaEnabled: true, Policies: { PasswordPolicy: { MinimumLength: 8 } }, Nothing: null },
  createdAt: T0,
  modifiedAt: T0,
  ...over,
});

export const keyRecord = (poolId: string, use: 'access' | 'id', createdAt = T0): SigningKeyRecord => ({
  kid: uid(`kid-${use}`),
  poolId,
  use,
  privateJwkSealed: `sealed-${randomBytes(4).toString('hex')}`,
  publicJwk: JSON.stringify({ kty: 'RSA', use: 'sig' }),
  createdAt,
});

export const clientRecord = (poolId: string, id = uid('client'), over: Partial<ClientRecord> = {}): ClientRecord => ({
  id,
  poolId,
  name: 'app',
  secretSealed: null,
  settings: { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'], RefreshTokenValidity: 30 },
  createdAt: T0,
  modifiedAt: T0,
  ...over,
});

export const userRecord = (poolId: string, username: string, extra: UserAttribute[] = [], over: Partial<UserRecord> = {}): UserRecord => {
  const sub = randomUUID();
  return {
    poolId,
    username,
    sub,
    status: 'CONFIRMED',
    enabled: true,
    attributes: [{ Name: 'sub', Value: sub }, ...extra],
    passwordSalt: 'abcd',
    passwordVerifierSealed: 'sealed-verifier',
    totpSecretSealed: null,
    totpPendingSecretSealed: null,
    totpEnabled: false,
    totpFriendlyDeviceName: null,
    smsMfaEnabled: false,
    preferredMfa: null,
    createdAt: T0,
    modifiedAt: T0,
    ...over,
  };
};

export const sessionRecord = (poolId: string, username: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  idHash: uid('session'),
  poolId,
  clientId: 'client',
  username,
  challenge: 'SOFTWARE_TOKEN_MFA',
  context: { srpB: 'ff', nested: { list: [1, 'two', null, true] } },
  createdAt: T0,
  expiresAt: T0 + 180_000,
  consumedAt: null,
  wrongAttempts: 0,
  ...over,
});

export const signInRecord = (poolId: string, username: string, over: Partial<SignInRecord> = {}): SignInRecord => ({
  originJti: uid('jti'),
  poolId,
  clientId: 'client',
  username,
  sub: `sub-of-${username}`,
  refreshHash: uid('refresh'),
  authTime: Math.floor(T0 / 1000),
  createdAt: T0,
  expiresAt: T0 + 30 * 86_400_000,
  revokedAt: null,
  ...over,
});

export const outboxMessage = (poolId: string, username: string, createdAt: number, over: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: uid('msg'),
  poolId,
  username,
  channel: 'email',
  destination: `${username}@example.com`,
  purpose: 'MFA',
  message: `Your code is ${createdAt % 1_000_000}`,
  createdAt,
  ...over,
});

/** A user import job in status Created. */
export const importJob = (poolId: string, jobId = uid('import-job').replace(/[^0-9a-zA-Z-]/g, ''), createdAt = T0, over: Partial<ImportJobRecord> = {}): ImportJobRecord => ({
  poolId,
  jobId,
  jobName: 'job',
  cloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/Import',
  uploadToken: randomBytes(8).toString('hex'),
  preSignedUrl: `http://127.0.0.1/_cognate/import/${poolId}/${jobId}?token=t`,
  status: 'Created',
  createdAt,
  startedAt: null,
  completedAt: null,
  importedUsers: 0,
  skippedUsers: 0,
  failedUsers: 0,
  completionMessage: null,
  hasCsv: false,
  heartbeatAt: null,
  ...over,
});

/** A confirmed device of `username` (sub as userRecord gives it); the verifier is not a real one. */
export const deviceRecord = (poolId: string, username: string, deviceKey: string, over: Partial<DeviceRecord> = {}): DeviceRecord => ({
  poolId,
  deviceKey,
  username,
  sub: `sub-of-${username}`,
  groupKey: '-group',
  salt: '00ff',
  verifierSealed: 'sealed',
  name: 'phone',
  remembered: false,
  lastIp: null,
  createdAt: T0,
  modifiedAt: T0,
  lastAuthenticatedAt: null,
  ...over,
});
