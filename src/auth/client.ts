import type { Deps } from '../deps.js';
import { InvalidParameterException, NotAuthorizedException, ResourceNotFoundException } from '../errors.js';
import { secretHashMatches } from '../crypto/secretHash.js';
import type { ClientRecord, PoolRecord } from '../store/store.js';

export async function loadClient(
  deps: Pick<Deps, 'store'>,
  clientId: string,
  poolId?: string,
): Promise<{ client: ClientRecord; pool: PoolRecord }> {
  const client = await deps.store.getClient(clientId);
  if (!client || (poolId !== undefined && client.poolId !== poolId)) {
    throw ResourceNotFoundException(`User pool client ${clientId} does not exist.`);
  }
  const pool = await deps.store.getPool(client.poolId);
  if (!pool) throw ResourceNotFoundException(`User pool client ${clientId} does not exist.`);
  return { client, pool };
}

export function clientSecret(deps: Pick<Deps, 'sealer'>, client: ClientRecord): string | undefined {
  return client.secretSealed ? deps.sealer.open(client.secretSealed, `client/${client.id}`).toString('utf8') : undefined;
}

/**
 * SECRET_HASH = Base64(HMAC-SHA256(client secret, username + client id)), required on every
 * sign-in call of a client that has a secret.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
 */
export function checkSecretHash(
  deps: Pick<Deps, 'sealer'>,
  client: ClientRecord,
  username: string,
  given: string | undefined,
): void {
  const secret = clientSecret(deps, client);
  if (!secret) return;
  if (!given) {
    throw NotAuthorizedException(`Client ${client.id} is configured with secret but SECRET_HASH was not received`);
  }
  if (!secretHashMatches(given, username, client.id, secret)) {
    throw NotAuthorizedException(`Unable to verify secret hash for client ${client.id}`);
  }
}

/**
 * ExplicitAuthFlows. A client lists either `ALLOW_` names or the legacy ones (`ADMIN_NO_SRP_AUTH`,
 * `CUSTOM_AUTH_FLOW_ONLY`, `USER_PASSWORD_AUTH`), never both (clientSettings.ts refuses the mix).
 * A client created without any gets ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH and
 * ALLOW_REFRESH_TOKEN_AUTH ("If you don't specify a value for ExplicitAuthFlows, your app client
 * supports ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH", API reference,
 * CreateUserPoolClient).
 *
 * The legacy names switched flows on *in addition to* SRP, refresh and custom auth, which the old
 * API always allowed; CUSTOM_AUTH_FLOW_ONLY allowed custom auth (and refresh) only. Cognito keeps
 * that meaning for clients configured the old way, so a client with `["ADMIN_NO_SRP_AUTH"]` still
 * signs in over SRP and refreshes (docs/behaviour.md, "App clients").
 */
const allowNames: Record<string, string> = {
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  ADMIN_USER_PASSWORD_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
};

export const DEFAULT_AUTH_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
export const LEGACY_AUTH_FLOWS = ['ADMIN_NO_SRP_AUTH', 'CUSTOM_AUTH_FLOW_ONLY', 'USER_PASSWORD_AUTH'];

const isLegacy = (flows: string[]) => flows.length > 0 && flows.every((f) => LEGACY_AUTH_FLOWS.includes(f));

/** What a client's legacy ExplicitAuthFlows allow, in ALLOW_ names. */
function legacyAllowed(flows: string[]): string[] {
  if (flows.includes('CUSTOM_AUTH_FLOW_ONLY')) return ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
  const allowed = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
  if (flows.includes('USER_PASSWORD_AUTH')) allowed.push('ALLOW_USER_PASSWORD_AUTH');
  if (flows.includes('ADMIN_NO_SRP_AUTH')) allowed.push('ALLOW_ADMIN_USER_PASSWORD_AUTH');
  return allowed;
}

export function checkFlowAllowed(client: ClientRecord, flow: string): void {
  const flows = (client.settings.ExplicitAuthFlows as string[] | undefined) ?? DEFAULT_AUTH_FLOWS;
  const allowed = isLegacy(flows) ? legacyAllowed(flows) : flows;
  if (!allowed.includes(allowNames[flow])) {
    throw InvalidParameterException(`${flow === 'ADMIN_USER_PASSWORD_AUTH' ? 'ADMIN_NO_SRP_AUTH' : flow} flow not enabled for this client`);
  }
}
