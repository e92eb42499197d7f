import type { Deps, Handler } from '../deps.js';
import { ResourceNotFoundException } from '../errors.js';

export default (deps: Pick<Deps, 'store' | 'keys'>): Handler =>
  async (input) => {
    if (!(await deps.store.deletePool(input.UserPoolId))) {
      throw ResourceNotFoundException(`User pool ${input.UserPoolId} does not exist.`);
    }
    deps.keys.forgetPool(input.UserPoolId);
    return {};
  };
