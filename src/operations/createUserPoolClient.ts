import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { newClientId, newClientSecret } from '../domain/ids.js';
import { clientIdFromTags } from '../domain/fixedIds.js';
import { clientView } from '../domain/views.js';
import { clientSettings } from './clientSettings.js';
import { checkClientAttributes } from '../users/attributes.js';
import { loadPool } from './common.js';
import { checkOAuthSettings } from './oauthSettings.js';

/**
 * CreateUserPoolClient. A pool tag `cognate:client-id:<ClientName>` fixes the id of the client of
 * that name (docs/seed.md); `fixed` is the seed's way to fix the id and the secret. A ClientSecret
 * in the request is the client's secret, as in Cognito's custom client secrets.
 */
export async function createClient(
  deps: Pick<Deps, 'store' | 'clock' | 'sealer'>,
  input: any,
  fixed: { id?: string; secret?: string } = {},
): Promise<{ UserPoolClient: Record<string, unknown> }> {
  const pool = await loadPool(deps, input.UserPoolId);
  // ClientSecret (a custom secret, newer than GenerateSecret in the model) is the secret, never a setting:
  // kept among the settings it would be stored unsealed and shown by DescribeUserPoolClient without it.
  const { ClientSecret: givenSecret, ...request } = input;
  const settings = clientSettings(request);
  checkClientAttributes(pool, settings, 'creating');
  const now = deps.clock.now();
  const tagged = clientIdFromTags(pool.settings.UserPoolTags as Record<string, string> | undefined, input.ClientName);
  const id = fixed.id ?? tagged ?? newClientId();
  if ((fixed.id ?? tagged) !== undefined && (await deps.store.getClient(id))) {
    throw InvalidParameterException(`An app client with id ${id} already exists.`);
  }
  const secret = fixed.secret ?? givenSecret ?? (input.GenerateSecret ? newClientSecret() : undefined);
  await checkOAuthSettings(deps, pool.id, settings, secret !== undefined);
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
}

export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer'>): Handler =>
  async (input) => createClient(deps, input);
