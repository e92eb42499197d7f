/**
 * Rows to records, for both engines. Column names are the same in both schemas; the values differ
 * only in type: SQLite answers booleans as 0/1 and numbers as numbers, PostgreSQL booleans as
 * booleans and BIGINT as strings. `Boolean` and `Number` read either.
 */
import type {
  AttributePage,
  AuthorizationCodeRecord,
  ClientRecord,
  DeviceRecord,
  DeviceUpdate,
  FailureState,
  GroupRecord,
  ImportJobRecord,
  LoginSessionRecord,
  OutboxMessage,
  Page,
  PoolRecord,
  SessionRecord,
  SignInRecord,
  SigningKeyRecord,
  FailureKind,
  UserAttribute,
  UserKey,
  UserKeyChanges,
  UserRecord,
  UserUpdate,
  ImportJobUpdate,
  ResourceServerRecord,
  UserPoolDomainRecord,
} from './store.js';

export type Row = Record<string, any>;

/**
 * The attributes the attribute index holds: those a ListUsers filter can name ("email", "phone_number",
 * "name", "given_name", "family_name", "preferred_username", "sub"; the API reference of ListUsers),
 * which include the sign-in attributes of a UsernameAttributes pool. Indexing the others (email_verified,
 * custom attributes ...) cost a write per attribute on every create and update, for nothing.
 */
export const SEARCHABLE_ATTRIBUTES: ReadonlySet<string> = new Set(['email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'sub']);

/** The attributes of a user that go in the attribute index of an engine that serves `sub` from it. */
export const searchableAttributes = <T extends { Name: string }>(attributes: readonly T[]): T[] =>
  attributes.filter((a) => SEARCHABLE_ATTRIBUTES.has(a.Name));

/**
 * The same without `sub`, for SQLite: its users_sub_key index (the sub's bytes), which every user has anyway,
 * answers a `sub` filter, so the attribute index need not hold a second copy of every sub (three B-tree
 * inserts a user fewer: the index's table, its key and its per-user index).
 */
export const sqliteIndexedAttributes = <T extends { Name: string }>(attributes: readonly T[]): T[] =>
  attributes.filter((a) => a.Name !== 'sub' && SEARCHABLE_ATTRIBUTES.has(a.Name));

const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

/** A page of a listing that fetched `limit + 1` items: the extra one only says there is more. */
export function page<T>(items: T[], limit: number, cursor: (item: T) => string): Page<T> {
  if (items.length <= limit) return { items };
  const kept = items.slice(0, limit);
  return { items: kept, next: cursor(kept[kept.length - 1]) };
}

/**
 * The upper bound of the strings that start with `prefix`, for an index range: U+10FFFF is the
 * largest code point, so `prefix + U+10FFFF` sorts after every other string with that prefix, in
 * SQLite's BINARY collation and PostgreSQL's "C" (both compare UTF-8 bytes).
 */
/** Key changes in one order by name and value, the order both stores lock user_keys rows in. */
export const byKeyOrder = (a: UserKey, b: UserKey): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;

export function keyChangesInOrder(changes: Partial<UserKeyChanges>): { kind: keyof UserKeyChanges; key: UserKey }[] {
  const all = (['release', 'claim', 'take'] as const).flatMap((kind) => (changes[kind] ?? []).map((key) => ({ kind, key })));
  return all.sort((a, b) => byKeyOrder(a.key, b.key));
}

export const prefixEnd = (prefix: string) => `${prefix}\u{10FFFF}`;

/** A listing by attribute that fetched `limit + 1` rows (each with `index_value`): the cursor is the last row kept. */
export function attributePage(rows: Row[], limit: number): AttributePage {
  const kept = rows.slice(0, limit);
  const items = kept.map(toUser);
  if (rows.length <= limit) return { items };
  const last = kept[kept.length - 1];
  return { items, next: { value: last.index_value, username: last.username } };
}

/** From a row with the failure columns selected `AS count, ... AS last_at`; no row counts none. */
export const toFailures = (row: Row | undefined): FailureState => ({
  count: row ? Number(row.count) : 0,
  lastAt: numOrNull(row?.last_at),
});

export const toPool = (r: Row): PoolRecord => ({
  id: r.id,
  name: r.name,
  settings: JSON.parse(r.settings),
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
});

export const toKey = (r: Row): SigningKeyRecord => ({
  kid: r.kid,
  poolId: r.pool_id,
  use: r.key_use,
  privateJwkSealed: r.private_jwk_sealed,
  publicJwk: r.public_jwk,
  createdAt: Number(r.created_at),
});

export const toClient = (r: Row): ClientRecord => ({
  id: r.id,
  poolId: r.pool_id,
  name: r.name,
  secretSealed: r.secret_sealed ?? null,
  settings: JSON.parse(r.settings),
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
});

/** The users.pending_attributes column of UserUpdate's pendingAttributes: JSON, or NULL for none. */
export const pendingColumn = (pending: UserAttribute[] | null | undefined): string | null => (pending?.length ? JSON.stringify(pending) : null);

/**
 * The users columns updateUser may set, both engines, in a fixed order (one statement text per set of
 * columns, whatever the caller's key order), each with its SQL type (PostgreSQL's batched update
 * casts its arrays to it).
 */
export const USER_UPDATE_COLUMNS: Record<keyof UserUpdate, { column: string; type: 'text' | 'boolean' | 'bigint' }> = {
  status: { column: 'status', type: 'text' },
  enabled: { column: 'enabled', type: 'boolean' },
  attributes: { column: 'attributes', type: 'text' },
  passwordSalt: { column: 'password_salt', type: 'text' },
  passwordVerifierSealed: { column: 'password_verifier_sealed', type: 'text' },
  totpSecretSealed: { column: 'totp_secret_sealed', type: 'text' },
  totpPendingSecretSealed: { column: 'totp_pending_secret_sealed', type: 'text' },
  totpEnabled: { column: 'totp_enabled', type: 'boolean' },
  totpFriendlyDeviceName: { column: 'totp_friendly_device_name', type: 'text' },
  smsMfaEnabled: { column: 'sms_mfa_enabled', type: 'boolean' },
  preferredMfa: { column: 'preferred_mfa', type: 'text' },
  pendingAttributes: { column: 'pending_attributes', type: 'text' },
  modifiedAt: { column: 'modified_at', type: 'bigint' },
};
const USER_UPDATE_KEYS = Object.keys(USER_UPDATE_COLUMNS) as (keyof UserUpdate)[];

/**
 * The members an update sets, in USER_UPDATE_COLUMNS' order, with their values as stored: attribute
 * lists as JSON, booleans through `boolean` (SQLite stores 1 and 0).
 */
export function userUpdateValues(update: UserUpdate, boolean: (b: boolean) => unknown = (b) => b): { keys: (keyof UserUpdate)[]; values: unknown[] } {
  const keys = USER_UPDATE_KEYS.filter((k) => update[k] !== undefined);
  const values = keys.map((k) => {
    const v = update[k];
    if (k === 'attributes') return JSON.stringify(v);
    if (k === 'pendingAttributes') return pendingColumn(update.pendingAttributes);
    if (typeof v === 'boolean') return boolean(v);
    return v;
  });
  return { keys, values };
}

/** Each failure counter's columns: the count and when the last failure was. */
export const FAILURE_COLUMNS: Record<FailureKind, [string, string]> = {
  password: ['password_failures', 'password_last_failure_at'],
  mfa: ['mfa_failures', 'mfa_last_failure_at'],
};

export const toUser = (r: Row): UserRecord => {
  const user: UserRecord = {
    poolId: r.pool_id,
    username: r.username,
    sub: r.sub,
    status: r.status,
    enabled: Boolean(r.enabled),
    attributes: JSON.parse(r.attributes),
    passwordSalt: r.password_salt ?? null,
    passwordVerifierSealed: r.password_verifier_sealed ?? null,
    totpSecretSealed: r.totp_secret_sealed ?? null,
    totpPendingSecretSealed: r.totp_pending_secret_sealed ?? null,
    totpEnabled: Boolean(r.totp_enabled),
    totpFriendlyDeviceName: r.totp_friendly_device_name ?? null,
    smsMfaEnabled: Boolean(r.sms_mfa_enabled),
    preferredMfa: r.preferred_mfa ?? null,
    createdAt: Number(r.created_at),
    modifiedAt: Number(r.modified_at),
  };
  // A null column is an absent member (no pending value). Added after the literal, so that every
  // record without one is made from the literal's one shape (a spread inside it made each slower).
  if (r.pending_attributes) user.pendingAttributes = JSON.parse(r.pending_attributes);
  return user;
};

export const toSession = (r: Row): SessionRecord => ({
  idHash: r.id_hash,
  poolId: r.pool_id,
  clientId: r.client_id,
  username: r.username,
  challenge: r.challenge,
  context: JSON.parse(r.context),
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  consumedAt: numOrNull(r.consumed_at),
  wrongAttempts: Number(r.wrong_attempts),
});

export const toSignIn = (r: Row): SignInRecord => ({
  originJti: r.origin_jti,
  poolId: r.pool_id,
  clientId: r.client_id,
  username: r.username,
  sub: r.sub,
  refreshHash: r.refresh_hash,
  authTime: Number(r.auth_time),
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  revokedAt: numOrNull(r.revoked_at),
  // Only a sign-in of a device-tracking pool has a device (src/auth/devices.ts).
  ...(r.device_key != null ? { deviceKey: r.device_key, deviceGroupKey: r.device_group_key ?? null } : {}),
  ...(r.scopes != null ? { scopes: String(r.scopes) } : {}),
});

export const toAuthorizationCode = (r: Row): AuthorizationCodeRecord => ({
  codeHash: r.code_hash,
  poolId: r.pool_id,
  clientId: r.client_id,
  username: r.username,
  sub: r.sub,
  redirectUri: r.redirect_uri,
  scopes: r.scopes,
  codeChallenge: r.code_challenge ?? null,
  codeChallengeMethod: r.code_challenge_method ?? null,
  nonce: r.nonce ?? null,
  state: r.state ?? null,
  authTime: Number(r.auth_time),
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  consumedAt: numOrNull(r.consumed_at),
});

export const toLoginSession = (r: Row): LoginSessionRecord => ({
  idHash: r.id_hash,
  poolId: r.pool_id,
  username: r.username,
  sub: r.sub,
  authTime: Number(r.auth_time),
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
});

export const toDevice = (r: Row): DeviceRecord => ({
  poolId: r.pool_id,
  deviceKey: r.device_key,
  username: r.username,
  sub: r.sub,
  groupKey: r.group_key,
  salt: r.salt,
  verifierSealed: r.verifier_sealed,
  name: r.name ?? null,
  remembered: Boolean(r.remembered),
  lastIp: r.last_ip ?? null,
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
  lastAuthenticatedAt: numOrNull(r.last_authenticated_at),
});

/** updateDevice's assignments, the same on both engines. */
export function deviceAssignments(update: DeviceUpdate, placeholder: (n: number) => string, bool: (b: boolean) => unknown): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  const add = (column: string, value: unknown) => {
    values.push(value);
    sets.push(`${column} = ${placeholder(values.length)}`);
  };
  if (update.remembered !== undefined) add('remembered', bool(update.remembered));
  if (update.lastIp !== undefined) add('last_ip', update.lastIp);
  if (update.lastAuthenticatedAt !== undefined) add('last_authenticated_at', update.lastAuthenticatedAt);
  add('modified_at', update.modifiedAt);
  return { sets, values };
}

export const toOutbox = (r: Row): OutboxMessage => ({
  id: r.id,
  poolId: r.pool_id,
  username: r.username,
  channel: r.channel,
  destination: r.destination,
  purpose: r.purpose,
  message: r.message,
  ...(r.subject !== null && r.subject !== undefined ? { subject: r.subject } : {}),
  createdAt: Number(r.created_at),
});

export const toGroup = (r: Row): GroupRecord => ({
  poolId: r.pool_id,
  name: r.name,
  description: r.description ?? null,
  roleArn: r.role_arn ?? null,
  precedence: numOrNull(r.precedence),
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
});
// ---- user import jobs ----

/** The job columns both engines select (never the CSV itself); each engine adds its `has_csv`. */
export const IMPORT_JOB_COLUMNS =
  'pool_id, job_id, job_name, role_arn, upload_token, pre_signed_url, status, created_at, started_at, completed_at, ' +
  'imported_users, skipped_users, failed_users, completion_message, heartbeat_at';
/** PostgreSQL's: the CSV is a column of the job's row. */
export const IMPORT_JOB = `${IMPORT_JOB_COLUMNS}, csv IS NOT NULL AS has_csv`;

export const toImportJob = (r: Row): ImportJobRecord => ({
  poolId: r.pool_id,
  jobId: r.job_id,
  jobName: r.job_name,
  cloudWatchLogsRoleArn: r.role_arn,
  uploadToken: r.upload_token,
  preSignedUrl: r.pre_signed_url,
  status: r.status,
  createdAt: Number(r.created_at),
  startedAt: numOrNull(r.started_at),
  completedAt: numOrNull(r.completed_at),
  importedUsers: Number(r.imported_users),
  skippedUsers: Number(r.skipped_users),
  failedUsers: Number(r.failed_users),
  completionMessage: r.completion_message ?? null,
  hasCsv: Boolean(r.has_csv),
  heartbeatAt: numOrNull(r.heartbeat_at),
});

/** Import jobs are listed newest first: the cursor is the last job's creation time and id. */
export const importJobCursor = (job: ImportJobRecord) => `${job.createdAt}:${job.jobId}`;
export function parseImportJobCursor(after: string | undefined): [number, string] {
  if (after === undefined) return [Number.MAX_SAFE_INTEGER, ''];
  const colon = after.indexOf(':');
  return [Number(after.slice(0, colon)), after.slice(colon + 1)];
}

/** The columns updateImportJob may set, in a fixed order (one statement text per set of columns). */
export const importJobColumns = {
  status: 'status',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  importedUsers: 'imported_users',
  skippedUsers: 'skipped_users',
  failedUsers: 'failed_users',
  completionMessage: 'completion_message',
  heartbeatAt: 'heartbeat_at',
} as const;

/** The assignments and values of an import job update, `csv = NULL` last when it drops the CSV (PostgreSQL's column). */
export function importJobAssignments(update: ImportJobUpdate, placeholder: (n: number) => string): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [key, column] of Object.entries(importJobColumns) as [keyof typeof importJobColumns, string][]) {
    if (update[key] === undefined) continue;
    values.push(update[key]);
    sets.push(`${column} = ${placeholder(values.length)}`);
  }
  if (update.dropCsv) sets.push('csv = NULL');
  return { sets, values };
}

/** Keeps the first user of each (pool, username) in a batch: the later ones are skipped, as taken names are. */
export function firstOfEachUsername(users: UserRecord[]): UserRecord[] {
  const seen = new Set<string>();
  return users.filter((u) => {
    const key = `${u.poolId}\n${u.username}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const USER_POOL_DOMAIN = 'domain, pool_id, version, status, created_at, modified_at';

export const toUserPoolDomain = (r: Row): UserPoolDomainRecord => ({
  domain: r.domain,
  poolId: r.pool_id,
  version: Number(r.version),
  status: r.status,
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
});

export const RESOURCE_SERVER = 'pool_id, identifier, name, scopes, created_at, modified_at';

export const toResourceServer = (r: Row): ResourceServerRecord => ({
  poolId: r.pool_id,
  identifier: r.identifier,
  name: r.name,
  scopes: JSON.parse(r.scopes),
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
});

/** The user pool domain columns UpdateUserPoolDomain may set, with modified_at: `SET` assignments and their values. */
export function userPoolDomainAssignments(
  update: { version?: number; status?: string; modifiedAt: number },
  param: (i: number) => string,
): { assignments: string; values: unknown[] } {
  const columns: [string, unknown][] = [];
  if (update.version !== undefined) columns.push(['version', update.version]);
  if (update.status !== undefined) columns.push(['status', update.status]);
  columns.push(['modified_at', update.modifiedAt]);
  return { assignments: columns.map(([c], i) => `${c} = ${param(i)}`).join(', '), values: columns.map(([, v]) => v) };
}
