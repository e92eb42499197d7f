import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { importJobView } from '../import/jobs.js';
import { decodeCursor, encodeCursor, loadPool } from './common.js';

/** ListUserImportJobs: "Jobs are listed in chronological order from last created to first created" (developer guide). */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const after = decodeCursor(input.PaginationToken);
    if (after !== undefined && !/^\d+:import-[0-9a-zA-Z-]+$/.test(after)) throw InvalidParameterException('Invalid pagination token.');
    const page = await deps.store.listImportJobs(pool.id, input.MaxResults, after);
    return { UserImportJobs: page.items.map(importJobView), ...(page.next && { PaginationToken: encodeCursor(page.next) }) };
  };
