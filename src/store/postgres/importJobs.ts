/** User import jobs, postgres: the jobs and the batch insert of their users. */
import type { ImportJobRecord, ImportJobStatus, ImportJobUpdate, Page, UserRecord } from '../store.js';
import type { PostgresContext } from './context.js';
import { page, type Row, IMPORT_JOB, searchableAttributes, firstOfEachUsername, importJobAssignments, importJobCursor, parseImportJobCursor, toImportJob } from '../rows.js';

/** Per store: users this process added by batch since it last analysed the tables, and how many then. */
const bulkGrowth = new WeakMap<PostgresContext, { since: number; before: number }>();

/**
 * ANALYZE of the tables a bulk load grows, each time it has added as many users as there were at the
 * last ANALYZE (at 1,000, 2,000, 4,000 ... users: about 10 for a million, each a 30,000-row sample). Without
 * statistics (autovacuum off, or not yet run in the middle of a load) the planner plans the batch's
 * statements and their foreign key checks from the tables' size when first planned: measured on this
 * machine, batches of 250 went from 30 ms to 180-540 ms by 30,000 users, and an import of 100,000 ran at
 * 388 users/s; with these ANALYZEs every batch took 26-34 ms up to 50,000 users.
 */
async function analyzeAfterGrowth(ctx: PostgresContext, added: number): Promise<void> {
  const growth = bulkGrowth.get(ctx) ?? { since: 0, before: 0 };
  bulkGrowth.set(ctx, growth);
  growth.since += added;
  if (growth.since < Math.max(1000, growth.before)) return;
  growth.before += growth.since;
  growth.since = 0;
  for (const table of ['users', 'user_attribute_index']) await ctx.query(`ANALYZE ${table}`, []);
}

export async function createUsers(ctx: PostgresContext, users: UserRecord[]): Promise<number> {
  const created = await insertUsers(ctx, users);
  if (created > 0) await analyzeAfterGrowth(ctx, created);
  return created;
}

async function insertUsers(ctx: PostgresContext, users: UserRecord[]): Promise<number> {
  const batch = firstOfEachUsername(users);
  if (batch.length === 0) return 0;
  const column = <T>(f: (u: UserRecord) => T) => batch.map(f);
  return ctx.transaction(async (c) => {
    // One multi-row INSERT from arrays: a batch costs two round trips, not one per user.
    const { rows } = await ctx.query(
      `INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_salt, password_verifier_sealed,
         totp_secret_sealed, totp_pending_secret_sealed, totp_enabled, totp_friendly_device_name, sms_mfa_enabled,
         preferred_mfa, created_at, modified_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::boolean[], $12::text[], $13::boolean[], $14::text[], $15::bigint[], $16::bigint[])
       ON CONFLICT (pool_id, username) DO NOTHING
       RETURNING pool_id, username`,
      [
        column((u) => u.poolId), column((u) => u.username), column((u) => u.sub), column((u) => u.status), column((u) => u.enabled),
        column((u) => JSON.stringify(u.attributes)), column((u) => u.passwordSalt), column((u) => u.passwordVerifierSealed),
        column((u) => u.totpSecretSealed), column((u) => u.totpPendingSecretSealed), column((u) => u.totpEnabled),
        column((u) => u.totpFriendlyDeviceName), column((u) => u.smsMfaEnabled), column((u) => u.preferredMfa),
        column((u) => u.createdAt), column((u) => u.modifiedAt),
      ],
      c,
    );
    const created = new Set(rows.map((r) => `${r.pool_id}\n${r.username}`));
    const pools: string[] = [];
    const usernames: string[] = [];
    const names: string[] = [];
    const values: string[] = [];
    for (const u of batch) {
      if (!created.has(`${u.poolId}\n${u.username}`)) continue;
      for (const a of searchableAttributes(u.attributes)) {
        pools.push(u.poolId);
        usernames.push(u.username);
        names.push(a.Name);
        values.push(a.Value);
      }
    }
    if (pools.length > 0) {
      await ctx.query(
        `INSERT INTO user_attribute_index (pool_id, username, name, value)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT DO NOTHING`,
        [pools, usernames, names, values],
        c,
      );
    }
    return { commit: true, result: created.size };
  });
}

export async function createImportJob(ctx: PostgresContext, j: ImportJobRecord): Promise<void> {
  await ctx.query(
    `INSERT INTO user_import_jobs (pool_id, job_id, job_name, role_arn, upload_token, pre_signed_url, status, created_at,
       started_at, completed_at, imported_users, skipped_users, failed_users, completion_message)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      j.poolId, j.jobId, j.jobName, j.cloudWatchLogsRoleArn, j.uploadToken, j.preSignedUrl, j.status, j.createdAt,
      j.startedAt, j.completedAt, j.importedUsers, j.skippedUsers, j.failedUsers, j.completionMessage,
    ],
  );
}

export async function getImportJob(ctx: PostgresContext, poolId: string, jobId: string): Promise<ImportJobRecord | undefined> {
  const row = await ctx.one(`SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE pool_id = $1 AND job_id = $2`, [poolId, jobId]);
  return row && toImportJob(row);
}

export async function listImportJobs(ctx: PostgresContext, poolId: string, limit: number, after?: string): Promise<Page<ImportJobRecord>> {
  const [createdAt, jobId] = parseImportJobCursor(after);
  const { rows } = await ctx.query(
    `SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE pool_id = $1 AND (created_at, job_id) < ($2, $3)
     ORDER BY created_at DESC, job_id DESC LIMIT $4`,
    [poolId, createdAt, jobId, limit + 1],
  );
  return page(rows.map(toImportJob), limit, importJobCursor);
}

export async function putImportCsv(ctx: PostgresContext, poolId: string, jobId: string, csv: string): Promise<boolean> {
  const result = await ctx.query(
    "UPDATE user_import_jobs SET csv = $1 WHERE pool_id = $2 AND job_id = $3 AND status = 'Created'",
    [csv, poolId, jobId],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getImportCsv(ctx: PostgresContext, poolId: string, jobId: string): Promise<string | undefined> {
  const row = await ctx.one('SELECT csv FROM user_import_jobs WHERE pool_id = $1 AND job_id = $2', [poolId, jobId]);
  return row?.csv ?? undefined;
}

export async function updateImportJob(ctx: PostgresContext, poolId: string, jobId: string, from: ImportJobStatus, update: ImportJobUpdate): Promise<ImportJobRecord | undefined> {
  const { sets, values } = importJobAssignments(update, (n) => `$${n}`);
  const n = values.length;
  let row: Row | undefined;
  try {
    row = await ctx.one(
      `UPDATE user_import_jobs SET ${sets.length ? sets.join(', ') : 'status = status'}
       WHERE pool_id = $${n + 1} AND job_id = $${n + 2} AND status = $${n + 3} RETURNING ${IMPORT_JOB}`,
      [...values, poolId, jobId, from],
    );
  } catch (err) {
    // A second active job in the pool (user_import_jobs_one_active), also when two instances race.
    if ((err as { code?: string }).code === '23505') return undefined;
    throw err;
  }
  return row && toImportJob(row);
}

export async function getActiveImportJob(ctx: PostgresContext, poolId: string): Promise<ImportJobRecord | undefined> {
  const row = await ctx.one(
    `SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE status IN ('Pending', 'InProgress', 'Stopping') AND pool_id = $1`,
    [poolId],
  );
  return row && toImportJob(row);
}

export async function expireImportJobs(ctx: PostgresContext, createdBefore: number): Promise<number> {
  const result = await ctx.query("UPDATE user_import_jobs SET status = 'Expired', csv = NULL WHERE status = 'Created' AND created_at < $1", [
    createdBefore,
  ]);
  return result.rowCount ?? 0;
}

export async function listStaleImportJobs(ctx: PostgresContext, staleBefore: number): Promise<ImportJobRecord[]> {
  const { rows } = await ctx.query(
    `SELECT ${IMPORT_JOB} FROM user_import_jobs WHERE status IN ('Pending', 'InProgress', 'Stopping')
       AND coalesce(heartbeat_at, started_at, 0) < $1`,
    [staleBefore],
  );
  return rows.map(toImportJob);
}
