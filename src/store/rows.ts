/**
 * Rows to records, for both engines. Column names are the same in both schemas; the values differ
 * only in type: SQLite answers booleans as 0/1 and numbers as numbers, PostgreSQL booleans as
 * booleans and BIGINT as strings. `Boolean` and `Number` read either.
 */
import type {
  AttributePage,
  ClientRecord,
  FailureState,
  GroupRecord,
  ImportJobRecord,
  OutboxMessage,
  Page,
  PoolRecord,
  SessionRecord,
  SignInRecord,
  SigningKeyRecord,
  UserRecord,
  ImportJobUpdate,
} from './store.js';

export type Row = Record<string, any>;

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

export const toUser = (r: Row): UserRecord => ({
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
});

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
});

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

/** The job columns both engines select (never the CSV itself), with `has_csv`. */
export const IMPORT_JOB =
  'pool_id, job_id, job_name, role_arn, upload_token, pre_signed_url, status, created_at, started_at, completed_at, ' +
  'imported_users, skipped_users, failed_users, completion_message, csv IS NOT NULL AS has_csv';

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
} as const;

/** The assignments and values of an import job update, `csv = NULL` last when it drops the CSV. */
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
