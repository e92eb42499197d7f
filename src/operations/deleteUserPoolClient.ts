import type { Deps, Handler } from '../deps.js';
import { ResourceNotFoundException } from '../errors.js';

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    if (!(await deps.store.deleteClient(input.UserPoolId, input.ClientId))) {
      throw ResourceNotFoundException(`User pool client ${input.ClientId} does not exist.`);
    }
    return {};
  };
