/**
 * POST /oauth2/token: the grants of a user pool domain's token endpoint, by `grant_type`.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
import type { Deps } from '../deps.js';
import type { ClientRecord, PoolRecord } from '../store/store.js';
import { authenticateClient } from './clientAuth.js';
import { clientCredentialsGrant } from './clientCredentials.js';
import { authorizationCodeGrant, refreshTokenGrant } from '../managedLogin/grants.js';
import { OAuthError, oauthEndpoint, readForm, sendJson, type DomainRequest } from './endpoint.js';

/** What a grant is given: the authenticated client and the whole form. */
export interface GrantRequest {
  deps: Deps;
  pool: PoolRecord;
  client: ClientRecord;
  /** Whether the client proved a secret. */
  confidential: boolean;
  form: Map<string, string>;
  request: DomainRequest;
}

/** A successful token response (RFC 6749 section 5.1), as Cognito's token endpoint answers it. */
export interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
}

export type Grant = (request: GrantRequest) => Promise<TokenResponse>;

/**
 * The grants, by grant_type. A slot left undefined answers unsupported_grant_type.
 * authorization_code and refresh_token are the managed login's (the code flow, src/managedLogin/):
 * they fill their slots here.
 */
export const GRANTS: Record<string, Grant | undefined> = {
  client_credentials: clientCredentialsGrant,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
};

export const tokenEndpoint = oauthEndpoint(async (request) => {
  const form = await readForm(request.req);
  const grantType = form.get('grant_type');
  if (!grantType) throw new OAuthError('invalid_request', 400, 'grant_type is missing.');
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant) throw new OAuthError('unsupported_grant_type');
  const { client, confidential } = await authenticateClient(request.deps, request.req, form, request.pool);
  const response = await grant({ deps: request.deps, pool: request.pool, client, confidential, form, request });
  sendJson(request.res, 200, response);
});
