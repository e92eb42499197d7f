import type { Deps, Handler } from '../deps.js';
import { loadPool } from './common.js';
import { resourceServerMissing } from './resourceServers.js';

/** Deletes the resource server; its scopes stop being granted (app clients keep listing them). */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    if (!(await deps.store.deleteResourceServer(input.UserPoolId, input.Identifier))) throw resourceServerMissing(input.Identifier, input.UserPoolId);
    return {};
  };
