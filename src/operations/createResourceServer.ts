import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { loadPool } from './common.js';
import { requestScopes, resourceServerView } from './resourceServers.js';

/** https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const now = deps.clock.now();
    const server = {
      poolId: input.UserPoolId,
      identifier: input.Identifier,
      name: input.Name,
      scopes: requestScopes(input.Scopes),
      createdAt: now,
      modifiedAt: now,
    };
    if (!(await deps.store.createResourceServer(server))) {
      throw InvalidParameterException(`${input.Identifier} already exists in user pool ${input.UserPoolId}.`);
    }
    return { ResourceServer: resourceServerView(server) };
  };
