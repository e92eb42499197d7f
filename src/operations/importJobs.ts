import type { Deps } from '../deps.js';
import { ResourceNotFoundException } from '../errors.js';
import type { ImportJobRecord } from '../store/store.js';

/** A job of the pool, or Cognito's ResourceNotFoundException. */
export async function loadImportJob(deps: Pick<Deps, 'store'>, poolId: string, jobId: string): Promise<ImportJobRecord> {
  const job = await deps.store.getImportJob(poolId, jobId);
  if (!job) throw ResourceNotFoundException(`Import job ${jobId} does not exist in user pool ${poolId}.`);
  return job;
}
