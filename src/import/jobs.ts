import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import { isTrueValue } from '../domain/attributeValues.js';
import { schemaAttributes } from '../domain/schema.js';
import { wireTime } from '../domain/views.js';
import { newUser } from '../users/lookup.js';
import type { ImportJobRecord, ImportJobUpdate, PoolRecord, UserAttribute, UserRecord } from '../store/store.js';
import { CsvReader } from './csv.js';
import { valueProblem } from '../users/attributes.js';
import { userKeys, usernameRules } from '../users/usernames.js';

/**
 * User import jobs (developer guide, "Importing users into user pools from a CSV file"): the CSV
 * header, the rules a row must meet, and the job that turns rows into users in batches.
 */

/** The standard columns, in the order GetCSVHeader returns them ("Creating the user import CSV file"). */
const STANDARD_COLUMNS = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified',
  'address', 'updated_at',
];

/** The pool's CSV header: the standard attributes, the pool's custom ones, then `cognito:mfa_enabled` and `cognito:username`. */
export function csvHeader(pool: PoolRecord): string[] {
  const custom = schemaAttributes(pool.settings.Schema).map((s) => s.Name).filter((name) => /^(dev:)?custom:/.test(name));
  return [...STANDARD_COLUMNS, ...custom, 'cognito:mfa_enabled', 'cognito:username'];
}

/** The documented limits ("Formatting the CSV file"). */
export const MAX_CSV_BYTES = 100 * 1024 * 1024;
export const MAX_ROW_CHARACTERS = 16_000;
export const MAX_ROWS = 500_000;
/**
 * Users per store transaction: one batch, then the event loop serves other requests. A batch of
 * 1,000 held the SQLite store's event loop for 55 to 125 ms on the development machine (each user
 * is a users row and an index row per attribute), longer than a request should wait; 250 keeps
 * each pause near 30 ms for the same throughput.
 */
export const BATCH_SIZE = 250;
/** How long the upload URL accepts a file: "The PRE_SIGNED_URL returned in the response is valid for 15 minutes." */
export const UPLOAD_URL_LIFETIME_MS = 15 * 60_000;

// CompletionMessage texts: Cognito's, as its documentation and API answers show them.
export const SUCCEEDED_MESSAGE = 'Import Job Completed Successfully.';
export const STOPPED_MESSAGE = 'The Import Job was stopped by the developer.';
export const TOO_MANY_MESSAGE = 'Too many users have failed or been skipped during the import.';
/** Choice (docs/behaviour.md): a job whose process stopped mid-import is ended with this message. */
export const INTERRUPTED_MESSAGE = 'The import job was interrupted because the server stopped. Users imported before that remain.';

/**
 * A job created and not started in time becomes Expired: "You created a job, but did not start the job
 * within 24-48 hours. All data associated with the job was deleted, and the job can't be started"
 * (API reference, UserImportJobType). Cognate expires it at 24 hours (choice: the range's start).
 */
export const EXPIRY_MS = 24 * 3_600_000;
/**
 * A running job writes its counts and a heartbeat after every batch (well under a second apart). On a
 * database that several instances share, an active job without a heartbeat for this long was left by an
 * instance that stopped; the next sweep of another instance ends it.
 */
export const STALE_JOB_MS = 2 * 60_000;

/** Whether a job still Created has outlived EXPIRY_MS at `now`. */
export const isExpired = (job: ImportJobRecord, now: number) => job.status === 'Created' && now - job.createdAt >= EXPIRY_MS;

export const importJobView = (job: ImportJobRecord) => ({
  JobName: job.jobName,
  JobId: job.jobId,
  UserPoolId: job.poolId,
  PreSignedUrl: job.preSignedUrl,
  CreationDate: wireTime(job.createdAt),
  ...(job.startedAt !== null && { StartDate: wireTime(job.startedAt) }),
  ...(job.completedAt !== null && { CompletionDate: wireTime(job.completedAt) }),
  Status: job.status,
  CloudWatchLogsRoleArn: job.cloudWatchLogsRoleArn,
  ImportedUsers: job.importedUsers,
  SkippedUsers: job.skippedUsers,
  FailedUsers: job.failedUsers,
  ...(job.completionMessage !== null && { CompletionMessage: job.completionMessage }),
});

/** What a header row must be: every column of the pool's header exactly once, in any order. */
export function checkHeader(pool: PoolRecord, fields: string[]): Map<string, number> | string {
  const expected = csvHeader(pool);
  const names = fields.map((f) => f.trim());
  const index = new Map<string, number>();
  names.forEach((name, i) => index.set(name, i));
  const missing = expected.filter((name) => !index.has(name));
  const unknown = names.filter((name) => !expected.includes(name));
  if (missing.length || unknown.length || index.size !== names.length) {
    const detail = missing.length ? `missing ${missing[0]}` : unknown.length ? `unknown column ${unknown[0]}` : 'a column repeated';
    return `The CSV header does not match the user pool's (${detail}).`.slice(0, 128);
  }
  return index;
}

const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const BOOLEAN = /^(true|false)$/i;

/**
 * One data row as a new user, or why it cannot be imported (Cognito writes the reason to CloudWatch
 * Logs; Cognate counts it in FailedUsers). Values are trimmed; an empty value sets no attribute.
 */
export function rowToUser(pool: PoolRecord, columns: Map<string, number>, fields: string[], now: number): UserRecord | string {
  if (fields.length !== columns.size) return 'The row does not have a value for every column.';
  const value = (name: string) => (fields[columns.get(name)!] ?? '').trim();
  const username = value('cognito:username');
  if (!USERNAME.test(username)) return 'cognito:username is empty, too long, or contains white space.';
  const mfa = value('cognito:mfa_enabled');
  if (!BOOLEAN.test(mfa)) return 'cognito:mfa_enabled must be true or false.';
  const mfaOn = isTrueValue(mfa);
  const mode = pool.settings.MfaConfiguration ?? 'OFF';
  if (mode === 'ON' && !mfaOn) return 'cognito:mfa_enabled must be true in a pool where MFA is required.';
  if (mode === 'OFF' && mfaOn) return 'cognito:mfa_enabled must be false in a pool where MFA is off.';

  const attributes: UserAttribute[] = [];
  for (const [name] of columns) {
    if (name.startsWith('cognito:')) continue;
    const v = value(name);
    if (v !== '') attributes.push({ Name: name, Value: v });
  }
  const get = (name: string) => attributes.find((a) => a.Name === name)?.Value;
  for (const flag of ['email_verified', 'phone_number_verified']) {
    const v = get(flag);
    if (v !== undefined && !BOOLEAN.test(v)) return `${flag} must be true or false.`;
  }
  if (isTrueValue(get('email_verified')) && !get('email')) return 'email_verified is true but email is empty.';
  if (isTrueValue(get('phone_number_verified')) && !get('phone_number')) return 'phone_number_verified is true but phone_number is empty.';
  const phone = get('phone_number');
  if (phone !== undefined && !/^\+[0-9]{4,15}$/.test(phone)) return 'phone_number is not in E.164 format (+12065551212).';
  const auto = (pool.settings.AutoVerifiedAttributes as string[] | undefined) ?? [];
  if (!auto.some((name) => isTrueValue(get(`${name}_verified`)))) {
    return 'The User Record does not set any of the auto verified attributes to true.';
  }
  for (const s of schemaAttributes(pool.settings.Schema)) {
    if (s.Required && s.Name !== 'sub' && !get(s.Name)) return `The required attribute ${s.Name} is empty.`;
    // Values fit their attribute's type and constraints, as on every other write (src/users/attributes.ts).
    const problem = valueProblem(s, get(s.Name));
    if (problem) return `${s.Name}: ${problem}`.slice(0, 256);
  }
  const signInNames = usernameRules(pool).usernameAttributes;
  if (signInNames.length > 0 && !signInNames.some((name) => get(name))) {
    return `The user has no ${signInNames.join(' or ')}, the pool's sign-in attribute.`;
  }
  if (mfaOn && !phone) return 'cognito:mfa_enabled is true but phone_number is empty.';
  const user = newUser(pool.id, username, randomUUID(), attributes, 'RESET_REQUIRED', now);
  // cognito:mfa_enabled is the legacy SMS MFA flag: codes go to the phone number (here, the outbox).
  if (mfaOn) user.smsMfaEnabled = true;
  return user;
}

/**
 * Creates a batch of users; how many were created (the rest are skipped). In a pool whose users
 * have sign-in keys (UsernameAttributes, AliasAttributes, case-insensitive usernames), each user is
 * created with its keys in one statement group (createUser), so a user whose email, phone number,
 * preferred_username or lower-cased username another user holds is skipped, and the imported user
 * is found by its email or alias like any other. Other pools take the batch insert.
 */
async function createBatch(store: Deps['store'], pool: PoolRecord, batch: UserRecord[]): Promise<number> {
  const keyed = batch.map((user) => ({ user, keys: userKeys(pool, user.username, user.attributes) }));
  if (keyed.every((k) => k.keys.length === 0)) return store.createUsers(batch);
  let created = 0;
  for (const { user, keys } of keyed) if (await store.createUser(user, keys)) created++;
  return created;
}

/**
 * Runs a started job to its end: batches of BATCH_SIZE rows, one store transaction each, the
 * event loop served between them (setImmediate), the counters written after each batch, and a
 * StopUserImportJob honoured between batches. Never throws: a failure ends the job as Failed.
 */
export function runImportJob(deps: Pick<Deps, 'store' | 'clock' | 'log'>, pool: PoolRecord, jobId: string): Promise<void> {
  const jobs = jobsOf(deps.store);
  const run = runJob(deps, pool, jobId, jobs).finally(() => jobs.running.delete(run));
  jobs.running.add(run);
  return run;
}

/** The jobs running on a store in this process, and whether the server is shutting down. */
interface RunningJobs {
  stopping: boolean;
  running: Set<Promise<void>>;
}
const runningJobs = new WeakMap<object, RunningJobs>();
const jobsOf = (store: object): RunningJobs => {
  let jobs = runningJobs.get(store);
  if (!jobs) runningJobs.set(store, (jobs = { stopping: false, running: new Set() }));
  return jobs;
};

/**
 * At shutdown (SIGTERM), before the store closes: each running job ends at the end of its current
 * batch as Failed with INTERRUPTED_MESSAGE, as the next process would have ended it (waits up to `waitMs`).
 */
export async function stopImportJobs(store: object, waitMs = 5_000): Promise<void> {
  const jobs = jobsOf(store);
  jobs.stopping = true;
  if (jobs.running.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...jobs.running]), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
}

async function runJob(deps: Pick<Deps, 'store' | 'clock' | 'log'>, pool: PoolRecord, jobId: string, jobs: RunningJobs): Promise<void> {
  const { store } = deps;
  if (jobs.stopping) return; // a Pending job is started again by the next process
  const counts = { importedUsers: 0, skippedUsers: 0, failedUsers: 0 };
  const finish = async (from: ImportJobRecord['status'], update: ImportJobUpdate) =>
    store.updateImportJob(pool.id, jobId, from, { ...counts, completedAt: deps.clock.now(), dropCsv: true, ...update });
  try {
    if (!(await store.updateImportJob(pool.id, jobId, 'Pending', { status: 'InProgress', heartbeatAt: deps.clock.now() }))) {
      // Stopped before it began.
      await finish('Stopping', { status: 'Stopped', completionMessage: STOPPED_MESSAGE });
      return;
    }
    const csv = (await store.getImportCsv(pool.id, jobId)) ?? '';
    const reader = new CsvReader(csv);
    const header = reader.next();
    const columns = header ? checkHeader(pool, header.fields) : 'The CSV file is empty.';
    if (typeof columns === 'string') {
      await finish('InProgress', { status: 'Failed', completionMessage: columns });
      return;
    }
    let rows = 0;
    // Cognito writes one CloudWatch Logs line per failed row; Cognate writes it to its own log (at info).
    const logFailure = (line: number, reason: string) => deps.log.info({ jobId, poolId: pool.id, line }, `[LINE ${line}] [FAILED] ${reason}`);
    while (!reader.done) {
      const batch: UserRecord[] = [];
      const now = deps.clock.now();
      while (batch.length < BATCH_SIZE) {
        const row = reader.next();
        if (!row) break;
        if (row.fields.length === 1 && row.fields[0].trim() === '') continue; // a blank line
        if (++rows > MAX_ROWS) {
          await finish('InProgress', { status: 'Failed', completionMessage: 'The CSV file has more than 500,000 users.' });
          return;
        }
        const user = row.length > MAX_ROW_CHARACTERS ? 'The row is longer than 16,000 characters.' : rowToUser(pool, columns, row.fields, now);
        if (typeof user === 'string') {
          counts.failedUsers++;
          logFailure(reader.line, user);
        } else batch.push(user);
      }
      const created = await createBatch(store, pool, batch);
      counts.importedUsers += created;
      counts.skippedUsers += batch.length - created;
      await new Promise((resolve) => setImmediate(resolve));
      if (!(await store.updateImportJob(pool.id, jobId, 'InProgress', { ...counts, heartbeatAt: deps.clock.now() }))) {
        await finish('Stopping', { status: 'Stopped', completionMessage: STOPPED_MESSAGE });
        return;
      }
      if (jobs.stopping) {
        await finish('InProgress', { status: 'Failed', completionMessage: INTERRUPTED_MESSAGE });
        return;
      }
    }
    // Choice (docs/behaviour.md): the job fails when more rows failed than were imported. A skipped
    // row (the user already exists) is not a failure: "the import job will continue" (Cognito
    // developer guide, viewing the import results), so a re-run of an interrupted job succeeds.
    const failed = counts.failedUsers > counts.importedUsers;
    const ended = await finish('InProgress', failed ? { status: 'Failed', completionMessage: TOO_MANY_MESSAGE } : { status: 'Succeeded', completionMessage: SUCCEEDED_MESSAGE });
    if (!ended) await finish('Stopping', { status: 'Stopped', completionMessage: STOPPED_MESSAGE });
  } catch (err) {
    deps.log.error({ err, jobId }, 'user import job failed');
    await finish('InProgress', { status: 'Failed', completionMessage: 'The import job failed because of an internal error.' }).catch(() => undefined);
  }
}

/**
 * Ends or restarts the active jobs that a stopped process left behind (at start-up, and in the periodic
 * sweep on a shared database). Choice (docs/behaviour.md): a job still `Pending` had imported nobody
 * and starts again here; one `InProgress` ends `Failed` with INTERRUPTED_MESSAGE and the counts it
 * last wrote (its users stay; a new job with the same file skips them); one `Stopping` ends `Stopped`.
 * Every change is conditional on the status read, so two instances sweeping at once change a job once.
 */
export async function recoverImportJobs(deps: Pick<Deps, 'store' | 'clock' | 'log'>, staleBefore: number): Promise<void> {
  const { store } = deps;
  for (const job of await store.listStaleImportJobs(staleBefore)) {
    const now = deps.clock.now();
    if (job.status === 'Pending') {
      const pool = await store.getPool(job.poolId);
      if (pool) setImmediate(() => void runImportJob(deps, pool, job.jobId));
      continue;
    }
    const ended =
      job.status === 'Stopping'
        ? { status: 'Stopped' as const, completionMessage: STOPPED_MESSAGE }
        : { status: 'Failed' as const, completionMessage: INTERRUPTED_MESSAGE };
    const done = await store.updateImportJob(job.poolId, job.jobId, job.status, { ...ended, completedAt: now, dropCsv: true });
    if (done) deps.log.warn({ jobId: job.jobId, poolId: job.poolId, status: done.status }, 'import job left by a stopped process ended');
  }
}
