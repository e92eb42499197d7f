import type { Deps, Handler } from '../deps.js';
import { clientSecret, loadClient } from '../auth/client.js';
import { clientView } from '../domain/views.js';

export default (deps: Pick<Deps, 'store' | 'sealer'>): Handler =>
  async (input) => {
    const { client } = await loadClient(deps, input.ClientId, input.UserPoolId);
    return { UserPoolClient: clientView(client, clientSecret(deps, client)) };
  };
