import { randomBytes } from 'node:crypto';
import type { Deps, Handler } from '../deps.js';
import { newImportJobId } from '../domain/ids.js';
import { importJobView } from '../import/jobs.js';
import { loadPool } from './common.js';

/**
 * CreateUserImportJob: a job in status Created, with the URL to upload its CSV to. Cognito's
 * PreSignedUrl is an S3 URL; Cognate's is its own, `<base url>/_cognate/import/<pool>/<job>?token=`,
 * which takes the same HTTP PUT (src/server/importUpload.ts). CloudWatchLogsRoleArn is required
 * by the API and kept, but Cognate writes no CloudWatch logs: the counts are in the job.
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input, ctx) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const jobId = newImportJobId();
    const uploadToken = randomBytes(32).toString('base64url');
    const job = {
      poolId: pool.id,
      jobId,
      jobName: input.JobName,
      cloudWatchLogsRoleArn: input.CloudWatchLogsRoleArn,
      uploadToken,
      preSignedUrl: `${ctx.baseUrl}/_cognate/import/${encodeURIComponent(pool.id)}/${jobId}?token=${uploadToken}`,
      status: 'Created' as const,
      createdAt: deps.clock.now(),
      startedAt: null,
      completedAt: null,
      importedUsers: 0,
      skippedUsers: 0,
      failedUsers: 0,
      completionMessage: null,
      hasCsv: false,
    };
    await deps.store.createImportJob(job);
    return { UserImportJob: importJobView(job) };
  };
