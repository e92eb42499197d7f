/**
 * The client_credentials grant: a confidential app client, with the flow allowed, gets an access
 * token for the resource-server scopes it is allowed ("Scopes, M2M, and APIs with resource
 * servers", token endpoint reference). No user, no ID or refresh token; the token's `sub` is the
 * client id, as in Cognito's machine-to-machine access tokens.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
import { randomUUID } from 'node:crypto';
import { issuerFor } from '../config.js';
import { internalError } from '../errors.js';
import { signRs256 } from '../tokens/jwt.js';
import { tokenLifetimes } from '../tokens/issue.js';
import { splitCustomScope } from '../operations/oauthSettings.js';
import type { Deps } from '../deps.js';
import type { ClientRecord } from '../store/store.js';
import { OAuthError } from './endpoint.js';
import type { Grant } from './token.js';

/** Whether the client may use the OAuth flow at all, and this one (AllowedOAuthFlowsUserPoolClient, AllowedOAuthFlows). */
export function flowAllowed(client: ClientRecord, flow: 'code' | 'implicit' | 'client_credentials'): boolean {
  const settings = client.settings as { AllowedOAuthFlowsUserPoolClient?: boolean; AllowedOAuthFlows?: string[] };
  return settings.AllowedOAuthFlowsUserPoolClient === true && (settings.AllowedOAuthFlows ?? []).includes(flow);
}

/**
 * The scopes a grant gives: those requested (`scope`, space-separated, RFC 6749 section 3.3), or
 * every scope the client is allowed when none is requested; each must be allowed to the client
 * and still exist on its resource server (a deleted scope is not granted), else invalid_scope.
 */
async function grantedScopes(deps: Pick<Deps, 'store'>, client: ClientRecord, requested: string | undefined): Promise<string[]> {
  const allowed = ((client.settings.AllowedOAuthScopes ?? []) as string[]).filter((s) => splitCustomScope(s) !== undefined);
  const wanted = requested === undefined ? allowed : [...new Set(requested.split(' ').filter(Boolean))];
  if (wanted.length === 0) throw new OAuthError('invalid_scope');
  const servers = new Map<string, Set<string> | undefined>();
  for (const scope of wanted) {
    const custom = splitCustomScope(scope);
    if (!custom || !allowed.includes(scope)) throw new OAuthError('invalid_scope');
    if (!servers.has(custom.identifier)) {
      const server = await deps.store.getResourceServer(client.poolId, custom.identifier);
      servers.set(custom.identifier, server && new Set(server.scopes.map((s) => s.ScopeName)));
    }
    if (!servers.get(custom.identifier)?.has(custom.name)) throw new OAuthError('invalid_scope');
  }
  return wanted;
}

export const clientCredentialsGrant: Grant = async ({ deps, pool, client, confidential, form, request }) => {
  if (!confidential || !flowAllowed(client, 'client_credentials')) throw new OAuthError('unauthorized_client');
  const scopes = await grantedScopes(deps, client, form.get('scope'));
  const keys = await deps.keys.signingKeys(pool.id);
  if (!keys) throw internalError();
  const iat = Math.floor(deps.clock.now() / 1000);
  const expiresIn = tokenLifetimes(client).access;
  // Claims and their order as in Cognito's machine-to-machine access tokens.
  const claims = {
    sub: client.id,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: iat,
    iss: issuerFor(deps.config, request.baseUrl, pool.id),
    exp: iat + expiresIn,
    iat,
    version: 2,
    jti: randomUUID(),
    client_id: client.id,
  };
  return { access_token: await signRs256(keys.access.kid, claims, keys.access.key), expires_in: expiresIn, token_type: 'Bearer' };
};
