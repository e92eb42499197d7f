/**
 * The persistence contract. Every engine (SQLite now, PostgreSQL next) implements it, and one
 * contract suite (test/store.contract.test.ts) runs against each.
 *
 * It is asynchronous although better-sqlite3 is not, so a networked engine fits behind it.
 * Anything single-use is consumed by one conditional statement inside the engine
 * (`UPDATE ... WHERE consumed_at IS NULL RETURNING ...`), never read-then-write by the caller.
 * Times are epoch milliseconds unless a name says otherwise.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface PoolRecord {
  id: string;
  name: string;
  /** Everything Describe returns that is not one of the columns: policies, schema, MFA configuration ... */
  settings: PoolSettings;
  createdAt: number;
  modifiedAt: number;
}

export interface PoolSettings {
  [key: string]: Json | undefined;
  MfaConfiguration?: 'OFF' | 'ON' | 'OPTIONAL';
  /** SoftwareTokenMfaConfiguration.Enabled: only SetUserPoolMfaConfig can turn it on. */
  SoftwareTokenMfaEnabled?: boolean;
}

export interface SigningKeyRecord {
  kid: string;
  poolId: string;
  /** Access and ID tokens are signed with different keys, as Cognito does. */
  use: 'access' | 'id';
  privateJwkSealed: string;
  publicJwk: string;
  createdAt: number;
}

export interface ClientRecord {
  id: string;
  poolId: string;
  name: string;
  /** The client secret, sealed; null when the client has none. */
  secretSealed: string | null;
  settings: { [key: string]: Json | undefined };
  createdAt: number;
  modifiedAt: number;
}

export type UserStatus =
  | 'UNCONFIRMED'
  | 'CONFIRMED'
  | 'FORCE_CHANGE_PASSWORD'
  | 'RESET_REQUIRED'
  | 'ARCHIVED'
  | 'COMPROMISED'
  | 'UNKNOWN'
  | 'EXTERNAL_PROVIDER';

export interface UserAttribute {
  Name: string;
  Value: string;
}

/** A unique name of a user besides its username (table user_keys). */
export interface UserKey {
  name: string;
  value: string;
}

/** What `changeUserKeys` does to a user's keys. */
export interface UserKeyChanges {
  release: UserKey[];
  claim: UserKey[];
  take: UserKey[];
}

/** What `changeUserKeys` did. */
export interface UserKeyChangeResult {
  /** A `claim` key another user holds: then nothing was changed. */
  refused?: UserKey;
  /** The `take` keys another user held, and who: read in the same transaction. */
  takenFrom: { key: UserKey; username: string }[];
}

export interface UserRecord {
  poolId: string;
  username: string;
  sub: string;
  status: UserStatus;
  enabled: boolean;
  /** Includes `sub`. */
  attributes: UserAttribute[];
  /** SRP salt (hex) and sealed verifier: the password is never stored. */
  passwordSalt: string | null;
  passwordVerifierSealed: string | null;
  /** The verified (active) TOTP secret, sealed. */
  totpSecretSealed: string | null;
  /** A secret from AssociateSoftwareToken awaiting VerifySoftwareToken, sealed. */
  totpPendingSecretSealed: string | null;
  /** SetUserMFAPreference's Enabled flag for SOFTWARE_TOKEN_MFA. */
  totpEnabled: boolean;
  totpFriendlyDeviceName: string | null;
  /** SetUserMFAPreference's Enabled flag for SMS_MFA (codes go to the outbox). */
  smsMfaEnabled: boolean;
  /** 'SOFTWARE_TOKEN_MFA' | 'SMS_MFA' | 'EMAIL_OTP' or null. */
  preferredMfa: string | null;
  /**
   * Email or phone number values an update holds until they are verified
   * (UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate): at most one per
   * attribute name. Absent when none is pending.
   */
  pendingAttributes?: UserAttribute[];
  createdAt: number;
  modifiedAt: number;
}

/** The columns a caller may rewrite with updateUser (counters have their own atomic calls). */
export type UserUpdate = Partial<
  Pick<
    UserRecord,
    | 'status'
    | 'enabled'
    | 'attributes'
    | 'passwordSalt'
    | 'passwordVerifierSealed'
    | 'totpSecretSealed'
    | 'totpPendingSecretSealed'
    | 'totpEnabled'
    | 'totpFriendlyDeviceName'
    | 'smsMfaEnabled'
    | 'preferredMfa'
    | 'modifiedAt'
  >
> & {
  /** The pending values, replacing those held; null (or an empty list) clears them. */
  pendingAttributes?: UserAttribute[] | null;
};

export type FailureKind = 'password' | 'mfa';

export interface FailureState {
  count: number;
  lastAt: number | null;
}

export interface SessionRecord {
  /** SHA-256 of the session string: the string itself is a bearer secret and is not stored. */
  idHash: string;
  poolId: string;
  clientId: string;
  username: string;
  /** The challenge this session answers: MFA_SETUP, SOFTWARE_TOKEN_MFA, ... or an internal step. */
  challenge: string;
  /** Flow state carried between steps (SRP values, the pending secret step ...). */
  context: { [key: string]: Json | undefined };
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  wrongAttempts: number;
}

export interface SignInRecord {
  /** `origin_jti`: identifies one authentication event and every token derived from it. */
  originJti: string;
  poolId: string;
  clientId: string;
  username: string;
  /**
   * The user's `sub`: a username is free again once its user is deleted, and a sign-in of the old
   * user must not work for the next user of that name.
   */
  sub: string;
  /** SHA-256 of the refresh token. */
  refreshHash: string;
  /** Epoch seconds of the original authentication, kept across refreshes. */
  authTime: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /**
   * The device this sign-in was issued to (NewDeviceMetadata) or authenticated with, and its group
   * key; absent (null) outside device-tracking pools. Its refresh token then works only with that
   * DEVICE_KEY, while the device exists.
   */
  deviceKey?: string | null;
  deviceGroupKey?: string | null;
  /**
   * The OAuth scopes (space-separated) a managed-login sign-in was granted, kept by its refreshes;
   * absent for the API's sign-ins, whose access tokens carry `aws.cognito.signin.user.admin`.
   */
  scopes?: string;
}

/** An authorization code of the managed login's code flow (RFC 6749 section 4.1), stored as its SHA-256. */
export interface AuthorizationCodeRecord {
  codeHash: string;
  poolId: string;
  clientId: string;
  username: string;
  sub: string;
  redirectUri: string;
  /** Space-separated. */
  scopes: string;
  /** PKCE (RFC 7636): absent when the authorize request had none. */
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  nonce: string | null;
  state: string | null;
  /** Epoch seconds of the authentication. */
  authTime: number;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

/** A managed-login session (the domain's session cookie), stored as the SHA-256 of the cookie's value. */
export interface LoginSessionRecord {
  idHash: string;
  poolId: string;
  username: string;
  sub: string;
  /** Epoch seconds of the authentication. */
  authTime: number;
  createdAt: number;
  expiresAt: number;
}

/** A confirmed device of a user (ConfirmDevice): only its SRP salt and sealed verifier, never its secret. */
export interface DeviceRecord {
  poolId: string;
  /** `<region>_<uuid>` (NewDeviceMetadata.DeviceKey). */
  deviceKey: string;
  username: string;
  /** The user's sub: a user deleted and created again under the name is another user. */
  sub: string;
  /** The SRP "pool name" of the verifier (NewDeviceMetadata.DeviceGroupKey). */
  groupKey: string;
  /** Hex of the salt bytes the client chose. */
  salt: string;
  /** The verifier (hex), sealed. */
  verifierSealed: string;
  name: string | null;
  /** `dev:device_remembered_status`: remembered or not_remembered. */
  remembered: boolean;
  lastIp: string | null;
  createdAt: number;
  modifiedAt: number;
  lastAuthenticatedAt: number | null;
}

/** What updateDevice may change. */
export type DeviceUpdate = Partial<Pick<DeviceRecord, 'remembered' | 'lastIp' | 'lastAuthenticatedAt'>> & { modifiedAt: number };

/** A user pool group (CreateGroup). Absent optional members are null. */
export interface GroupRecord {
  poolId: string;
  name: string;
  description: string | null;
  /** The IAM role ARN for the `cognito:roles` and `cognito:preferred_role` ID token claims. */
  roleArn: string | null;
  /** Lower ranks first; null ranks after every number (Cognito's default). */
  precedence: number | null;
  createdAt: number;
  modifiedAt: number;
}

/** The members UpdateGroup may change; absent ones keep their value. */
export type GroupUpdate = Partial<Pick<GroupRecord, 'description' | 'roleArn' | 'precedence'>> & { modifiedAt: number };

/** A message Cognate would have delivered by SMS or email. */
export interface OutboxMessage {
  id: string;
  poolId: string;
  username: string;
  channel: 'sms' | 'email';
  destination: string;
  /** MFA, SIGN_UP, FORGOT_PASSWORD, ... */
  purpose: string;
  message: string;
  /** An email's subject, when a custom message trigger gave one. */
  subject?: string;
  createdAt: number;
}

/** What every AccessToken check needs, read together. */
export interface AccessContext {
  pool?: PoolRecord;
  user?: UserRecord;
  signIn?: SignInRecord;
  /**
   * The sign-in's app client, when the engine reads it in the same statement (PostgreSQL: one round
   * trip instead of a second query); null when read and absent; undefined when not read (SQLite,
   * whose record cache makes getClient cheap).
   */
  client?: ClientRecord | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, absent on the last. */
  next?: string;
}

/** Where a listing by attribute stopped: the last row's indexed value and username. */
export interface AttributeCursor {
  value: string;
  username: string;
}

export interface AttributePage {
  items: UserRecord[];
  next?: AttributeCursor;
}

export type TotpCompletion = 'ok' | 'session-used' | 'step-used';

/** A confirmation or password-reset code: one live code per (user, purpose), stored as a hash. */
export interface UserCodeRecord {
  poolId: string;
  username: string;
  /** SIGN_UP, FORGOT_PASSWORD, ... */
  purpose: string;
  codeHash: string;
  expiresAt: number;
}

export type CodeCheck = 'ok' | 'mismatch' | 'expired' | 'missing';

/** Wrong guesses a code survives before it is deleted. */
export const MAX_CODE_ATTEMPTS = 5;

/**
 * Growing lockouts after repeated failures, as Cognito documents for passwords: `free` failures
 * are free, then the user is locked for `firstMs`, doubling with each further failure up to
 * `maxMs`. The engines evaluate it in SQL (reserveAttempt), src/auth/password.ts in JavaScript.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior
 */
export const LOCKOUT = { free: 5, firstMs: 1000, maxMs: 15 * 60_000 } as const;

/** A fixed-window quota on a counter of `attempt_counters` (codes issued, codes guessed). */
export interface Quota {
  poolId: string;
  /** A username, or the name given for a user that does not exist. */
  subject: string;
  /** What is counted: `issue:FORGOT_PASSWORD`, `guess:SIGN_UP` ... */
  kind: string;
  limit: number;
  windowMs: number;
}

/** A user import job's status, as Cognito names them (UserImportJobStatusType). */
export type ImportJobStatus = 'Created' | 'Pending' | 'InProgress' | 'Stopping' | 'Expired' | 'Stopped' | 'Failed' | 'Succeeded';

/** A user import job (CreateUserImportJob); its uploaded CSV is kept apart (putImportCsv). */
export interface ImportJobRecord {
  poolId: string;
  jobId: string;
  jobName: string;
  cloudWatchLogsRoleArn: string;
  /** The random token of the upload URL: Describe returns the URL again, as Cognito returns its pre-signed URL. */
  uploadToken: string;
  preSignedUrl: string;
  status: ImportJobStatus;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  importedUsers: number;
  skippedUsers: number;
  failedUsers: number;
  completionMessage: string | null;
  /** Whether a CSV has been uploaded (and not yet dropped). Ignored by createImportJob. */
  hasCsv: boolean;
  /** When the process running the job last wrote its progress (null before it runs). Ignored by createImportJob. */
  heartbeatAt?: number | null;
}

/** What updateImportJob may change; `dropCsv` deletes the uploaded CSV. */
export type ImportJobUpdate = Partial<
  Pick<ImportJobRecord, 'status' | 'startedAt' | 'completedAt' | 'importedUsers' | 'skippedUsers' | 'failedUsers' | 'completionMessage' | 'heartbeatAt'>
> & { dropCsv?: boolean };

/** A user pool domain (CreateUserPoolDomain): a prefix served at /domains/<domain>/. */
export interface UserPoolDomainRecord {
  /** The prefix, unique across the server. */
  domain: string;
  poolId: string;
  /** ManagedLoginVersion: 1 (classic hosted UI) or 2 (managed login). */
  version: number;
  /** DomainStatusType: ACTIVE once created. */
  status: string;
  createdAt: number;
  modifiedAt: number;
}

/** What UpdateUserPoolDomain may change. */
export type UserPoolDomainUpdate = Partial<Pick<UserPoolDomainRecord, 'version' | 'status'>> & { modifiedAt: number };

/** A custom scope of a resource server (ResourceServerScopeType). */
export interface ResourceServerScope {
  ScopeName: string;
  ScopeDescription: string;
}

/** A resource server (CreateResourceServer); app clients name its scopes `<identifier>/<ScopeName>`. */
export interface ResourceServerRecord {
  poolId: string;
  identifier: string;
  name: string;
  scopes: ResourceServerScope[];
  createdAt: number;
  modifiedAt: number;
}

export interface Store {
  /**
   * True when this process is the database's only user (SQLite's exclusive lock), so that any work the
   * database shows as running was left by a process that has stopped; false for PostgreSQL, which
   * several instances share.
   */
  readonly exclusive: boolean;
  /** Resolves when the schema is current and the engine reachable. */
  ready(): Promise<void>;

  // Pools, and their signing keys
  createPool(pool: PoolRecord, keys: SigningKeyRecord[]): Promise<void>;
  getPool(id: string): Promise<PoolRecord | undefined>;
  listPools(limit: number, after?: string): Promise<Page<PoolRecord>>;
  /**
   * Rewrites the pool's name and settings. With `ifModifiedAt`, only if the stored pool's modifiedAt
   * is still that (optimistic concurrency, operations/common.ts savePool); whether it was written.
   */
  updatePool(pool: PoolRecord, ifModifiedAt?: number): Promise<boolean>;
  /** Deletes the pool and everything in it. */
  deletePool(id: string): Promise<boolean>;
  getSigningKeys(poolId: string): Promise<SigningKeyRecord[]>;
  getSigningKey(kid: string): Promise<SigningKeyRecord | undefined>;

  // App clients
  createClient(client: ClientRecord): Promise<void>;
  getClient(id: string): Promise<ClientRecord | undefined>;
  listClients(poolId: string, limit: number, after?: string): Promise<Page<ClientRecord>>;
  updateClient(client: ClientRecord): Promise<void>;
  /** Deletes the client with its auth sessions and sign-ins: its tokens stop working. */
  deleteClient(poolId: string, id: string): Promise<boolean>;

  // Users
  /**
   * False when the username is taken in the pool, or one of `keys` is held by another user
   * (user_keys' primary key, written in the user's own transaction: concurrent sign-ups with one
   * email create one user).
   */
  createUser(user: UserRecord, keys?: UserKey[]): Promise<boolean>;
  /** The user holding key `name` = `value` (an email of a UsernameAttributes pool, a verified alias, a lower-cased username). */
  getUserByKey(poolId: string, name: string, value: string): Promise<UserRecord | undefined>;
  /**
   * A user's key changes in one transaction: `release` deleted where `username` holds them, `claim`
   * given to `username` only if free or its own already, `take` given to it from whoever held them (an
   * alias moves to the newest user to verify it). When another user holds a `claim` key, nothing
   * changes: of two concurrent updates to one unique email or preferred_username, one gets it. Keys
   * are written in one order (byKeyOrder), so two changes never wait on each other's keys crosswise.
   */
  changeUserKeys(poolId: string, username: string, changes: Partial<UserKeyChanges>): Promise<UserKeyChangeResult>;
  getUser(poolId: string, username: string): Promise<UserRecord | undefined>;
  /**
   * The user with this `sub` (an index on the sub: users_sub_key on SQLite, users_sub on PostgreSQL).
   * Subs are random UUIDs: on SQLite a sub is unique across the file, not only in its pool.
   */
  getUserBySub(poolId: string, sub: string): Promise<UserRecord | undefined>;
  /** How many users the pool has (DescribeUserPool's EstimatedNumberOfUsers). */
  countUsers(poolId: string): Promise<number>;
  /**
   * Users whose attribute `name` has exactly `value` (aliases, sign-in by email). Only the attributes
   * ListUsers can search are indexed (SEARCHABLE_ATTRIBUTES in rows.ts, `sub` included); another name finds nobody.
   */
  findUsersByAttribute(poolId: string, name: string, value: string): Promise<UserRecord[]>;
  listUsers(poolId: string, limit: number, after?: string): Promise<Page<UserRecord>>;
  /*
   * ListUsers filters, each answered from an index at a cost that does not depend on the pool's size.
   * A page's `next` is the cursor to pass back as `after`.
   */
  /** Users whose username starts with `prefix`, by username. */
  listUsersByUsernamePrefix(poolId: string, prefix: string, limit: number, after?: string): Promise<Page<UserRecord>>;
  /**
   * Users whose attribute `name` equals `value` (by username), or starts with it (`prefix`, by value then
   * username); `name` one of SEARCHABLE_ATTRIBUTES (rows.ts).
   */
  listUsersByAttribute(
    poolId: string,
    name: string,
    value: string,
    prefix: boolean,
    limit: number,
    after?: AttributeCursor,
  ): Promise<AttributePage>;
  /** Users whose status (`cognito:user_status`) or enabled flag has this value, by username. */
  listUsersByStatus(poolId: string, column: 'status' | 'enabled', value: string | boolean, limit: number, after?: string): Promise<Page<UserRecord>>;
  updateUser(poolId: string, username: string, update: UserUpdate): Promise<boolean>;
  /** Deletes the user with everything that names them: sessions, sign-ins, codes, outbox messages. */
  deleteUser(poolId: string, username: string): Promise<boolean>;

  /**
   * Records an accepted TOTP time step: true only if `step` is later than every step accepted
   * before for this user (RFC 6238 section 5.2: a verifier must not accept the same OTP twice).
   * `update` is applied in the same statement, only when the step is accepted, and so is the reset
   * of the user's MFA failure count (a right code resets it). completeTotpChallenge likewise.
   */
  consumeTotpStep(
    poolId: string,
    username: string,
    step: number,
    update?: Omit<UserUpdate, 'attributes'>,
    /** When given: the step is accepted only if the user is not locked out of MFA at this time (LOCKOUT), in the same statement. */
    unlessLockedAt?: number,
  ): Promise<boolean>;
  recordFailure(poolId: string, username: string, kind: FailureKind, now: number): Promise<FailureState>;
  /**
   * Reserves one attempt at a secret before it is checked, in one conditional statement: unless
   * the user is locked out (LOCKOUT), counts a failure now and returns true; during a lockout
   * counts nothing and returns false (also for a missing user). A right secret then clears the
   * count (clearFailures), so concurrent guesses cannot all be evaluated before any is counted.
   */
  reserveAttempt(poolId: string, username: string, kind: FailureKind, now: number): Promise<boolean>;
  /** Gives back a reserved attempt that was neither right nor wrong (a replayed TOTP code). */
  refundAttempt(poolId: string, username: string, kind: FailureKind): Promise<void>;
  /**
   * reserveAttempt for a name that is no user (`attempt_counters`, kind 'password'), so unknown
   * names are locked out like real users; the row lives a day after its last failure.
   */
  reserveNameAttempt(poolId: string, name: string, now: number): Promise<boolean>;
  /**
   * Counts one use against a fixed-window quota, in one conditional statement: true if fewer than
   * `limit` were counted in the window (which starts at the first use and lasts `windowMs`).
   */
  takeQuota(quota: Quota, now: number): Promise<boolean>;
  /** Forgets a quota's count. */
  clearQuota(poolId: string, subject: string, kind: string): Promise<void>;
  getFailures(poolId: string, username: string, kind: FailureKind): Promise<FailureState>;
  clearFailures(poolId: string, username: string, kind: FailureKind): Promise<void>;

  // Auth sessions
  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  /** Marks the session used; returns it only if it was not used before. */
  consumeSession(idHash: string, now: number): Promise<SessionRecord | undefined>;
  /** Counts a wrong answer; returns the new count. */
  addSessionWrongAttempt(idHash: string): Promise<number>;
  /**
   * Reserves one answer of a session before it is checked: counts it and returns true only if
   * fewer than `max` were counted and the session is not consumed. A session then dies after `max`
   * wrong answers even when they all arrive at once.
   */
  reserveSessionAttempt(idHash: string, max: number): Promise<boolean>;
  /** Gives back a reserved answer that was not wrong (a replayed code, a throttled user). */
  refundSessionAttempt(idHash: string): Promise<void>;
  /** Consumes the session and the TOTP step together, or neither. */
  completeTotpChallenge(idHash: string, poolId: string, username: string, step: number, now: number): Promise<TotpCompletion>;
  /** Deletes sessions that expired before now (and attempt counters past their expiry); returns the sessions' count. */
  deleteExpiredSessions(now: number): Promise<number>;

  // Sign-ins (refresh-token families) and revocation
  createSignIn(signIn: SignInRecord): Promise<void>;
  getSignIn(originJti: string): Promise<SignInRecord | undefined>;
  /** The pool, user and sign-in an access token names, in one read. */
  getAccessContext(poolId: string, username: string, originJti: string): Promise<AccessContext>;
  getSignInByRefreshHash(refreshHash: string): Promise<SignInRecord | undefined>;
  revokeSignIn(originJti: string, now: number): Promise<boolean>;
  revokeUserSignIns(poolId: string, username: string, now: number): Promise<number>;

  // Remembered devices. Deleting a user or a pool deletes their devices.
  /** False when the pool already has a device with this key. */
  createDevice(device: DeviceRecord): Promise<boolean>;
  getDevice(poolId: string, deviceKey: string): Promise<DeviceRecord | undefined>;
  /** A user's devices by key, a page at a time (ListDevices). */
  listDevices(poolId: string, username: string, limit: number, after?: string): Promise<Page<DeviceRecord>>;
  /** Applies `update` to the device if `username` owns it; false otherwise. */
  updateDevice(poolId: string, deviceKey: string, username: string, update: DeviceUpdate): Promise<boolean>;
  /** Deletes the device if `username` owns it (ForgetDevice). */
  deleteDevice(poolId: string, deviceKey: string, username: string): Promise<boolean>;
  // Managed login: authorization codes and the domain's sessions (src/managedLogin/)
  createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void>;
  /**
   * Consumes a code in one conditional statement: returns it only if it was neither used before nor
   * expired at `now`; of concurrent redemptions exactly one gets it.
   */
  consumeAuthorizationCode(codeHash: string, now: number): Promise<AuthorizationCodeRecord | undefined>;
  createLoginSession(session: LoginSessionRecord): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  getLoginSession(idHash: string, now: number): Promise<LoginSessionRecord | undefined>;
  /** Sign-out (/logout): false when there was none. */
  deleteLoginSession(idHash: string): Promise<boolean>;
  /** The sweep: deletes codes and managed-login sessions that expired before `now`; returns how many. */
  deleteExpiredLoginState(now: number): Promise<number>;

  // Confirmation and reset codes
  /** Replaces the user's live code for the purpose. */
  putUserCode(code: UserCodeRecord): Promise<void>;
  /**
   * Consumes the code if it matches and has not expired ('ok', exactly once). A wrong code counts a
   * guess ('mismatch'); after MAX_CODE_ATTEMPTS the code is deleted.
   */
  consumeUserCode(poolId: string, username: string, purpose: string, codeHash: string, now: number): Promise<CodeCheck>;

  // Groups and their members. Deleting a group, a user or a pool deletes their memberships.
  /** False when the pool has a group of that name. */
  createGroup(group: GroupRecord): Promise<boolean>;
  getGroup(poolId: string, name: string): Promise<GroupRecord | undefined>;
  /** A pool's groups by name. */
  listGroups(poolId: string, limit: number, after?: string): Promise<Page<GroupRecord>>;
  /** Sets the given members in one statement; the updated group, or undefined when there is none. */
  updateGroup(poolId: string, name: string, update: GroupUpdate): Promise<GroupRecord | undefined>;
  deleteGroup(poolId: string, name: string): Promise<boolean>;
  /** Idempotent: adding a member twice keeps one membership. False when the group or the user does not exist. */
  addUserToGroup(poolId: string, groupName: string, username: string): Promise<boolean>;
  /** False when the user was not in the group. */
  removeUserFromGroup(poolId: string, groupName: string, username: string): Promise<boolean>;
  /** A user's groups by name, a page at a time (AdminListGroupsForUser). */
  listGroupsForUser(poolId: string, username: string, limit: number, after?: string): Promise<Page<GroupRecord>>;
  /** Every group of a user, by name, in one indexed read (the token claims). */
  getUserGroups(poolId: string, username: string): Promise<GroupRecord[]>;
  /** A group's members by username. */
  listUsersInGroup(poolId: string, groupName: string, limit: number, after?: string): Promise<Page<UserRecord>>;

  // Outbox
  addOutboxMessage(message: OutboxMessage): Promise<void>;
  /** Newest first; messages of the same millisecond in reverse order of writing. */
  listOutbox(poolId: string, username: string | undefined, limit: number): Promise<OutboxMessage[]>;
  /**
   * Retention: deletes messages created before `before`, and in each pool every message past its
   * `keepPerPool` newest. Returns how many were deleted.
   */
  pruneOutbox(before: number, keepPerPool: number): Promise<number>;

  // Facts about the database itself (the sealing key check)
  getMeta(name: string): Promise<string | undefined>;
  /** Stores `value` under `name` unless a value is already there; returns the stored value either way. */
  putMetaIfAbsent(name: string, value: string): Promise<string>;

  // User import jobs
  /**
   * Creates many users in one transaction (an import batch): users whose username is taken in
   * their pool, or repeated in `users`, are left out (the first one wins). Returns how many were
   * created; their attribute index rows are written in the same transaction.
   */
  createUsers(users: UserRecord[]): Promise<number>;
  createImportJob(job: ImportJobRecord): Promise<void>;
  getImportJob(poolId: string, jobId: string): Promise<ImportJobRecord | undefined>;
  /** A pool's jobs, newest first; `next` is the cursor to pass back as `after`. */
  listImportJobs(poolId: string, limit: number, after?: string): Promise<Page<ImportJobRecord>>;
  /** Stores the job's CSV, replacing an earlier upload; false unless the job exists and is still `Created`. */
  putImportCsv(poolId: string, jobId: string, csv: string): Promise<boolean>;
  getImportCsv(poolId: string, jobId: string): Promise<string | undefined>;
  /**
   * Applies `update` only if the job's status is `from` (one conditional statement); the job as updated, or
   * undefined. Also undefined when the update would give the pool a second active job (Pending, InProgress or
   * Stopping: the unique index user_import_jobs_one_active), so that two starts cannot both succeed.
   */
  updateImportJob(poolId: string, jobId: string, from: ImportJobStatus, update: ImportJobUpdate): Promise<ImportJobRecord | undefined>;
  /** The pool's active job (Pending, InProgress or Stopping), if any. */
  getActiveImportJob(poolId: string): Promise<ImportJobRecord | undefined>;
  /**
   * Active jobs (Pending, InProgress or Stopping) of every pool whose last heartbeat (or start, before the
   * first) is before `staleBefore`: jobs left by a process that stopped.
   */
  listStaleImportJobs(staleBefore: number): Promise<ImportJobRecord[]>;
  /** Jobs of every pool still `Created` and created before `createdBefore` become `Expired`, their CSV deleted; answers how many. */
  expireImportJobs(createdBefore: number): Promise<number>;
  /** Deletes a pool's outbox (DELETE /_cognate/outbox); answers how many messages it held. */
  clearOutbox(poolId: string): Promise<number>;

  // User pool domains and resource servers (managed login). Deleting a pool deletes both.
  /** False when the domain is taken (by any pool) or the pool already has a domain. */
  createUserPoolDomain(domain: UserPoolDomainRecord): Promise<boolean>;
  /** The domain of this prefix, whichever pool holds it (the router's lookup). */
  getUserPoolDomain(domain: string): Promise<UserPoolDomainRecord | undefined>;
  getUserPoolDomainForPool(poolId: string): Promise<UserPoolDomainRecord | undefined>;
  /** Sets the given members of the pool's domain of this name; the updated domain, or undefined. */
  updateUserPoolDomain(poolId: string, domain: string, update: UserPoolDomainUpdate): Promise<UserPoolDomainRecord | undefined>;
  /** False unless the pool holds this domain. */
  deleteUserPoolDomain(poolId: string, domain: string): Promise<boolean>;
  /** False when the pool has a resource server of that identifier. */
  createResourceServer(server: ResourceServerRecord): Promise<boolean>;
  getResourceServer(poolId: string, identifier: string): Promise<ResourceServerRecord | undefined>;
  /** A pool's resource servers by identifier, in byte order; `next` is the cursor to pass back as `after`. */
  listResourceServers(poolId: string, limit: number, after?: string): Promise<Page<ResourceServerRecord>>;
  /** Replaces the name and scopes (UpdateResourceServer sets both); the updated server, or undefined. */
  updateResourceServer(server: ResourceServerRecord): Promise<ResourceServerRecord | undefined>;
  deleteResourceServer(poolId: string, identifier: string): Promise<boolean>;

  close(): Promise<void>;
}
