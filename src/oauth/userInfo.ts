/**
 * GET and POST /oauth2/userInfo: the user's attributes that the access token's scopes cover, for
 * a token from this domain's token endpoint (it must carry `openid`; the API's tokens, with
 * aws.cognito.signin.user.admin alone, are refused). The token is checked as every user operation
 * checks it (src/tokens/verify.ts): signature, expiry, revocation, the user's state.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html
 */
import { CognitoError } from '../errors.js';
import { authenticateAccessToken } from '../tokens/verify.js';
import { readableAttributes } from '../users/attributes.js';
import type { UserAttribute } from '../store/store.js';
import { sendJson, type Route } from './endpoint.js';

/** The attributes each OIDC scope adds (with `openid` alone: every attribute the client may read). */
const PROFILE = ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'];
const SCOPE_ATTRIBUTES: Record<string, (name: string) => boolean> = {
  profile: (name) => PROFILE.includes(name) || name.startsWith('custom:'),
  email: (name) => name === 'email' || name === 'email_verified',
  phone: (name) => name === 'phone_number' || name === 'phone_number_verified',
};

/** The attributes the scopes cover; `sub` always. */
export function userInfoAttributes(scopes: string[], attributes: UserAttribute[]): UserAttribute[] {
  const filters = scopes.filter((s) => s in SCOPE_ATTRIBUTES).map((s) => SCOPE_ATTRIBUTES[s]);
  if (filters.length === 0) return attributes;
  return attributes.filter((a) => a.Name === 'sub' || filters.some((covers) => covers(a.Name)));
}

/** Cognito's answers (userInfo endpoint reference), with the scheme RFC 6750 section 3 puts first. */
const BAD_REQUEST = 'Bad OAuth2 request at UserInfo Endpoint';
const BAD_TOKEN = 'Access token is expired, disabled, or deleted, or the user has globally signed out.';
const refuse = (res: Parameters<Route>[0]['res'], status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description }, {
    'www-authenticate': `Bearer error="${error}", error_description="${description}"`,
  });

export const userInfoEndpoint: Route = async ({ deps, req, res, pool }) => {
  req.resume(); // a POST's body carries nothing this endpoint reads
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return refuse(res, 400, 'invalid_request', BAD_REQUEST);
  let authenticated;
  try {
    authenticated = await authenticateAccessToken(deps, match[1], 'openid');
  } catch (err) {
    if (!(err instanceof CognitoError) || err.status !== 400) throw err;
    return refuse(res, 401, 'invalid_token', BAD_TOKEN);
  }
  const { claims, user } = authenticated;
  const client = await deps.store.getClient(claims.client_id);
  if (authenticated.pool.id !== pool.id || !client) return refuse(res, 401, 'invalid_token', BAD_TOKEN);
  const body: Record<string, string> = {};
  for (const { Name, Value } of userInfoAttributes(claims.scope.split(' '), readableAttributes(client, user.attributes))) body[Name] = Value;
  body.username = user.username;
  sendJson(res, 200, body);
};
