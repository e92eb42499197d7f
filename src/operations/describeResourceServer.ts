import type { Deps, Handler } from '../deps.js';
import { loadPool } from './common.js';
import { loadResourceServer, resourceServerView } from './resourceServers.js';

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    return { ResourceServer: resourceServerView(await loadResourceServer(deps, input.UserPoolId, input.Identifier)) };
  };
