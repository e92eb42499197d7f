import type { Deps } from '../deps.js';
import { UnauthorizedException, UnsupportedOperationException, UnsupportedTokenTypeException } from '../errors.js';
import type { ClientRecord } from '../store/store.js';
import { sha256Hex } from '../tokens/issue.js';

/**
 * Revokes a refresh token for the client that authenticated, and every access and ID token issued
 * from the same sign-in (they share its origin_jti): RevokeToken and the domain's /oauth2/revoke.
 * Like RFC 7009, a token the server does not know is a success.
 */
export async function revokeRefreshToken(deps: Pick<Deps, 'store' | 'clock'>, client: ClientRecord, token: string): Promise<void> {
  if (client.settings.EnableTokenRevocation === false) {
    throw UnsupportedOperationException('Token revocation is not enabled for this app client.');
  }
  if (token.split('.').length === 3) throw UnsupportedTokenTypeException('Only refresh tokens can be revoked.');
  const signIn = await deps.store.getSignInByRefreshHash(sha256Hex(token));
  if (!signIn) return;
  if (signIn.clientId !== client.id) throw UnauthorizedException('The refresh token was not issued to this client.');
  await deps.store.revokeSignIn(signIn.originJti, deps.clock.now());
}
