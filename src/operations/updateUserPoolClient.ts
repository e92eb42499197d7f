import type { Deps, Handler } from '../deps.js';
import { clientSecret, loadClient } from '../auth/client.js';
import { clientView } from '../domain/views.js';
import { checkClientAttributes } from '../users/attributes.js';
import { clientSettings } from './clientSettings.js';
import { checkOAuthSettings } from './oauthSettings.js';

/** Like Cognito, an update replaces every setting; omitted ones return to their defaults. */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer'>): Handler =>
  async (input) => {
    const { client: current, pool } = await loadClient(deps, input.ClientId, input.UserPoolId);
    const settings = clientSettings(input);
    checkClientAttributes(pool, settings, 'updating');
    await checkOAuthSettings(deps, pool.id, settings, current.secretSealed !== null);
    const client = {
      ...current,
      name: input.ClientName ?? current.name,
      settings,
      modifiedAt: deps.clock.now(),
    };
    await deps.store.updateClient(client);
    return { UserPoolClient: clientView(client, clientSecret(deps, client)) };
  };
