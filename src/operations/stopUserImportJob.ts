import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { importJobView } from '../import/jobs.js';
import type { ImportJobRecord } from '../store/store.js';
import { loadPool } from './common.js';
import { loadImportJob } from './importJobs.js';

/** How long StopUserImportJob waits for the running job to reach the end of its batch. */
const STOP_WAIT_MS = 5_000;

/**
 * StopUserImportJob: a Pending or InProgress job becomes Stopping, and Stopped with "The Import Job
 * was stopped by the developer." once its current batch is done (users imported so far stay); the
 * answer waits for that, as Cognito's sample answer shows the job Stopped. A job that is not
 * running: InvalidParameterException. A stopped job cannot be started again.
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const job = await loadImportJob(deps, pool.id, input.JobId);
    let stopping: ImportJobRecord | undefined;
    for (const from of ['InProgress', 'Pending'] as const) {
      stopping ??= await deps.store.updateImportJob(pool.id, job.jobId, from, { status: 'Stopping' });
    }
    if (!stopping) throw InvalidParameterException(`Import job ${job.jobId} cannot be stopped: its status is ${job.status}.`);
    const deadline = Date.now() + STOP_WAIT_MS;
    let current = stopping;
    while (current.status === 'Stopping' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      current = (await deps.store.getImportJob(pool.id, job.jobId)) ?? current;
    }
    return { UserImportJob: importJobView(current) };
  };
