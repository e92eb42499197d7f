import { issuerFor } from '../config.js';
import type { Deps } from '../deps.js';
import { domainUrlFor } from '../oauth/endpoint.js';

/**
 * GET /<poolId>/.well-known/jwks.json and /openid-configuration, at the paths Cognito serves them
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
 */
const PATH = /^\/([\w-]+_[0-9a-zA-Z]+)\/\.well-known\/(jwks\.json|openid-configuration)$/;

export async function wellKnown(
  deps: Pick<Deps, 'store' | 'keys' | 'config'>,
  path: string,
  baseUrl: string,
): Promise<{ status: number; body: unknown } | undefined> {
  const match = PATH.exec(path);
  if (!match) return undefined;
  const [, poolId, document] = match;
  const pool = await deps.store.getPool(poolId);
  if (!pool) return { status: 404, body: { message: `User pool ${poolId} does not exist.` } };
  if (document === 'jwks.json') return { status: 200, body: await deps.keys.jwks(poolId) };
  const issuer = issuerFor(deps.config, baseUrl, poolId);
  const local = `${(deps.config.publicUrl ?? baseUrl).replace(/\/+$/, '')}/${poolId}`;
  // With a domain (CreateUserPoolDomain), the managed login's endpoints, served at /domains/<prefix>/.
  const domain = await deps.store.getUserPoolDomainForPool(poolId);
  const at = domain && domainUrlFor(deps, baseUrl, domain.domain);
  const endpoints = at
    ? {
        authorization_endpoint: `${at}/oauth2/authorize`,
        token_endpoint: `${at}/oauth2/token`,
        userinfo_endpoint: `${at}/oauth2/userInfo`,
        revocation_endpoint: `${at}/oauth2/revoke`,
        end_session_endpoint: `${at}/logout`,
      }
    : {};
  return {
    status: 200,
    body: {
      issuer,
      ...endpoints,
      jwks_uri: `${local}/.well-known/jwks.json`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'token'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      // Not in Cognito's document; OIDC clients read them to choose PKCE and grants (docs/behaviour.md).
      grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
      code_challenge_methods_supported: ['S256', 'plain'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'token_use', 'cognito:username', 'email', 'email_verified', 'phone_number', 'phone_number_verified'],
    },
  };
}
