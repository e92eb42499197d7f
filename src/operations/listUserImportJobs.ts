import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { importJobView, isExpired } from '../import/jobs.js';
import { decodeCursor, encodeCursor, loadPool } from './common.js';

/** ListUserImportJobs: "Jobs are listed in chronological order from last created to first created" (developer guide). */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const after = decodeCursor(input.PaginationToken);
    if (after !== undefined && !/^\d+:import-[0-9a-zA-Z-]+$/.test(after)) throw InvalidParameterException('Invalid pagination token.');
    const page = await deps.store.listImportJobs(pool.id, input.MaxResults, after);
    // An expired job is shown Expired here; it is written so at its next Describe, Start or Stop.
    const now = deps.clock.now();
    const jobs = page.items.map((job) => importJobView(isExpired(job, now) ? { ...job, status: 'Expired' } : job));
    return { UserImportJobs: jobs, ...(page.next && { PaginationToken: encodeCursor(page.next) }) };
  };
