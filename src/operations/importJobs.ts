import type { Deps } from '../deps.js';
import { ResourceNotFoundException } from '../errors.js';
import { isExpired } from '../import/jobs.js';
import type { ImportJobRecord } from '../store/store.js';

/**
 * A job of the pool, or Cognito's ResourceNotFoundException. A job left `Created` past its expiry is
 * turned `Expired` here, its CSV deleted ("All data associated with the job was deleted").
 */
export async function loadImportJob(deps: Pick<Deps, 'store' | 'clock'>, poolId: string, jobId: string): Promise<ImportJobRecord> {
  const job = await deps.store.getImportJob(poolId, jobId);
  if (!job) throw ResourceNotFoundException(`Import job ${jobId} does not exist in user pool ${poolId}.`);
  if (!isExpired(job, deps.clock.now())) return job;
  const expired = await deps.store.updateImportJob(poolId, jobId, 'Created', { status: 'Expired', dropCsv: true });
  return expired ?? (await deps.store.getImportJob(poolId, jobId)) ?? job;
}
