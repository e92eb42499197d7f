import type { Deps, Handler } from '../deps.js';
import { loadPool } from './common.js';
import { loadResourceServer, requestScopes, resourceServerMissing, resourceServerView } from './resourceServers.js';

/**
 * UpdateResourceServer replaces the name and the scopes: scopes left out are deleted ("If you
 * don't provide a value for an attribute, it is set to the default value", API reference).
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const current = await loadResourceServer(deps, input.UserPoolId, input.Identifier);
    const updated = await deps.store.updateResourceServer({
      ...current,
      name: input.Name,
      scopes: requestScopes(input.Scopes),
      modifiedAt: deps.clock.now(),
    });
    if (!updated) throw resourceServerMissing(input.Identifier, input.UserPoolId);
    return { ResourceServer: resourceServerView(updated) };
  };
