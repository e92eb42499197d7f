/**
 * The token endpoint's grants of the managed login (src/oauth/token.ts's table):
 * `authorization_code` (RFC 6749 section 4.1.3, with PKCE, RFC 7636 section 4.6) and
 * `refresh_token` (RFC 6749 section 6). The client is already authenticated (src/oauth/clientAuth.ts).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
import { createHash, randomUUID } from 'node:crypto';
import { bytesEqual } from '../crypto/constantTime.js';
import type { RequestContext } from '../deps.js';
import { CognitoError } from '../errors.js';
import { clientSecret } from '../auth/client.js';
import { refreshTokens } from '../auth/refresh.js';
import { checkUserCanSignIn } from '../auth/signIn.js';
import { OAuthError } from '../oauth/endpoint.js';
import type { Grant, TokenResponse } from '../oauth/token.js';
import type { AuthorizationCodeRecord } from '../store/store.js';
import { ACCESS_SCOPE, issueTokens, sha256Hex, type AuthenticationResult } from '../tokens/issue.js';

/** Cognito answers a bad code, verifier or redirect URI with a bare invalid_grant. */
const invalidGrant = () => new OAuthError('invalid_grant');

/** RFC 7636 section 4.1: the verifier's characters and length. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 section 4.6: S256 compares BASE64URL(SHA256(verifier)) with the challenge; plain, the verifier itself. */
export function pkceMatches(code: Pick<AuthorizationCodeRecord, 'codeChallenge' | 'codeChallengeMethod'>, verifier: string | undefined): boolean {
  if (code.codeChallenge === null) return true;
  if (verifier === undefined || !VERIFIER.test(verifier)) return false;
  const derived = code.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  return bytesEqual(Buffer.from(derived), Buffer.from(code.codeChallenge));
}

/** The token response (RFC 6749 section 5.1): an ID token only for the openid scope, as Cognito. */
function tokenResponse(result: AuthenticationResult, withIdToken: boolean): TokenResponse {
  const response: TokenResponse = { access_token: result.AccessToken, token_type: 'Bearer', expires_in: result.ExpiresIn };
  if (withIdToken) response.id_token = result.IdToken;
  if (result.RefreshToken) response.refresh_token = result.RefreshToken;
  // Cognito's order: id_token, access_token, refresh_token, expires_in, token_type.
  const { id_token, access_token, refresh_token, expires_in, token_type } = response;
  return { ...(id_token ? { id_token } : {}), access_token, ...(refresh_token ? { refresh_token } : {}), expires_in, token_type } as TokenResponse;
}

const requestContext = (baseUrl: string): RequestContext => ({ requestId: randomUUID(), baseUrl });

/**
 * authorization_code: the code is consumed first, in one conditional statement (used or expired
 * codes are refused there); then it must be this client's, for this redirect_uri, with the PKCE
 * verifier. A code that fails a check after it was consumed stays consumed (docs/behaviour.md).
 */
export const authorizationCodeGrant: Grant = async ({ deps, pool, client, form, request }) => {
  const code = form.get('code');
  if (!code) throw new OAuthError('invalid_request', 400, 'code is missing.');
  const record = await deps.store.consumeAuthorizationCode(sha256Hex(code), deps.clock.now());
  if (!record || record.poolId !== pool.id || record.clientId !== client.id) throw invalidGrant();
  if (form.get('redirect_uri') !== record.redirectUri) throw invalidGrant();
  if (!pkceMatches(record, form.get('code_verifier'))) throw invalidGrant();
  const user = await deps.store.getUser(pool.id, record.username);
  if (!user || user.sub !== record.sub) throw invalidGrant();
  try {
    checkUserCanSignIn(user);
  } catch {
    throw invalidGrant();
  }
  const scopes = record.scopes.split(' ').filter(Boolean);
  let result: AuthenticationResult;
  try {
    result = await issueTokens(deps, {
      pool, client, user, ctx: requestContext(request.baseUrl),
      oauth: { scopes, nonce: record.nonce, atHash: true, authTime: record.authTime },
    });
  } catch (err) {
    throw triggerRefusal(err);
  }
  return tokenResponse(result, scopes.includes('openid'));
};

/**
 * A PreTokenGeneration trigger that refused or failed (UserLambdaValidationException,
 * UnexpectedLambdaException, InvalidLambdaResponseException: 400s of the API) is an OAuth
 * invalid_request with the trigger's message (docs/behaviour.md, a choice); anything else stays unexpected.
 */
function triggerRefusal(err: unknown): unknown {
  return err instanceof CognitoError && err.status >= 400 && err.status < 500 ? new OAuthError('invalid_request', 400, err.message) : err;
}

/** The scopes an access token of ours carries (its `scope` claim). */
function scopesOf(accessToken: string): string[] {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as { scope?: string };
  return (payload.scope ?? '').split(' ');
}

/**
 * refresh_token: the API's refresh (src/auth/refresh.ts), so refresh tokens of both paths work on
 * both; no new refresh token, as Cognito without rotation. An ID token comes back when the sign-in
 * had the openid scope, or came from the API (whose tokens always include one).
 */
export const refreshTokenGrant: Grant = async ({ deps, pool, client, form, request }) => {
  const refreshToken = form.get('refresh_token');
  if (!refreshToken) throw new OAuthError('invalid_request', 400, 'refresh_token is missing.');
  let result: AuthenticationResult;
  try {
    result = await refreshTokens(deps, requestContext(request.baseUrl), {
      pool, client, refreshToken, clientSecretGiven: clientSecret(deps, client),
    });
  } catch (err) {
    if (err instanceof CognitoError && err.status === 400) throw invalidGrant();
    throw err;
  }
  const scopes = scopesOf(result.AccessToken);
  return tokenResponse(result, scopes.includes('openid') || scopes.includes(ACCESS_SCOPE));
};
