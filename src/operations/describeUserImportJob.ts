import type { Deps, Handler } from '../deps.js';
import { importJobView } from '../import/jobs.js';
import { loadPool } from './common.js';
import { loadImportJob } from './importJobs.js';

/** DescribeUserImportJob: the job with its status and counts (ImportedUsers, SkippedUsers, FailedUsers). */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    return { UserImportJob: importJobView(await loadImportJob(deps, pool.id, input.JobId)) };
  };
