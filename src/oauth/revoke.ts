/**
 * POST /oauth2/revoke: revokes a refresh token (`token`) and the tokens of its sign-in, for the
 * client that authenticates (Basic or form, as at the token endpoint), with RevokeToken's logic
 * (src/auth/revocation.ts). A token Cognate does not know is a success (RFC 7009 section 2.2).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html
 */
import { revokeRefreshToken } from '../auth/revocation.js';
import { CognitoError } from '../errors.js';
import { authenticateClient } from './clientAuth.js';
import { OAuthError, oauthEndpoint, readForm, SECURITY_HEADERS, DOMAIN_CORS } from './endpoint.js';

/** RevokeToken's refusals as the endpoint's OAuth errors. */
const ERRORS: Record<string, OAuthError> = {
  // Revocation switched off for the client, or an access or ID token instead of a refresh token.
  UnsupportedOperationException: new OAuthError('unsupported_token_type'),
  UnsupportedTokenTypeException: new OAuthError('unsupported_token_type'),
  // A refresh token issued to another client (RFC 6749 section 5.2).
  UnauthorizedException: new OAuthError('invalid_grant'),
};

export const revokeEndpoint = oauthEndpoint(async ({ deps, req, res, pool }) => {
  const form = await readForm(req);
  const token = form.get('token');
  if (!token) throw new OAuthError('invalid_request', 400, 'token is missing.');
  const { client } = await authenticateClient(deps, req, form, pool);
  try {
    await revokeRefreshToken(deps, client, token);
  } catch (err) {
    if (err instanceof CognitoError && ERRORS[err.type]) throw ERRORS[err.type];
    throw err;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, ...DOMAIN_CORS, 'content-length': 0 });
  res.end();
});
