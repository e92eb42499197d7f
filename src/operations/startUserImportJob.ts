import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException, LimitExceededException, PreconditionNotMetException } from '../errors.js';
import { importJobView, runImportJob } from '../import/jobs.js';
import { loadPool } from './common.js';
import { loadImportJob } from './importJobs.js';

/**
 * StartUserImportJob: Created -> Pending, answered at once; the job then runs in this process
 * (InProgress, then Succeeded, Failed or Stopped), batch by batch between other requests.
 * Without an uploaded CSV it is PreconditionNotMetException "No csv file was uploaded for <job>",
 * Cognito's answer (aws-amplify/amplify-js#6416); a pool without auto-verified attributes cannot
 * import ("If the user pool has no auto-verified attributes, the import job will not start"). While
 * another job of the pool is active: LimitExceededException ("Only one import job can be active at a
 * time"). A job not started within 24 hours is Expired (loadImportJob) and cannot be started.
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'log'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const job = await loadImportJob(deps, pool.id, input.JobId);
    const notStartable = () => InvalidParameterException(`Import job ${job.jobId} cannot be started: its status is ${job.status}.`);
    if (job.status !== 'Created') throw notStartable();
    if (!job.hasCsv) throw PreconditionNotMetException(`No csv file was uploaded for ${job.jobId}`);
    const auto = (pool.settings.AutoVerifiedAttributes as string[] | undefined) ?? [];
    if (auto.length === 0) {
      throw PreconditionNotMetException('The user pool has no auto-verified attributes (email or phone_number): users cannot be imported.');
    }
    const started = await deps.store.updateImportJob(pool.id, job.jobId, 'Created', { status: 'Pending', startedAt: deps.clock.now() });
    if (!started) {
      // One active job per pool (the unique index user_import_jobs_one_active; choice of error, docs/behaviour.md).
      const active = await deps.store.getActiveImportJob(pool.id);
      if (active && active.jobId !== job.jobId) {
        throw LimitExceededException(`Only one import job can be active at a time: ${active.jobId} is ${active.status}.`);
      }
      throw notStartable();
    }
    setImmediate(() => void runImportJob(deps, pool, job.jobId));
    return { UserImportJob: importJobView(started) };
  };
