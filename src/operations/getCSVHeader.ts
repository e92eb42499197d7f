import type { Deps, Handler } from '../deps.js';
import { csvHeader } from '../import/jobs.js';
import { loadPool } from './common.js';

/**
 * GetCSVHeader: the columns of the pool's import file, in Cognito's order: the standard
 * attributes, the pool's custom attributes, `cognito:mfa_enabled` and `cognito:username`
 * (developer guide, "Creating the user import CSV file").
 */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    return { UserPoolId: pool.id, CSVHeader: csvHeader(pool) };
  };
