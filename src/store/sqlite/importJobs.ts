/** User import jobs, sqlite: the jobs and the batch insert of their users. */
import type { SqliteContext } from './context.js';
import { page, type Row, IMPORT_JOB_COLUMNS, sqliteIndexedAttributes, firstOfEachUsername, importJobAssignments, importJobCursor, parseImportJobCursor, toImportJob } from '../rows.js';
import type { ImportJobRecord, ImportJobStatus, ImportJobUpdate, Page, UserRecord } from '../store.js';

export async function createUsers(ctx: SqliteContext, users: UserRecord[]): Promise<number> {
  // One transaction for the batch (a savepoint in the turn's, with group commit): the inserts are
  // prepared once and run in a loop, which is what SQLite does fastest.
  const insert = ctx.transaction((batch: UserRecord[]) => {
    const user = ctx.sql(
      `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_salt, password_verifier_sealed,
         totp_secret_sealed, totp_pending_secret_sealed, totp_enabled, totp_friendly_device_name, sms_mfa_enabled,
         preferred_mfa, created_at, modified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pool_id, username) DO NOTHING`,
    );
    const attribute = ctx.sql('INSERT OR IGNORE INTO user_attribute_index (pool_id, username, name, value) VALUES (?, ?, ?, ?)');
    let created = 0;
    for (const u of batch) {
      const done = user.run(
        u.poolId, u.username, u.sub, u.status, u.enabled ? 1 : 0, JSON.stringify(u.attributes), u.passwordSalt,
        u.passwordVerifierSealed, u.totpSecretSealed, u.totpPendingSecretSealed, u.totpEnabled ? 1 : 0,
        u.totpFriendlyDeviceName, u.smsMfaEnabled ? 1 : 0, u.preferredMfa, u.createdAt, u.modifiedAt,
      ).changes;
      if (done === 0) continue;
      created++;
      // A new user has no index rows yet: nothing to delete first.
      for (const a of sqliteIndexedAttributes(u.attributes)) attribute.run(u.poolId, u.username, a.Name, a.Value);
    }
    return created;
  });
  return users.length === 0 ? 0 : insert(firstOfEachUsername(users));
}

/**
 * The job's columns: its CSV is a row of user_import_csv (migration 0016 says why), found by that
 * table's primary key.
 */
const IMPORT_JOB = `${IMPORT_JOB_COLUMNS}, EXISTS (SELECT 1 FROM user_import_csv c
  WHERE c.pool_id = user_import_jobs.pool_id AND c.job_id = user_import_jobs.job_id) AS has_csv`;

export async function createImportJob(ctx: SqliteContext, j: ImportJobRecord): Promise<void> {
  ctx.sql(
    `INSERT INTO user_import_jobs (pool_id, job_id, job_name, role_arn, upload_token, pre_signed_url, status, created_at,
       started_at, completed_at, imported_users, skipped_users, failed_users, completion_message)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    j.poolId, j.jobId, j.jobName, j.cloudWatchLogsRoleArn, j.uploadToken, j.preSignedUrl, j.status, j.createdAt,
    j.startedAt, j.completedAt, j.importedUsers, j.skippedUsers, j.failedUsers, j.completionMessage,
  );
}

export async function getImportJob(ctx: SqliteContext, poolId: string, jobId: string): Promise<ImportJobRecord | undefined> {
  const row = ctx.sql(`SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE pool_id = ? AND job_id = ?`).get(poolId, jobId) as Row | undefined;
  return row && toImportJob(row);
}

export async function listImportJobs(ctx: SqliteContext, poolId: string, limit: number, after?: string): Promise<Page<ImportJobRecord>> {
  const [createdAt, jobId] = parseImportJobCursor(after);
  const rows = ctx.sql(
    `SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE pool_id = ? AND (created_at, job_id) < (?, ?)
     ORDER BY created_at DESC, job_id DESC LIMIT ?`,
  ).all(poolId, createdAt, jobId, limit + 1) as Row[];
  return page(rows.map(toImportJob), limit, importJobCursor);
}

export async function putImportCsv(ctx: SqliteContext, poolId: string, jobId: string, csv: string): Promise<boolean> {
  return (
    ctx.sql(
      `INSERT INTO user_import_csv (pool_id, job_id, csv)
       SELECT pool_id, job_id, ? FROM user_import_jobs WHERE pool_id = ? AND job_id = ? AND status = 'Created'
       ON CONFLICT (pool_id, job_id) DO UPDATE SET csv = excluded.csv`,
    ).run(csv, poolId, jobId).changes > 0
  );
}

export async function getImportCsv(ctx: SqliteContext, poolId: string, jobId: string): Promise<string | undefined> {
  const row = ctx.sql('SELECT csv FROM user_import_csv WHERE pool_id = ? AND job_id = ?').get(poolId, jobId) as Row | undefined;
  return row?.csv ?? undefined;
}

export async function updateImportJob(ctx: SqliteContext, poolId: string, jobId: string, from: ImportJobStatus, update: ImportJobUpdate): Promise<ImportJobRecord | undefined> {
  if (update.dropCsv) return updateDroppingCsv(ctx)(poolId, jobId, from, update);
  return updateJobRow(ctx, poolId, jobId, from, update);
}

function updateJobRow(ctx: SqliteContext, poolId: string, jobId: string, from: ImportJobStatus, update: ImportJobUpdate): ImportJobRecord | undefined {
  const { sets, values } = importJobAssignments({ ...update, dropCsv: false }, () => '?');
  let row: Row | undefined;
  try {
    row = ctx.sql(
      `UPDATE user_import_jobs SET ${sets.length ? sets.join(', ') : 'status = status'}
       WHERE pool_id = ? AND job_id = ? AND status = ? RETURNING ${IMPORT_JOB}`,
    ).get(...values, poolId, jobId, from) as Row | undefined;
  } catch (err) {
    // A second active job in the pool (user_import_jobs_one_active): the statement alone is undone.
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
    throw err;
  }
  return row && toImportJob(row);
}

/** The job's update and its CSV's delete, all or nothing. */
const updateDroppingCsv = (ctx: SqliteContext) =>
  ctx.transaction((poolId: string, jobId: string, from: ImportJobStatus, update: ImportJobUpdate) => {
    const job = updateJobRow(ctx, poolId, jobId, from, update);
    if (!job) return undefined;
    ctx.sql('DELETE FROM user_import_csv WHERE pool_id = ? AND job_id = ?').run(poolId, jobId);
    return { ...job, hasCsv: false };
  });

export async function getActiveImportJob(ctx: SqliteContext, poolId: string): Promise<ImportJobRecord | undefined> {
  const row = ctx.sql(
    `SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE status IN ('Pending', 'InProgress', 'Stopping') AND pool_id = ?`,
  ).get(poolId) as Row | undefined;
  return row && toImportJob(row);
}

export async function expireImportJobs(ctx: SqliteContext, createdBefore: number): Promise<number> {
  return ctx.transaction((before: number) => {
    ctx.sql(
      `DELETE FROM user_import_csv WHERE (pool_id, job_id) IN
         (SELECT pool_id, job_id FROM user_import_jobs WHERE status = 'Created' AND created_at < ?)`,
    ).run(before);
    return ctx.sql("UPDATE user_import_jobs SET status = 'Expired' WHERE status = 'Created' AND created_at < ?").run(before).changes;
  })(createdBefore);
}

export async function listStaleImportJobs(ctx: SqliteContext, staleBefore: number): Promise<ImportJobRecord[]> {
  const rows = ctx.sql(
    `SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE status IN ('Pending', 'InProgress', 'Stopping')
       AND coalesce(heartbeat_at, started_at, 0) < ?`,
  ).all(staleBefore) as Row[];
  return rows.map(toImportJob);
}
