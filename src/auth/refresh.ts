import { bytesEqual } from '../crypto/constantTime.js';
import type { Deps, RequestContext } from '../deps.js';
import { NotAuthorizedException } from '../errors.js';
import type { ClientRecord, PoolRecord } from '../store/store.js';
import { issueTokens, sha256Hex, type AuthenticationResult } from '../tokens/issue.js';
import { checkSecretHash, clientSecret } from './client.js';
import { checkUserCanSignIn } from './signIn.js';

export interface RefreshRequest {
  pool: PoolRecord;
  client: ClientRecord;
  refreshToken: string;
  /** InitiateAuth's SECRET_HASH, with the USERNAME it was computed for, if given. */
  secretHash?: { value: string | undefined; username: string | undefined };
  /** GetTokensFromRefreshToken's ClientSecret. */
  clientSecretGiven?: string;
}

/**
 * New access and ID tokens from a refresh token. They keep the sign-in's `origin_jti` and
 * `auth_time`, so revoking the sign-in revokes them too; no new refresh token is issued (Cognate
 * does not rotate refresh tokens yet). Only the token's SHA-256 is stored.
 */
export async function refreshTokens(deps: Deps, ctx: RequestContext, req: RefreshRequest): Promise<AuthenticationResult> {
  const signIn = await deps.store.getSignInByRefreshHash(sha256Hex(req.refreshToken));
  if (!signIn || signIn.clientId !== req.client.id || signIn.poolId !== req.pool.id) {
    throw NotAuthorizedException('Invalid Refresh Token');
  }
  // The sign-in names its user by sub too: a user deleted and created again under the same name is
  // another user, and the old user's refresh token must not sign them in.
  const user = await deps.store.getUser(signIn.poolId, signIn.username);
  if (!user || user.sub !== signIn.sub) throw NotAuthorizedException('Invalid Refresh Token');
  if (req.secretHash) {
    // Clients compute SECRET_HASH for refresh with the username or, in email-username pools, the sub.
    const name = req.secretHash.username === user.sub ? user.sub : user.username;
    checkSecretHash(deps, req.client, name, req.secretHash.value);
  } else if (req.client.secretSealed && !bytesEqual(Buffer.from(clientSecret(deps, req.client)!), Buffer.from(req.clientSecretGiven ?? ''))) {
    throw NotAuthorizedException(`Unable to verify secret hash for client ${req.client.id}`);
  }
  if (signIn.revokedAt !== null) throw NotAuthorizedException('Refresh Token has been revoked');
  if (signIn.expiresAt <= deps.clock.now()) throw NotAuthorizedException('Refresh Token has expired');
  checkUserCanSignIn(user);
  return issueTokens(deps, {
    pool: req.pool,
    client: req.client,
    user,
    ctx,
    refreshOf: { originJti: signIn.originJti, authTime: signIn.authTime },
    ...(ctx.clientMetadata ? { clientMetadata: ctx.clientMetadata } : {}),
  });
}
