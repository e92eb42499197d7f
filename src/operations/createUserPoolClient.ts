import type { Deps, Handler } from '../deps.js';
import { newClientId, newClientSecret } from '../domain/ids.js';
import { clientView } from '../domain/views.js';
import { clientSettings } from './clientSettings.js';
import { checkClientAttributes } from '../users/attributes.js';
import { loadPool } from './common.js';

export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const settings = clientSettings(input);
    checkClientAttributes(pool, settings, 'creating');
    const now = deps.clock.now();
    const id = newClientId();
    const secret = input.GenerateSecret ? newClientSecret() : undefined;
    const client = {
      id,
      poolId: input.UserPoolId,
      name: input.ClientName,
      secretSealed: secret ? deps.sealer.seal(secret, `client/${id}`) : null,
      settings,
      createdAt: now,
      modifiedAt: now,
    };
    await deps.store.createClient(client);
    return { UserPoolClient: clientView(client, secret) };
  };
