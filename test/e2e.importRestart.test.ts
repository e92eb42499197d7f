import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateUserImportJobCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  GetCSVHeaderCommand,
  StartUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { sdk, startServerProcess, type ServerProcess } from './support/server.js';

/**
 * An import job running when its server process dies (here SIGKILL, mid-batch) is ended cleanly by
 * the next process on the same database: `Failed` with a message that says why, the counts it last
 * wrote, its CSV deleted, the pool free for a new job, which skips the users already imported
 * (docs/behaviour.md, "User import jobs"). Needs `npm run build`.
 */

const dir = mkdtempSync(join(tmpdir(), 'cognate-import-restart-'));
const db = join(dir, 'cognate.db');
const running: ServerProcess[] = [];
after(async () => {
  for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const ROLE = 'arn:aws:iam::123456789012:role/CognitoImport';
const COUNT = 50_000;
const INTERRUPTED = 'The import job was interrupted because the server stopped. Users imported before that remain.';

function bigCsv(cols: string[], count: number, prefix = 'r'): string {
  const lines = [cols.join(',')];
  for (let i = 0; i < count; i++) {
    const row = new Array<string>(cols.length).fill('');
    row[cols.indexOf('cognito:username')] = `${prefix}${i}`;
    row[cols.indexOf('cognito:mfa_enabled')] = 'false';
    row[cols.indexOf('email')] = `${prefix}${i}@example.com`;
    row[cols.indexOf('email_verified')] = 'true';
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

test('a job running when the server is killed ends Failed at the next start, and a new job can then run', async () => {
  const first = await startServerProcess(['--db', db]);
  running.push(first);
  let client = sdk(first.url);
  const poolId = (await client.send(new CreateUserPoolCommand({ PoolName: 'restart', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
  const cols = (await client.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader!;
  const body = bigCsv(cols, COUNT);
  const create = async () =>
    (await client.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: 'big', CloudWatchLogsRoleArn: ROLE }))).UserImportJob!;
  const job = await create();
  assert.equal((await fetch(job.PreSignedUrl!, { method: 'PUT', body })).status, 200);
  await client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }));
  const describe = async (jobId: string) => (await client.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: jobId }))).UserImportJob!;
  // Wait until some users are in, then kill the process mid-job.
  const runningJob = async (jobId: string) => {
    for (;;) {
      const seen = await describe(jobId);
      if (seen.ImportedUsers! >= 1000 || !['Pending', 'InProgress'].includes(seen.Status!)) return seen;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const seen = await runningJob(job.JobId!);
  assert.equal(seen.Status, 'InProgress', `still running when killed (${seen.ImportedUsers} imported)`);
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  client.destroy();

  /** The next process on the database, and the interrupted job as it shows it. */
  const restart = async (jobId: string) => {
    const next = await startServerProcess(['--db', db]);
    running.push(next);
    client = sdk(next.url);
    const job = await describe(jobId);
    assert.equal(job.Status, 'Failed');
    assert.equal(job.CompletionMessage, INTERRUPTED);
    assert.ok(job.CompletionDate instanceof Date);
    return { next, job };
  };
  const { next: second, job: ended } = await restart(job.JobId!);
  assert.ok(ended.ImportedUsers! >= 1000 && ended.ImportedUsers! < COUNT, `the counts it last wrote (${ended.ImportedUsers})`);

  // The pool is free again: the same file in a new job imports the rest and skips who is already in.
  const retry = await create();
  assert.equal((await fetch(retry.PreSignedUrl!, { method: 'PUT', body })).status, 200);
  await client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: retry.JobId }));
  const deadline = Date.now() + 240_000;
  let done = await describe(retry.JobId!);
  while (['Pending', 'InProgress'].includes(done.Status!) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    done = await describe(retry.JobId!);
  }
  assert.equal(done.Status, 'Succeeded', `${done.Status}: ${done.CompletionMessage}`);
  assert.equal(done.ImportedUsers! + done.SkippedUsers!, COUNT);
  assert.ok(done.SkippedUsers! >= ended.ImportedUsers!, 'the users of the interrupted job are skipped');

  // A graceful stop (SIGTERM) ends the running job itself, at the end of its batch, before exiting.
  const third = await create();
  assert.equal((await fetch(third.PreSignedUrl!, { method: 'PUT', body: bigCsv(cols, COUNT, 's') })).status, 200);
  await client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: third.JobId }));
  assert.equal((await runningJob(third.JobId!)).Status, 'InProgress');
  assert.equal(await second.stop(), 0, second.output());
  const stoppedAt = Date.now();
  client.destroy();
  const { next: last, job: interrupted } = await restart(third.JobId!);
  assert.ok(interrupted.CompletionDate!.getTime() <= stoppedAt, 'ended by the process that stopped, not by the next one');
  client.destroy();
  assert.equal(await last.stop(), 0);
});
