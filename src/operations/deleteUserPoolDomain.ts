import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { loadPool } from './common.js';

/** DeleteUserPoolDomain: the prefix is free again at once, for any pool. */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    if (!(await deps.store.deleteUserPoolDomain(input.UserPoolId, input.Domain))) {
      throw InvalidParameterException('No such domain or user pool exists.');
    }
    return {};
  };
